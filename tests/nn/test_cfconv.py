import math

import torch

from graphdl.nn import CFConv

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def ssp(t):
    return torch.nn.functional.softplus(t) - math.log(2.0)


def test_matches_reference(idtype):
    g = random_graph(8, 25, idtype)
    x, ef = torch.randn(8, 2), torch.randn(g.num_edges(), 3)
    conv = CFConv(2, 3, 4, 5)
    src, dst = (t.long() for t in g.edges())
    pe = conv.project_edge
    filt = ssp(pe[2](ssp(pe[0](ef))))
    agg = torch.zeros(8, 4).index_add_(0, dst, conv.project_node(x)[src] * filt)
    want = ssp(conv.project_out[0](agg))
    out = conv(g, x, ef)
    torch.testing.assert_close(out, want, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(conv(g, (x, torch.randn(8, 7)), ef), out)
    check_edge_order_invariance(lambda gg, e: conv(gg, x, e), g, ef)
    check_grads(conv, out)
