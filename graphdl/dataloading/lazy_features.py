"""Lazy features: a sampler marks the features a sampled graph needs and the data loader
copies them from the parent graph once the sample is made (DGL's ``set_*_lazy_features`` and
:class:`LazyFeature`).

A mark is a :class:`LazyFeature` written into a feature frame (``set_src_lazy_features(g, ["x"])``
is ``g.srcdata["x"] = LazyFeature("x")``); the frame keeps it aside from its tensor columns.
After ``sampler.sample`` returns, :class:`~graphdl.dataloading.DataLoader` and the collators
call :func:`resolve_lazy_features`, which replaces every placeholder of the sample with rows
``id_`` (default: ``NID``, or ``EID`` for edges) of the parent's feature.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Sequence, Union

import torch

from ..base import EID, NID, DGLError
from .._graph.frame import LazyFeature
from ..heterograph import DGLGraph
from ..sampling._utils import as_list, resolve_etype

__all__ = [
    "LazyFeature",
    "set_src_lazy_features",
    "set_dst_lazy_features",
    "set_node_lazy_features",
    "set_edge_lazy_features",
    "resolve_lazy_features",
]

FeatSpec = Union[None, Sequence[str], Mapping[Any, Sequence[str]]]



def _mark_lazy(g: Any, side: str, types: Sequence[Any], feature_names: FeatSpec) -> None:
    if feature_names is None:
        return
    if isinstance(feature_names, Mapping):
        items = list(feature_names.items())
    else:
        if len(types) != 1:
            raise DGLError(f"The graph has several {side} types {list(types)}; give feature_names as a dict.")
        items = [(types[0], feature_names)]
    for key, names in items:
        if side == "edge":
            view = g.edges[resolve_etype(g, key)].data
        else:
            view = {"src": g.srcnodes, "dst": g.dstnodes, "node": g.nodes}[side][key].data
        for name in as_list(names):
            view[name] = LazyFeature(name)


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


def _frames(g: DGLGraph):
    """(frame, "node" or "edge", type) for every feature frame of ``g``, each once."""
    seen = set()
    for side, types in (("src", g.srctypes), ("dst", g.dsttypes)):
        for nt in types:
            slot = g._node_slot(nt, side)
            if slot not in seen:
                seen.add(slot)
                yield g._node_frames[slot], "node", nt
    for eid, cet in enumerate(g.canonical_etypes):
        yield g._edge_frames[eid], "edge", tuple(cet)


def resolve_lazy_features(parent: Any, sample: Any) -> Any:
    """Replace every :class:`LazyFeature` in ``sample`` (a graph, or tuples/lists/dicts of
    them) with the rows of the parent graph's feature it names.

    Parameters
    ----------
    parent : DGLGraph
        The graph the sample was drawn from.
    sample : DGLGraph or list or tuple or dict
        What the sampler returned.

    Returns
    -------
    The same ``sample``, its placeholders filled in place.
    """

    if isinstance(sample, DGLGraph):
        for frame, what, key in _frames(sample):
            if not frame.lazy:
                continue
            src = parent.edges[key].data if what == "edge" else parent.nodes[key].data
            idkey = EID if what == "edge" else NID
            for name, lazy in list(frame.lazy.items()):
                parent_name = lazy.name if lazy.name is not None else name
                if parent_name not in src:
                    raise DGLError(f"Lazy feature {parent_name!r} of {key!r} is not in the parent graph.")
                ids = lazy.id_ if lazy.id_ is not None else (frame[idkey] if idkey in frame else None)
                val = _take(src[parent_name], ids, frame.num_rows, f"{parent_name!r} of {key!r}")
                frame[name] = val.to(frame.device)
        return sample
    if isinstance(sample, (list, tuple)):
        for item in sample:
            resolve_lazy_features(parent, item)
    elif isinstance(sample, Mapping):
        for item in sample.values():
            resolve_lazy_features(parent, item)
    return sample
