import pytest
import torch

from graphdl import DGLError
from graphdl.nn import EdgeConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, random_graph


def reference(conv, g, xs, xd):
    src, dst = (t.long() for t in g.edges())
    e = conv.theta(xd[dst] - xs[src]) + conv.phi(xd)[dst]
    out = torch.zeros(g.num_dst_nodes(), e.shape[1])
    for v in range(g.num_dst_nodes()):
        m = dst == v
        if m.any():
            out[v] = e[m].max(0)[0]
    return out


def test_edgeconv_matches_reference(idtype):
    g = random_graph(10, 30, idtype)
    conv = EdgeConv(4, 3)
    x = torch.randn(10, 4)
    torch.testing.assert_close(conv(g, x), reference(conv, g, x, x), rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x))
    bip = get_case("bipartite", idtype)
    xs, xd = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), 4)
    torch.testing.assert_close(conv(bip, (xs, xd)), reference(conv, bip, xs, xd), rtol=1e-4, atol=1e-5)


def test_edgeconv_batch_norm_invariances_errors(idtype):
    g = random_graph(9, 25, idtype)
    conv = EdgeConv(4, 3, batch_norm=True)
    conv.eval()
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))
    with pytest.raises(DGLError):
        EdgeConv(4, 3)(get_case("zero-degree", idtype), torch.randn(10, 4))
