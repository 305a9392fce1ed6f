"""Graph partitioning: METIS assignments, node reordering, and partitions with HALO nodes.

A partition ``p`` of a graph (nodes assigned by ``node_part``) is the subgraph of

* its *inner* nodes (``node_part == p``), first, in increasing id order;
* with ``extra_cached_hops = h >= 1``, the *HALO* nodes: the in-neighbours of the inner nodes
  (hop 1), their in-neighbours (hop 2) ... up to hop ``h``, then the out-neighbours of the
  inner nodes, each in order of discovery;
* the edges met on the way: the in-edges of the inner nodes and of the HALO nodes of hops
  ``1 .. h-1``, and the out-edges of the inner nodes; with ``h = 0``, the edges between
  inner nodes. Edges are sorted by (local destination, parent edge id).

Each partition carries ``dgl.NID``/``dgl.EID`` (ids in the partitioned graph),
``ndata['inner_node']`` (int32, 1 for inner nodes), ``ndata['part_id']`` and
``edata['inner_edge']`` (int8, 1 for the edges whose destination is an inner node; all ones
when ``h = 0``). With ``reshuffle=True`` the graph is first relabelled so that the nodes of a
partition, and the edges into them, have contiguous ids; ``orig_id`` then holds the ids of the
input graph. Like DGL, the partitions carry no other features.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch

from .base import EID, NID, DGLError
from .convert import graph
from ._partition_utils import partition_nodes

__all__ = [
    "metis_partition_assignment",
    "metis_partition",
    "partition_graph_with_halo",
    "reorder_nodes",
    "reshuffle_graph",
]


def _as_int64(x: Any, name: str) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().long().reshape(-1)
    return torch.as_tensor(np.asarray(x), dtype=torch.int64).reshape(-1)


def _homogeneous(g: Any, what: str) -> None:
    if len(g.canonical_etypes) != 1 or len(g.ntypes) != 1:
        raise DGLError(f"{what} needs a homogeneous graph (one node type and one edge type).")


def reorder_nodes(g: Any, new_node_ids: Any) -> Any:
    """A copy of ``g`` whose node ``i`` is renamed ``new_node_ids[i]``.

    Edges keep their ids and order. The result stores the old id of each new node in
    ``ndata['orig_id']``; no other feature is carried.

    Parameters
    ----------
    g : DGLGraph
        A homogeneous graph.
    new_node_ids : Tensor or array
        A permutation of ``0 .. g.num_nodes() - 1``.

    Returns
    -------
    DGLGraph

    Examples
    --------
    >>> g = graphdl.graph(([0, 1], [1, 2]))
    >>> graphdl.partition.reorder_nodes(g, [2, 1, 0]).edges()
    (tensor([2, 1]), tensor([1, 0]))
    """
    _homogeneous(g, "reorder_nodes")
    n = g.num_nodes()
    new = _as_int64(new_node_ids, "new_node_ids")
    if new.shape[0] != n:
        raise DGLError(f"new_node_ids has {new.shape[0]} entries; the graph has {n} nodes.")
    if n and not torch.equal(torch.sort(new)[0], torch.arange(n)):
        raise DGLError("new_node_ids must be a permutation of 0 .. num_nodes - 1.")
    old_of_new = torch.empty(n, dtype=torch.int64)
    old_of_new[new] = torch.arange(n)
    src, dst = g.edges(order="eid")
    new_g = graph((new[src.long().cpu()], new[dst.long().cpu()]), num_nodes=n, idtype=g.idtype)
    new_g = new_g.to(g.device)
    new_g.ndata["orig_id"] = old_of_new.to(g.device)
    return new_g


def reshuffle_graph(g: Any, node_part: Any = None) -> Tuple[Any, Optional[torch.Tensor]]:
    """Relabel nodes and edges so that each partition's nodes and in-edges are contiguous.

    Nodes are sorted by partition (stable, so ids keep their order within a partition); edges
    by new destination, then old edge id. Returns the relabelled graph, with ``orig_id`` node
    and edge data, and the partition of each new node (``None`` when ``node_part`` is
    ``None``, in which case ids are kept and ``orig_id`` is the identity, set on ``g``).
    """
    _homogeneous(g, "reshuffle_graph")
    if node_part is None:
        g.ndata["orig_id"] = torch.arange(g.num_nodes(), device=g.device)
        g.edata["orig_id"] = torch.arange(g.num_edges(), device=g.device)
        return g, None
    part = _as_int64(node_part, "node_part")
    sorted_part, old_of_new = torch.sort(part, stable=True)
    new_of_old = torch.empty_like(old_of_new)
    new_of_old[old_of_new] = torch.arange(part.shape[0])
    src, dst = g.edges(order="eid")
    nsrc, ndst = new_of_old[src.long().cpu()], new_of_old[dst.long().cpu()]
    eorder = torch.sort(ndst, stable=True)[1]
    new_g = graph((nsrc[eorder], ndst[eorder]), num_nodes=g.num_nodes(), idtype=g.idtype)
    new_g = new_g.to(g.device)
    new_g.ndata["orig_id"] = old_of_new.to(g.device)
    new_g.edata["orig_id"] = eorder.to(g.device)
    return new_g, sorted_part


def _ranges(indptr: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Positions ``indptr[r] .. indptr[r + 1]`` for every ``r`` in ``rows``, concatenated."""
    starts, ends = indptr[rows], indptr[rows + 1]
    counts = ends - starts
    total = int(counts.sum())
    if total == 0:
        return torch.zeros(0, dtype=torch.int64)
    offsets = torch.repeat_interleave(starts - torch.cumsum(counts, 0) + counts, counts)
    return offsets + torch.arange(total)


def _first_new(candidates: torch.Tensor, seen: torch.Tensor) -> torch.Tensor:
    """The distinct entries of ``candidates`` not yet ``seen``, in order of first appearance."""
    cand = candidates[~seen[candidates]]
    if cand.numel() == 0:
        return cand
    uniq, inv = torch.unique(cand, return_inverse=True)
    first = torch.full((uniq.shape[0],), cand.shape[0], dtype=torch.int64)
    first = first.scatter_reduce(0, inv, torch.arange(cand.shape[0]), reduce="amin")
    return cand[torch.sort(first)[0]]


def _halo_partition(n: int, src: torch.Tensor, dst: torch.Tensor, in_ptr: torch.Tensor,
                    in_eids: torch.Tensor, out_ptr: torch.Tensor, out_eids: torch.Tensor,
                    inner: torch.Tensor, hops: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """(parent node ids, parent edge ids) of one partition, as the module docstring says."""
    is_inner = torch.zeros(n, dtype=torch.bool)
    is_inner[inner] = True
    if hops == 0:
        eids = torch.nonzero(is_inner[src] & is_inner[dst]).reshape(-1)
        return inner, eids
    seen = is_inner.clone()
    nodes = [inner]
    edge_parts = []
    frontier = inner
    for _ in range(hops):
        eids = in_eids[_ranges(in_ptr, frontier)]
        edge_parts.append(eids)
        frontier = _first_new(src[eids], seen)
        seen[frontier] = True
        nodes.append(frontier)
    out = out_eids[_ranges(out_ptr, inner)]
    edge_parts.append(out)
    extra = _first_new(dst[out], seen)
    seen[extra] = True
    nodes.append(extra)
    eids = torch.unique(torch.cat(edge_parts))
    return torch.cat(nodes), eids


def partition_graph_with_halo(g: Any, node_part: Any, extra_cached_hops: int,
                              reshuffle: bool = False) -> Tuple[Dict[int, Any], Any, Any]:
    """Split ``g`` into one subgraph per partition, each with its HALO nodes.

    See the module docstring for which nodes and edges a partition holds.

    Parameters
    ----------
    g : DGLGraph
        A homogeneous graph.
    node_part : Tensor or array
        The partition id of every node.
    extra_cached_hops : int
        How many hops of in-neighbours to add as HALO nodes.
    reshuffle : bool
        Relabel the graph first so that every partition's nodes (and the edges into them) have
        contiguous ids.

    Returns
    -------
    dict[int, DGLGraph]
        Partition id to partition, for every id in ``0 .. max(node_part)``.
    Tensor or None
        With ``reshuffle``, the input-graph id of each relabelled node; else ``None``.
    Tensor or None
        With ``reshuffle``, the input-graph id of each relabelled edge; else ``None``.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2], [1, 2, 0]))
    >>> parts, _, _ = graphdl.partition.partition_graph_with_halo(g, [0, 0, 1], 1)
    >>> parts[1].ndata[graphdl.NID]
    tensor([2, 1, 0])
    """
    _homogeneous(g, "partition_graph_with_halo")
    hops = int(extra_cached_hops)
    if hops < 0:
        raise DGLError(f"extra_cached_hops must be >= 0, got {extra_cached_hops}.")
    part = _as_int64(node_part, "node_part")
    n = g.num_nodes()
    if part.shape[0] != n:
        raise DGLError(f"node_part has {part.shape[0]} entries; the graph has {n} nodes.")
    if n and int(part.min()) < 0:
        raise DGLError("node_part holds a negative partition id.")
    orig_nids = orig_eids = None
    if reshuffle:
        g, part = reshuffle_graph(g, part)
        orig_nids, orig_eids = g.ndata["orig_id"], g.edata["orig_id"]
    src, dst = (x.long().cpu() for x in g.edges(order="eid"))
    m = src.shape[0]
    in_eids = torch.sort(dst, stable=True)[1]
    out_eids = torch.sort(src, stable=True)[1]
    in_ptr = torch.zeros(n + 1, dtype=torch.int64)
    in_ptr[1:] = torch.cumsum(torch.bincount(dst, minlength=n), 0)
    out_ptr = torch.zeros(n + 1, dtype=torch.int64)
    out_ptr[1:] = torch.cumsum(torch.bincount(src, minlength=n), 0)
    num_parts = int(part.max()) + 1 if n else 0
    result: Dict[int, Any] = {}
    for p in range(num_parts):
        inner = torch.nonzero(part == p).reshape(-1)
        nids, eids = _halo_partition(n, src, dst, in_ptr, in_eids, out_ptr, out_eids, inner, hops)
        local = torch.full((n,), -1, dtype=torch.int64)
        local[nids] = torch.arange(nids.shape[0])
        lsrc, ldst = local[src[eids]], local[dst[eids]]
        # Sort by (local destination, parent edge id): eids are ascending already.
        order = torch.sort(ldst, stable=True)[1]
        eids, lsrc, ldst = eids[order], lsrc[order], ldst[order]
        is_inner_edge = (part[dst[eids]] == p).to(torch.int8)
        if reshuffle:
            # Inner edges first, each group in parent-id order (their ids are contiguous).
            key = eids + (m + 1) * (is_inner_edge == 0).long()
            order = torch.sort(key)[1]
            eids, lsrc, ldst, is_inner_edge = eids[order], lsrc[order], ldst[order], is_inner_edge[order]
        sg = graph((lsrc, ldst), num_nodes=nids.shape[0], idtype=g.idtype).to(g.device)
        inner_node = torch.zeros(nids.shape[0], dtype=torch.int32)
        inner_node[: inner.shape[0]] = 1
        sg.ndata[NID] = nids.to(g.device)
        sg.edata[EID] = eids.to(g.device)
        sg.ndata["inner_node"] = inner_node.to(g.device)
        sg.ndata["part_id"] = part[nids].to(g.device)
        if reshuffle:
            sg.ndata["orig_id"] = orig_nids[nids.to(orig_nids.device)]
            sg.edata["orig_id"] = orig_eids[eids.to(orig_eids.device)]
        sg.edata["inner_edge"] = (is_inner_edge if hops >= 1
                                  else torch.ones(eids.shape[0], dtype=torch.int8)).to(g.device)
        result[p] = sg
    return result, orig_nids, orig_eids


def metis_partition_assignment(g: Any, k: int, balance_ntypes: Any = None,
                               balance_edges: bool = False, mode: str = "k-way",
                               objtype: str = "cut") -> torch.Tensor:
    """Partition id (int64) of every node of a homogeneous graph split into ``k`` parts by METIS.

    METIS (through ``pymetis``) runs on the symmetrised graph. ``balance_ntypes`` (one type
    per node) and ``balance_edges`` add vertex weights that METIS balances across parts: one
    0/1 weight per node type, and the in-degree (per type when both are given).

    Parameters
    ----------
    g : DGLGraph
        A homogeneous graph.
    k : int
        The number of parts.
    balance_ntypes : Tensor or array, optional
        A type per node, to balance the count of each type across parts.
    balance_edges : bool
        Balance the in-edges across parts as well.
    mode : str
        ``"k-way"`` or ``"recursive"`` (recursive bisection).
    objtype : str
        ``"cut"`` (edge cut) or ``"vol"`` (communication volume).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> g = graphdl.rand_graph(100, 500)
    >>> graphdl.metis_partition_assignment(g, 4).unique().tolist()
    [0, 1, 2, 3]
    """
    _homogeneous(g, "metis_partition_assignment")
    if mode not in ("k-way", "recursive"):
        raise DGLError(f"mode must be 'k-way' or 'recursive', got {mode!r}.")
    if objtype not in ("cut", "vol"):
        raise DGLError(f"objtype must be 'cut' or 'vol', got {objtype!r}.")
    weights = []
    n = g.num_nodes()
    if balance_ntypes is not None:
        types = _as_int64(balance_ntypes, "balance_ntypes")
        if types.shape[0] != n:
            raise DGLError(f"balance_ntypes has {types.shape[0]} entries; the graph has {n} nodes.")
        uniq = torch.unique(types)
        weights += [(types == t).long() for t in uniq]
    if balance_edges:
        deg = g.in_degrees().long().cpu()
        if balance_ntypes is None:
            weights.append(deg)
        else:
            weights += [torch.where(types == t, deg, 0) for t in uniq]
    vweights = torch.stack(weights, 1).numpy() if weights else None
    parts = partition_nodes(g, int(k), recursive=mode == "recursive", vweights=vweights,
                            objective=objtype)
    return torch.from_numpy(np.asarray(parts, dtype=np.int64)).to(g.device)


def metis_partition(g: Any, k: int, extra_cached_hops: int = 0, reshuffle: bool = False,
                    balance_ntypes: Any = None, balance_edges: bool = False,
                    mode: str = "k-way") -> Dict[int, Any]:
    """Partition ``g`` into ``k`` parts with METIS, each part with its HALO nodes.

    :func:`metis_partition_assignment` then :func:`partition_graph_with_halo`.

    Parameters
    ----------
    g : DGLGraph
        A homogeneous graph.
    k : int
        The number of parts.
    extra_cached_hops : int
        How many hops of in-neighbours each part keeps as HALO nodes.
    reshuffle : bool
        Relabel nodes so that each part's nodes have contiguous ids (``orig_id`` holds the
        input ids).
    balance_ntypes, balance_edges, mode
        As for :func:`metis_partition_assignment`.

    Returns
    -------
    dict[int, DGLGraph]

    Examples
    --------
    >>> g = graphdl.rand_graph(100, 500)
    >>> len(graphdl.metis_partition(g, 4, extra_cached_hops=1))
    4
    """
    node_part = metis_partition_assignment(g, k, balance_ntypes, balance_edges, mode)
    return partition_graph_with_halo(g, node_part, extra_cached_hops, reshuffle)[0]
