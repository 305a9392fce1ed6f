"""Fast construction of blocks and induced subgraphs for the sampler path.

``block_from_picked`` turns the edges picked for some seed nodes straight into a block, as
``to_block(frontier, seeds)`` would: destination nodes are the seeds, source nodes are the
seeds followed by the other sources in first-seen order (relation by relation, in
canonical edge type order, edges in picked order). It skips building the frontier.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np
import torch

from .._graph.ids import CanonicalEType
from .._graph.storage import SparseAdj
from ..base import EID, NID, DGLError
from ..heterograph import DGLGraph
from . import _kernels as K
from ._utils import to_np

__all__ = ["new_mapping", "block_from_picked", "induced_subgraph", "relabel_first_seen"]


def new_mapping(num_nodes: int) -> np.ndarray:
    """An old-id -> new-id table with every entry unset (-1)."""
    dtype = np.int32 if num_nodes < 2**31 - 1 else np.int64
    return np.full(num_nodes, -1, dtype)


def relabel_first_seen(
    num_nodes: int, parts: Sequence[np.ndarray], first: Optional[np.ndarray] = None
) -> Tuple[np.ndarray, list]:
    """Number the distinct ids of ``first`` (which must be distinct) then of ``parts`` in
    first-seen order. Returns ``(unique ids, [new ids of each part])``."""
    mapping = new_mapping(num_nodes)
    total = sum(p.shape[0] for p in parts) + (first.shape[0] if first is not None else 0)
    dtype = parts[0].dtype if parts else (first.dtype if first is not None else np.int64)
    uniq = np.empty(total, dtype)
    count = 0
    if first is not None and first.shape[0]:
        dup = K.seed_mapping(mapping, uniq, first.astype(dtype, copy=False))
        if dup >= 0:
            raise DGLError(f"Node {dup} appears twice among the destination (seed) nodes.")
        count = first.shape[0]
    locals_ = []
    for p in parts:
        loc = np.empty(p.shape[0], dtype)
        count = K.relabel_into(mapping, uniq, count, p.astype(dtype, copy=False), loc)
        locals_.append(loc)
    return uniq[:count], locals_


def block_from_picked(
    g: Any,
    seeds: Dict[str, np.ndarray],
    picked: Dict[CanonicalEType, Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    copy_ndata: bool = True,
    copy_edata: bool = True,
    scratch: Optional[Dict[str, np.ndarray]] = None,
    repeated_seeds: bool = False,
) -> DGLGraph:
    """A block whose destination nodes are ``seeds`` and whose edges are ``picked``
    (in-direction: the neighbours are sources). See the module docstring for the order.

    ``scratch`` may hold unset id tables per node type (see :func:`new_mapping`) to reuse
    across calls; they are unset again before returning. With ``repeated_seeds`` a node may
    appear several times among the seeds (as DGL's fused sampler allows): every occurrence is
    a destination node, and as a source the node is its first occurrence."""
    idtype = g.idtype
    npdt = np.int32 if idtype == torch.int32 else np.int64
    ntypes = list(g.ntypes)
    maps = {}
    uniq = {}
    counts: Dict[str, int] = {}
    need = {nt: 0 for nt in ntypes}
    for (s, _, _), (_, _, pn, _) in picked.items():
        need[s] += pn.shape[0]
    for nt in ntypes:
        sd = seeds.get(nt, np.empty(0, npdt)).astype(npdt, copy=False)
        if sd.shape[0] == 0 and need[nt] == 0:
            maps[nt] = None
            uniq[nt] = sd
            counts[nt] = 0
            continue
        if scratch is not None and nt in scratch:
            m = scratch[nt]
        else:
            m = new_mapping(g.num_nodes(nt))
            if scratch is not None:
                scratch[nt] = m
        u = np.empty(sd.shape[0] + need[nt], npdt)
        dup = K.seed_mapping(m, u, sd)
        if dup >= 0:
            m[sd] = -1
            if not repeated_seeds:
                raise DGLError(f"Node {dup} of type {nt!r} appears twice among the seed nodes.")
            _, first = np.unique(sd, return_index=True)
            m[sd[first]] = first.astype(m.dtype)
            u[: sd.shape[0]] = sd
        maps[nt], uniq[nt], counts[nt] = m, u, sd.shape[0]
    adjs = []
    cetypes = [tuple(c) for c in g.canonical_etypes]
    eid_t = {}
    for cet in cetypes:
        s, _, d = cet
        rows, cnt, pn, pe = picked[cet]
        loc_src = np.empty(pn.shape[0], npdt)
        if pn.shape[0]:
            counts[s] = K.relabel_into(maps[s], uniq[s], counts[s], pn.astype(npdt, copy=False), loc_src)
        loc_dst = np.empty(pn.shape[0], npdt)
        K.expand_counts(cnt, loc_dst)
        adjs.append((torch.from_numpy(loc_src), torch.from_numpy(loc_dst)))
        eid_t[cet] = torch.from_numpy(pe.astype(npdt, copy=False))
    for nt in ntypes:
        if maps[nt] is not None:
            maps[nt][uniq[nt][: counts[nt]]] = -1
    num_dst = {nt: seeds.get(nt, np.empty(0)).shape[0] for nt in ntypes}
    sadjs = [
        SparseAdj(u, v, counts[c[0]], num_dst[c[2]], validate=False) for c, (u, v) in zip(cetypes, adjs)
    ]
    block = DGLGraph._create(
        ntypes, ntypes, [counts[t] for t in ntypes] + [num_dst[t] for t in ntypes],
        cetypes, sadjs, idtype, torch.device("cpu"), is_block=True,
    )
    for nt in ntypes:
        src_ids = torch.from_numpy(uniq[nt][: counts[nt]])
        sframe = block.srcnodes[nt].data
        dframe = block.dstnodes[nt].data
        if copy_ndata:
            for key, val in g.nodes[nt].data.items():
                if key == NID:
                    continue
                col = val[src_ids.to(val.device).long()].cpu()
                sframe[key] = col
                dframe[key] = col[: num_dst[nt]]
        sframe[NID] = src_ids
        dframe[NID] = src_ids[: num_dst[nt]]
    for cet in cetypes:
        e = eid_t[cet]
        eframe = block.edges[cet].data
        if copy_edata:
            for key, val in g.edges[cet].data.items():
                if key == EID:
                    continue
                eframe[key] = val[e.to(val.device).long()].cpu()
        eframe[EID] = e
    return block


def induced_subgraph(g: Any, nodes: Dict[str, np.ndarray], copy_ndata: bool = True,
                     copy_edata: bool = True) -> DGLGraph:
    """The subgraph induced by ``nodes`` (distinct ids per type), numbered in the given order,
    with ``ndata[NID]`` and ``edata[EID]``; edges keep increasing edge-id order."""
    idtype = g.idtype
    npdt = np.int32 if idtype == torch.int32 else np.int64
    ntypes = list(g.ntypes)
    maps = {}
    sel = {}
    for nt in ntypes:
        ids = nodes.get(nt, np.empty(0, npdt)).astype(npdt, copy=False)
        m = new_mapping(g.num_nodes(nt))
        u = np.empty(ids.shape[0], npdt)
        dup = K.seed_mapping(m, u, ids)
        if dup >= 0:
            raise DGLError(f"Node {dup} of type {nt!r} is given twice.")
        maps[nt], sel[nt] = m, ids
    cetypes = [tuple(c) for c in g.canonical_etypes]
    sadjs = []
    eids = {}
    for cet in cetypes:
        s, _, d = cet
        adj = g._adj(cet)
        src, dst = to_np(adj.src), to_np(adj.dst)
        ls, ld = maps[s][src], maps[d][dst]
        keep = np.nonzero((ls >= 0) & (ld >= 0))[0]
        eids[cet] = torch.from_numpy(keep.astype(npdt))
        sadjs.append(SparseAdj(torch.from_numpy(ls[keep].astype(npdt)), torch.from_numpy(ld[keep].astype(npdt)),
                               sel[s].shape[0], sel[d].shape[0], validate=False))
    sub = DGLGraph._create(ntypes, ntypes, [sel[t].shape[0] for t in ntypes], cetypes, sadjs, idtype,
                           torch.device("cpu"))
    for nt in ntypes:
        ids = torch.from_numpy(sel[nt])
        fr = sub.nodes[nt].data
        if copy_ndata:
            for key, val in g.nodes[nt].data.items():
                if key != NID:
                    fr[key] = val[ids.to(val.device).long()].cpu()
        fr[NID] = ids
    for cet in cetypes:
        fr = sub.edges[cet].data
        if copy_edata:
            for key, val in g.edges[cet].data.items():
                if key != EID:
                    fr[key] = val[eids[cet].to(val.device).long()].cpu()
        fr[EID] = eids[cet]
    return sub
