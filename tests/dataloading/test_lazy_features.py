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


class _PlaceholderSampler(graphdl.dataloading.Sampler):
    """Writes LazyFeature placeholders directly, with and without a parent name and ids."""

    def sample(self, g, seeds):
        sub = graphdl.node_subgraph(g, seeds)
        sub.ndata["x"] = graphdl.dataloading.LazyFeature("feat")
        sub.ndata["label"] = graphdl.dataloading.LazyFeature()
        sub.ndata["first"] = graphdl.dataloading.LazyFeature("feat", id_=torch.zeros(sub.num_nodes(), dtype=g.idtype))
        sub.edata["w"] = graphdl.dataloading.LazyFeature()
        return sub


def test_lazy_feature_placeholders(idtype):
    torch.manual_seed(1)
    g = graphdl.rand_graph(30, 150).astype(idtype)
    g.ndata["feat"] = torch.randn(30, 4)
    g.ndata["label"] = torch.randint(0, 3, (30,))
    g.edata["w"] = torch.rand(150)
    loader = graphdl.dataloading.DataLoader(g, torch.arange(30), _PlaceholderSampler(), batch_size=7)
    batches = 0
    for sub in loader:
        nid, eid = sub.ndata[NID].long(), sub.edata[EID].long()
        assert torch.equal(sub.ndata["x"], g.ndata["feat"][nid])
        assert torch.equal(sub.ndata["label"], g.ndata["label"][nid])
        assert torch.equal(sub.ndata["first"], g.ndata["feat"][[0] * len(nid)])
        assert torch.equal(sub.edata["w"], g.edata["w"][eid])
        assert not sub._node_frames[0].lazy and not sub._edge_frames[0].lazy
        batches += 1
    assert batches == 5


def test_lazy_feature_is_pending_until_resolved():
    g = graphdl.graph(([0, 1], [1, 2]))
    g.ndata["feat"] = torch.arange(3.0).reshape(3, 1)
    sub = graphdl.node_subgraph(g, [2, 1])
    sub.ndata["feat"] = graphdl.dataloading.LazyFeature()
    assert "feat" not in sub.ndata and sub.ndata.get("feat") is None
    lazy = graphdl.dataloading.LazyFeature("feat")
    assert lazy.to("cpu") is lazy and lazy.name == "feat" and lazy.id_ is None
    sub.ndata["other"] = graphdl.dataloading.LazyFeature("missing")
    with pytest.raises(DGLError, match="'missing'"):
        graphdl.dataloading.resolve_lazy_features(g, sub)
    del sub.ndata["other"]
    graphdl.dataloading.resolve_lazy_features(g, sub)
    assert sub.ndata["feat"].reshape(-1).tolist() == [2.0, 1.0]
    sub.ndata["feat"] = torch.zeros(2, 1)  # a tensor write replaces a pending placeholder
    sub.ndata["feat"] = graphdl.dataloading.LazyFeature()
    assert "feat" not in sub.ndata
