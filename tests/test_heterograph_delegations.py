"""The DGLGraph methods that delegate to free functions give the free functions' results."""
import copy

import torch

import graphdl
from graphdl.base import EID


def _g(idtype):
    torch.manual_seed(0)
    g = graphdl.rand_graph(20, 60).astype(idtype)
    g.edata["w"] = torch.rand(60)
    g.ndata["x"] = torch.randn(20, 2)
    return g


def _same_graph(a, b):
    return a.num_nodes() == b.num_nodes() and all(torch.equal(x, y) for x, y in zip(a.edges(), b.edges()))


def test_subgraph_and_transform_methods(idtype):
    g = _g(idtype)
    a, ia = g.khop_in_subgraph(3, 2)
    b, ib = graphdl.khop_in_subgraph(g, 3, 2)
    assert _same_graph(a, b) and torch.equal(ia, ib)
    a = g.khop_out_subgraph([1, 2], 1, relabel_nodes=False)
    b = graphdl.khop_out_subgraph(g, [1, 2], 1, relabel_nodes=False)
    assert _same_graph(a, b)
    assert _same_graph(g.reorder_graph(edge_permute_algo="dst"), graphdl.reorder_graph(g, edge_permute_algo="dst"))
    nxg = g.to_networkx(edge_attrs=["w"])
    assert nxg.number_of_edges() == 60 and nxg.number_of_nodes() == 20


def test_sampling_methods(idtype):
    g = _g(idtype)
    a = g.select_topk(2, "w")
    b = graphdl.sampling.select_topk(g, 2, "w")
    assert torch.equal(a.edata[EID], b.edata[EID])
    graphdl.seed(3)
    a = g.global_uniform_negative_sampling(10)
    graphdl.seed(3)
    b = graphdl.sampling.global_uniform_negative_sampling(g, 10)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    graphdl.seed(4)
    a = g.sample_labors([0, 1, 2], 2)
    graphdl.seed(4)
    b = graphdl.sampling.sample_labors(g, [0, 1, 2], 2)
    assert torch.equal(a[0].edata[EID], b[0].edata[EID])
    graphdl.seed(5)
    a = g.sample_neighbors_fused([0, 1], 2)
    graphdl.seed(5)
    b = graphdl.sampling.sample_neighbors_fused(g, [0, 1], 2)
    assert torch.equal(a.edata[EID], b.edata[EID])
    hg = graphdl.graph((torch.tensor([0, 1, 2, 3]), torch.tensor([1, 1, 1, 1])), idtype=idtype)
    hg.edata[graphdl.ETYPE] = torch.tensor([0, 0, 1, 1])
    graphdl.seed(6)
    a = hg.sample_etype_neighbors([1], torch.tensor([0, 2]), [1, 1], etype_sorted=True)
    graphdl.seed(6)
    b = graphdl.sampling.sample_etype_neighbors(hg, [1], torch.tensor([0, 2]), [1, 1], etype_sorted=True)
    assert torch.equal(a.edata[EID], b.edata[EID])


def test_copy_pinning():
    g = _g(torch.int64)
    c = copy.copy(g)
    assert c is not g and _same_graph(c, g)
    c.ndata["y"] = torch.ones(20)  # a shallow copy shares the feature frames, as in DGL
    assert "y" in g.ndata
    assert not g.is_pinned() and g.unpin_memory_() is g
