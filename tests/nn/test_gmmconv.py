import pytest
import torch

from graphdl import DGLError
from graphdl.nn import GMMConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def reference(conv, g, x, pseudo):
    src, dst = (t.long() for t in g.edges())
    k, o = conv._n_kernels, conv._out_feats
    h = conv.fc(x).view(-1, k, o)
    out = torch.zeros(g.num_dst_nodes(), o)
    for e in range(src.shape[0]):
        w = torch.exp(-0.5 * (((pseudo[e] - conv.mu) * conv.inv_sigma) ** 2).sum(-1))  # (K,)
        out[dst[e]] += (w.unsqueeze(-1) * h[src[e]]).sum(0)
    return out


def test_gmm_matches_reference(idtype):
    g = random_graph(9, 25, idtype)
    conv = GMMConv(4, 3, dim=2, n_kernels=3, residual=True)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    torch.nn.init.uniform_(conv.inv_sigma, 0.5, 1.5)
    x, pseudo = torch.randn(9, 4), torch.randn(g.num_edges(), 2)
    ref = reference(conv, g, x, pseudo) + conv.res_fc(x) + conv.bias
    torch.testing.assert_close(conv(g, x, pseudo), ref, rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, pseudo))


def test_gmm_options_invariances_errors(idtype):
    g = random_graph(8, 20, idtype)
    conv = GMMConv(4, 3, 2, 2, "mean")
    x, pseudo = torch.randn(8, 4), torch.randn(g.num_edges(), 2)
    check_edge_order_invariance(lambda gg, p: conv(gg, x, p), g, pseudo)
    block = get_case("block", idtype)
    assert conv(block, torch.randn(block.num_src_nodes(), 4), torch.randn(block.num_edges(), 2)).shape == (6, 3)
    with pytest.raises(DGLError):
        conv(get_case("zero-degree", idtype), torch.randn(10, 4), torch.randn(8, 2))
    with pytest.raises(DGLError):
        conv(g, x, pseudo[:-1])
    with pytest.raises(DGLError):
        GMMConv(4, 3, 2, 2, "lstm")
