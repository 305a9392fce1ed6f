"""Sparse-format bookkeeping: ``formats()``, restriction, implicit edge ids of CSR/CSC input."""
import pytest
import torch

import graphdl
from graphdl.base import DGLError


def _graph(idtype):
    return graphdl.graph((torch.tensor([0, 1, 0, 2]), torch.tensor([0, 1, 1, 0])), idtype=idtype)


def test_new_graph_has_only_coo(idtype):
    g = _graph(idtype)
    assert g.formats() == {"created": ["coo"], "not created": ["csr", "csc"]}
    g.in_degrees()  # counting degrees needs no compressed form
    g.create_formats_()
    assert g.formats() == {"created": ["coo", "csr", "csc"], "not created": []}


def test_restricted_graph_is_separate_from_its_source(idtype):
    g = _graph(idtype)
    g1 = g.formats(["coo", "csr", "csc"])
    g1.create_formats_()
    assert g1.formats()["created"] == ["coo", "csr", "csc"]
    assert g.formats()["created"] == ["coo"]


def test_restriction_builds_a_missing_format_and_limits_creation(idtype):
    g = _graph(idtype)
    g.ndata["h"] = torch.arange(3.0)
    csc = g.formats("csc")
    assert csc.formats() == {"created": ["csc"], "not created": []}
    assert torch.equal(csc.ndata["h"], g.ndata["h"])
    two = g.formats(["csr", "csc"])
    assert two.formats() == {"created": ["csr"], "not created": ["csc"]}
    two.create_formats_()
    assert two.formats() == {"created": ["csr", "csc"], "not created": []}
    # the structure is the same whatever the formats
    for h in (csc, two):
        assert all(torch.equal(a, b) for a, b in zip(h.edges(), g.edges()))
        assert torch.equal(h.in_degrees(), g.in_degrees())
    with pytest.raises(DGLError):
        g.formats("dense")


def test_restriction_on_every_relation(idtype):
    g = graphdl.heterograph({("a", "r", "b"): ([0, 1], [1, 0]), ("b", "s", "a"): ([0], [1])},
                            idtype=idtype)
    assert g.formats("csc").formats() == {"created": ["csc"], "not created": []}


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_compressed_input_without_edge_ids(idtype, fmt):
    # rows 0: {1, 2}, 1: {0}, 2: {} ; edges numbered in stored order
    indptr, indices = torch.tensor([0, 2, 3, 3]), torch.tensor([1, 2, 0])
    g = graphdl.graph((fmt, (indptr.to(idtype), indices.to(idtype), [])), idtype=idtype)
    ip, ix, eids = g.adj_tensors(fmt)
    assert ip.tolist() == [0, 2, 3, 3] and ix.tolist() == [1, 2, 0]
    assert eids.numel() == 0 and eids.dtype == idtype
    rows, cols = (0, 0, 1), (1, 2, 0)
    src, dst = (rows, cols) if fmt == "csr" else (cols, rows)
    assert g.edges()[0].tolist() == list(src) and g.edges()[1].tolist() == list(dst)
    other = "csc" if fmt == "csr" else "csr"
    ip2, ix2, eids2 = g.adj_tensors(other)
    # the other format carries the permutation into stored order
    assert sorted(eids2.tolist()) == [0, 1, 2]
    ends = g.edges()[0 if other == "csr" else 1]
    assert ends[eids2.long()].tolist() == sorted(ends.tolist())


def test_compressed_input_with_edge_ids_reports_them(idtype):
    g = graphdl.graph(("csr", (torch.tensor([0, 2, 3]), torch.tensor([1, 0, 1]), torch.tensor([2, 0, 1]))),
                      idtype=idtype)
    indptr, indices, eids = g.adj_tensors("csr")
    assert indptr.tolist() == [0, 2, 3] and sorted(eids.tolist()) == [0, 1, 2]
    # stored edge k is (row of k, indices[k]) and has id eids[k]
    u, v = g.edges(order="eid")
    rows = [0, 0, 1]
    assert [(int(u[e]), int(v[e])) for e in eids.tolist()] == list(zip(rows, indices.tolist()))
    assert g.edges(order="eid")[1].tolist() == [0, 1, 1]  # edge 2 is (0, 1), as given


def test_save_graphs_refuses_formats_outside_the_restriction(tmp_path, idtype):
    g = _graph(idtype).formats(["coo"])
    with pytest.raises(DGLError, match="restricted"):
        graphdl.save_graphs(str(tmp_path / "g.bin"), [g], formats=["csr"])
    graphdl.save_graphs(str(tmp_path / "g.bin"), [g], formats=["coo"])
    (h,), _ = graphdl.load_graphs(str(tmp_path / "g.bin"))
    assert torch.equal(h.edges()[0], g.edges()[0].to(h.idtype))
