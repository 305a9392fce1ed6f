import pytest
import torch

from graphdl.base import DGLError
from graphdl.nn import DGNConv, PNAConv

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, random_graph


def directional_reference(msg, h, eig, src, dst, n, k, kind):
    out = torch.zeros(n, msg.shape[1])
    for v in range(n):
        idx = (dst == v).nonzero().flatten()
        if not idx.numel():
            continue
        diff = eig[src[idx], k] - eig[v, k]
        w = diff / (diff.abs().sum() + 1e-30)
        if kind == "av":
            out[v] = (w.abs().unsqueeze(1) * msg[idx]).sum(0)
        else:
            out[v] = ((w.unsqueeze(1) * msg[idx]).sum(0) - w.sum() * h[v]).abs()
    return out


def test_directional_aggregators_match_loops(idtype):
    g = random_graph(8, 24, idtype, self_loops=False)
    x, eig = torch.randn(8, 4), torch.randn(8, 2)
    conv = DGNConv(4, 4, ["dir1-av", "dir2-dx"], ["identity"], 1.0, residual=False).eval()
    tower = conv.towers[0]
    src, dst = (t.long() for t in g.edges())
    msg = tower.M(torch.cat([x[src], x[dst]], 1))
    agg = torch.cat([directional_reference(msg, x, eig, src, dst, 8, 0, "av"),
                     directional_reference(msg, x, eig, src, dst, 8, 1, "dx")], 1)
    h = tower.batchnorm(tower.U(torch.cat([x, agg], 1)) * (1 / 8) ** 0.5)
    want = conv.mixing_layer(h)
    torch.testing.assert_close(conv(g, x, eig_vec=eig), want, rtol=1e-4, atol=1e-5)


def test_without_directions_equals_pna(idtype):
    g = random_graph(8, 24, idtype)
    x = torch.randn(8, 4)
    pna = PNAConv(4, 4, ["mean", "max"], ["identity", "amplification"], 1.5, num_towers=2).eval()
    dgn = DGNConv(4, 4, ["mean", "max"], ["identity", "amplification"], 1.5, num_towers=2).eval()
    dgn.load_state_dict(pna.state_dict())
    torch.testing.assert_close(dgn(g, x), pna(g, x))


def test_invariances_gradients_and_errors(idtype):
    g = random_graph(8, 24, idtype)
    x, eig, ef = torch.randn(8, 4), torch.randn(8, 3), torch.randn(g.num_edges(), 2)
    conv = DGNConv(4, 4, ["dir1-av", "dir1-dx", "dir3-av", "sum"], ["identity", "attenuation"], 1.5,
                   edge_feat_size=2).eval()
    check_edge_order_invariance(lambda gg, e: conv(gg, x, e, eig), g, ef)
    conv.train()
    check_grads(conv, conv(g, x, ef, eig))
    with pytest.raises(DGLError, match="eig_vec"):
        conv(g, x, ef)
    with pytest.raises(DGLError, match="Unknown DGN aggregator"):
        DGNConv(4, 4, ["dir4-av"], ["identity"], 1.0)
