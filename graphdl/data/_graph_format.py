"""DGL's graph file (format version 2) read into and written from plain records.

A file holds a 4096-byte header (magic, version, graph type, number of graphs), the byte
offset where the graphs start, the graph labels, one record per graph and, at the very end,
the offsets of every graph so that a reader can pick graphs by index.

A graph record is a heterograph: a metagraph naming which node types each relation joins,
one sparse matrix per relation (COO, CSR or CSC; any of them may be present), node counts
per type, node and edge tensors per type, and the type names. :class:`GraphRecord` holds
that content independent of any graph class; :mod:`graphdl.data.graph_serialize` turns it
into :class:`~graphdl.DGLGraph` objects.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import torch

from ..base import DGLError
from ._binary import (
    ByteReader,
    ByteWriter,
    read_named_tensors,
    read_ndarray,
    write_named_tensors,
    write_ndarray,
)
from ._graph_format_v1 import read_v1_graphs, read_v1_labels
from ._graph_records import MAX_NODES, GraphRecord, check_bounds, edge_order, read_id_array, scatter_by_eid

__all__ = ["GraphRecord", "read_graph_file", "write_graph_file", "graph_file_writer", "read_file_labels", "FILE_MAGIC"]

FILE_MAGIC = 0xDD2E4FF046B4A13F
HETEROGRAPH_MAGIC = 0xDD589FBE35224ABF
IMMUTABLE_GRAPH_MAGIC = 0xDD3C5FFE20046ABF
UNIT_GRAPH_MAGIC = 0xDD2E60F0F6B4A127
COO_MAGIC = 0xDD61FFD305DFF127
CSR_MAGIC = 0xDD6CD31205DFF127
HEADER_SIZE = 4096
VERSION = 2
GRAPH_TYPE_HETERO = 2
COO_CODE, CSR_CODE, CSC_CODE = 1, 2, 4
_FORMAT_FLAG = 1 << 32
_FORMAT_CODES = {"coo": COO_CODE, "csr": CSR_CODE, "csc": CSC_CODE}
# ----------------------------------------------------------------------------- reading


def _check_size(reader: ByteReader, value: int, what: str) -> int:
    if value < 0 or value > MAX_NODES:
        raise reader.fail(f"{what} {value} is invalid")
    return value


def _read_coo(reader: ByteReader) -> Tuple[int, int, torch.Tensor, torch.Tensor]:
    reader.magic(COO_MAGIC, "COO matrix")
    num_cols = _check_size(reader, reader.i64("COO column count"), "COO column count")
    num_rows = _check_size(reader, reader.i64("COO row count"), "COO row count")
    row = read_id_array(reader, "COO row")
    col = read_id_array(reader, "COO col")
    data = read_ndarray(reader, "COO data")
    reader.flag("COO row_sorted")
    reader.flag("COO col_sorted")
    if row.numel() != col.numel() or row.dtype != col.dtype:
        raise reader.fail(f"COO row ({row.numel()}, {row.dtype}) and col ({col.numel()}, {col.dtype}) disagree")
    check_bounds(reader, row, num_rows, "COO row")
    check_bounds(reader, col, num_cols, "COO column")
    if data.numel():
        order = edge_order(reader, data, row.numel(), "COO")
        src, dst = torch.empty_like(row), torch.empty_like(col)
        src[order], dst[order] = row, col
        row, col = src, dst
    return num_rows, num_cols, row, col


def _read_csr_raw(reader: ByteReader, what: str) -> Tuple[int, int, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Read a CSR matrix; return ``(rows, cols, row id per entry, column per entry, edge id per entry)``."""
    reader.magic(CSR_MAGIC, f"{what} matrix")
    num_cols = _check_size(reader, reader.i64(f"{what} column count"), f"{what} column count")
    num_rows = _check_size(reader, reader.i64(f"{what} row count"), f"{what} row count")
    indptr = read_id_array(reader, f"{what} indptr")
    indices = read_id_array(reader, f"{what} indices")
    data = read_ndarray(reader, f"{what} data")
    reader.flag(f"{what} sorted")
    if indptr.numel() != num_rows + 1:
        raise reader.fail(f"{what} indptr has {indptr.numel()} entries for {num_rows} rows")
    if indptr.dtype != indices.dtype:
        raise reader.fail(f"{what} indptr ({indptr.dtype}) and indices ({indices.dtype}) differ in type")
    nnz = indices.numel()
    diffs = indptr[1:] - indptr[:-1]
    if int(indptr[0]) != 0 or int(indptr[-1]) != nnz or (diffs.numel() and int(diffs.min()) < 0):
        raise reader.fail(f"{what} indptr is not a valid offset array for {nnz} entries")
    check_bounds(reader, indices, num_cols, f"{what} column")
    rows = torch.repeat_interleave(torch.arange(num_rows, dtype=indices.dtype), diffs.long())
    if data.numel():
        eids = edge_order(reader, data, nnz, what)
    else:
        eids = torch.arange(nnz)
    return num_rows, num_cols, rows, indices, eids


def _read_metagraph(reader: ByteReader) -> Tuple[int, List[Tuple[int, int]]]:
    """Read an ImmutableGraph; return its node count and its edges ordered by edge id."""
    reader.magic(IMMUTABLE_GRAPH_MAGIC, "metagraph")
    num_rows, num_cols, rows, cols, eids = _read_csr_raw(reader, "metagraph CSR")
    if num_rows != num_cols:
        raise reader.fail(f"metagraph adjacency is {num_rows}x{num_cols}, not square")
    src, dst = scatter_by_eid(rows, cols, eids)
    return num_rows, list(zip(src.tolist(), dst.tolist()))


def _read_unit_graph(reader: ByteReader) -> Tuple[int, int, torch.Tensor, torch.Tensor, int]:
    """Read one relation; return ``(num_src, num_dst, src, dst, saved formats code)``, edges in id order."""
    reader.magic(UNIT_GRAPH_MAGIC, "relation graph")
    saved = reader.i64("saved formats code")
    reader.i64("allowed formats code")
    if saved >> 32:
        saved_code = saved & 0xFFFFFFFF
    else:
        legacy = {1: COO_CODE, 2: CSR_CODE, 3: CSC_CODE}
        if saved not in legacy:
            raise reader.fail(f"unknown sparse format code {saved}")
        saved_code = legacy[saved]
    if saved_code == 0 or saved_code & ~7:
        raise reader.fail(f"unknown sparse format code {saved_code}")
    result: Optional[Tuple[int, int, torch.Tensor, torch.Tensor]] = None
    if saved_code & COO_CODE:
        _read_metagraph(reader)
        result = _read_coo(reader)
    if saved_code & CSR_CODE:
        _read_metagraph(reader)
        num_rows, num_cols, rows, cols, eids = _read_csr_raw(reader, "CSR")
        if result is None:
            src, dst = scatter_by_eid(rows, cols, eids)
            result = (num_rows, num_cols, src, dst)
    if saved_code & CSC_CODE:
        _read_metagraph(reader)
        num_rows, num_cols, rows, cols, eids = _read_csr_raw(reader, "CSC")
        if result is None:
            dst, src = scatter_by_eid(rows, cols, eids)
            result = (num_cols, num_rows, src, dst)
    assert result is not None
    return result + (saved_code,)


def _read_hetero_graph(reader: ByteReader, index: int) -> GraphRecord:
    reader.magic(HETEROGRAPH_MAGIC, f"graph {index}")
    num_ntypes, meta_edges = _read_metagraph(reader)
    num_relations = reader.count("relation graphs", 8)
    if num_relations != len(meta_edges):
        raise reader.fail(f"graph {index} has {num_relations} relation graphs but its metagraph has {len(meta_edges)} edge types")
    units = [_read_unit_graph(reader) for _ in range(num_relations)]
    unit_graphs = [u[:4] for u in units]
    saved_formats = 0
    for u in units:
        saved_formats |= u[4]
    num_nodes = reader.i64_list("node counts per type")
    if len(num_nodes) != num_ntypes:
        raise reader.fail(f"graph {index} lists {len(num_nodes)} node counts for {num_ntypes} node types")
    for n in num_nodes:
        _check_size(reader, n, "node count")
    edges = []
    idtype = None
    for etype_id, ((stype, dtype_), (num_src, num_dst, src, dst)) in enumerate(zip(meta_edges, unit_graphs)):
        if num_src != num_nodes[stype] or num_dst != num_nodes[dtype_]:
            raise reader.fail(
                f"edge type {etype_id} is stored as {num_src}x{num_dst} but its node types have "
                f"{num_nodes[stype]} and {num_nodes[dtype_]} nodes"
            )
        if src.dtype == torch.int32 and max(num_src, num_dst) > 2**31 - 1:
            raise reader.fail(f"edge type {etype_id} has more nodes than int32 ids can address")
        if idtype is not None and src.dtype != idtype:
            raise reader.fail(f"edge types of graph {index} mix id types {idtype} and {src.dtype}")
        idtype = src.dtype
        edges.append((src, dst))
    node_tensors = [read_named_tensors(reader, "node tensors") for _ in range(reader.count("node tensor groups", 8))]
    edge_tensors = [read_named_tensors(reader, "edge tensors") for _ in range(reader.count("edge tensor groups", 8))]
    ntypes = reader.string_list("node type names")
    etypes = reader.string_list("edge type names")
    if len(ntypes) != num_ntypes or len(etypes) != num_relations:
        raise reader.fail(
            f"graph {index} names {len(ntypes)} node types and {len(etypes)} edge types, "
            f"but has {num_ntypes} and {num_relations}"
        )
    if len(node_tensors) not in (0, num_ntypes) or len(edge_tensors) not in (0, num_relations):
        raise reader.fail(f"graph {index} has feature groups that do not match its types")
    node_tensors = node_tensors or [{} for _ in range(num_ntypes)]
    edge_tensors = edge_tensors or [{} for _ in range(num_relations)]
    for tid, feats in enumerate(node_tensors):
        for name, value in feats.items():
            if value.dim() == 0 or value.shape[0] != num_nodes[tid]:
                raise reader.fail(f"node feature '{name}' of type '{ntypes[tid]}' has shape {tuple(value.shape)} for {num_nodes[tid]} nodes")
    for tid, feats in enumerate(edge_tensors):
        for name, value in feats.items():
            if value.dim() == 0 or value.shape[0] != edges[tid][0].numel():
                raise reader.fail(f"edge feature '{name}' of type '{etypes[tid]}' has shape {tuple(value.shape)} for {edges[tid][0].numel()} edges")
    return GraphRecord(ntypes, etypes, list(meta_edges), num_nodes, edges, node_tensors, edge_tensors,
                       saved_formats)


def _read_header(reader: ByteReader) -> Tuple[int, int]:
    """Check the header; return ``(version, number of graphs)`` (the count is 0 for version 1,
    which stores it after the header)."""
    if reader.size < HEADER_SIZE + 8:
        raise reader.fail(f"the file has {reader.size} bytes, fewer than a DGL graph file header")
    magic = reader.u64("file magic")
    if magic != FILE_MAGIC:
        raise reader.fail(f"not a DGL graph file (magic number {magic:#x})")
    version = reader.u64("version")
    graph_type = reader.u64("graph type")
    num_graphs = reader.u64("number of graphs")
    if version == 1:
        reader.seek(HEADER_SIZE, "header end")
        return 1, 0
    if version != VERSION:
        raise reader.fail(f"format version {version} is not supported (only versions 1 and {VERSION})")
    if graph_type != GRAPH_TYPE_HETERO:
        raise reader.fail(f"graph type {graph_type} is not supported")
    reader.seek(HEADER_SIZE, "header end")
    return version, num_graphs


def read_file_labels(data: bytes, what: str) -> Dict[str, torch.Tensor]:
    """Read only the graph labels of a file's bytes."""
    reader = ByteReader(data, what)
    version, _ = _read_header(reader)
    if version == 1:
        return read_v1_labels(reader)
    reader.u64("graph data offset")
    return read_named_tensors(reader, "labels")


def _graph_offsets(reader: ByteReader, num_graphs: int, data_start: int) -> List[int]:
    end = reader.size
    reader.seek(end - 8, "index size")
    blob_size = reader.u64("graph index size")
    if blob_size > end - 8 - data_start:
        raise reader.fail(f"graph index of {blob_size} bytes does not fit in the file")
    reader.seek(end - 8 - blob_size - 8, "graph index")
    inner_size = reader.u64("graph index blob length")
    if inner_size != blob_size:
        raise reader.fail(f"graph index lengths disagree ({inner_size} vs {blob_size})")
    offsets = reader.u64_list("graph offsets")
    if len(offsets) != num_graphs:
        raise reader.fail(f"graph index has {len(offsets)} offsets for {num_graphs} graphs")
    return offsets


def read_graph_file(
    data: bytes, what: str, idx_list: Optional[Sequence[int]] = None
) -> Tuple[List[GraphRecord], Dict[str, torch.Tensor]]:
    """Parse a whole file's bytes into graph records and labels."""
    reader = ByteReader(data, what)
    version, num_graphs = _read_header(reader)
    if version == 1:
        return read_v1_graphs(reader, idx_list)
    data_start = reader.u64("graph data offset")
    labels = read_named_tensors(reader, "labels")
    if reader.pos != data_start:
        raise reader.fail(f"graph data offset {data_start} does not follow the labels (which end at {reader.pos})")
    if num_graphs * 8 > reader.remaining():
        raise reader.fail(f"header claims {num_graphs} graphs, too many for the file size")
    if idx_list is None:
        records, starts = [], []
        for i in range(num_graphs):
            starts.append(reader.pos)
            records.append(_read_hetero_graph(reader, i))
        index_at = reader.pos
        if _graph_offsets(reader, num_graphs, data_start) != starts or reader.pos != reader.size - 8:
            raise ByteReader(data, what).fail(f"the graph index after byte {index_at} does not match the graphs")
        return records, labels
    offsets = _graph_offsets(reader, num_graphs, data_start)
    records = []
    for gid in idx_list:
        gid = int(gid)
        if gid < 0 or gid >= num_graphs:
            raise DGLError(f"Graph index {gid} in idx_list is out of range: {what} holds {num_graphs} graphs.")
        reader.seek(offsets[gid], f"offset of graph {gid}")
        records.append(_read_hetero_graph(reader, gid))
    return records, labels


# ----------------------------------------------------------------------------- writing


def _write_csr(writer: ByteWriter, num_rows: int, num_cols: int, indptr: torch.Tensor,
               indices: torch.Tensor, data: torch.Tensor, sorted_: bool) -> None:
    writer.u64(CSR_MAGIC)
    writer.i64(num_cols)
    writer.i64(num_rows)
    write_ndarray(writer, indptr)
    write_ndarray(writer, indices)
    write_ndarray(writer, data)
    writer.flag(sorted_)


def _compress(rows: torch.Tensor, cols: torch.Tensor, num_rows: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Group entries by row (stable): ``(indptr, cols in row order, edge ids in row order)``."""
    order = torch.sort(rows.long(), stable=True).indices
    counts = torch.bincount(rows.long(), minlength=num_rows)
    indptr = torch.zeros(num_rows + 1, dtype=torch.int64)
    torch.cumsum(counts, 0, out=indptr[1:])
    idtype = rows.dtype
    return indptr.to(idtype), cols[order], order.to(idtype)


def _write_metagraph(writer: ByteWriter, num_nodes: int, edges: List[Tuple[int, int]]) -> None:
    writer.u64(IMMUTABLE_GRAPH_MAGIC)
    src = torch.tensor([e[0] for e in edges], dtype=torch.int64)
    dst = torch.tensor([e[1] for e in edges], dtype=torch.int64)
    indptr, indices, eids = _compress(src, dst, num_nodes)
    _write_csr(writer, num_nodes, num_nodes, indptr, indices, eids, False)


def _write_unit_graph(writer: ByteWriter, same_type: bool, num_src: int, num_dst: int,
                      src: torch.Tensor, dst: torch.Tensor, formats: int) -> None:
    writer.u64(UNIT_GRAPH_MAGIC)
    writer.i64(formats | _FORMAT_FLAG)
    writer.i64(7 | _FORMAT_FLAG)
    meta = (1, [(0, 0)]) if same_type else (2, [(0, 1)])
    if formats & COO_CODE:
        _write_metagraph(writer, *meta)
        writer.u64(COO_MAGIC)
        writer.i64(num_dst)
        writer.i64(num_src)
        write_ndarray(writer, src)
        write_ndarray(writer, dst)
        write_ndarray(writer, torch.zeros(0, dtype=torch.int64))  # DGL writes the null array as int64
        writer.flag(False)
        writer.flag(False)
    if formats & CSR_CODE:
        _write_metagraph(writer, *meta)
        indptr, indices, eids = _compress(src, dst, num_src)
        _write_csr(writer, num_src, num_dst, indptr, indices, eids, False)
    if formats & CSC_CODE:
        _write_metagraph(writer, *meta)
        indptr, indices, eids = _compress(dst, src, num_dst)
        _write_csr(writer, num_dst, num_src, indptr, indices, eids, False)


def _write_hetero_graph(writer: ByteWriter, rec: GraphRecord, formats: int) -> None:
    writer.u64(HETEROGRAPH_MAGIC)
    _write_metagraph(writer, len(rec.ntypes), rec.relations)
    writer.u64(len(rec.relations))
    for (stype, dtype_), (src, dst) in zip(rec.relations, rec.edges):
        _write_unit_graph(writer, stype == dtype_, rec.num_nodes[stype], rec.num_nodes[dtype_], src, dst, formats)
    writer.i64_list(rec.num_nodes)
    writer.u64(len(rec.node_tensors))
    for tid, feats in enumerate(rec.node_tensors):
        write_named_tensors(writer, feats, f"node features of type '{rec.ntypes[tid]}'")
    writer.u64(len(rec.edge_tensors))
    for tid, feats in enumerate(rec.edge_tensors):
        write_named_tensors(writer, feats, f"edge features of type '{rec.etypes[tid]}'")
    writer.string_list(rec.ntypes)
    writer.string_list(rec.etypes)


def format_code(formats: Optional[Sequence[str]]) -> int:
    """Turn a list of format names (``'coo'``, ``'csr'``, ``'csc'``) into the file's bit set."""
    if formats is None:
        return COO_CODE
    if isinstance(formats, str):
        formats = [formats]
    code = 0
    for name in formats:
        if name not in _FORMAT_CODES:
            raise DGLError(f"Unknown sparse format {name!r}: expected 'coo', 'csr' or 'csc'.")
        code |= _FORMAT_CODES[name]
    if code == 0:
        raise DGLError("At least one sparse format must be given.")
    return code


def write_graph_file(records: Sequence[GraphRecord], labels: Dict[str, torch.Tensor], formats: int) -> bytes:
    """Serialize graph records and labels to the bytes of a version-2 file."""
    return graph_file_writer(records, labels, formats).getvalue()


def graph_file_writer(records: Sequence[GraphRecord], labels: Dict[str, torch.Tensor], formats: int) -> ByteWriter:
    """The parts of a version-2 file (tensor payloads not copied), for ``ByteWriter.write_to``."""
    writer = ByteWriter()
    header = ByteWriter()
    header.u64(FILE_MAGIC)
    header.u64(VERSION)
    header.u64(GRAPH_TYPE_HETERO)
    header.u64(len(records))
    head = header.getvalue()
    writer.raw(head + b"\0" * (HEADER_SIZE - len(head)))
    label_writer = ByteWriter()
    write_named_tensors(label_writer, labels, "labels")
    label_blob = label_writer.getvalue()
    writer.u64(writer.tell() + 8 + len(label_blob))
    writer.raw(label_blob)
    offsets = []
    for rec in records:
        offsets.append(writer.tell())
        _write_hetero_graph(writer, rec, formats)
    index = ByteWriter()
    index.u64_list(offsets)
    blob = index.getvalue()
    writer.u64(len(blob))  # stored as a string (length, bytes), then its length again
    writer.raw(blob)
    writer.u64(len(blob))
    return writer
