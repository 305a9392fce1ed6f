"""Lazy features: a sampler marks the features a sampled graph needs and the data loader
copies them from the parent graph once the sample is made (DGL's ``set_*_lazy_features``).

graphdl keeps the marks beside the graph (no placeholder column in its frames): after
``sampler.sample`` returns, :class:`~graphdl.dataloading.DataLoader` and the collators call
:func:`resolve_lazy_features`, which fills every marked graph of the sample with rows
``NID`` (``EID`` for edges) of the parent's features and clears the marks.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Sequence, Union

import torch

from ..base import EID, NID, DGLError
from ..heterograph import DGLGraph
from ..sampling._utils import as_list, resolve_etype
from ..heterograph import DGLGraph

__all__ = [
    "set_src_lazy_features",
    "set_dst_lazy_features",
    "set_node_lazy_features",
    "set_edge_lazy_features",
    "resolve_lazy_features",
]

FeatSpec = Union[None, Sequence[str], Mapping[Any, Sequence[str]]]

_LAZY_ATTR = "_lazy_feature_marks"  # {(side, type): [feature names]} on a sampled graph


def _mark_lazy(g: Any, side: str, types: Sequence[Any], feature_names: FeatSpec) -> None:
    if feature_names is None:
        return
    if isinstance(feature_names, Mapping):
        items = list(feature_names.items())
    else:
        if len(types) != 1:
            raise DGLError(f"The graph has several {side} types {list(types)}; give feature_names as a dict.")
        items = [(types[0], feature_names)]
    marks = dict(getattr(g, _LAZY_ATTR, None) or {})
    for key, names in items:
        key = resolve_etype(g, key) if side == "edge" else key
        marks.setdefault((side, key), [])
        marks[(side, key)] = marks[(side, key)] + [n for n in as_list(names) if n not in marks[(side, key)]]
    setattr(g, _LAZY_ATTR, marks)


def set_src_lazy_features(g: Any, feature_names: FeatSpec) -> None:
    """Ask the data loader to fill ``g.srcdata`` with the parent graph's features.

    The features are copied, rows ``g.srcdata[NID]``, once the sampler's ``sample`` returns.

    Parameters
    ----------
    g : DGLGraph
        A sampled graph or block.
    feature_names : list[str] or dict[str, list[str]]
        The features to fetch (per node type for a heterogeneous graph).

    Examples
    --------
    >>> def sample(self, g, seeds):
    ...     block = graphdl.to_block(graphdl.sampling.sample_neighbors(g, seeds, 5), seeds)
    ...     graphdl.set_src_lazy_features(block, ["feat"])
    ...     return block
    """
    _mark_lazy(g, "src", g.srctypes, feature_names)


def set_dst_lazy_features(g: Any, feature_names: FeatSpec) -> None:
    """Ask the data loader to fill ``g.dstdata`` with the parent graph's features.

    Parameters
    ----------
    g : DGLGraph
        A sampled graph or block.
    feature_names : list[str] or dict[str, list[str]]
        The features to fetch, rows ``g.dstdata[NID]``.

    Examples
    --------
    >>> graphdl.set_dst_lazy_features(block, ["label"])
    """
    _mark_lazy(g, "dst", g.dsttypes, feature_names)


def set_node_lazy_features(g: Any, feature_names: FeatSpec) -> None:
    """Ask the data loader to fill ``g.ndata`` with the parent graph's features.

    Parameters
    ----------
    g : DGLGraph
        A sampled (non-block) graph.
    feature_names : list[str] or dict[str, list[str]]
        The features to fetch, rows ``g.ndata[NID]``.

    Examples
    --------
    >>> graphdl.set_node_lazy_features(subg, ["feat"])
    """
    _mark_lazy(g, "node", g.ntypes, feature_names)


def set_edge_lazy_features(g: Any, feature_names: FeatSpec) -> None:
    """Ask the data loader to fill ``g.edata`` with the parent graph's features.

    Parameters
    ----------
    g : DGLGraph
        A sampled graph or block.
    feature_names : list[str] or dict[etype, list[str]]
        The features to fetch, rows ``g.edata[EID]``.

    Examples
    --------
    >>> graphdl.set_edge_lazy_features(block, ["weight"])
    """
    _mark_lazy(g, "edge", [tuple(c) for c in g.canonical_etypes], feature_names)


def _take(val: torch.Tensor, ids: Optional[torch.Tensor], n: int, what: str) -> torch.Tensor:
    if ids is None:
        if val.shape[0] != n:
            raise DGLError(f"Cannot fetch {what}: the sampled graph has no original ids and "
                           f"{n} rows where the parent has {val.shape[0]}.")
        return val
    return val[ids.to(val.device).long()]


def resolve_lazy_features(parent: Any, sample: Any) -> Any:
    """Copy the features marked by ``set_*_lazy_features`` from ``parent`` into every graph of
    ``sample`` (a graph, or tuples/lists/dicts of them), then clear the marks."""

    if isinstance(sample, DGLGraph):
        marks = getattr(sample, _LAZY_ATTR, None)
        if not marks:
            return sample
        for (side, key), names in marks.items():
            for name in names:
                if side == "edge":
                    view, src = sample.edges[key].data, parent.edges[key].data
                    n, idkey = sample.num_edges(key), EID
                else:
                    view = {"src": sample.srcnodes, "dst": sample.dstnodes, "node": sample.nodes}[side][key].data
                    src = parent.nodes[key].data
                    n = (sample.num_src_nodes(key) if side == "src" else
                         sample.num_dst_nodes(key) if side == "dst" else sample.num_nodes(key))
                    idkey = NID
                if name not in src:
                    raise DGLError(f"Lazy feature {name!r} of {key!r} is not in the parent graph.")
                ids = view[idkey] if idkey in view else None
                val = _take(src[name], ids, n, f"{name!r} of {key!r}")
                view[name] = val.to(ids.device) if ids is not None else val
        setattr(sample, _LAZY_ATTR, None)
        return sample
    if isinstance(sample, (list, tuple)):
        for item in sample:
            resolve_lazy_features(parent, item)
    elif isinstance(sample, Mapping):
        for item in sample.values():
            resolve_lazy_features(parent, item)
    return sample
