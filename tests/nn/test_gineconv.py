import pytest
import torch

from graphdl import DGLError
from graphdl.nn import GINEConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def test_gine_matches_reference(idtype):
    g = random_graph(9, 25, idtype)
    lin = torch.nn.Linear(4, 3)
    conv = GINEConv(lin, init_eps=0.3, learn_eps=True)
    x, ef = torch.randn(9, 4), torch.randn(g.num_edges(), 4)
    src, dst = (t.long() for t in g.edges())
    neigh = torch.zeros(9, 4).index_add(0, dst, torch.relu(x[src] + ef))
    torch.testing.assert_close(conv(g, x, ef), lin(1.3 * x + neigh), rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, ef))


def test_gine_block_invariance_errors(idtype):
    block = get_case("block", idtype)
    conv = GINEConv(None)
    xb = torch.randn(block.num_src_nodes(), 4)
    efb = torch.randn(block.num_edges(), 4)
    src, dst = (t.long() for t in block.edges())
    ref = xb[:6] + torch.zeros(6, 4).index_add(0, dst, torch.relu(xb[src] + efb))
    torch.testing.assert_close(conv(block, xb, efb), ref, rtol=1e-4, atol=1e-5)
    g = random_graph(8, 20, idtype)
    x = torch.randn(8, 4)
    check_edge_order_invariance(lambda gg, e: conv(gg, x, e), g, torch.randn(g.num_edges(), 4))
    with pytest.raises(DGLError):
        conv(g, x, torch.randn(g.num_edges(), 3))
