"""set_*_lazy_features: a custom sampler marks features, the DataLoader fills them."""
import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.base import EID, NID


class _Sampler(graphdl.dataloading.Sampler):
    def sample(self, g, seeds):
        frontier = graphdl.sampling.sample_neighbors(g, seeds, 3)
        block = graphdl.to_block(frontier, seeds)
        graphdl.set_src_lazy_features(block, ["feat"])
        graphdl.set_dst_lazy_features(block, ["label"])
        graphdl.set_edge_lazy_features(block, ["w"])
        sub = graphdl.node_subgraph(g, seeds)
        graphdl.set_node_lazy_features(sub, ["feat"])
        return block, sub


def test_dataloader_fills_marked_features(idtype):
    torch.manual_seed(0)
    g = graphdl.rand_graph(40, 200).astype(idtype)
    g.ndata["feat"] = torch.randn(40, 3)
    g.ndata["label"] = torch.randint(0, 5, (40,))
    g.edata["w"] = torch.rand(200)
    loader = graphdl.dataloading.DataLoader(g, torch.arange(40), _Sampler(), batch_size=8)
    for block, sub in loader:
        assert torch.equal(block.srcdata["feat"], g.ndata["feat"][block.srcdata[NID].long()])
        assert torch.equal(block.dstdata["label"], g.ndata["label"][block.dstdata[NID].long()])
        assert torch.equal(block.edata["w"], g.edata["w"][block.edata[EID].long()])
        assert torch.equal(sub.ndata["feat"], g.ndata["feat"][sub.ndata[NID].long()])


def test_marking_alone_copies_nothing_and_needs_dict_for_hetero():
    g = graphdl.graph(([0, 1], [1, 2]))
    g.ndata["feat"] = torch.ones(3, 1)
    sub = graphdl.node_subgraph(g, [0, 1])
    del sub.ndata["feat"]
    graphdl.set_node_lazy_features(sub, ["feat"])
    assert "feat" not in sub.ndata
    graphdl.dataloading.resolve_lazy_features(g, [sub])
    assert sub.ndata["feat"].shape == (2, 1)
    hg = graphdl.heterograph({("a", "r", "b"): ([0], [0]), ("c", "s", "b"): ([0], [0])})
    with pytest.raises(DGLError, match="dict"):
        graphdl.set_src_lazy_features(hg, ["x"])
    graphdl.set_src_lazy_features(hg, {"a": ["x"]})
    with pytest.raises(DGLError, match="'x'"):
        graphdl.dataloading.resolve_lazy_features(hg, hg)
