"""Private helpers shared by subgraph extraction, transforms, batching and conversions.

They turn user id arguments into checked id tensors, build result graphs through the public
constructors and copy feature tensors between graphs.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

import torch

from ._graph.ids import CanonicalEType, to_id_tensor
from .base import DGLError

__all__ = [
    "nodes_by_type",
    "edges_by_type",
    "build_graph",
    "build_block",
    "copy_frame",
    "unique_first_seen",
    "node_map",
]

def nodes_by_type(g: Any, nodes: Any, what: str = "node", allow_missing: bool = True) -> Dict[str, torch.Tensor]:
    """Normalise a node argument to ``{ntype: ids}``; a plain argument needs a single node type."""
    if isinstance(nodes, Mapping):
        out = {}
        for nt, ids in nodes.items():
            if nt not in g.ntypes:
                raise DGLError(f"Unknown node type {nt!r}; the graph has node types {list(g.ntypes)}.")
            out[nt] = to_id_tensor(ids, g.idtype, g.device, what, bound=g.num_nodes(nt), allow_mask=True, move=True)
        return out
    if len(g.ntypes) != 1:
        raise DGLError(
            f"The graph has several node types {list(g.ntypes)}; pass {what} ids as a dict keyed by node type."
        )
    nt = g.ntypes[0]
    return {nt: to_id_tensor(nodes, g.idtype, g.device, what, bound=g.num_nodes(nt), allow_mask=True, move=True)}


def edges_by_type(g: Any, edges: Any, what: str = "edge") -> Dict[CanonicalEType, torch.Tensor]:
    """Normalise an edge argument to ``{canonical etype: ids}``."""
    if isinstance(edges, Mapping):
        out = {}
        for et, ids in edges.items():
            cet = canonical(g, et)
            out[cet] = to_id_tensor(ids, g.idtype, g.device, what, bound=g.num_edges(cet), allow_mask=True, move=True)
        return out
    if len(g.canonical_etypes) != 1:
        raise DGLError(
            f"The graph has several edge types {list(g.canonical_etypes)}; "
            f"pass {what} ids as a dict keyed by edge type."
        )
    cet = g.canonical_etypes[0]
    return {cet: to_id_tensor(edges, g.idtype, g.device, what, bound=g.num_edges(cet), allow_mask=True, move=True)}


def canonical(g: Any, etype: Any) -> CanonicalEType:
    """The canonical triple of ``etype`` in ``g``, raising ``DGLError`` for an unknown type."""
    if etype is None:
        if len(g.canonical_etypes) != 1:
            raise DGLError(
                f"The graph has several edge types {list(g.canonical_etypes)}; specify etype."
            )
        return g.canonical_etypes[0]
    if isinstance(etype, tuple):
        if tuple(etype) not in [tuple(c) for c in g.canonical_etypes]:
            raise DGLError(f"Unknown edge type {etype!r}; the graph has {list(g.canonical_etypes)}.")
        return tuple(etype)  # type: ignore[return-value]
    matches = [c for c in g.canonical_etypes if c[1] == etype]
    if not matches:
        raise DGLError(f"Unknown edge type {etype!r}; the graph has {list(g.canonical_etypes)}.")
    if len(matches) > 1:
        raise DGLError(f"Edge type {etype!r} is ambiguous; use one of {matches}.")
    return matches[0]


def check_ntype(g: Any, ntype: Optional[str]) -> str:
    """Resolve ``ntype`` (None allowed for a graph with one node type)."""
    if ntype is None:
        if len(g.ntypes) != 1:
            raise DGLError(f"The graph has several node types {list(g.ntypes)}; specify ntype.")
        return g.ntypes[0]
    if ntype not in g.ntypes:
        raise DGLError(f"Unknown node type {ntype!r}; the graph has node types {list(g.ntypes)}.")
    return ntype


def build_graph(
    edges: Mapping[CanonicalEType, Tuple[torch.Tensor, torch.Tensor]],
    num_nodes: Mapping[str, int],
    idtype: torch.dtype,
    device: torch.device,
    sort: bool = False,
) -> Any:
    """A new graph with the given relations and node counts.

    Node types and relations keep the order of ``num_nodes`` and ``edges`` (as DGL's transforms
    keep the order of their input); with ``sort`` they are sorted as :func:`graphdl.heterograph`
    sorts them.
    """
    if sort:
        from .convert import heterograph

        data = {
            tuple(cet): (u.to(device=device, dtype=idtype), v.to(device=device, dtype=idtype))
            for cet, (u, v) in edges.items()
        }
        return heterograph(data, num_nodes_dict=dict(num_nodes), idtype=idtype, device=device)
    from .heterograph import DGLGraph

    ntypes = list(num_nodes)
    cets, adjs = _adjs(edges, num_nodes, num_nodes, idtype, device)
    return DGLGraph._create(ntypes, ntypes, [int(num_nodes[t]) for t in ntypes], cets, adjs, idtype, device)


def _adjs(edges, num_src, num_dst, idtype, device):
    from ._graph.storage import SparseAdj

    cets, adjs = [], []
    for cet, (u, v) in edges.items():
        s, _, d = cet
        if s not in num_src or d not in num_dst:
            raise DGLError(f"Internal error: relation {cet} uses a node type without a node count.")
        u = u.to(device=device, dtype=idtype)
        v = v.to(device=device, dtype=idtype)
        adjs.append(SparseAdj(u, v, int(num_src[s]), int(num_dst[d])))
        cets.append(tuple(cet))
    return cets, adjs


def build_block(
    edges: Mapping[CanonicalEType, Tuple[torch.Tensor, torch.Tensor]],
    num_src: Mapping[str, int],
    num_dst: Mapping[str, int],
    idtype: torch.dtype,
    device: torch.device,
) -> Any:
    """A new block with the given relations and source/destination node counts (order kept)."""
    from .heterograph import DGLGraph

    cets, adjs = _adjs(edges, num_src, num_dst, idtype, device)
    counts = [int(num_src[t]) for t in num_src] + [int(num_dst[t]) for t in num_dst]
    return DGLGraph._create(list(num_src), list(num_dst), counts, cets, adjs, idtype, device, is_block=True)


def copy_frame(
    src: Mapping[str, torch.Tensor],
    dst: Any,
    index: Optional[torch.Tensor] = None,
    names: Optional[Sequence[str]] = None,
    skip: Sequence[str] = (),
) -> None:
    """Write ``src[name][index]`` (or the whole tensor) into the frame ``dst`` for every name."""
    keys = list(src.keys()) if names is None else list(names)
    for k in keys:
        if k in skip:
            continue
        v = src[k]
        dst[k] = v if index is None else v[index.to(v.device).long()]


def unique_first_seen(x: torch.Tensor) -> torch.Tensor:
    """Distinct values of ``x`` in the order of their first occurrence."""
    if x.numel() == 0:
        return x.clone()
    uniq, inv = torch.unique(x, return_inverse=True)
    pos = torch.arange(x.shape[0], device=x.device)
    first = torch.full((uniq.shape[0],), x.shape[0], dtype=torch.long, device=x.device)
    first = first.scatter_reduce(0, inv, pos, reduce="amin")
    return uniq[torch.argsort(first)]


def node_map(ids: torch.Tensor, num: int) -> torch.Tensor:
    """Array of length ``num`` mapping an old id to its position in ``ids`` (or -1)."""
    m = torch.full((num,), -1, dtype=torch.int64, device=ids.device)
    m[ids.long()] = torch.arange(ids.shape[0], dtype=torch.int64, device=ids.device)
    return m


def type_dict_or_tensor(g: Any, d: Dict[str, torch.Tensor], by_ntype: bool = True) -> Union[torch.Tensor, dict]:
    """Return the single value when the graph has one type, else the dict."""
    types = g.ntypes if by_ntype else g.canonical_etypes
    if len(types) == 1:
        return next(iter(d.values()))
    return d
