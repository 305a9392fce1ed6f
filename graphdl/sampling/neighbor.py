"""Neighbour sampling: ``sample_neighbors``, ``sample_etype_neighbors`` and ``select_topk``.

Each returns a *frontier*: a graph with every node of the input graph and only the chosen
edges, whose ``edata[EID]`` holds the ids of those edges in the input graph.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from .._graph.ids import CanonicalEType
from ..base import EID, ETYPE, DGLError
from . import _kernels as K
from . import _rng
from ._utils import check_fanouts, edge_weights, exclude_per_etype, nodes_per_type, to_np
from ..convert import heterograph
from ._block import block_from_picked

__all__ = ["sample_neighbors", "sample_neighbors_fused", "sample_etype_neighbors", "select_topk"]

Picked = Dict[CanonicalEType, Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def _check_dir(edge_dir: str) -> None:
    if edge_dir not in ("in", "out"):
        raise DGLError(f"edge_dir must be 'in' or 'out', got {edge_dir!r}.")


def _compressed(g: Any, cet: CanonicalEType, edge_dir: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    adj = g._adj(cet)
    indptr, nbr, eid = adj.csc() if edge_dir == "in" else adj.csr()
    return to_np(indptr), to_np(nbr), to_np(eid)


def seeds_side(g: Any, edge_dir: str) -> List[str]:
    return list(g.dsttypes if edge_dir == "in" else g.srctypes)


def pick_edges(
    g: Any,
    seeds: Dict[str, torch.Tensor],
    fanouts: Dict[CanonicalEType, int],
    edge_dir: str,
    prob: Any,
    replace: bool,
    exclude: Dict[CanonicalEType, np.ndarray],
) -> Picked:
    """Sample per relation. For each relation returns ``(rows, counts, neighbours, eids)``
    where ``rows`` are the seeds used and ``counts[i]`` edges were taken for ``rows[i]``."""
    out: Picked = {}
    any_weights = False
    for cet in g.canonical_etypes:
        cet = tuple(cet)
        seed_type = cet[2] if edge_dir == "in" else cet[0]
        rows = to_np(seeds.get(seed_type, torch.empty(0, dtype=g.idtype)))
        k = fanouts.get(cet, 0)
        if rows.shape[0] == 0 or k == 0 or g.num_edges(cet) == 0:
            empty = np.empty(0, rows.dtype)
            out[cet] = (rows, np.zeros(rows.shape[0], np.int64), empty, empty)
            continue
        indptr, nbr, eid = _compressed(g, cet, edge_dir)
        w = edge_weights(g, cet, prob)
        any_weights = any_weights or w is not None
        excl = exclude.get(cet, np.empty(0, np.int64)).astype(eid.dtype)
        seed = _rng.next_seed()
        if w is None and excl.shape[0] == 0:
            counts, pn, pe = K.over_rows(K.sample_rows_uniform, (indptr, nbr, eid), rows, (k, replace, seed),
                                         max(1, abs(k)) * rows.shape[0])
        else:
            has = w is not None
            warr = w if has else np.empty(0, np.float64)
            counts, pn, pe = K.over_rows(K.sample_rows, (indptr, nbr, eid), rows, (k, replace, warr, has, excl, seed),
                                         K.row_work(indptr, rows))
        out[cet] = (rows, counts, pn, pe)
    if prob is not None and isinstance(prob, str) and not any_weights:
        raise DGLError(f"Edge feature {prob!r} (prob or mask) is missing on every edge type.")
    return out


def frontier_from(
    g: Any,
    picked: Picked,
    edge_dir: str,
    copy_ndata: bool,
    copy_edata: bool,
    output_device: Any = None,
    extra_edata: Optional[Dict[CanonicalEType, Dict[str, torch.Tensor]]] = None,
) -> Any:
    """Build the frontier graph (all nodes of ``g``, the picked edges, ``edata[EID]``)."""
    data = {}
    eids = {}
    for cet, (rows, counts, pn, pe) in picked.items():
        rep = torch.from_numpy(np.repeat(rows, counts))
        nb = torch.from_numpy(pn)
        data[cet] = (nb, rep) if edge_dir == "in" else (rep, nb)
        eids[cet] = torch.from_numpy(pe).to(g.idtype)
    num_nodes = {nt: g.num_nodes(nt) for nt in g.ntypes}
    fr = heterograph(data, num_nodes_dict=num_nodes, idtype=g.idtype, device=torch.device("cpu"))
    if copy_ndata:
        for nt in g.ntypes:
            for key, val in g.nodes[nt].data.items():
                fr.nodes[nt].data[key] = val.cpu() if val.device.type != "cpu" else val
    for cet in fr.canonical_etypes:
        cet = tuple(cet)
        e = eids[cet]
        if copy_edata:
            for key, val in g.edges[cet].data.items():
                fr.edges[cet].data[key] = val[e.to(val.device).long()].cpu()
        if extra_edata and cet in extra_edata:
            for key, val in extra_edata[cet].items():
                fr.edges[cet].data[key] = val
        fr.edges[cet].data[EID] = e
    target = output_device if output_device is not None else g.device
    if torch.device(target) != fr.device:
        fr = fr.to(target)
    return fr


def sample_neighbors(
    g: Any,
    nodes: Any,
    fanout: Union[int, Dict[Any, int]],
    edge_dir: str = "in",
    prob: Optional[str] = None,
    replace: bool = False,
    copy_ndata: bool = True,
    copy_edata: bool = True,
    _dist_training: bool = False,
    exclude_edges: Any = None,
    output_device: Any = None,
) -> Any:
    """Sample at most ``fanout`` in-edges (``edge_dir='out'``: out-edges) of each seed node.

    Parameters
    ----------
    g
        the graph.
    nodes
        seed ids (tensor) or ``{ntype: ids}``.
    fanout
        edges per seed, one int for every relation or ``{etype: int}`` naming every
        relation; ``-1`` takes all edges (those of non-zero ``prob``).
    edge_dir
        ``'in'`` or ``'out'``.
    prob
        name of a non-negative per-edge feature used as unnormalised sampling weights,
        or of a boolean mask; edges of weight 0 are never taken.
    replace
        sample with replacement (then exactly ``fanout`` edges per seed with any edge).
    copy_ndata, copy_edata
        carry the node features / the features of the picked edges.
    exclude_edges
        edge ids (or ``{etype: ids}``) that must never be picked.
    output_device
        device of the result (default: the graph's).

    Returns
    -------
    DGLGraph
        The frontier: all nodes of ``g``, the picked edges, with ``edata[EID]``.
    """
    _check_dir(edge_dir)
    seeds = nodes_per_type(g, nodes, seeds_side(g, edge_dir))
    fanouts = check_fanouts(g, fanout)
    exclude = exclude_per_etype(g, exclude_edges)
    picked = pick_edges(g, seeds, fanouts, edge_dir, prob, replace, exclude)
    return frontier_from(g, picked, edge_dir, copy_ndata, copy_edata, output_device)


def sample_neighbors_fused(
    g: Any,
    nodes: Any,
    fanout: Union[int, Dict[Any, int]],
    edge_dir: str = "in",
    prob: Optional[str] = None,
    replace: bool = False,
    copy_ndata: bool = True,
    copy_edata: bool = True,
    exclude_edges: Any = None,
    mapping: Optional[Dict[str, Any]] = None,
) -> Any:
    """:func:`sample_neighbors` followed by ``to_block(frontier, nodes)`` in one step: the
    block's destination nodes are ``nodes``, its sources are ``nodes`` followed by the other
    sampled neighbours in first-seen order, with ``srcdata/dstdata[NID]`` and ``edata[EID]``.

    A node repeated among ``nodes`` is a destination node at each of its positions (each
    samples on its own) and, as a source, its first position, as in DGL.

    Only ``edge_dir='in'`` is supported: DGL's out-edge variant returns a block whose edges
    end at source-node positions past its destination-node count, which is not a valid
    block. ``mapping`` is accepted for compatibility (graphdl keeps its own id tables).
    """
    if edge_dir != "in":
        raise DGLError(f"sample_neighbors_fused supports edge_dir='in' only, got {edge_dir!r}.")
    seeds = nodes_per_type(g, nodes, seeds_side(g, edge_dir))
    picked = pick_edges(g, seeds, check_fanouts(g, fanout), "in", prob, replace,
                        exclude_per_etype(g, exclude_edges))
    return block_from_picked(g, {nt: to_np(t) for nt, t in seeds.items()}, picked, copy_ndata, copy_edata,
                             repeated_seeds=True)


def _per_type_prob(prob: Sequence[Any], etypes: np.ndarray) -> torch.Tensor:
    """One weight per edge from DGL's list form: ``prob[t]`` holds the weights of the edges of
    type ``t``, in edge-id order (an empty tensor, or None, means uniform: weight 1)."""
    w = torch.ones(etypes.shape[0], dtype=torch.float64)
    for t, p in enumerate(prob):
        pos = torch.from_numpy(np.nonzero(etypes == t)[0])
        if p is None or (isinstance(p, torch.Tensor) and p.numel() == 0):
            continue
        p = torch.as_tensor(p).reshape(-1)
        if p.shape[0] != pos.shape[0]:
            raise DGLError(f"prob[{t}] has {p.shape[0]} values; there are {pos.shape[0]} edges of type {t}.")
        w[pos] = p.detach().cpu().to(torch.float64)
    return w


def sample_etype_neighbors(
    g: Any,
    nodes: Any,
    etype_offset: Any,
    fanout: Union[int, Sequence[int], torch.Tensor],
    edge_dir: str = "in",
    prob: Optional[str] = None,
    replace: bool = False,
    copy_ndata: bool = True,
    copy_edata: bool = True,
    etype_sorted: bool = False,
    _dist_training: bool = False,
    output_device: Any = None,
) -> Any:
    """Neighbour sampling on a homogeneous graph whose ``edata[ETYPE]`` holds an edge type per
    edge: up to ``fanout[t]`` edges of each type ``t`` per seed.

    ``etype_offset`` is accepted for signature compatibility (types are read from
    ``edata[ETYPE]``); ``fanout`` is one int for every type or a sequence with one per type.
    ``prob`` is an edge feature name, one weight per edge, or (DGL's form) a list with the
    weights of each type's edges, in edge-id order.
    """
    _check_dir(edge_dir)
    if len(g.canonical_etypes) != 1:
        raise DGLError("sample_etype_neighbors needs a graph with one relation and edata[ETYPE].")
    cet = tuple(g.canonical_etypes[0])
    if ETYPE not in g.edges[cet].data:
        raise DGLError("sample_etype_neighbors needs the edge types in g.edata[dgl.ETYPE].")
    etypes = to_np(g.edges[cet].data[ETYPE].long())
    if isinstance(prob, (list, tuple)):
        prob = _per_type_prob(prob, etypes)
    if isinstance(fanout, torch.Tensor):
        fanout = fanout.tolist()
    ntypes_e = int(etypes.max()) + 1 if etypes.size else 0
    fans = [int(fanout)] * ntypes_e if isinstance(fanout, (int, np.integer)) else [int(f) for f in fanout]
    if len(fans) < ntypes_e:
        raise DGLError(f"fanout gives {len(fans)} values but the graph has {ntypes_e} edge types.")
    seeds = nodes_per_type(g, nodes, seeds_side(g, edge_dir))
    rows = to_np(next(iter(seeds.values()))) if seeds else np.empty(0, np.int64)
    base = edge_weights(g, cet, prob)
    if prob is not None and base is None:
        raise DGLError(f"Edge feature {prob!r} (prob or mask) is missing.")
    indptr, nbr, eid = _compressed(g, cet, edge_dir)
    parts = []
    for t, k in enumerate(fans):
        if k == 0:
            continue
        w = (etypes == t).astype(np.float64)
        if base is not None:
            w = w * base
        seed = _rng.next_seed()
        counts, pn, pe = K.over_rows(K.sample_rows, (indptr, nbr, eid), rows,
                                     (k, replace, w, True, np.empty(0, eid.dtype), seed), K.row_work(indptr, rows))
        parts.append((counts, pn, pe))
    if parts:
        counts = np.stack([p[0] for p in parts], 1)  # rows x types
        # Concatenate per type, then regroup by seed so each seed's edges are contiguous.
        row_of = np.concatenate([np.repeat(np.arange(rows.shape[0]), p[0]) for p in parts])
        order = np.argsort(row_of, kind="stable")
        pn = np.concatenate([p[1] for p in parts])[order]
        pe = np.concatenate([p[2] for p in parts])[order]
        total = counts.sum(1)
    else:
        pn = pe = np.empty(0, eid.dtype)
        total = np.zeros(rows.shape[0], np.int64)
    picked = {cet: (rows, total, pn, pe)}
    return frontier_from(g, picked, edge_dir, copy_ndata, copy_edata, output_device)


def select_topk(
    g: Any,
    k: Union[int, Dict[Any, int]],
    weight: str,
    nodes: Any = None,
    edge_dir: str = "in",
    ascending: bool = False,
    copy_ndata: bool = True,
    copy_edata: bool = True,
    exclude_edges: Any = None,
    output_device: Any = None,
) -> Any:
    """Keep, for each node, the ``k`` in-edges (``'out'``: out-edges) of largest ``weight``
    (smallest when ``ascending``). ``nodes=None`` means every node. Returns a frontier."""
    _check_dir(edge_dir)
    side = seeds_side(g, edge_dir)
    if nodes is None:
        nodes = {nt: torch.arange(g.num_nodes(nt), dtype=g.idtype) for nt in side}
    seeds = nodes_per_type(g, nodes, side)
    ks = check_fanouts(g, k)
    exclude = exclude_per_etype(g, exclude_edges)
    picked: Picked = {}
    for cet in g.canonical_etypes:
        cet = tuple(cet)
        seed_type = cet[2] if edge_dir == "in" else cet[0]
        rows = to_np(seeds.get(seed_type, torch.empty(0, dtype=g.idtype)))
        kk = ks.get(cet, 0)
        if rows.shape[0] == 0 or kk == 0 or g.num_edges(cet) == 0:
            empty = np.empty(0, rows.dtype)
            picked[cet] = (rows, np.zeros(rows.shape[0], np.int64), empty, empty)
            continue
        if weight not in g.edges[cet].data:
            raise DGLError(f"Edge feature {weight!r} is missing on edge type {cet}.")
        w = g.edges[cet].data[weight]
        if w.dim() != 1:
            raise DGLError(f"Weight {weight!r} must be 1-D, got shape {tuple(w.shape)}.")
        indptr, nbr, eid = _compressed(g, cet, edge_dir)
        excl = exclude[cet].astype(eid.dtype)
        counts, pn, pe = K.over_rows(K.topk_rows, (indptr, nbr, eid), rows, (kk, to_np(w.double()), ascending, excl),
                                     K.row_work(indptr, rows))
        picked[cet] = (rows, counts, pn, pe)
    return frontier_from(g, picked, edge_dir, copy_ndata, copy_edata, output_device)
