import pytest
import torch
import torch.nn.functional as F

import graphdl

from graphdl import DGLError
from graphdl.nn import GATv2Conv
from graphdl.testing.graphs import get_case

from attention_ref import aggregate, softmax_by_dst
from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, random_graph


def reference(conv, g, xs, xd):
    h, f = conv._num_heads, conv._out_feats
    src, dst = (t.long() for t in g.edges())
    hs = conv.fc_src(xs).view(-1, h, f)
    hd = conv.fc_dst(xd).view(-1, h, f)
    e = (F.leaky_relu(hs[src] + hd[dst], 0.2) * conv.attn).sum(-1, keepdim=True)
    a = softmax_by_dst(e, dst, g.num_dst_nodes())
    return aggregate(a, hs[src], dst, g.num_dst_nodes()), a


@pytest.mark.parametrize("share", [False, True])
def test_gatv2_matches_reference(idtype, share):
    g = random_graph(10, 30, idtype)
    conv = GATv2Conv(5, 3, num_heads=2, share_weights=share)
    if share:
        assert conv.fc_src is conv.fc_dst
    x = torch.randn(10, 5)
    out, att = conv(g, x, get_attention=True)
    ref, a = reference(conv, g, x, x)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(att, a, rtol=1e-4, atol=1e-6)
    check_grads(conv, out if not share else conv(g, x))


def test_gatv2_block_bipartite_residual(idtype):
    block = get_case("block", idtype)
    conv = GATv2Conv(4, 3, num_heads=2, residual=True)
    x = torch.randn(block.num_src_nodes(), 4)
    ref, _ = reference(conv, block, x, x[: block.num_dst_nodes()])
    ref = ref + conv.res_fc(x[: block.num_dst_nodes()]).view(-1, 2, 3)
    torch.testing.assert_close(conv(block, x), ref, rtol=1e-4, atol=1e-5)
    bip = get_case("bipartite", idtype)
    conv = GATv2Conv((4, 2), 3, num_heads=1)
    xs, xd = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), 2)
    torch.testing.assert_close(conv(bip, (xs, xd)), reference(conv, bip, xs, xd)[0], rtol=1e-4, atol=1e-5)


def test_gatv2_invariances_and_errors(idtype):
    g = random_graph(9, 25, idtype)
    conv = GATv2Conv(4, 2, num_heads=2)
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))
    with pytest.raises(DGLError):
        conv(get_case("zero-degree", idtype), torch.randn(10, 4))


def test_gatv2_residual_on_empty_destination_type(idtype):
    # Zero destination nodes: the residual's (0, heads, out) shape cannot be inferred by view(-1).
    block = graphdl.create_block(
        (torch.tensor([], dtype=idtype), torch.tensor([], dtype=idtype)), num_src_nodes=3, num_dst_nodes=0
    )
    for in_feats in (4, 6):
        conv = GATv2Conv(in_feats, 3, num_heads=2, residual=True, allow_zero_in_degree=True)
        assert conv(block, torch.randn(3, in_feats)).shape == (0, 2, 3)
