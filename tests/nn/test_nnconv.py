import pytest
import torch

from graphdl import DGLError
from graphdl.nn import NNConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def reference(conv, g, xs, xd, ef, agg):
    src, dst = (t.long() for t in g.edges())
    w = conv.edge_func(ef).view(-1, xs.shape[1], conv._out_feats)
    msgs = torch.einsum("ei,eio->eo", xs[src], w)
    out = torch.zeros(g.num_dst_nodes(), conv._out_feats)
    for v in range(g.num_dst_nodes()):
        m = dst == v
        if m.any():
            out[v] = {"sum": msgs[m].sum(0), "mean": msgs[m].mean(0), "max": msgs[m].max(0)[0]}[agg]
    return out


@pytest.mark.parametrize("agg", ["sum", "mean", "max"])
def test_nnconv_matches_reference(idtype, agg):
    g = random_graph(9, 25, idtype)
    conv = NNConv(4, 3, torch.nn.Linear(2, 12), agg, residual=True)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    x, ef = torch.randn(9, 4), torch.randn(g.num_edges(), 2)
    ref = reference(conv, g, x, x, ef, agg) + conv.res_fc(x) + conv.bias
    torch.testing.assert_close(conv(g, x, ef), ref, rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, ef))


def test_nnconv_bipartite_identity_residual_invariance(idtype):
    bip = get_case("bipartite", idtype)
    conv = NNConv((4, 3), 3, torch.nn.Linear(2, 12), "sum", residual=True, bias=False)
    assert conv.bias is None and not isinstance(conv.res_fc, torch.nn.Linear)
    xs, xd, ef = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), 3), torch.randn(bip.num_edges(), 2)
    torch.testing.assert_close(conv(bip, (xs, xd), ef), reference(conv, bip, xs, xd, ef, "sum") + xd, rtol=1e-4, atol=1e-5)
    g = random_graph(8, 20, idtype)
    x = torch.randn(8, 4)
    conv = NNConv(4, 3, torch.nn.Linear(2, 12))
    check_edge_order_invariance(lambda gg, e: conv(gg, x, e), g, torch.randn(g.num_edges(), 2))
    with pytest.raises(DGLError):
        NNConv(4, 3, torch.nn.Linear(2, 12), "lstm")
