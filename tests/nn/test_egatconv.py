import pytest
import torch
import torch.nn.functional as F

from graphdl import DGLError
from graphdl.nn import EGATConv
from graphdl.testing.graphs import get_case

from attention_ref import aggregate, softmax_by_dst
from nn_helpers import check_edge_order_invariance, random_graph


def test_egat_matches_reference(idtype):
    g = random_graph(10, 30, idtype)
    conv = EGATConv(5, 3, 4, 2, num_heads=2)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    x, ef = torch.randn(10, 5), torch.randn(g.num_edges(), 3)
    w = torch.rand(g.num_edges())
    h, f, a = conv(g, x, ef, edge_weight=w, get_attention=True)
    src, dst = (t.long() for t in g.edges())
    f_ref = F.leaky_relu(conv.fc_ni(x)[src] + conv.fc_nj(x)[dst] + conv.fc_fij(ef) + conv.bias).view(-1, 2, 2)
    a_ref = softmax_by_dst((f_ref * conv.attn).sum(-1, keepdim=True), dst, 10) * w.view(-1, 1, 1)
    h_ref = aggregate(a_ref, conv.fc_node_src(x).view(-1, 2, 4)[src], dst, 10)
    torch.testing.assert_close(f, f_ref, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(a, a_ref, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(h, h_ref, rtol=1e-4, atol=1e-5)
    conv.zero_grad()
    (h.sum() + f.sum()).backward()
    assert all(p.grad is not None for p in conv.parameters())


def test_egat_shapes_invariance_errors(idtype):
    g = random_graph(9, 25, idtype)
    conv = EGATConv(4, 3, 5, 2, num_heads=3, bias=False)
    assert conv.bias is None
    x, ef = torch.randn(9, 4), torch.randn(g.num_edges(), 3)
    h, f = conv(g, x, ef)
    assert h.shape == (9, 3, 5) and f.shape == (g.num_edges(), 3, 2)
    check_edge_order_invariance(lambda gg, e: conv(gg, x, e)[0], g, ef)
    block = get_case("block", idtype)
    hb, _ = EGATConv(4, 3, 5, 2, 1)(block, torch.randn(block.num_src_nodes(), 4), torch.randn(block.num_edges(), 3))
    assert hb.shape == (block.num_dst_nodes(), 1, 5)
    with pytest.raises(DGLError):
        conv(get_case("zero-degree", idtype), torch.randn(10, 4), torch.randn(8, 3))
