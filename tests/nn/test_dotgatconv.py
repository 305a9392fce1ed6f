import math

import pytest
import torch

from graphdl import DGLError
from graphdl.nn import DotGatConv
from graphdl.testing.graphs import get_case

from attention_ref import aggregate, softmax_by_dst
from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, random_graph


def reference(g, hs, hd):
    src, dst = (t.long() for t in g.edges())
    e = (hs[src] * hd[dst]).sum(-1, keepdim=True) / math.sqrt(hs.shape[-1])
    a = softmax_by_dst(e, dst, g.num_dst_nodes())
    return aggregate(a, hs[src], dst, g.num_dst_nodes()), a


def test_dotgat_matches_reference(idtype):
    g = random_graph(10, 30, idtype)
    conv = DotGatConv(5, 3, num_heads=2)
    x = torch.randn(10, 5)
    out, att = conv(g, x, get_attention=True)
    h = conv.fc(x).view(-1, 2, 3)
    ref, a = reference(g, h, h)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(att, a, rtol=1e-4, atol=1e-6)
    check_grads(conv, out)


def test_dotgat_block_bipartite(idtype):
    block = get_case("block", idtype)
    conv = DotGatConv(4, 3, num_heads=2)
    x = torch.randn(block.num_src_nodes(), 4)
    h = conv.fc(x).view(-1, 2, 3)
    torch.testing.assert_close(conv(block, x), reference(block, h, h[: block.num_dst_nodes()])[0], rtol=1e-4, atol=1e-5)
    bip = get_case("bipartite", idtype)
    conv = DotGatConv((4, 2), 3, num_heads=1)
    xs, xd = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), 2)
    ref = reference(bip, conv.fc_src(xs).view(-1, 1, 3), conv.fc_dst(xd).view(-1, 1, 3))[0]
    torch.testing.assert_close(conv(bip, (xs, xd)), ref, rtol=1e-4, atol=1e-5)


def test_dotgat_invariances(idtype):
    g = random_graph(9, 25, idtype)
    conv = DotGatConv(4, 2, num_heads=2)
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    torch.testing.assert_close(conv(g.int(), x), conv(g, x))
    with pytest.raises(DGLError):
        conv(get_case("zero-degree", idtype), torch.randn(10, 4))
