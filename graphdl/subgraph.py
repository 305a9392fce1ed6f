"""Subgraph extraction: induced by nodes, by edges, by in/out edges, by k-hop neighbourhoods, by type.

Every function returns a new graph. Features of the kept nodes and edges are copied over; with
``store_ids`` the original ids are stored under ``graphdl.NID`` (nodes, when nodes are relabelled)
and ``graphdl.EID`` (edges).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

from ._graph.ids import CanonicalEType, canonical, edges_by_type, nodes_by_type
from ._graph.frame import copy_frame
from ._graph.relabel import node_map, unique_first_seen
from ._result_graph import build_graph
from .base import EID, NID, DGLError

__all__ = [
    "node_subgraph",
    "edge_subgraph",
    "in_subgraph",
    "out_subgraph",
    "khop_in_subgraph",
    "khop_out_subgraph",
    "node_type_subgraph",
    "edge_type_subgraph",
]

IdDict = Dict[str, torch.Tensor]


def _no_blocks(g: Any) -> None:
    if getattr(g, "is_block", False):
        raise DGLError("Extracting a subgraph of a block is not supported.")


def _finish(sg: Any, output_device: Any) -> Any:
    return sg if output_device is None else sg.to(output_device)


def _empty(g: Any) -> torch.Tensor:
    return torch.zeros(0, dtype=g.idtype, device=g.device)


def _gather_rows(indptr: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Positions ``indptr[r] .. indptr[r+1]-1`` for each ``r`` of ``rows``, concatenated."""
    ip = indptr.long()
    r = rows.long()
    start = ip[r]
    counts = ip[r + 1] - start
    total = int(counts.sum()) if counts.numel() else 0
    if total == 0:
        return torch.zeros(0, dtype=torch.long, device=indptr.device)
    offsets = torch.cumsum(counts, 0) - counts
    base = torch.repeat_interleave(start - offsets, counts)
    return base + torch.arange(total, device=indptr.device)


def _carry_features(
    g: Any,
    sg: Any,
    nodes: Optional[Dict[str, torch.Tensor]],
    edges: Dict[CanonicalEType, torch.Tensor],
    store_ids: bool,
) -> None:
    """Copy features of ``g`` into its subgraph ``sg`` and record the original ids.

    ``nodes`` gives the kept node ids per type (None: every node is kept, unrelabelled, and
    no node ids are stored); ``edges`` the kept edge ids per canonical edge type.
    """
    for nt in g.ntypes:
        if nodes is None:
            copy_frame(g.nodes[nt].data, sg.nodes[nt].data)
            continue
        copy_frame(g.nodes[nt].data, sg.nodes[nt].data, nodes[nt])
        if store_ids:
            sg.nodes[nt].data[NID] = nodes[nt]
    for cet, e in edges.items():
        copy_frame(g.edges[cet].data, sg.edges[cet].data, e)
        if store_ids:
            sg.edges[cet].data[EID] = e


def _subgraph_from_edges(
    g: Any,
    eids: Dict[CanonicalEType, torch.Tensor],
    relabel_nodes: bool,
    store_ids: bool,
) -> Any:
    """Graph with the edges ``eids`` of each relation (missing relations keep no edges).

    When ``relabel_nodes``, the nodes of each type are the distinct endpoints in order of first
    appearance (relation by relation, sources before destinations); otherwise every node is kept.
    """
    idtype, device = g.idtype, g.device
    ends: Dict[CanonicalEType, Tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}
    for cet in g.canonical_etypes:
        adj = g._adj(cet)
        e = eids.get(cet)
        if e is None:
            e = _empty(g)
        el = e.long()
        ends[cet] = (adj.src[el], adj.dst[el], e)
    if relabel_nodes:
        pieces: Dict[str, List[torch.Tensor]] = {nt: [] for nt in g.ntypes}
        for (s, _, d), (u, v, _) in ends.items():
            pieces[s].append(u)
            pieces[d].append(v)
        induced = {
            nt: unique_first_seen(torch.cat(p)) if p else _empty(g) for nt, p in pieces.items()
        }
        maps = {nt: node_map(ids, g.num_nodes(nt)) for nt, ids in induced.items()}
        data = {
            cet: (maps[cet[0]][u.long()], maps[cet[2]][v.long()]) for cet, (u, v, _) in ends.items()
        }
        num_nodes = {nt: int(ids.shape[0]) for nt, ids in induced.items()}
    else:
        induced = {}
        data = {cet: (u, v) for cet, (u, v, _) in ends.items()}
        num_nodes = {nt: g.num_nodes(nt) for nt in g.ntypes}
    sg = build_graph(data, num_nodes, idtype, device)
    edges = {cet: e for cet, (_, _, e) in ends.items()}
    _carry_features(g, sg, induced if relabel_nodes else None, edges, store_ids)
    return sg


def node_subgraph(
    graph: Any,
    nodes: Any,
    *,
    relabel_nodes: bool = True,
    store_ids: bool = True,
    output_device: Any = None,
) -> Any:
    """The subgraph induced on ``nodes``: those nodes and every edge between two of them.

    Parameters
    ----------
    graph
        The graph.
    nodes
        Node ids (int tensor, iterable, or bool mask), or a dict keyed by node type.
        Node types left out of a dict keep no nodes. Node ``i`` of the result is
        ``nodes[i]`` when relabelling. Edges come grouped by source, in the order of
        ``nodes``, and by edge id within a source.
    relabel_nodes
        If False, keep every node of ``graph`` and only filter the edges.
    store_ids
        Store original ids in ``ndata[NID]`` / ``edata[EID]``.
    output_device
        Device of the result (default: the graph's).
    """
    _no_blocks(graph)
    given = nodes_by_type(graph, nodes)
    sel = {nt: given.get(nt, _empty(graph)) for nt in graph.ntypes}
    maps = {nt: node_map(ids, graph.num_nodes(nt)) for nt, ids in sel.items()}
    data = {}
    kept: Dict[CanonicalEType, torch.Tensor] = {}
    for cet in graph.canonical_etypes:
        s, _, d = cet
        adj = graph._adj(cet)
        # out-edges of the selected sources, source by source in the given order
        indptr, _, perm = adj.csr()
        e = perm[_gather_rows(indptr, sel[s])].long()
        e = e[maps[d][adj.dst[e].long()] >= 0]
        kept[cet] = e.to(graph.idtype)
        if relabel_nodes:
            data[cet] = (maps[s][adj.src[e].long()], maps[d][adj.dst[e].long()])
        else:
            data[cet] = (adj.src[e], adj.dst[e])
    if relabel_nodes:
        num_nodes = {nt: int(ids.shape[0]) for nt, ids in sel.items()}
    else:
        num_nodes = {nt: graph.num_nodes(nt) for nt in graph.ntypes}
    sg = build_graph(data, num_nodes, graph.idtype, graph.device)
    _carry_features(graph, sg, sel if relabel_nodes else None, kept, store_ids)
    return _finish(sg, output_device)


def edge_subgraph(
    graph: Any,
    edges: Any,
    *,
    relabel_nodes: bool = True,
    store_ids: bool = True,
    output_device: Any = None,
    **deprecated_kwargs: Any,
) -> Any:
    """The subgraph made of the given edges (in the given order) and their endpoints.

    Parameters
    ----------
    graph
        The graph.
    edges
        Edge ids (int tensor, iterable, or bool mask), or a dict keyed by edge type.
    relabel_nodes
        If True keep only the endpoints, numbered in order of first appearance
        (sources of the selected edges, then their destinations; original ids in
        ``ndata[NID]``); else keep every node.
    store_ids
        Store original ids in ``ndata[NID]`` / ``edata[EID]``.
    output_device
        Device of the result.
    """
    if "preserve_nodes" in deprecated_kwargs:
        relabel_nodes = not deprecated_kwargs.pop("preserve_nodes")
    if deprecated_kwargs:
        raise DGLError(f"Unexpected arguments {sorted(deprecated_kwargs)} for edge_subgraph.")
    _no_blocks(graph)
    eids = edges_by_type(graph, edges)
    return _finish(_subgraph_from_edges(graph, eids, relabel_nodes, store_ids), output_device)


def _neighbor_edges(graph: Any, nodes: Any, inbound: bool) -> Dict[CanonicalEType, torch.Tensor]:
    given = nodes_by_type(graph, nodes)
    out = {}
    for cet in graph.canonical_etypes:
        nt = cet[2] if inbound else cet[0]
        ids = given.get(nt)
        if ids is None:
            continue
        adj = graph._adj(cet)
        indptr, _, perm = adj.csc() if inbound else adj.csr()
        pos = _gather_rows(indptr, ids)
        out[cet] = perm[pos]
    return out


def in_subgraph(
    graph: Any,
    nodes: Any,
    *,
    relabel_nodes: bool = False,
    store_ids: bool = True,
    output_device: Any = None,
) -> Any:
    """The subgraph of all inbound edges (of every relation) of ``nodes``.

    Edges are grouped by destination in the order of ``nodes``. With ``relabel_nodes`` the
    isolated nodes are dropped and the rest relabelled as in :func:`edge_subgraph`.
    """
    _no_blocks(graph)
    eids = _neighbor_edges(graph, nodes, inbound=True)
    return _finish(_subgraph_from_edges(graph, eids, relabel_nodes, store_ids), output_device)


def out_subgraph(
    graph: Any,
    nodes: Any,
    *,
    relabel_nodes: bool = False,
    store_ids: bool = True,
    output_device: Any = None,
) -> Any:
    """The subgraph of all outbound edges (of every relation) of ``nodes``."""
    _no_blocks(graph)
    eids = _neighbor_edges(graph, nodes, inbound=False)
    return _finish(_subgraph_from_edges(graph, eids, relabel_nodes, store_ids), output_device)


def _khop(
    graph: Any, nodes: Any, k: int, inbound: bool, relabel_nodes: bool, store_ids: bool, output_device: Any
) -> Any:
    _no_blocks(graph)
    if int(k) < 0:
        raise DGLError(f"The number of hops must be non-negative, got {k}.")
    is_dict = isinstance(nodes, dict)
    seeds = nodes_by_type(graph, nodes)
    reached: Dict[str, List[torch.Tensor]] = {nt: [ids] for nt, ids in seeds.items()}
    frontier = dict(seeds)
    for _ in range(int(k)):
        nxt: Dict[str, List[torch.Tensor]] = {}
        for cet in graph.canonical_etypes:
            s, _, d = cet
            here, there = (d, s) if inbound else (s, d)
            ids = frontier.get(here)
            if ids is None or ids.numel() == 0:
                continue
            adj = graph._adj(cet)
            indptr, other, _ = adj.csc() if inbound else adj.csr()
            nxt.setdefault(there, []).append(other[_gather_rows(indptr, ids)])
        frontier = {nt: torch.unique(torch.cat(p)) for nt, p in nxt.items()}
        for nt, ids in frontier.items():
            reached.setdefault(nt, []).append(ids)
    sel = {nt: torch.unique(torch.cat(p)) for nt, p in reached.items()}
    sg = node_subgraph(
        graph, sel, relabel_nodes=relabel_nodes, store_ids=store_ids, output_device=output_device
    )
    if not relabel_nodes:
        return sg
    inv = {nt: torch.searchsorted(sel[nt], ids).to(torch.int64) for nt, ids in seeds.items()}
    if output_device is not None:
        inv = {nt: t.to(output_device) for nt, t in inv.items()}
    return sg, (inv if is_dict else next(iter(inv.values())))


def khop_in_subgraph(
    graph: Any,
    nodes: Any,
    k: int,
    *,
    relabel_nodes: bool = True,
    store_ids: bool = True,
    output_device: Any = None,
) -> Any:
    """The subgraph induced on ``nodes`` and every node reaching them within ``k`` hops.

    Returns ``(subgraph, inverse_indices)`` where ``inverse_indices`` gives the new ids of
    ``nodes``; with ``relabel_nodes=False`` only the subgraph (all nodes kept) is returned.
    """
    return _khop(graph, nodes, k, True, relabel_nodes, store_ids, output_device)


def khop_out_subgraph(
    graph: Any,
    nodes: Any,
    k: int,
    *,
    relabel_nodes: bool = True,
    store_ids: bool = True,
    output_device: Any = None,
) -> Any:
    """The subgraph induced on ``nodes`` and every node they reach within ``k`` hops."""
    return _khop(graph, nodes, k, False, relabel_nodes, store_ids, output_device)


def _type_subgraph(graph: Any, etypes: Sequence[CanonicalEType], ntypes: Sequence[str]) -> Any:
    data = {}
    for cet in etypes:
        adj = graph._adj(cet)
        data[cet] = (adj.src, adj.dst)
    sg = build_graph(data, {nt: graph.num_nodes(nt) for nt in ntypes}, graph.idtype, graph.device)
    # The feature frames are shared with ``graph``, as in DGL: a feature set on either
    # graph afterwards shows in both.
    for nt in ntypes:
        sg._node_frames[sg._src_slot[nt]] = graph._node_frames[graph._src_slot[nt]]
    for cet in etypes:
        sg._edge_frames[sg.get_etype_id(cet)] = graph._edge_frames[graph.get_etype_id(cet)]
    return sg


def node_type_subgraph(graph: Any, ntypes: Sequence[str], output_device: Any = None) -> Any:
    """The subgraph with the node types ``ntypes`` and every relation among them.

    Its feature frames are those of ``graph`` (shared, not copied), as in DGL.
    """
    _no_blocks(graph)
    ntypes = list(ntypes)
    for nt in ntypes:
        if nt not in graph.ntypes:
            raise DGLError(f"Unknown node type {nt!r}; the graph has node types {list(graph.ntypes)}.")
    keep = [nt for nt in graph.ntypes if nt in ntypes]
    etypes = [c for c in graph.canonical_etypes if c[0] in keep and c[2] in keep]
    if not etypes:
        raise DGLError(f"No edge type connects the node types {ntypes}.")
    return _finish(_type_subgraph(graph, etypes, keep), output_device)


def edge_type_subgraph(graph: Any, etypes: Sequence[Any], output_device: Any = None) -> Any:
    """The subgraph with the relations ``etypes`` (in that order) and the node types they touch.

    Its feature frames are those of ``graph`` (shared, not copied), as in DGL.
    """
    _no_blocks(graph)
    cets: List[CanonicalEType] = []
    for et in etypes:
        c = canonical(graph, et)
        if c not in cets:
            cets.append(c)
    if not cets:
        raise DGLError("edge_type_subgraph needs at least one edge type.")
    used = {c[0] for c in cets} | {c[2] for c in cets}
    keep = [nt for nt in graph.ntypes if nt in used]
    return _finish(_type_subgraph(graph, cets, keep), output_device)
