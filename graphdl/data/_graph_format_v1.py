"""Reading DGL's legacy graph files (format version 1: homogeneous graphs stored as in-CSR).

After the 4096-byte header come the number of graphs, the byte offset of each graph, the
node and edge counts of each graph and the labels; then per graph the in-edge CSR
(``indptr`` over destinations, source ``indices``, ``edge_ids``) and the node and edge
tensors. Only reading is supported; graphdl writes version 2.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import torch

from ..base import DGLError
from ._binary import ByteReader, read_named_tensors
from ._graph_records import MAX_NODES, GraphRecord, check_bounds, edge_order, read_id_array, scatter_by_eid

__all__ = ["read_v1_graphs", "read_v1_labels"]


def _read_meta(reader: ByteReader) -> Tuple[List[int], List[int], List[int], Dict[str, torch.Tensor]]:
    num_graphs = reader.u64("number of graphs")
    offsets = reader.u64_list("graph offsets")
    nodes = reader.i64_list("node counts")
    edges = reader.i64_list("edge counts")
    if not len(offsets) == len(nodes) == len(edges) == num_graphs:
        raise reader.fail(f"the file lists {num_graphs} graphs but {len(offsets)} offsets, "
                          f"{len(nodes)} node counts and {len(edges)} edge counts")
    labels = read_named_tensors(reader, "labels")
    return offsets, nodes, edges, labels


def read_v1_labels(reader: ByteReader) -> Dict[str, torch.Tensor]:
    return _read_meta(reader)[3]


def _read_graph(reader: ByteReader, index: int, num_nodes: int, num_edges: int) -> GraphRecord:
    indptr = read_id_array(reader, f"graph {index} indptr")
    indices = read_id_array(reader, f"graph {index} indices")
    eids = read_id_array(reader, f"graph {index} edge ids")
    node_tensors = read_named_tensors(reader, "node tensors")
    edge_tensors = read_named_tensors(reader, "edge tensors")
    if indptr.numel() != num_nodes + 1 or indices.numel() != num_edges:
        raise reader.fail(f"graph {index} stores {indptr.numel() - 1} nodes and {indices.numel()} edges, "
                          f"but the header lists {num_nodes} and {num_edges}")
    diffs = indptr[1:] - indptr[:-1]
    if int(indptr[0]) != 0 or int(indptr[-1]) != num_edges or (diffs.numel() and int(diffs.min()) < 0):
        raise reader.fail(f"graph {index} indptr is not a valid offset array")
    check_bounds(reader, indices, num_nodes, f"graph {index} source node")
    order = edge_order(reader, eids, num_edges, f"graph {index}") if eids.numel() else torch.arange(num_edges)
    dst_rows = torch.repeat_interleave(torch.arange(num_nodes, dtype=indices.dtype), diffs.long())
    dst, src = scatter_by_eid(dst_rows, indices, order)
    for kind, feats, count in (("node", node_tensors, num_nodes), ("edge", edge_tensors, num_edges)):
        for name, value in feats.items():
            if value.dim() == 0 or value.shape[0] != count:
                raise reader.fail(f"{kind} feature '{name}' of graph {index} has shape {tuple(value.shape)} "
                                  f"for {count} {kind}s")
    return GraphRecord(["_N"], ["_E"], [(0, 0)], [num_nodes], [(src, dst)], [node_tensors], [edge_tensors])


def read_v1_graphs(reader: ByteReader, idx_list: Optional[Sequence[int]]):
    """Read the graphs (all, or those of ``idx_list`` in that order) and labels of a version-1 file."""
    offsets, nodes, edges, labels = _read_meta(reader)
    for count in nodes + edges:
        if count < 0 or count > MAX_NODES:
            raise reader.fail(f"invalid node or edge count {count}")
    wanted = range(len(offsets)) if idx_list is None else idx_list
    records = []
    for gid in wanted:
        gid = int(gid)
        if gid < 0 or gid >= len(offsets):
            raise DGLError(f"Graph index {gid} in idx_list is out of range: {reader.what} holds {len(offsets)} graphs.")
        reader.seek(offsets[gid], f"offset of graph {gid}")
        records.append(_read_graph(reader, gid, nodes[gid], edges[gid]))
    return records, labels
