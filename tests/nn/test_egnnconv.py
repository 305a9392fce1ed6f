import pytest
import torch

from graphdl.base import DGLError
from graphdl.nn import EGNNConv

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def test_matches_reference_and_is_equivariant(idtype):
    torch.manual_seed(0)
    g = random_graph(7, 20, idtype, self_loops=False)
    h, x, a = torch.randn(7, 4), torch.randn(7, 3), torch.randn(g.num_edges(), 2)
    conv = EGNNConv(4, 8, 5, edge_feat_size=2)
    src, dst = (t.long() for t in g.edges())
    diff = x[src] - x[dst]
    radial = diff.square().sum(1, keepdim=True)
    m = conv.edge_mlp(torch.cat([h[src], h[dst], radial, a], 1))
    mx = conv.coord_mlp(m) * diff / (radial.sqrt() + 1e-30)
    deg = torch.bincount(dst, minlength=7).clamp(min=1).unsqueeze(1)
    want_x = x + torch.zeros(7, 3).index_add_(0, dst, mx) / deg
    want_h = conv.node_mlp(torch.cat([h, torch.zeros(7, 8).index_add_(0, dst, m)], 1))
    out_h, out_x = conv(g, h, x, a)
    torch.testing.assert_close(out_h, want_h, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(out_x, want_x, rtol=1e-4, atol=1e-5)
    # E(3): rotate and translate the coordinates
    rot, _ = torch.linalg.qr(torch.randn(3, 3))
    h2, x2 = conv(g, h, x @ rot + 2.0, a)
    torch.testing.assert_close(h2, out_h, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(x2, out_x @ rot + 2.0, rtol=1e-4, atol=1e-4)
    check_edge_order_invariance(lambda gg, e: torch.cat(conv(gg, h, x, e), 1), g, a)
    check_grads(conv, torch.cat([out_h, out_x], 1))


def test_edge_features_required():
    g = random_graph(4, 6, torch.int64)
    with pytest.raises(DGLError, match="edge_feat"):
        EGNNConv(2, 3, 2, edge_feat_size=1)(g, torch.randn(4, 2), torch.randn(4, 3))
