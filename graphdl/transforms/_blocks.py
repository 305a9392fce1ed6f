"""Conversion of a (sampled) graph into a block, the bipartite message-flow graph of one layer."""
from __future__ import annotations

from typing import Any, Dict, List

import torch

from .._graph.frame import copy_frame
from .._graph.ids import nodes_by_type
from .._graph.relabel import node_map, unique_first_seen
from .._result_graph import build_block
from ..base import EID, NID, DGLError

__all__ = ["to_block"]


def _src_ids_by_type(g: Any, kept: Dict[Any, bool]) -> Dict[str, List[torch.Tensor]]:
    out: Dict[str, List[torch.Tensor]] = {nt: [] for nt in g.ntypes}
    for cet in g.canonical_etypes:
        if kept[cet]:
            out[cet[0]].append(g._adj(cet).src)
    return out


def to_block(g: Any, dst_nodes: Any = None, include_dst_in_src: bool = True, src_nodes: Any = None) -> Any:
    """Turn ``g`` into a block whose destination nodes are ``dst_nodes``.

    Every edge of ``g`` is kept (in order) and must end at a destination node, except that
    when ``dst_nodes`` is a dict, a node type it leaves out has no destination nodes and the
    edges into that type are dropped (as in DGL). Source nodes per type are, unless
    ``src_nodes`` fixes them, the destination nodes first (when ``include_dst_in_src``)
    followed by the other sources of kept edges in order of first appearance. The original
    ids are stored in ``srcdata[NID]``, ``dstdata[NID]`` and ``edata[EID]``; node features of
    ``g`` are copied to both sides and edge features to the edges.

    Parameters
    ----------
    g : DGLGraph
        The graph (typically a sampled frontier).
    dst_nodes : Tensor or dict, optional
        Destination node ids (tensor for one node type, else dict). Default: every node with
        an in-edge, sorted.
    include_dst_in_src : bool
        Put the destination nodes first among the sources.
    src_nodes : Tensor or dict, optional
        Source node ids to use as given; must contain every kept edge's source, and start
        with the destination nodes when ``include_dst_in_src``.

    Returns
    -------
    DGLBlock
    """
    if getattr(g, "is_block", False):
        raise DGLError("to_block expects a graph, not a block.")
    idtype, device = g.idtype, g.device
    empty = torch.zeros(0, dtype=idtype, device=device)
    if dst_nodes is None:
        pieces: Dict[str, List[torch.Tensor]] = {nt: [] for nt in g.ntypes}
        for cet in g.canonical_etypes:
            pieces[cet[2]].append(g._adj(cet).dst)
        dst = {nt: torch.unique(torch.cat(p)) if p else empty for nt, p in pieces.items()}
    else:
        if not isinstance(dst_nodes, dict) and len(g.ntypes) != 1:
            raise DGLError(f"dst_nodes must be a dict for a graph with node types {list(g.ntypes)}.")
        given = nodes_by_type(g, dst_nodes, "destination node")
        dst = {nt: given.get(nt, empty) for nt in g.ntypes}
    # a type left out of a dst_nodes dict receives no edges
    kept = {cet: not isinstance(dst_nodes, dict) or cet[2] in dst_nodes for cet in g.canonical_etypes}
    dst_map = {nt: node_map(ids, g.num_nodes(nt)) for nt, ids in dst.items()}

    srcs = _src_ids_by_type(g, kept)
    if src_nodes is None:
        src = {}
        for nt in g.ntypes:
            parts = ([dst[nt]] if include_dst_in_src else []) + srcs[nt]
            src[nt] = unique_first_seen(torch.cat(parts)) if parts else empty
    else:
        if not isinstance(src_nodes, dict) and len(g.ntypes) != 1:
            raise DGLError(f"src_nodes must be a dict for a graph with node types {list(g.ntypes)}.")
        given = nodes_by_type(g, src_nodes, "source node")
        src = {nt: given.get(nt, empty) for nt in g.ntypes}
        if include_dst_in_src:
            for nt in g.ntypes:
                k = dst[nt].shape[0]
                if src[nt].shape[0] < k or not torch.equal(src[nt][:k], dst[nt]):
                    raise DGLError(
                        f"src_nodes of type {nt!r} must start with the destination nodes when "
                        "include_dst_in_src is True."
                    )
    src_map = {nt: node_map(ids, g.num_nodes(nt)) for nt, ids in src.items()}

    data = {}
    for cet in g.canonical_etypes:
        if not kept[cet]:
            data[cet] = (empty, empty)
            continue
        adj = g._adj(cet)
        u = src_map[cet[0]][adj.src.long()]
        v = dst_map[cet[2]][adj.dst.long()]
        if v.numel() and bool((v < 0).any()):
            bad = int(adj.dst[(v < 0).nonzero()[0, 0]])
            raise DGLError(
                f"Node {bad} of type {cet[2]!r} has an in-edge of type {cet} but is not in dst_nodes."
            )
        if u.numel() and bool((u < 0).any()):
            bad = int(adj.src[(u < 0).nonzero()[0, 0]])
            raise DGLError(f"Node {bad} of type {cet[0]!r} is an edge source but is not in src_nodes.")
        data[cet] = (u, v)
    block = build_block(
        data,
        {nt: int(ids.shape[0]) for nt, ids in src.items()},
        {nt: int(ids.shape[0]) for nt, ids in dst.items()},
        idtype,
        device,
    )
    for nt in g.ntypes:
        frame = g.nodes[nt].data
        copy_frame(frame, block.srcnodes[nt].data, src[nt], skip=(NID,))
        copy_frame(frame, block.dstnodes[nt].data, dst[nt], skip=(NID,))
        block.srcnodes[nt].data[NID] = src[nt]
        block.dstnodes[nt].data[NID] = dst[nt]
    for cet in g.canonical_etypes:
        eids = torch.arange(g.num_edges(cet) if kept[cet] else 0, dtype=idtype, device=device)
        copy_frame(g.edges[cet].data, block.edges[cet].data, None if kept[cet] else eids, skip=(EID,))
        block.edges[cet].data[EID] = eids
    return block
