import pytest
import torch
import torch.nn.functional as F

import graphdl

from graphdl import DGLError
from graphdl.nn import GATConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, frame_keys, random_graph


def reference_gat(conv, g, x_src, x_dst, edge_weight=None, fc_src=None, fc_dst=None):
    """Attention computed edge by edge, softmax by a loop over destination nodes."""
    heads, out = conv._num_heads, conv._out_feats
    fc_src = fc_src or conv.fc
    fc_dst = fc_dst or conv.fc
    hs = fc_src(x_src).view(-1, heads, out)
    hd = fc_dst(x_dst).view(-1, heads, out)
    src, dst = g.edges()
    src, dst = src.long(), dst.long()
    logits = F.leaky_relu((hs[src] * conv.attn_l).sum(-1) + (hd[dst] * conv.attn_r).sum(-1), 0.2)  # (E, H)
    alpha = torch.zeros_like(logits)
    for v in range(g.num_dst_nodes()):
        m = dst == v
        if m.any():
            alpha[m] = torch.softmax(logits[m], dim=0)
    if edge_weight is not None:
        alpha = alpha * edge_weight.unsqueeze(1)
    rst = torch.zeros(g.num_dst_nodes(), heads, out)
    for e in range(src.shape[0]):
        rst[dst[e]] += alpha[e].unsqueeze(-1) * hs[src[e]]
    return rst, alpha


def test_gat_matches_reference(idtype):
    g = random_graph(10, 30, idtype)
    conv = GATConv(5, 3, num_heads=2)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    x = torch.randn(10, 5)
    out, att = conv(g, x, get_attention=True)
    ref, alpha = reference_gat(conv, g, x, x)
    assert out.shape == (10, 2, 3) and att.shape == (g.num_edges(), 2, 1)
    torch.testing.assert_close(out, ref + conv.bias.view(1, 2, 3), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(att.squeeze(-1), alpha, rtol=1e-4, atol=1e-6)


def test_gat_edge_weight(idtype):
    g = random_graph(8, 20, idtype)
    conv = GATConv(4, 3, num_heads=3, bias=False)
    x = torch.randn(8, 4)
    w = torch.rand(g.num_edges())
    ref, _ = reference_gat(conv, g, x, x, edge_weight=w)
    torch.testing.assert_close(conv(g, x, edge_weight=w), ref, rtol=1e-4, atol=1e-5)


def test_gat_residual(idtype):
    g = random_graph(8, 20, idtype)
    x = torch.randn(8, 6)
    same = GATConv(6, 3, num_heads=2, residual=True)
    assert not same.has_linear_res and same.has_explicit_bias
    ref, _ = reference_gat(same, g, x, x)
    torch.testing.assert_close(same(g, x), ref + x.view(8, 2, 3) + same.bias.view(1, 2, 3), rtol=1e-4, atol=1e-5)
    proj = GATConv(5, 3, num_heads=2, residual=True)
    assert proj.has_linear_res and proj.bias is None
    x5 = torch.randn(8, 5)
    ref, _ = reference_gat(proj, g, x5, x5)
    torch.testing.assert_close(proj(g, x5), ref + proj.res_fc(x5).view(8, 2, 3), rtol=1e-4, atol=1e-5)
    check_grads(proj, proj(g, x5))


def test_gat_block_and_bipartite(idtype):
    block = get_case("block", idtype)
    conv = GATConv(4, 3, num_heads=2, bias=False)
    x = torch.randn(block.num_src_nodes(), 4)
    ref, _ = reference_gat(conv, block, x, x[: block.num_dst_nodes()])
    torch.testing.assert_close(conv(block, x), ref, rtol=1e-4, atol=1e-5)

    bip = get_case("bipartite", idtype)
    conv = GATConv((4, 2), 3, num_heads=2, bias=False)
    xs, xd = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), 2)
    ref, _ = reference_gat(conv, bip, xs, xd, fc_src=conv.fc_src, fc_dst=conv.fc_dst)
    torch.testing.assert_close(conv(bip, (xs, xd)), ref, rtol=1e-4, atol=1e-5)


def test_gat_invariances_grads_and_scope(idtype):
    g = random_graph(10, 30, idtype)
    g.ndata["keep"] = torch.ones(10)
    before = frame_keys(g)
    conv = GATConv(4, 3, num_heads=2, activation=F.elu)
    x = torch.randn(10, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    check_grads(conv, conv(g, x))
    assert frame_keys(g) == before


def test_gat_int32_equals_int64():
    g = random_graph(8, 20, torch.int64)
    conv = GATConv(4, 3, num_heads=2)
    x = torch.randn(8, 4)
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))


def test_gat_zero_in_degree(idtype):
    g = get_case("zero-degree", idtype)
    x = torch.randn(g.num_nodes(), 3)
    with pytest.raises(DGLError):
        GATConv(3, 2, 1)(g, x)
    conv = GATConv(3, 2, 1, allow_zero_in_degree=True)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    out = conv(g, x)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out[9], conv.bias.view(1, 2))  # node 9 receives nothing


@pytest.mark.parametrize("in_dst", [4, 6])  # 6 = heads * out: identity residual; 4: projection
def test_gat_residual_on_empty_destination_type(idtype, in_dst):
    # A relation whose destination type has no nodes: the residual term must still have
    # shape (0, heads, out), which cannot be inferred from an empty tensor.
    g = graphdl.heterograph(
        {("user", "buys", "item"): (torch.tensor([], dtype=idtype), torch.tensor([], dtype=idtype))},
        num_nodes_dict={"user": 3, "item": 0},
        idtype=idtype,
    )
    conv = GATConv((5, in_dst), 3, num_heads=2, residual=True, allow_zero_in_degree=True)
    out = conv(g, (torch.randn(3, 5), torch.randn(0, in_dst)))
    assert out.shape == (0, 2, 3)
    block = graphdl.create_block(
        (torch.tensor([], dtype=idtype), torch.tensor([], dtype=idtype)), num_src_nodes=3, num_dst_nodes=0
    )
    conv = GATConv(6, 3, num_heads=2, residual=True, allow_zero_in_degree=True)
    assert conv(block, torch.randn(3, 6)).shape == (0, 2, 3)
