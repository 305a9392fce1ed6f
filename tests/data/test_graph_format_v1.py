"""Legacy version-1 graph files (homogeneous, in-CSR), built byte by byte as DGL lays them out."""
from __future__ import annotations

import struct

import pytest
import torch

from graphdl.base import DGLError
from graphdl.data._binary import ByteWriter, write_named_tensors, write_ndarray
from graphdl.data.graph_serialize import load_graphs, load_labels

MAGIC = 0xDD2E4FF046B4A13F


def v1_bytes(graphs, labels, idtype=torch.int64) -> bytes:
    """graphs: list of (num_nodes, src list, dst list, ndata dict, edata dict)."""
    blobs = []
    for n, src, dst, ndata, edata in graphs:
        src_t, dst_t = torch.tensor(src, dtype=idtype), torch.tensor(dst, dtype=idtype)
        order = torch.sort(dst_t.long(), stable=True).indices
        counts = torch.bincount(dst_t.long(), minlength=n)
        indptr = torch.zeros(n + 1, dtype=torch.int64)
        torch.cumsum(counts, 0, out=indptr[1:])
        w = ByteWriter()
        write_ndarray(w, indptr.to(idtype))
        write_ndarray(w, src_t[order])
        write_ndarray(w, order.to(idtype))
        write_named_tensors(w, ndata, "n")
        write_named_tensors(w, edata, "e")
        blobs.append(w.getvalue())
    head = struct.pack("<QQQ", MAGIC, 1, 1)
    meta = ByteWriter()
    meta.u64(len(graphs))
    meta_rest = ByteWriter()
    meta_rest.i64_list([g[0] for g in graphs])
    meta_rest.i64_list([len(g[1]) for g in graphs])
    write_named_tensors(meta_rest, labels, "labels")
    start = 4096 + 8 + 8 + 8 * len(graphs) + len(meta_rest.getvalue())
    offsets = []
    for blob in blobs:
        offsets.append(start)
        start += len(blob)
    meta.u64_list(offsets)
    return head + b"\0" * (4096 - len(head)) + meta.getvalue() + meta_rest.getvalue() + b"".join(blobs)


GRAPHS = [
    (4, [0, 1, 2, 3, 3], [1, 2, 0, 0, 1], {"x": torch.arange(8.0).reshape(4, 2)}, {"w": torch.tensor([1.0, 2, 3, 4, 5])}),
    (2, [1], [0], {"x": torch.ones(2, 2)}, {"w": torch.tensor([9.0])}),
    (3, [], [], {}, {}),
]


@pytest.mark.parametrize("idtype", [torch.int32, torch.int64])
def test_v1_file_loads(tmp_path, idtype):
    path = tmp_path / "v1.bin"
    path.write_bytes(v1_bytes(GRAPHS, {"y": torch.tensor([0, 1, 0])}, idtype))
    graphs, labels = load_graphs(str(path))
    assert labels["y"].tolist() == [0, 1, 0] and load_labels(str(path))["y"].tolist() == [0, 1, 0]
    for g, (n, src, dst, ndata, edata) in zip(graphs, GRAPHS):
        assert g.idtype == idtype and g.num_nodes() == n
        u, v = g.edges(order="eid")
        assert u.tolist() == src and v.tolist() == dst
        for k, val in ndata.items():
            assert torch.equal(g.ndata[k], val)
        for k, val in edata.items():
            assert torch.equal(g.edata[k], val)
    picked, _ = load_graphs(str(path), [1])
    assert picked[0].num_nodes() == 2 and picked[0].edata["w"].tolist() == [9.0]


def test_v1_damage(tmp_path):
    data = v1_bytes(GRAPHS, {})
    path = tmp_path / "v1.bin"
    for cut in range(4096, len(data), 41):
        path.write_bytes(data[:cut])
        with pytest.raises(DGLError, match="Corrupt"):
            load_graphs(str(path))
    forged = bytearray(data)
    forged[4096:4104] = struct.pack("<Q", 7)
    path.write_bytes(bytes(forged))
    with pytest.raises(DGLError, match="Corrupt"):
        load_graphs(str(path))
