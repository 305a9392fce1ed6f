"""Argument normalisation shared by the samplers."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import torch

from .._graph.ids import CanonicalEType, to_id_tensor
from ..base import DGLError

__all__ = [
    "to_np",
    "nodes_per_type",
    "per_etype",
    "edge_weights",
    "exclude_per_etype",
    "resolve_etype",
    "check_fanouts",
    "as_list",
]


def to_np(t: torch.Tensor) -> np.ndarray:
    """A numpy view of a CPU tensor (copied to the CPU first when needed)."""
    return t.detach().cpu().contiguous().numpy()


def resolve_etype(g: Any, etype: Any) -> CanonicalEType:
    try:
        return tuple(g.to_canonical_etype(etype))  # type: ignore[return-value]
    except DGLError:
        raise
    except Exception as exc:  # the graph reports unknown names its own way
        raise DGLError(f"Unknown edge type {etype!r}.") from exc


def nodes_per_type(g: Any, nodes: Any, side_types: Sequence[str]) -> Dict[str, torch.Tensor]:
    """Seed nodes as ``{ntype: ids}`` with every id checked against ``g``."""
    if isinstance(nodes, Mapping):
        out = {}
        for nt, ids in nodes.items():
            if nt not in g.ntypes:
                raise DGLError(f"Unknown node type {nt!r} in the seed nodes.")
            out[nt] = to_id_tensor(ids, g.idtype, "cpu", f"{nt!r} node", bound=g.num_nodes(nt),
                                   allow_float=True, move=True)
    else:
        if len(side_types) != 1:
            raise DGLError(
                "The graph has several node types; give the seed nodes as a dict {node type: ids}."
            )
        nt = side_types[0]
        out = {nt: to_id_tensor(nodes, g.idtype, "cpu", f"{nt!r} node", bound=g.num_nodes(nt),
                                allow_float=True, move=True)}
    return out


def per_etype(g: Any, value: Any) -> Dict[CanonicalEType, Any]:
    """Broadcast a scalar to every relation, or map a dict keyed by any etype form."""
    if isinstance(value, Mapping):
        out: Dict[CanonicalEType, Any] = {}
        for et, v in value.items():
            out[resolve_etype(g, et)] = v
        return out
    return {cet: value for cet in g.canonical_etypes}


def edge_weights(g: Any, cet: CanonicalEType, prob: Optional[Union[str, Mapping]]) -> Optional[np.ndarray]:
    """Per-edge weights of relation ``cet`` from the feature ``prob`` as float64, or ``None``
    when ``prob`` is ``None`` or the relation has no such feature (uniform sampling there).

    Boolean masks become 0/1 weights. Negative or non-finite weights raise ``DGLError``.
    """
    if prob is None:
        return None
    name = prob
    if isinstance(prob, Mapping):
        name = None
        for et, v in prob.items():
            if resolve_etype(g, et) == cet:
                name = v
        if name is None:
            return None
    if isinstance(name, torch.Tensor):
        w = name
    else:
        data = g.edges[cet].data
        if name not in data:
            return None
        w = data[name]
    if w.dim() != 1 or w.shape[0] != g.num_edges(cet):
        raise DGLError(
            f"prob/mask {name!r} must be 1-D with one value per edge of {cet}, got shape {tuple(w.shape)}."
        )
    arr = to_np(w.to(torch.float64))
    if arr.size and (not np.isfinite(arr).all() or arr.min() < 0):
        raise DGLError(f"prob {name!r} of edge type {cet} must be finite and non-negative.")
    return arr


def exclude_per_etype(g: Any, exclude_edges: Any) -> Dict[CanonicalEType, np.ndarray]:
    """Sorted int64 arrays of excluded edge ids per relation (empty where nothing is excluded)."""
    out = {cet: np.empty(0, np.int64) for cet in g.canonical_etypes}
    if exclude_edges is None:
        return out
    if isinstance(exclude_edges, Mapping):
        items = [(resolve_etype(g, et), v) for et, v in exclude_edges.items()]
    else:
        if len(g.canonical_etypes) != 1:
            raise DGLError("The graph has several edge types; give exclude_edges as a dict.")
        items = [(g.canonical_etypes[0], exclude_edges)]
    for cet, v in items:
        ids = to_id_tensor(v, torch.int64, "cpu", f"{cet} edge", bound=g.num_edges(cet),
                           allow_float=True, move=True)
        out[cet] = np.unique(to_np(ids))
    return out


def check_fanouts(g: Any, fanout: Any) -> Dict[CanonicalEType, int]:
    """Fan-out per relation; a dict must name every relation."""
    fan = per_etype(g, fanout)
    if isinstance(fanout, Mapping) and len(fan) != len(g.canonical_etypes):
        missing = [c for c in g.canonical_etypes if tuple(c) not in fan]
        raise DGLError(f"Fan-out must be given for every edge type; missing {missing}.")
    out = {}
    for cet, k in fan.items():
        if isinstance(k, torch.Tensor):
            k = int(k)
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise DGLError(f"Fan-out of {cet} must be an int, got {k!r}.")
        out[cet] = int(k)
    return out


def as_list(x: Optional[Union[str, Sequence[str]]]) -> List[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)
