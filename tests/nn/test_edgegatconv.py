import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn import EdgeGATConv

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, frame_keys, random_graph


def reference(conv, g, x, ef):
    """Per destination: softmax over its in-edges, written with loops."""
    heads, out = conv._num_heads, conv._out_feats
    src, dst = (t.long() for t in g.edges())
    w = conv.fc(x).view(-1, heads, out)
    we = conv.fc_edge(ef).view(-1, heads, out)
    score = torch.nn.functional.leaky_relu(
        (w[src] * conv.attn_l).sum(-1) + (w[dst] * conv.attn_r).sum(-1) + (we * conv.attn_edge).sum(-1), 0.2)
    rst = torch.zeros(g.num_nodes(), heads, out)
    for v in range(g.num_nodes()):
        idx = (dst == v).nonzero().flatten()
        if idx.numel():
            a = torch.softmax(score[idx], dim=0).unsqueeze(-1)
            rst[v] = (a * (w[src[idx]] + we[idx])).sum(0)
    if conv.res_fc is not None:
        rst = rst + conv.res_fc(x).view(-1, heads, out)
    return rst + conv.bias.view(1, heads, out)


def test_matches_reference(idtype):
    g = random_graph(8, 25, idtype)
    x, ef = torch.randn(8, 5), torch.randn(g.num_edges(), 3)
    for residual in (True, False):
        conv = EdgeGATConv(5, 3, 4, num_heads=2, residual=residual)
        torch.nn.init.normal_(conv.bias)
        torch.testing.assert_close(conv(g, x, ef), reference(conv, g, x, ef), rtol=1e-4, atol=1e-5)


def test_invariances_gradients_and_frames(idtype):
    g = random_graph(8, 25, idtype)
    x, ef = torch.randn(8, 5), torch.randn(g.num_edges(), 3)
    conv = EdgeGATConv(5, 3, 4, num_heads=2)
    check_edge_order_invariance(lambda gg, e: conv(gg, x, e), g, ef)
    before = frame_keys(g)
    out, att = conv(g, x, ef, get_attention=True)
    assert frame_keys(g) == before and att.shape == (g.num_edges(), 2, 1)
    check_grads(conv, out)
    torch.testing.assert_close(conv(g.int(), x, ef), conv(g.long(), x, ef))


def test_bipartite_and_errors(idtype):
    g = graphdl.heterograph({("a", "r", "b"): (torch.tensor([0, 1, 2, 3]), torch.tensor([0, 0, 1, 2]))},
                            {"a": 4, "b": 3}, idtype=idtype)
    conv = EdgeGATConv((5, 6), 3, 2, num_heads=2)
    out = conv(g, (torch.randn(4, 5), torch.randn(3, 6)), torch.randn(4, 3))
    assert out.shape == (3, 2, 2)
    lonely = graphdl.graph((torch.tensor([0]), torch.tensor([1])), num_nodes=3, idtype=idtype)
    with pytest.raises(DGLError, match="in-edges"):
        EdgeGATConv(5, 3, 2, 1)(lonely, torch.randn(3, 5), torch.randn(1, 3))
    with pytest.raises(DGLError, match="edge_feat"):
        EdgeGATConv(5, 3, 2, 1, allow_zero_in_degree=True)(lonely, torch.randn(3, 5), torch.randn(2, 3))


def test_destination_type_without_nodes(idtype):
    empty = torch.tensor([], dtype=idtype)
    g = graphdl.heterograph({("a", "r", "b"): (empty, empty)}, {"a": 3, "b": 0}, idtype=idtype)
    conv = EdgeGATConv((4, 4), 2, 3, num_heads=2, allow_zero_in_degree=True)
    assert conv(g, (torch.randn(3, 4), torch.randn(0, 4)), torch.randn(0, 2)).shape == (0, 2, 3)
