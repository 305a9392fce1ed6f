import torch

from graphdl.nn import TAGConv

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, dense_adj, random_graph


def test_tag_matches_dense(idtype):
    g = random_graph(10, 30, idtype)
    x = torch.randn(10, 4)
    conv = TAGConv(4, 3, k=2, activation=torch.tanh)
    a = dense_adj(g)
    d = a.sum(1).clamp(min=1).pow(-0.5)
    an = d.unsqueeze(1) * a * d.unsqueeze(0)
    hops = [x.double(), an @ x.double(), an @ an @ x.double()]
    ref = torch.tanh(conv.lin(torch.cat(hops, 1).float()))
    torch.testing.assert_close(conv(g, x), ref, rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x))


def test_tag_edge_weight_and_invariances(idtype):
    g = random_graph(9, 25, idtype)
    x = torch.randn(9, 4)
    w = torch.rand(g.num_edges()) + 0.1
    conv = TAGConv(4, 3, k=1)
    a = dense_adj(g, w)
    an = a.sum(1).pow(-0.5).unsqueeze(1) * a * a.sum(0).pow(-0.5).unsqueeze(0)
    ref = conv.lin(torch.cat([x.double(), an @ x.double()], 1).float())
    torch.testing.assert_close(conv(g, x, edge_weight=w), ref, rtol=1e-4, atol=1e-5)
    check_edge_order_invariance(lambda gg, ew: conv(gg, x, edge_weight=ew), g, w)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))
