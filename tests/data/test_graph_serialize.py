"""Graph files: round trips, DGL-written fixtures, and rejection of damaged files."""
from __future__ import annotations

import json
import os
import struct

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphdl
from graphdl.base import DGLError
from graphdl.data.graph_serialize import load_graphs, load_labels, save_graphs
from graphdl.testing.graphs import get_cases

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
IDTYPES = [torch.int32, torch.int64]


def _assert_same_graph(a, b) -> None:
    assert a.idtype == b.idtype
    assert sorted(a.ntypes) == sorted(b.ntypes)
    assert sorted(a.canonical_etypes) == sorted(b.canonical_etypes)
    for nt in a.ntypes:
        assert a.num_nodes(nt) == b.num_nodes(nt)
        assert set(a.nodes[nt].data) == set(b.nodes[nt].data)
        for key, value in a.nodes[nt].data.items():
            other = b.nodes[nt].data[key]
            assert torch.equal(value.to(other.dtype), other), (nt, key)
    for cet in a.canonical_etypes:
        ua, va = a.edges(form="uv", order="eid", etype=cet)
        ub, vb = b.edges(form="uv", order="eid", etype=cet)
        assert torch.equal(ua, ub) and torch.equal(va, vb), cet
        assert set(a.edges[cet].data) == set(b.edges[cet].data)
        for key, value in a.edges[cet].data.items():
            assert torch.equal(value.to(b.edges[cet].data[key].dtype), b.edges[cet].data[key]), (cet, key)


def _with_features(g):
    gen = torch.Generator().manual_seed(0)
    for nt in g.ntypes:
        n = g.num_nodes(nt)
        g.nodes[nt].data["h"] = torch.randn(n, 3, generator=gen)
        g.nodes[nt].data["y"] = torch.randint(0, 5, (n,), generator=gen)
    for cet in g.canonical_etypes:
        e = g.num_edges(cet)
        g.edges[cet].data["w"] = torch.rand(e, generator=gen, dtype=torch.float64)
    return g


@pytest.mark.parametrize("idtype", IDTYPES)
def test_round_trip_registry(tmp_path, idtype):
    cases = [(n, _with_features(g)) for n, g in get_cases(exclude=["block"], idtype=idtype)]
    graphs = [g for _, g in cases]
    labels = {"label": torch.arange(len(graphs)), "score": torch.rand(len(graphs), 2)}
    path = tmp_path / "g.bin"
    save_graphs(str(path), graphs, labels)
    loaded, got_labels = load_graphs(str(path))
    assert len(loaded) == len(graphs)
    for (name, g), h in zip(cases, loaded):
        _assert_same_graph(g, h)
    assert set(got_labels) == {"label", "score"}
    assert torch.equal(got_labels["score"], labels["score"])
    assert torch.equal(load_labels(str(path))["label"], labels["label"])


@pytest.mark.parametrize("idtype", IDTYPES)
def test_idx_list_picks_in_given_order(tmp_path, idtype):
    graphs = [graphdl.graph(([0] * k, list(range(k))), num_nodes=k + 1, idtype=idtype) for k in range(1, 5)]
    for k, g in enumerate(graphs):
        g.ndata["k"] = torch.full((g.num_nodes(),), k)
    path = str(tmp_path / "many.bin")
    save_graphs(path, graphs)
    picked, _ = load_graphs(path, [3, 0, 3])
    assert [int(g.ndata["k"][0]) for g in picked] == [3, 0, 3]
    assert [g.num_edges() for g in picked] == [4, 1, 4]
    with pytest.raises(DGLError, match="idx_list"):
        load_graphs(path, [4])


@pytest.mark.parametrize("formats", [["csr"], ["csc"], ["coo", "csr", "csc"]])
def test_compressed_formats_round_trip(tmp_path, formats):
    g = _with_features(dict(get_cases(["hetero"], idtype=torch.int32))["hetero"])
    path = str(tmp_path / "f.bin")
    save_graphs(path, g, formats=formats)
    (h,), _ = load_graphs(path)
    _assert_same_graph(g, h)


def test_dtypes_survive(tmp_path):
    g = graphdl.graph(([0, 1], [1, 2]))
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8,
                  torch.int16, torch.int32, torch.int64, torch.uint8):
        g.ndata[str(dtype)] = torch.arange(3).to(dtype)
    g.ndata["mask"] = torch.tensor([True, False, True])
    path = str(tmp_path / "d.bin")
    save_graphs(path, [g])
    (h,), _ = load_graphs(path)
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.int8, torch.uint8):
        assert h.ndata[str(dtype)].dtype == dtype
        assert torch.equal(h.ndata[str(dtype)], g.ndata[str(dtype)])
    # like DGL, booleans are stored as bytes
    assert h.ndata["mask"].tolist() == [1, 0, 1]


def test_blocks_and_bad_arguments_rejected(tmp_path):
    block = dict(get_cases(["block"]))["block"]
    with pytest.raises(DGLError, match="block"):
        save_graphs(str(tmp_path / "b.bin"), [block])
    with pytest.raises(DGLError):
        save_graphs(str(tmp_path / "b.bin"), ["not a graph"])
    with pytest.raises(DGLError, match="does not exist"):
        load_graphs(str(tmp_path / "missing.bin"))
    with pytest.raises(DGLError, match="folder"):
        load_graphs(str(tmp_path))


# ---------------------------------------------------------------- files written by DGL


def _fixture_expectations():
    path = os.path.join(FIXTURES, "dgl_fixtures.json")
    if not os.path.exists(path):
        pytest.skip("DGL fixtures not generated (run tests/data/fixtures/make_dgl_fixtures.py)")
    with open(path) as f:
        return json.load(f)


def _tensor_from_json(spec):
    dtype = getattr(torch, spec["dtype"])
    return torch.tensor(spec["values"], dtype=torch.float64).to(dtype).reshape(spec["shape"])


def test_dgl_written_fixtures_load():
    expectations = _fixture_expectations()
    assert expectations, "fixture manifest is empty"
    for fname, expect in expectations.items():
        graphs, labels = load_graphs(os.path.join(FIXTURES, fname))
        assert len(graphs) == len(expect["graphs"]), fname
        for g, eg in zip(graphs, expect["graphs"]):
            assert str(g.idtype) == "torch." + eg["idtype"], fname
            assert sorted(g.ntypes) == sorted(eg["num_nodes"])
            for nt, n in eg["num_nodes"].items():
                assert g.num_nodes(nt) == n
            for key, edges in eg["edges"].items():
                cet = tuple(key.split("/"))
                u, v = g.edges(form="uv", order="eid", etype=cet)
                assert u.tolist() == edges[0] and v.tolist() == edges[1], (fname, cet)
            for key, feats in eg["ndata"].items():
                for name, spec in feats.items():
                    got = g.nodes[key].data[name]
                    assert torch.equal(got.to(torch.float64), _tensor_from_json(spec).to(torch.float64)), (fname, name)
            for key, feats in eg["edata"].items():
                cet = tuple(key.split("/"))
                for name, spec in feats.items():
                    got = g.edges[cet].data[name]
                    assert torch.equal(got.to(torch.float64), _tensor_from_json(spec).to(torch.float64)), (fname, name)
        for name, spec in expect["labels"].items():
            assert torch.equal(labels[name].to(torch.float64), _tensor_from_json(spec).to(torch.float64))
        if len(graphs) > 2:
            picked, _ = load_graphs(os.path.join(FIXTURES, fname), [2, 0])
            assert picked[0].num_edges() == graphs[2].num_edges()
            assert picked[1].num_edges() == graphs[0].num_edges()


def test_rewritten_fixtures_are_byte_identical(tmp_path):
    """Saving what was loaded from a DGL file reproduces the DGL file byte for byte (COO graphs).

    The header's padding is skipped: DGL leaves it uninitialised."""
    expectations = _fixture_expectations()
    for fname, expect in expectations.items():
        if not expect.get("byte_identical"):
            continue
        src = os.path.join(FIXTURES, fname)
        graphs, labels = load_graphs(src)
        out = str(tmp_path / fname)
        save_graphs(out, graphs, labels)
        with open(src, "rb") as a, open(out, "rb") as b:
            ours, theirs = b.read(), a.read()
            assert ours[:32] == theirs[:32], fname
            assert ours[4096:] == theirs[4096:], fname


# ---------------------------------------------------------------- damaged and forged files


def _sample_bytes(tmp_path) -> bytes:
    g = dict(get_cases(["hetero"], idtype=torch.int64))["hetero"]
    g = _with_features(g)
    h = graphdl.graph(([0, 1, 2], [1, 2, 0]), idtype=torch.int32)
    h.ndata["x"] = torch.ones(3, 2)
    path = str(tmp_path / "sample.bin")
    save_graphs(path, [g, h], {"y": torch.tensor([0, 1])})
    with open(path, "rb") as f:
        return f.read()


def _load_bytes(tmp_path, data: bytes, name: str = "bad.bin", idx_list=None):
    path = str(tmp_path / name)
    with open(path, "wb") as f:
        f.write(data)
    return load_graphs(path, idx_list)


def test_truncated_files_raise(tmp_path):
    data = _sample_bytes(tmp_path)
    for cut in list(range(0, 4200, 97)) + list(range(4200, len(data), max(1, (len(data) - 4200) // 60))):
        with pytest.raises(DGLError, match="Corrupt DGL file"):
            _load_bytes(tmp_path, data[:cut])


def test_not_a_graph_file(tmp_path):
    with pytest.raises(DGLError, match="not a DGL graph file"):
        _load_bytes(tmp_path, b"hello" * 2000)
    with pytest.raises(DGLError, match="Corrupt"):
        _load_bytes(tmp_path, b"")


def test_forged_lengths_are_checked_before_allocating(tmp_path):
    data = bytearray(_sample_bytes(tmp_path))
    # number of labels at byte 4104: claim 2**62 entries
    forged = bytearray(data)
    forged[4104:4112] = struct.pack("<Q", 1 << 62)
    with pytest.raises(DGLError, match="claims"):
        _load_bytes(tmp_path, bytes(forged))
    # first tensor byte count / shape: find the first NDArray magic and inflate its shape
    magic = struct.pack("<Q", 0xDD5E40F096B4A13F)
    at = data.index(magic)
    shape_at = at + 8 + 8 + 4 + 4 + 4 + 4
    forged = bytearray(data)
    forged[shape_at:shape_at + 8] = struct.pack("<q", 1 << 50)
    with pytest.raises(DGLError, match="Corrupt"):
        _load_bytes(tmp_path, bytes(forged))
    # graph count in the header larger than the file can hold
    forged = bytearray(data)
    forged[24:32] = struct.pack("<Q", 1 << 40)
    with pytest.raises(DGLError, match="graphs"):
        _load_bytes(tmp_path, bytes(forged))
    # index at the end pointing outside the file
    forged = bytearray(data)
    forged[-8:] = struct.pack("<Q", 1 << 60)
    with pytest.raises(DGLError, match="graph index"):
        _load_bytes(tmp_path, bytes(forged), idx_list=[0])


def test_wrong_version_and_type(tmp_path):
    data = bytearray(_sample_bytes(tmp_path))
    data[8:16] = struct.pack("<Q", 5)
    with pytest.raises(DGLError, match="version 5"):
        _load_bytes(tmp_path, bytes(data))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzzed_files_never_crash(tmp_path, data):
    original = _FUZZ_CACHE.get("bytes")
    if original is None:
        original = _FUZZ_CACHE["bytes"] = _sample_bytes(tmp_path)
    blob = bytearray(original)
    kind = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if kind == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    elif kind == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            pos = data.draw(st.integers(4096, len(blob) - 1))
            blob[pos] = data.draw(st.integers(0, 255))
    else:
        pos = data.draw(st.integers(4096, len(blob) - 8))
        blob[pos:pos + 8] = data.draw(st.binary(min_size=8, max_size=8))
    idx_list = data.draw(st.sampled_from([None, [1], [1, 0]]))
    try:
        graphs, _ = _load_bytes(tmp_path, bytes(blob), "fuzz.bin", idx_list)
    except DGLError:
        return
    for g in graphs:  # whatever loads must be a consistent graph
        for cet in g.canonical_etypes:
            u, v = g.edges(etype=cet)
            assert u.numel() == g.num_edges(cet)
            if u.numel():
                assert int(u.max()) < g.num_nodes(cet[0]) and int(v.max()) < g.num_nodes(cet[2])


_FUZZ_CACHE: dict = {}


@pytest.mark.parametrize("formats", ["coo", "csr", "csc", ["coo", "csc"], ["csc", "csr"], ["coo", "csr", "csc"]])
def test_saved_formats_are_created_on_load(tmp_path, formats):
    import graphdl

    g = graphdl.graph(([0, 2, 1, 1], [1, 0, 2, 0]), num_nodes=4)
    path = str(tmp_path / "g.bin")
    graphdl.save_graphs(path, [g], formats=formats)
    loaded = graphdl.load_graphs(path)[0][0]
    created = loaded.formats()["created"]
    for fmt in [formats] if isinstance(formats, str) else formats:
        assert fmt in created
    assert [x.tolist() for x in loaded.edges()] == [x.tolist() for x in g.edges()]
    indptr, indices, eids = loaded.adj_tensors("csr")
    assert indptr.tolist() == [0, 1, 3, 4, 4] and sorted(eids.tolist()) == [0, 1, 2, 3]
