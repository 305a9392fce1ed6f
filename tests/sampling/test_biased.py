"""sample_neighbors_biased: zero-bias tags never drawn, frequencies follow the bias."""
import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.base import EID


def _star(num_leaves, idtype):
    # every leaf points to node 0
    return graphdl.graph((torch.arange(1, num_leaves + 1), torch.zeros(num_leaves, dtype=torch.int64)),
                         idtype=idtype)


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("edge_dir", ["in", "out"])
def test_bias_is_followed(idtype, replace, edge_dir):
    g = _star(40, idtype)
    if edge_dir == "out":
        g = graphdl.reverse(g)
    tag = torch.tensor([0] + [i % 3 for i in range(40)])  # leaves: tags 0, 1, 2 in turn
    sort = graphdl.sort_csc_by_tag if edge_dir == "in" else graphdl.sort_csr_by_tag
    gs = sort(g, tag)
    bias = torch.tensor([0.0, 1.0, 3.0])
    counts = torch.zeros(3)
    graphdl.seed(0)
    for _ in range(200):
        sg = graphdl.sampling.sample_neighbors_biased(gs, [0], 4, bias, edge_dir=edge_dir, replace=replace)
        assert sg.num_nodes() == g.num_nodes() and sg.num_edges() == 4
        leaves = sg.edges()[0] if edge_dir == "in" else sg.edges()[1]
        if not replace:
            assert len(set(leaves.tolist())) == 4
        # EID points back at the sampled edges of the input graph
        u, v = g.find_edges(sg.edata[EID])
        assert torch.equal(u, sg.edges()[0]) and torch.equal(v, sg.edges()[1])
        counts += torch.bincount(tag[leaves.long()], minlength=3).float()
    assert counts[0] == 0
    # with replacement, tag 2 is drawn 3x as often as tag 1; without, less than 3x but clearly more
    ratio = (counts[2] / counts[1]).item()
    assert (2.4 < ratio < 3.8) if replace else (1.5 < ratio < 3.8)


def test_small_rows_keep_all_positive_edges(idtype):
    g = _star(5, idtype)
    gs = graphdl.sort_csc_by_tag(g, torch.tensor([0, 1, 1, 0, 1, 0]))
    sg = graphdl.sampling.sample_neighbors_biased(gs, [0], 10, torch.tensor([0.0, 1.0]))
    assert sorted(sg.edges()[0].tolist()) == [1, 2, 4]
    assert sorted(gs.sample_neighbors_biased([0], 10, torch.tensor([0.0, 1.0])).edges()[0].tolist()) == [1, 2, 4]


def test_bad_input():
    g = _star(5, torch.int64)
    with pytest.raises(DGLError, match="sort_csc_by_tag"):
        graphdl.sampling.sample_neighbors_biased(g, [0], 2, torch.tensor([1.0]))
    gs = graphdl.sort_csc_by_tag(g, torch.tensor([0, 1, 2, 0, 1, 2]))
    with pytest.raises(DGLError, match="3 tags"):
        graphdl.sampling.sample_neighbors_biased(gs, [0], 2, torch.tensor([1.0, 1.0]))
    with pytest.raises(DGLError, match="non-negative"):
        graphdl.sampling.sample_neighbors_biased(gs, [0], 2, torch.tensor([1.0, -1.0, 1.0]))
    with pytest.raises(DGLError, match="sort_csr_by_tag"):
        graphdl.sampling.sample_neighbors_biased(gs, [0], 2, torch.tensor([1.0, 1.0, 1.0]), edge_dir="out")
