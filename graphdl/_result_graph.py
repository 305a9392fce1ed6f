"""Building the graph a transform or conversion returns, from relations and node counts.

Transforms, subgraphs, batching and conversions compute ``{canonical etype: (src, dst)}`` and
node counts, then call :func:`build_graph` (or :func:`build_block`) for the result; node and
edge types keep the caller's order unless ``sort`` asks for :func:`graphdl.heterograph`'s.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple, Union

import torch

from ._graph.ids import CanonicalEType
from ._graph.storage import SparseAdj
from .base import DGLError
from .heterograph import DGLGraph

__all__ = ["build_graph", "build_block", "type_dict_or_tensor"]


def build_graph(
    edges: Mapping[CanonicalEType, Tuple[torch.Tensor, torch.Tensor]],
    num_nodes: Mapping[str, int],
    idtype: torch.dtype,
    device: torch.device,
    sort: bool = False,
) -> DGLGraph:
    """A new graph with the given relations and node counts.

    Node types and relations keep the order of ``num_nodes`` and ``edges`` (as DGL's transforms
    keep the order of their input); with ``sort`` they are sorted as :func:`graphdl.heterograph`
    sorts them.
    """
    if sort:
        num_nodes = {t: num_nodes[t] for t in sorted(num_nodes)}
        edges = {tuple(c): edges[c] for c in sorted(edges, key=tuple)}
    ntypes = list(num_nodes)
    cets, adjs = _adjs(edges, num_nodes, num_nodes, idtype, device)
    return DGLGraph._create(ntypes, ntypes, [int(num_nodes[t]) for t in ntypes], cets, adjs, idtype, device)


def _adjs(edges, num_src, num_dst, idtype, device):
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
) -> DGLGraph:
    """A new block with the given relations and source/destination node counts (order kept)."""
    cets, adjs = _adjs(edges, num_src, num_dst, idtype, device)
    counts = [int(num_src[t]) for t in num_src] + [int(num_dst[t]) for t in num_dst]
    return DGLGraph._create(list(num_src), list(num_dst), counts, cets, adjs, idtype, device, is_block=True)


def type_dict_or_tensor(g: Any, d: Dict[str, torch.Tensor], by_ntype: bool = True) -> Union[torch.Tensor, dict]:
    """Return the single value when the graph has one type, else the dict."""
    types = g.ntypes if by_ntype else g.canonical_etypes
    if len(types) == 1:
        return next(iter(d.values()))
    return d
