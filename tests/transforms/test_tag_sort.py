"""sort_csr_by_tag / sort_csc_by_tag offsets against a per-row count loop (and DGL 2.1's
output on the example recorded below)."""
import pytest
import torch

import graphdl
from graphdl import DGLError


def _offsets_ref(rows, tags, num_rows, num_tags):
    out = []
    for r in range(num_rows):
        counts = [sum(1 for x, t in zip(rows, tags) if x == r and t == k) for k in range(num_tags)]
        acc = [0]
        for c in counts:
            acc.append(acc[-1] + c)
        out.append(acc)
    return out


@pytest.mark.parametrize("tag_type", ["node", "edge"])
def test_offsets_match_loop(idtype, tag_type):
    torch.manual_seed(0)
    g = graphdl.rand_graph(20, 80).astype(idtype)
    g.edata["w"] = torch.rand(80)
    src, dst = g.edges()
    for sort, rows, other in ((graphdl.sort_csr_by_tag, src, dst), (graphdl.sort_csc_by_tag, dst, src)):
        tag = torch.randint(0, 4, (20,) if tag_type == "node" else (80,))
        out = sort(g, tag, tag_type=tag_type)
        edge_tags = tag[other.long()] if tag_type == "node" else tag
        num_tags = int(tag.max()) + 1
        want = _offsets_ref(rows.tolist(), edge_tags.tolist(), 20, num_tags)
        assert out.ndata["_TAG_OFFSET"].tolist() == want
        # same edges, ids and features as the input
        assert all(torch.equal(a, b) for a, b in zip(out.edges(), g.edges()))
        assert torch.equal(out.edata["w"], g.edata["w"])
        assert "_TAG_OFFSET" not in g.ndata


def test_dgl_example():
    # recorded with DGL 2.1: rows in tag order, offsets per row
    g = graphdl.graph(([0, 0, 0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 0, 1, 2]))
    out = graphdl.sort_csr_by_tag(g, torch.tensor([1, 1, 0, 2, 0]))
    assert out.ndata["_TAG_OFFSET"].tolist() == [[0, 2, 4, 5], [0, 1, 3, 3], [0, 0, 0, 0], [0, 0, 0, 0],
                                                 [0, 0, 0, 0]]
    out = graphdl.sort_csr_by_tag(g, torch.tensor([1, 0, 1, 0, 0, 1, 1, 0]), tag_type="edge")
    assert out.ndata["_TAG_OFFSET"].tolist() == [[0, 3, 5], [0, 1, 3], [0, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_bad_input():
    g = graphdl.graph(([0, 1], [1, 2]))
    with pytest.raises(DGLError, match="needs 3 tags"):
        graphdl.sort_csr_by_tag(g, torch.tensor([0, 1]))
    with pytest.raises(DGLError, match="integer"):
        graphdl.sort_csc_by_tag(g, torch.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(DGLError, match="tag_type"):
        graphdl.sort_csc_by_tag(g, torch.tensor([0, 1, 1]), tag_type="both")


def test_rows_reordered_by_tag(idtype):
    # each compressed row lists its edges stably by tag; COO, edge ids and the input are unchanged
    torch.manual_seed(1)
    g = graphdl.rand_graph(15, 70).astype(idtype)
    src, dst = g.edges()
    for sort, fmt, rows, other in ((graphdl.sort_csr_by_tag, "csr", src, dst),
                                   (graphdl.sort_csc_by_tag, "csc", dst, src)):
        tag = torch.randint(0, 3, (15,))
        before = [t.clone() for t in g.adj_tensors(fmt)]
        out = sort(g, tag)
        indptr, indices, eids = out.adj_tensors(fmt)
        assert indptr.dtype == indices.dtype == eids.dtype == idtype
        for r in range(15):
            want = sorted((e for e in range(70) if int(rows[e]) == r), key=lambda e: int(tag[other[e]]))
            got = eids[int(indptr[r]):int(indptr[r + 1])].tolist()
            assert got == want
            assert indices[int(indptr[r]):int(indptr[r + 1])].tolist() == other[want].tolist()
        assert all(torch.equal(a, b) for a, b in zip(out.edges(), g.edges()))
        assert all(torch.equal(a, b) for a, b in zip(g.adj_tensors(fmt), before))
        sp = out.adj_external(transpose=fmt == "csc", scipy_fmt="csr")
        assert sp.indices.tolist() == indices.tolist() and sp.indptr.tolist() == indptr.tolist()


def test_dgl_example_rows():
    # recorded with DGL 2.1
    g = graphdl.graph(([0, 0, 0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 0, 1, 2]))
    indptr, indices, eids = graphdl.sort_csr_by_tag(g, torch.tensor([1, 1, 0, 2, 0])).adj_tensors("csr")
    assert indptr.tolist() == [0, 5, 8, 8, 8, 8]
    assert indices.tolist() == [2, 4, 0, 1, 3, 2, 0, 1]
    assert eids.tolist() == [2, 4, 0, 1, 3, 7, 5, 6]
    out = graphdl.sort_csc_by_tag(g, torch.tensor([1, 0, 1, 0, 0]))
    assert out.adj_tensors("csc")[2].tolist() == [5, 0, 6, 1, 7, 2, 3, 4]
    assert [t.tolist() for t in out.in_edges(2, form="all")] == [[1, 0], [2, 2], [7, 2]]


def test_adj_external_keeps_duplicates():
    # scipy CSR/CSC come from the stored rows: a repeated edge stays two entries
    g = graphdl.graph(([0, 0, 1], [1, 1, 0]))
    for fmt in ("csr", "csc"):
        for transpose in (False, True):
            m = g.adj_external(transpose=transpose, scipy_fmt=fmt)
            assert m.nnz == 3
            want = [[0, 2], [1, 0]]
            assert m.toarray().tolist() == (torch.tensor(want).T.tolist() if transpose else want)
