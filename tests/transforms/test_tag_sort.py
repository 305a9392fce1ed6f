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
