import torch

from graphdl.nn import GatedGCNConv

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def test_matches_reference(idtype):
    g = random_graph(8, 25, idtype)
    x, e = torch.randn(8, 4), torch.randn(g.num_edges(), 4)
    conv = GatedGCNConv(4, 4, 4).eval()
    src, dst = (t.long() for t in g.edges())
    eh = conv.D(x)[src] + conv.E(x)[dst] + conv.C(e)
    sig = torch.sigmoid(eh)
    num = torch.zeros(8, 4).index_add_(0, dst, sig * conv.B(x)[src])
    den = torch.zeros(8, 4).index_add_(0, dst, sig)
    hh = conv.A(x) + num / (den + 1e-6)
    want_h = x + torch.relu(conv.bn_node(hh))
    want_e = e + torch.relu(conv.bn_edge(eh))
    out_h, out_e = conv(g, x, e)
    torch.testing.assert_close(out_h, want_h, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(out_e, want_e, rtol=1e-4, atol=1e-5)
    check_edge_order_invariance(lambda gg, ee: conv(gg, x, ee)[0], g, e)


def test_sizes_disable_residual_and_gradients():
    g = random_graph(6, 15, torch.int64)
    conv = GatedGCNConv(4, 3, 5, dropout=0.1)
    assert not conv.residual
    h, e = conv(g, torch.randn(6, 4), torch.randn(g.num_edges(), 3))
    assert h.shape == (6, 5) and e.shape == (g.num_edges(), 5)
    check_grads(conv, torch.cat([h, e]))
