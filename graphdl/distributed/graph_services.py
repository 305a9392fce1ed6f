"""Neighbour sampling and in-subgraphs of a :class:`DistGraph` (DGL's ``graph_services``).

Each seed goes to the partition that owns it; the owner picks among the seed's in-edges
(all of which it stores: an edge belongs to its destination's partition) and sends back the
picked neighbours and edge ids. One request/response exchange serves all edge types of a call.

Random streams. A single-process call ``graphdl.sampling.sample_neighbors(g, seeds, k)`` draws
one 63-bit seed ``s_c`` per edge type ``c`` from graphdl's sampler stream and gives the ``i``-th
seed node of that type the stream ``(s_c, i)``. Here the requester draws the same ``s_c`` from
its own sampler stream and sends ``(s_c, i)`` with every seed, and the owner samples row ``i``
from exactly that stream. In-edges of a node are stored in edge-id order both in the whole graph
and in its partition, so a rank's call picks the same edges that the single-process call on the
partitioned graph (ids as the partition book numbers them) picks with the same sampler stream.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np
import torch

from ..base import EID, NID, DGLError
from ..convert import graph as make_graph
from ..convert import heterograph
from ..sampling import _kernels as K
from ..sampling import _rng
from . import _comm
from .dist_graph import DistGraph

__all__ = ["sample_neighbors", "sample_etype_neighbors", "in_subgraph"]

CanonicalEType = Tuple[str, str, str]
Picked = Dict[CanonicalEType, Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]

#: Slot of the owner's table holding a node's in-edges of every type (type-blind sampling).
_ALL = 0


class _InEdgeTable:
    """The in-edges of a partition's own nodes, compressed by (slot, destination).

    Slot 0 holds all in-edges of a node; for heterogeneous graphs slot ``t + 1`` holds those of
    edge type ``t``. Neighbours and edge ids are global homogeneous ids, in edge-id order.
    """

    def __init__(self, g: DistGraph) -> None:
        local = g.local_partition
        lu, lv = (t.to(torch.int64) for t in local.edges())
        keep = local.edata["inner_edge"].bool()  # destination inside the partition
        n = g._num_inner
        dst = lv[keep]
        src = local.ndata["_ID"][lu[keep]]
        eid = local.edata["_ID"][keep]
        keys = [dst]
        self.slots = 1
        if not g.is_homogeneous():
            etype = local.edata["_TYPE"][keep].to(torch.int64)
            keys.append((etype + 1) * n + dst)
            src, eid = src.repeat(2), eid.repeat(2)
            self.slots = len(g.canonical_etypes) + 1
        key = torch.cat(keys)
        order = torch.argsort(key, stable=True)
        self.indptr = np.zeros(self.slots * n + 1, np.int64)
        self.indptr[1:] = np.cumsum(torch.bincount(key, minlength=self.slots * n).numpy())
        self.nbr = src[order].numpy()
        self.eid = eid[order].numpy()
        self.num_inner = n

    def serve(self, g: DistGraph, req: torch.Tensor, slot: torch.Tensor, fanout: torch.Tensor,
              replace: torch.Tensor, seed: torch.Tensor, key: torch.Tensor):
        """Sample the requested rows; answers are in request order."""
        rows = (slot * self.num_inner + (req - g._node_start)).numpy()
        n = rows.shape[0]
        counts = np.zeros(n, np.int64)
        if n == 0:
            return torch.zeros(0, dtype=torch.int64), [torch.zeros(0, dtype=torch.int64)] * 2
        fan, rep = fanout.numpy(), replace.numpy()
        seeds, keys = seed.contiguous().numpy(), key.contiguous().numpy()
        groups = np.unique(np.stack([fan, rep], 1), axis=0)
        kernel = K.sample_rows_uniform_keyed
        if groups.shape[0] == 1:
            c, pn, pe = kernel(self.indptr, self.nbr, self.eid, rows, int(groups[0, 0]),
                               bool(groups[0, 1]), seeds, keys)
            return torch.from_numpy(c), [torch.from_numpy(pn), torch.from_numpy(pe)]
        parts = []
        for k, r in groups:  # rare: different fanouts per edge type in one call
            idx = np.nonzero((fan == k) & (rep == r))[0]
            c, pn, pe = kernel(self.indptr, self.nbr, self.eid, rows[idx], int(k), bool(r),
                               seeds[idx], keys[idx])
            counts[idx] = c
            parts.append((idx, c, pn, pe))
        offs = np.concatenate([[0], np.cumsum(counts)])
        nbr = np.empty(offs[-1], np.int64)
        eid = np.empty(offs[-1], np.int64)
        for idx, c, pn, pe in parts:
            at = np.repeat(offs[idx] - np.concatenate([[0], np.cumsum(c)[:-1]]), c) + np.arange(c.sum())
            nbr[at], eid[at] = pn, pe
        return torch.from_numpy(counts), [torch.from_numpy(nbr), torch.from_numpy(eid)]


def _table(g: DistGraph) -> _InEdgeTable:
    if getattr(g, "_in_edge_table", None) is None:
        g._in_edge_table = _InEdgeTable(g)
    return g._in_edge_table


def _exchange(g: DistGraph, homo: torch.Tensor, slot: torch.Tensor, fanout: torch.Tensor,
              replace: bool, seed: torch.Tensor, key: torch.Tensor, what: str):
    """Route sampling requests to the owners: per request a count, then neighbours and edge
    ids (global homogeneous ids)."""
    table = _table(g)
    rep = torch.full_like(homo, int(bool(replace)))
    return _comm.route(homo, g.get_partition_book().nid2partid(homo),
                       lambda *cols: table.serve(g, *cols), what,
                       extras=(slot, fanout, rep, seed, key))


def _check(edge_dir: str, prob: Any, exclude_edges: Any = None) -> None:
    if edge_dir != "in":
        raise DGLError("Distributed sampling supports edge_dir='in' only.")
    if prob is not None or exclude_edges is not None:
        raise DGLError("Distributed sampling does not support prob or exclude_edges yet.")


def _per_type_seeds(g: DistGraph, nodes: Any) -> Dict[str, torch.Tensor]:
    """Seeds as ``{ntype: per-type ids}``; a plain tensor holds homogeneous ids."""
    if isinstance(nodes, Mapping):
        out = {}
        for nt, ids in nodes.items():
            if nt not in g.ntypes:
                raise DGLError(f"Unknown node type {nt!r}; the graph has {g.ntypes}.")
            out[nt] = torch.as_tensor(ids).reshape(-1).to(torch.int64)
        return out
    ids = torch.as_tensor(nodes).reshape(-1).to(torch.int64)
    if g.is_homogeneous():
        return {g.ntypes[0]: ids}
    tids, per = g.get_partition_book().map_to_per_ntype(ids)
    return {nt: per[tids == t] for t, nt in enumerate(g.ntypes) if bool((tids == t).any())}


def pick_per_etype(g: DistGraph, seeds: Mapping[str, torch.Tensor],
                   fanouts: Mapping[CanonicalEType, int], replace: bool = False) -> Picked:
    """Up to ``fanouts[c]`` in-edges of type ``c`` of every seed (a collective), in the layout
    of graphdl's single-process sampler: ``{c: (rows, counts, neighbours, edge ids)}`` with
    per-type ids. The random streams are those of the single-process call (module docstring)."""
    book = g.get_partition_book()
    cets = g.canonical_etypes
    homo = g.is_homogeneous()
    reqs: List[Tuple[int, CanonicalEType, torch.Tensor]] = []
    cols: List[List[torch.Tensor]] = [[], [], [], [], []]
    for r, c in enumerate(cets):
        rows = seeds.get(c[2])
        k = int(fanouts.get(c, 0))
        if rows is None or rows.numel() == 0 or k == 0 or g.num_edges(c) == 0:
            continue
        n = rows.numel()
        cols[0].append(rows if homo else book.map_to_homo_nid(rows, c[2]))
        cols[1].append(torch.full((n,), _ALL if homo else r + 1, dtype=torch.int64))
        cols[2].append(torch.full((n,), k, dtype=torch.int64))
        cols[3].append(torch.full((n,), _rng.next_seed(), dtype=torch.int64))
        cols[4].append(torch.arange(n, dtype=torch.int64))
        reqs.append((r, c, rows))
    empty = torch.zeros(0, dtype=torch.int64)
    ids, slot, fan, seed, key = (torch.cat(x) if x else empty for x in cols)
    counts, (nbr, eid) = _exchange(g, ids, slot, fan, replace, seed, key, "sample_neighbors")
    out: Picked = {}
    e0 = np.zeros(0, np.int64)
    for c in cets:
        rows = seeds.get(c[2], empty)
        out[c] = (rows.numpy(), np.zeros(rows.numel(), np.int64), e0, e0)
    at = row_at = 0
    for r, c, rows in reqs:
        n = rows.numel()
        cnt = counts[row_at:row_at + n]
        total = int(cnt.sum())
        pn, pe = nbr[at:at + total], eid[at:at + total]
        if not homo:
            pn = book.map_to_per_ntype(pn)[1]
            pe = book.map_to_per_etype(pe)[1]
        out[c] = (rows.numpy(), cnt.numpy(), pn.numpy(), pe.numpy())
        row_at += n
        at += total
    return out


def _frontier(g: DistGraph, picked: Picked):
    """The graph over all nodes of ``g`` holding the picked edges, ``edata[EID]`` per type."""
    if g.is_homogeneous():
        c = g.canonical_etypes[0]
        rows, counts, pn, pe = picked[c]
        fr = make_graph((torch.from_numpy(pn), torch.from_numpy(np.repeat(rows, counts))),
                        num_nodes=g.num_nodes(), idtype=torch.int64)
        fr.edata[EID] = torch.from_numpy(pe)
        return fr
    data = {c: (torch.from_numpy(pn), torch.from_numpy(np.repeat(rows, counts)))
            for c, (rows, counts, pn, pe) in picked.items()}
    fr = heterograph(data, num_nodes_dict={nt: g.num_nodes(nt) for nt in g.ntypes},
                     idtype=torch.int64)
    for c, (_, _, _, pe) in picked.items():
        fr.edges[c].data[EID] = torch.from_numpy(pe)
    return fr


def _typed_frontier(g: DistGraph, dst: torch.Tensor, nbr: torch.Tensor, eid: torch.Tensor):
    """A frontier from homogeneous (destination, source, edge id) triples."""
    if g.is_homogeneous():
        fr = make_graph((nbr, dst), num_nodes=g.num_nodes(), idtype=torch.int64)
        fr.edata[EID] = eid
        return fr
    book = g.get_partition_book()
    tids, per_e = book.map_to_per_etype(eid)
    src = book.map_to_per_ntype(nbr)[1]
    dst = book.map_to_per_ntype(dst)[1]
    picked: Picked = {}
    for r, c in enumerate(g.canonical_etypes):
        sel = torch.nonzero(tids == r).reshape(-1)
        d = dst[sel].numpy()
        picked[c] = (d, np.ones(d.shape[0], np.int64), src[sel].numpy(), per_e[sel].numpy())
    return _frontier(g, picked)


def _homo_seeds(g: DistGraph, nodes: Any) -> torch.Tensor:
    if isinstance(nodes, Mapping):
        if g.is_homogeneous():
            if len(nodes) != 1:
                raise DGLError("A homogeneous graph takes seeds of one node type.")
            return torch.as_tensor(next(iter(nodes.values()))).reshape(-1).to(torch.int64)
        book = g.get_partition_book()
        seeds = _per_type_seeds(g, nodes)
        parts = [book.map_to_homo_nid(ids, nt) for nt, ids in seeds.items()]
        return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.int64)
    if not g.is_homogeneous():
        raise DGLError("Seeds of a heterogeneous DistGraph are a dict {ntype: ids}.")
    return torch.as_tensor(nodes).reshape(-1).to(torch.int64)


def sample_neighbors(g: DistGraph, nodes: Any, fanout: int, edge_dir: str = "in",
                     prob: Optional[str] = None, exclude_edges: Any = None,
                     replace: bool = False, etype_sorted: bool = True,
                     output_device: Any = None, use_graphbolt: bool = False):
    """Sample up to ``fanout`` in-edges of each seed across partitions (a collective).

    As DGL's distributed ``sample_neighbors``, the fanout counts the in-edges of every type
    together (sample per edge type with :func:`sample_etype_neighbors`). ``nodes`` is a tensor
    for a homogeneous graph and ``{ntype: ids}`` for a heterogeneous one.

    Parameters
    ----------
    g : DistGraph
        The distributed graph.
    nodes : tensor or dict
        Seed ids.
    fanout : int
        In-edges to pick per seed (``-1``: all of them).
    edge_dir : str
        ``"in"`` only.
    prob, exclude_edges
        Not supported yet (must be None).
    replace : bool
        Sample with replacement.
    etype_sorted, output_device, use_graphbolt
        Accepted for compatibility.

    Returns
    -------
    DGLGraph
        A graph over all nodes of ``g`` holding the sampled edges, their ids (per edge type) in
        ``edata[graphdl.EID]``; heterogeneous when ``g`` is.
    """
    _check(edge_dir, prob, exclude_edges)
    seeds = _homo_seeds(g, nodes)
    n = seeds.numel()
    counts, (nbr, eid) = _exchange(
        g, seeds, torch.full((n,), _ALL, dtype=torch.int64),
        torch.full((n,), int(fanout), dtype=torch.int64), replace,
        torch.full((n,), _rng.next_seed(), dtype=torch.int64), torch.arange(n), "sample_neighbors")
    return _typed_frontier(g, torch.repeat_interleave(seeds, counts), nbr, eid)


def _fanout_per_etype(g: DistGraph, fanout: Any) -> Dict[CanonicalEType, int]:
    if isinstance(fanout, Mapping):
        out = {}
        for et, k in fanout.items():
            out[g.get_partition_book().to_canonical_etype(et)] = int(k)
        missing = [c for c in g.canonical_etypes if c not in out]
        if missing:
            raise DGLError(f"The fanout dict misses edge types {missing}; give every edge type "
                           f"of the graph ({g.canonical_etypes}).")
        return out
    return {c: int(fanout) for c in g.canonical_etypes}


def sample_etype_neighbors(g: DistGraph, nodes: Any, fanout: Any, edge_dir: str = "in",
                           prob: Optional[str] = None, replace: bool = False,
                           etype_sorted: bool = True, use_graphbolt: bool = False):
    """Sample up to ``fanout`` in-edges of each edge type of every seed (a collective).

    Parameters
    ----------
    g : DistGraph
        The distributed graph.
    nodes : tensor or dict
        ``{ntype: per-type ids}``, or a tensor of homogeneous ids.
    fanout : int or dict
        One fanout for every edge type, or ``{etype: int}`` naming every edge type.
    edge_dir : str
        ``"in"`` only.
    prob
        Not supported yet (must be None).
    replace : bool
        Sample with replacement.
    etype_sorted, use_graphbolt
        Accepted for compatibility.

    Returns
    -------
    DGLGraph
        A graph over all nodes of ``g`` holding the sampled edges, their per-type ids in
        ``edata[graphdl.EID]``. With the same sampler stream (``graphdl.seed``), a rank's result
        equals ``graphdl.sampling.sample_neighbors`` on the whole partitioned graph.
    """
    _check(edge_dir, prob)
    picked = pick_per_etype(g, _per_type_seeds(g, nodes), _fanout_per_etype(g, fanout), replace)
    return _frontier(g, picked)


def in_subgraph(g: DistGraph, nodes: Any):
    """Every in-edge of the given nodes (a collective; DGL's distributed ``in_subgraph``).

    Parameters
    ----------
    g : DistGraph
        The distributed graph.
    nodes : tensor or dict
        Node ids; ``{ntype: ids}`` for a heterogeneous graph.

    Returns
    -------
    DGLGraph
        A graph over all nodes of ``g`` with the in-edges, their ids in ``edata[graphdl.EID]``.
    """
    seeds = _homo_seeds(g, nodes)
    n = seeds.numel()
    zeros = torch.zeros(n, dtype=torch.int64)
    counts, (nbr, eid) = _exchange(g, seeds, zeros, torch.full((n,), -1, dtype=torch.int64),
                                   False, zeros, zeros, "in_subgraph")
    return _typed_frontier(g, torch.repeat_interleave(seeds, counts), nbr, eid)
