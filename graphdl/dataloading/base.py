"""Sampler base classes, feature prefetching and edge-prediction sampling."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np
import torch

from .._graph.ids import CanonicalEType, to_id_tensor
from ..base import EID, NID, DGLError
from ..sampling._utils import as_list, resolve_etype, to_np
from .lazy_features import (  # noqa: F401  (part of this module's public names)
    LazyFeature,
    resolve_lazy_features,
    set_dst_lazy_features,
    set_edge_lazy_features,
    set_node_lazy_features,
    set_src_lazy_features,
)
from ..convert import heterograph
from ..sampling._block import relabel_first_seen
from .dataloader import to_device

__all__ = [
    "Sampler",
    "BlockSampler",
    "EdgePredictionSampler",
    "as_edge_prediction_sampler",
    "find_exclude_eids",
    "set_node_lazy_features",
    "set_edge_lazy_features",
    "set_src_lazy_features",
    "set_dst_lazy_features",
    "resolve_lazy_features",
    "LazyFeature",
]

FeatSpec = Union[None, Sequence[str], Mapping[Any, Sequence[str]]]


class Sampler:
    """Base class of graph samplers: ``sample(g, indices)`` makes one mini-batch."""

    def sample(self, g: Any, indices: Any) -> Any:
        raise NotImplementedError


def _names_for(spec: FeatSpec, key: Any, g: Any = None, is_edge: bool = False) -> List[str]:
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        for k, v in spec.items():
            if k == key or (is_edge and g is not None and resolve_etype(g, k) == key):
                return as_list(v)
        return []
    return as_list(spec)


def _fill_nodes(g: Any, frames_and_ids, spec: FeatSpec) -> None:
    """``frames_and_ids``: ``(ntype, data view, original ids)``; copies ``g``'s features named in
    ``spec`` that the view lacks."""
    for nt, view, ids in frames_and_ids:
        for name in _names_for(spec, nt):
            if name in view:
                continue
            data = g.nodes[nt].data
            if name not in data:
                raise DGLError(f"Node feature {name!r} of type {nt!r} asked for prefetching does not exist.")
            val = data[name]
            view[name] = val[ids.to(val.device).long()].to(ids.device)


def _copy_src_features(g: Any, block: Any, spec: FeatSpec) -> None:
    """Make sure ``block.srcdata`` holds the node features of ``g`` named in ``spec``."""
    _fill_nodes(g, [(nt, block.srcnodes[nt].data, block.srcnodes[nt].data[NID]) for nt in block.srctypes], spec)


def _copy_dst_features(g: Any, block: Any, spec: FeatSpec) -> None:
    """Make sure ``block.dstdata`` holds the node features of ``g`` named in ``spec``."""
    _fill_nodes(g, [(nt, block.dstnodes[nt].data, block.dstnodes[nt].data[NID]) for nt in block.dsttypes], spec)


def _copy_node_features(g: Any, subg: Any, spec: FeatSpec) -> None:
    """Make sure a (non-block) subgraph ``subg`` holds ``g``'s node features named in ``spec``."""
    _fill_nodes(g, [(nt, subg.nodes[nt].data, subg.nodes[nt].data[NID]) for nt in subg.ntypes], spec)


def _copy_edge_features(g: Any, subg: Any, spec: FeatSpec) -> None:
    """Make sure ``subg`` holds the edge features of ``g`` named in ``spec``."""
    for cet in subg.canonical_etypes:
        cet = tuple(cet)
        view = subg.edges[cet].data
        for name in _names_for(spec, cet, g, True) + _names_for(spec, cet[1]):
            if name in view:
                continue
            data = g.edges[cet].data
            if name not in data:
                raise DGLError(f"Edge feature {name!r} of type {cet} asked for prefetching does not exist.")
            ids = view[EID]
            view[name] = data[name][ids.to(data[name].device).long()].to(ids.device)


class BlockSampler(Sampler):
    """Base class of samplers that make a list of blocks for a multi-layer GNN.

    Subclasses write :meth:`sample_blocks`; :meth:`sample` adds the prefetched features:
    ``prefetch_node_feats`` on the first block's source nodes, ``prefetch_labels`` on the
    last block's destination nodes and ``prefetch_edge_feats`` on every block's edges.
    """

    def __init__(
        self,
        prefetch_node_feats: FeatSpec = None,
        prefetch_labels: FeatSpec = None,
        prefetch_edge_feats: FeatSpec = None,
        output_device: Any = None,
    ) -> None:
        super().__init__()
        self.prefetch_node_feats = prefetch_node_feats or []
        self.prefetch_labels = prefetch_labels or []
        self.prefetch_edge_feats = prefetch_edge_feats or []
        self.output_device = output_device

    def sample_blocks(self, g: Any, seed_nodes: Any, exclude_eids: Any = None):
        raise NotImplementedError

    def sample(self, g: Any, seed_nodes: Any, exclude_eids: Any = None):
        input_nodes, output_nodes, blocks = self.sample_blocks(g, seed_nodes, exclude_eids=exclude_eids)
        if blocks:
            _copy_src_features(g, blocks[0], self.prefetch_node_feats)
            _copy_dst_features(g, blocks[-1], self.prefetch_labels)
            for b in blocks:
                _copy_edge_features(g, b, self.prefetch_edge_feats)
        if self.output_device is not None:
            input_nodes, output_nodes, blocks = to_device((input_nodes, output_nodes, blocks), self.output_device)
        return input_nodes, output_nodes, blocks


def _eids_dict(g: Any, eids: Any) -> Dict[CanonicalEType, torch.Tensor]:
    if isinstance(eids, Mapping):
        return {resolve_etype(g, k): to_id_tensor(v, g.idtype, "cpu", "edge", allow_float=True, move=True) for k, v in eids.items()}
    if len(g.canonical_etypes) != 1:
        raise DGLError("The graph has several edge types; give the seed edges as a dict.")
    return {tuple(g.canonical_etypes[0]): to_id_tensor(eids, g.idtype, "cpu", "edge", allow_float=True, move=True)}


def find_exclude_eids(
    g: Any,
    seed_edges: Any,
    exclude: Union[None, str, Callable],
    reverse_eids: Any = None,
    reverse_etypes: Optional[Mapping[Any, Any]] = None,
    output_device: Any = None,
) -> Any:
    """Edge ids to keep out of the neighbourhood of a batch of seed edges.

    ``exclude``: ``None`` (nothing), ``'self'`` (the seed edges), ``'reverse_id'`` (the seed
    edges and ``reverse_eids[seed edge]``), ``'reverse_types'`` (the seed edges and the same ids
    in ``reverse_etypes[etype]``) or a callable mapping the seed edges to the ids to exclude.
    """
    if exclude is None:
        return None
    seeds = _eids_dict(g, seed_edges)
    if callable(exclude):
        return exclude(seed_edges)
    if exclude == "self":
        out = dict(seeds)
    elif exclude == "reverse_id":
        if reverse_eids is None:
            raise DGLError("exclude='reverse_id' needs reverse_eids.")
        rev = reverse_eids if isinstance(reverse_eids, Mapping) else {next(iter(seeds)): reverse_eids}
        rev = {resolve_etype(g, k): torch.as_tensor(v) for k, v in rev.items()}
        out = {}
        for cet, ids in seeds.items():
            if cet not in rev:
                raise DGLError(f"reverse_eids has no entry for edge type {cet}.")
            out[cet] = torch.cat([ids, rev[cet][ids.long()].to(ids.dtype)])
    elif exclude == "reverse_types":
        if reverse_etypes is None:
            raise DGLError("exclude='reverse_types' needs reverse_etypes.")
        rmap = {resolve_etype(g, k): resolve_etype(g, v) for k, v in reverse_etypes.items()}
        out = {}
        for cet, ids in seeds.items():
            out[cet] = torch.cat([out[cet], ids]) if cet in out else ids
            if cet not in rmap:
                raise DGLError(f"reverse_etypes has no entry for edge type {cet}.")
            r = rmap[cet]
            out[r] = torch.cat([out[r], ids]) if r in out else ids
    else:
        raise DGLError(f"exclude must be None, 'self', 'reverse_id', 'reverse_types' or a callable, got {exclude!r}.")
    if not isinstance(seed_edges, Mapping) and len(g.canonical_etypes) == 1:
        return next(iter(out.values()))
    return out


class EdgePredictionSampler(Sampler):
    """Turns a node-wise block sampler into one for batches of edges (link prediction).

    ``sample(g, seed_edges)`` returns ``(input_nodes, pair_graph, neg_pair_graph, blocks)``
    (no ``neg_pair_graph`` without a negative sampler). ``pair_graph`` holds the seed edges
    and ``neg_pair_graph`` the negative pairs, both over the same compacted node set whose
    original ids are in ``ndata[NID]``; the blocks compute representations of those nodes.
    """

    def __init__(
        self,
        sampler: Sampler,
        exclude: Union[None, str, Callable] = None,
        reverse_eids: Any = None,
        reverse_etypes: Optional[Mapping[Any, Any]] = None,
        negative_sampler: Optional[Callable] = None,
        prefetch_labels: FeatSpec = None,
    ) -> None:
        super().__init__()
        if exclude not in (None, "self", "reverse_id", "reverse_types") and not callable(exclude):
            raise DGLError(f"Unknown exclude option {exclude!r}.")
        if exclude == "reverse_id" and reverse_eids is None:
            raise DGLError("exclude='reverse_id' needs reverse_eids.")
        if exclude == "reverse_types" and reverse_etypes is None:
            raise DGLError("exclude='reverse_types' needs reverse_etypes.")
        self.sampler = sampler
        self.exclude = exclude
        self.reverse_eids = reverse_eids
        self.reverse_etypes = reverse_etypes
        self.negative_sampler = negative_sampler
        self.prefetch_labels = prefetch_labels or []
        self.output_device = getattr(sampler, "output_device", None)

    def _pairs(self, g: Any, seeds: Dict[CanonicalEType, torch.Tensor]):
        pos = {}
        for cet, ids in seeds.items():
            adj = g._adj(cet)
            n = adj.num_edges
            if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= n):
                bad = int(ids.min()) if int(ids.min()) < 0 else int(ids.max())
                raise DGLError(f"Invalid edge id {bad} of type {cet}: there are {n} edges.")
            pos[cet] = (adj.src[ids.long()], adj.dst[ids.long()])
        neg = None
        if self.negative_sampler is not None:
            arg = seeds if len(g.canonical_etypes) > 1 else next(iter(seeds.values()))
            res = self.negative_sampler(g, arg)
            if not isinstance(res, Mapping):
                res = {next(iter(seeds)): res}
            neg = {resolve_etype(g, k): (to_id_tensor(v[0], g.idtype, "cpu", allow_float=True, move=True), to_id_tensor(v[1], g.idtype, "cpu", allow_float=True, move=True))
                   for k, v in res.items()}
        return pos, neg

    def sample(self, g: Any, seed_edges: Any):
        seeds = _eids_dict(g, seed_edges)
        pos, neg = self._pairs(g, seeds)
        graphs = [pos] + ([neg] if neg is not None else [])
        parts: Dict[str, list] = {nt: [] for nt in g.ntypes}
        for gr in graphs:
            for cet in sorted(gr):
                u, v = gr[cet]
                parts[cet[0]].append(to_np(u))
                parts[cet[2]].append(to_np(v))
        uniq = {}
        local: Dict[str, list] = {}
        for nt in g.ntypes:
            if parts[nt]:
                uniq[nt], local[nt] = relabel_first_seen(g.num_nodes(nt), parts[nt])
            else:
                uniq[nt], local[nt] = np.empty(0, to_np(torch.empty(0, dtype=g.idtype)).dtype), []
        counters = {nt: 0 for nt in g.ntypes}
        built = []
        for gr in graphs:
            data = {}
            for cet in sorted(gr):
                s, _, d = cet
                ls = local[s][counters[s]]
                counters[s] += 1
                ld = local[d][counters[d]]
                counters[d] += 1
                data[cet] = (torch.from_numpy(ls), torch.from_numpy(ld))
            for cet in g.canonical_etypes:
                if tuple(cet) not in data:
                    e = torch.empty(0, dtype=g.idtype)
                    data[tuple(cet)] = (e, e)
            pg = heterograph(data, {nt: uniq[nt].shape[0] for nt in g.ntypes}, idtype=g.idtype)
            for nt in g.ntypes:
                pg.nodes[nt].data[NID] = torch.from_numpy(uniq[nt]).to(g.idtype)
            built.append(pg)
        pair_graph = built[0]
        for cet, ids in seeds.items():
            pair_graph.edges[cet].data[EID] = ids
            for name in _names_for(self.prefetch_labels, cet, g, True) or (
                    _names_for(self.prefetch_labels, cet[1])):
                val = g.edges[cet].data[name]
                pair_graph.edges[cet].data[name] = val[ids.long()]
        seed_nodes = {nt: pair_graph.nodes[nt].data[NID] for nt in g.ntypes}
        if len(g.ntypes) == 1:
            seed_nodes = seed_nodes[g.ntypes[0]]
        exclude_eids = find_exclude_eids(g, seed_edges, self.exclude, self.reverse_eids, self.reverse_etypes)
        input_nodes, _, blocks = self.sampler.sample(g, seed_nodes, exclude_eids)
        if neg is not None:
            out = (input_nodes, pair_graph, built[1], blocks)
        else:
            out = (input_nodes, pair_graph, blocks)
        if self.output_device is not None:
            out = to_device(out, self.output_device)
        return out


def as_edge_prediction_sampler(
    sampler: Sampler,
    exclude: Union[None, str, Callable] = None,
    reverse_eids: Any = None,
    reverse_etypes: Optional[Mapping[Any, Any]] = None,
    negative_sampler: Optional[Callable] = None,
    prefetch_labels: FeatSpec = None,
) -> EdgePredictionSampler:
    """Wrap a node-wise sampler into an :class:`EdgePredictionSampler` (see there)."""
    return EdgePredictionSampler(sampler, exclude=exclude, reverse_eids=reverse_eids,
                                 reverse_etypes=reverse_etypes, negative_sampler=negative_sampler,
                                 prefetch_labels=prefetch_labels)
