import pytest
import torch

from graphdl import DGLError
from graphdl.nn import SGConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, dense_adj, random_graph


def in_degree_sym(g):
    a = dense_adj(g)
    d = a.sum(1).clamp(min=1).pow(-0.5)
    return d.unsqueeze(1) * a * d.unsqueeze(0)


def test_sgc_matches_dense(idtype):
    g = random_graph(10, 30, idtype)
    x = torch.randn(10, 4)
    conv = SGConv(4, 3, k=3)
    torch.nn.init.uniform_(conv.fc.bias, -1, 1)
    a = in_degree_sym(g)
    ref = conv.fc((a @ a @ a @ x.double()).float())
    torch.testing.assert_close(conv(g, x), ref, rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x))


def test_sgc_edge_weight_cache_and_norm(idtype):
    g = random_graph(10, 30, idtype)
    x = torch.randn(10, 4)
    w = torch.rand(g.num_edges()) + 0.1
    a = dense_adj(g, w)
    din, dout = a.sum(1).pow(-0.5), a.sum(0).pow(-0.5)
    an = din.unsqueeze(1) * a * dout.unsqueeze(0)
    conv = SGConv(4, 3, k=2)
    torch.testing.assert_close(conv(g, x, edge_weight=w), conv.fc((an @ an @ x.double()).float()), rtol=1e-4, atol=1e-5)
    cached = SGConv(4, 3, k=1, cached=True, norm=lambda h: h * 2)
    first = cached(g, x)
    torch.testing.assert_close(cached(g, x * 0), first)  # second call reuses the propagated features
    torch.testing.assert_close(first, cached.fc((in_degree_sym(g) @ x.double()).float() * 2), rtol=1e-4, atol=1e-5)


def test_sgc_invariances_and_zero_degree(idtype):
    g = random_graph(9, 25, idtype)
    conv = SGConv(4, 3, k=2)
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))
    zg = get_case("zero-degree", idtype)
    with pytest.raises(DGLError):
        conv(zg, torch.randn(zg.num_nodes(), 4))
    assert SGConv(4, 3, allow_zero_in_degree=True)(zg, torch.randn(zg.num_nodes(), 4)).shape == (10, 3)
