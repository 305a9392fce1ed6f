import pytest
import torch

from graphdl import DGLError
from graphdl.nn import GatedGraphConv

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, random_graph


def reference(conv, g, x, etypes):
    src, dst = (t.long() for t in g.edges())
    h = torch.cat([x, x.new_zeros(x.shape[0], conv._out_feats - x.shape[1])], 1)
    for _ in range(conv._n_steps):
        a = torch.zeros_like(h)
        for e in range(src.shape[0]):
            a[dst[e]] += conv.linears[int(etypes[e])](h[src[e]])
        h = conv.gru(a, h)
    return h


def test_gated_matches_reference(idtype):
    g = random_graph(8, 20, idtype)
    etypes = torch.randint(0, 3, (g.num_edges(),), generator=torch.Generator().manual_seed(0))
    conv = GatedGraphConv(3, 5, n_steps=2, n_etypes=3)
    x = torch.randn(8, 3)
    torch.testing.assert_close(conv(g, x, etypes), reference(conv, g, x, etypes), rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, etypes))
    one = GatedGraphConv(3, 4, 2, 1)
    torch.testing.assert_close(one(g, x), reference(one, g, x, torch.zeros(g.num_edges(), dtype=torch.long)),
                               rtol=1e-4, atol=1e-5)


def test_gated_invariances_and_errors(idtype):
    g = random_graph(8, 20, idtype)
    etypes = torch.randint(0, 2, (g.num_edges(),), generator=torch.Generator().manual_seed(1))
    conv = GatedGraphConv(3, 4, 2, 2)
    x = torch.randn(8, 3)
    check_edge_order_invariance(lambda gg, et: conv(gg, x, et), g, etypes)
    single = GatedGraphConv(3, 4, 2, 1)
    check_relabel_equivariance(lambda gg, xx: single(gg, xx), g, x)
    with pytest.raises(DGLError):
        conv(g, x)
    with pytest.raises(DGLError):
        conv(g, x, etypes + 5)
    with pytest.raises(DGLError):
        GatedGraphConv(5, 4, 2, 1)
