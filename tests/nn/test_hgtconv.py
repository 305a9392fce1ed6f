import math

import pytest
import torch

from graphdl import DGLError
from graphdl.nn import HGTConv

from attention_ref import softmax_by_dst
from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def reference(conv, g, x, nt, et):
    src, dst = (t.long() for t in g.edges())
    h, d = conv.num_heads, conv.head_size
    k = conv.linear_k(x, nt).view(-1, h, d)
    q = conv.linear_q(x, nt).view(-1, h, d)
    v = conv.linear_v(x, nt).view(-1, h, d)
    att = torch.zeros(src.shape[0], h)
    msg = torch.zeros(src.shape[0], h, d)
    for e in range(src.shape[0]):
        r = int(et[e])
        for i in range(h):
            kw = k[src[e], i] @ conv.relation_att[i].W[r]
            att[e, i] = (kw * q[dst[e], i]).sum() * conv.relation_pri[i][r] / math.sqrt(d)
            msg[e, i] = v[src[e], i] @ conv.relation_msg[i].W[r]
    a = softmax_by_dst(att, dst, g.num_nodes())
    agg = torch.zeros(g.num_nodes(), h, d).index_add(0, dst, msg * a.unsqueeze(-1)).view(-1, h * d)
    out = conv.linear_a(agg, nt)
    alpha = torch.sigmoid(conv.skip[nt]).unsqueeze(-1)
    res = x @ conv.residual_w if hasattr(conv, "residual_w") else x
    out = out * alpha + res * (1 - alpha)
    return conv.norm(out) if conv.use_norm else out


@pytest.mark.parametrize("in_size,use_norm", [(6, False), (4, True)])
def test_hgt_matches_reference(idtype, in_size, use_norm):
    g = random_graph(8, 20, idtype)
    gen = torch.Generator().manual_seed(0)
    nt = torch.randint(0, 2, (8,), generator=gen)
    et = torch.randint(0, 3, (g.num_edges(),), generator=gen)
    conv = HGTConv(in_size, 2, 2, num_ntypes=2, num_etypes=3, dropout=0.0, use_norm=use_norm)
    with torch.no_grad():
        conv.skip.uniform_(-1, 1)
        for p in conv.relation_pri:
            p.uniform_(0.5, 1.5)
    x = torch.randn(8, in_size)
    torch.testing.assert_close(conv(g, x, nt, et), reference(conv, g, x, nt, et), rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, nt, et))


def test_hgt_invariance_and_errors(idtype):
    g = random_graph(8, 20, idtype)
    conv = HGTConv(4, 2, 2, 2, 2, dropout=0.0)
    x = torch.randn(8, 4)
    nt = torch.tensor([0, 1] * 4)
    et = torch.randint(0, 2, (g.num_edges(),), generator=torch.Generator().manual_seed(3))
    check_edge_order_invariance(lambda gg, e: conv(gg, x, nt, e), g, et)
    torch.testing.assert_close(conv(g.int(), x, nt, et), conv(g, x, nt, et))
    with pytest.raises(DGLError):
        conv(g, x, nt, et[:-1])


@pytest.mark.parametrize("in_size", [6, 4])
def test_hgt_on_a_block_equals_the_full_graph_rows(idtype, in_size):
    # a block of all in-edges of some nodes gives those nodes' rows of the full-graph output
    import graphdl

    g = random_graph(10, 30, idtype)
    gen = torch.Generator().manual_seed(2)
    nt = torch.randint(0, 2, (10,), generator=gen)
    et = torch.randint(0, 3, (g.num_edges(),), generator=gen)
    conv = HGTConv(in_size, 2, 2, num_ntypes=2, num_etypes=3, dropout=0.0)
    x = torch.randn(10, in_size)
    full = conv(g, x, nt, et)
    seeds = torch.tensor([7, 2, 5], dtype=idtype)
    frontier = graphdl.in_subgraph(g, seeds)
    block = graphdl.to_block(frontier, seeds)
    src_ids = block.srcdata[graphdl.NID].long()
    eids = frontier.edata[graphdl.EID][block.edata[graphdl.EID].long()].long()
    out = conv(block, x[src_ids], nt[src_ids], et[eids])
    assert out.shape == (3, 4)
    torch.testing.assert_close(out, full[seeds.long()], rtol=1e-4, atol=1e-5)
