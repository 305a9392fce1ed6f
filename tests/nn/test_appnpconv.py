import torch

from graphdl.nn import APPNPConv

from nn_helpers import check_edge_order_invariance, check_relabel_equivariance, dense_adj, random_graph


def sym_norm_adj(g, w=None):
    a = dense_adj(g, w)
    if w is None:
        dout = a.sum(0).clamp(min=1).pow(-0.5)
        din = a.sum(1).clamp(min=1).pow(-0.5)
    else:
        dout = a.sum(0).pow(-0.5)
        din = a.sum(1).pow(-0.5)
    return din.unsqueeze(1) * a * dout.unsqueeze(0)


def test_appnp_matches_dense(idtype):
    g = random_graph(10, 30, idtype)
    x = torch.randn(10, 3)
    for w in (None, torch.rand(g.num_edges()) + 0.1):
        a = sym_norm_adj(g, w)
        h = x.double()
        for _ in range(5):
            h = 0.8 * (a @ h) + 0.2 * x.double()
        torch.testing.assert_close(APPNPConv(5, 0.2)(g, x, w), h.float(), rtol=1e-4, atol=1e-5)


def test_appnp_edge_drop_train_vs_eval(idtype):
    g = random_graph(10, 30, idtype)
    x = torch.randn(10, 3, requires_grad=True)
    conv = APPNPConv(3, 0.1, edge_drop=0.5)
    conv.eval()
    torch.testing.assert_close(conv(g, x), APPNPConv(3, 0.1)(g, x))
    conv.train()
    out = conv(g, x)
    out.sum().backward()
    assert x.grad is not None and out.shape == (10, 3)


def test_appnp_invariances(idtype):
    g = random_graph(9, 25, idtype)
    x = torch.randn(9, 2, 3)
    conv = APPNPConv(3, 0.1)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, torch.randn(9, 4))
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))
