import pytest
import torch
import torch.nn.functional as F

from graphdl import DGLError
from graphdl.nn import AGNNConv
from graphdl.testing.graphs import get_case

from attention_ref import softmax_by_dst
from nn_helpers import check_edge_order_invariance, check_relabel_equivariance, random_graph


def test_agnn_matches_reference(idtype):
    g = random_graph(10, 30, idtype)
    conv = AGNNConv(init_beta=0.7)
    x = torch.randn(10, 4, requires_grad=True)
    src, dst = (t.long() for t in g.edges())
    cos = F.cosine_similarity(x[src], x[dst], dim=-1).unsqueeze(-1)
    p = softmax_by_dst(0.7 * cos, dst, 10)
    ref = torch.zeros(10, 4).index_add(0, dst, p * x[src])
    out = conv(g, x)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)
    out.sum().backward()
    assert conv.beta.grad is not None and x.grad is not None


def test_agnn_options_and_invariances(idtype):
    g = random_graph(9, 25, idtype)
    frozen = AGNNConv(learn_beta=False)
    assert not list(frozen.parameters()) and "beta" in dict(frozen.named_buffers())
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: frozen(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: frozen(gg, xx), g, x)
    block = get_case("block", idtype)
    assert frozen(block, torch.randn(block.num_src_nodes(), 4)).shape == (block.num_dst_nodes(), 4)
    with pytest.raises(DGLError):
        frozen(get_case("zero-degree", idtype), torch.randn(10, 4))
