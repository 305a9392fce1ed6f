import math

import pytest
import torch

from graphdl import DGLError
from graphdl.nn import PNAConv

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, random_graph

AGGS = ["mean", "max", "min", "std", "var", "sum", "moment3", "moment4", "moment5"]


def stats(msgs, name):
    if name == "mean":
        return msgs.mean(0)
    if name == "sum":
        return msgs.sum(0)
    if name == "max":
        return msgs.max(0)[0]
    if name == "min":
        return msgs.min(0)[0]
    # DGL's formulas, evaluated in float64: in float32 the roots of near-zero moments amplify
    # rounding residuals (see test_roots_of_zero_moments_do_not_depend_on_summation_order)
    m64 = msgs.double()
    var = torch.relu((m64 * m64).mean(0) - m64.mean(0) ** 2)
    if name == "var":
        return var.float()
    if name == "std":
        return torch.sqrt(var + 1e-30).float()
    n = int(name[-1])
    m = ((m64 - m64.mean(0)) ** n).mean(0)
    return (torch.sign(m) * (m.abs() + 1e-30) ** (1.0 / n)).float()


def reference_tower(tower, g, x, ef):
    src, dst = (t.long() for t in g.edges())
    msgs = tower.M(torch.cat([x[src], x[dst], ef], 1))
    rows = []
    for v in range(g.num_nodes()):
        m = msgs[dst == v]
        d = m.shape[0]
        if d == 0:
            rows.append(torch.zeros(len(tower.aggregators) * len(tower.scalers) * x.shape[1]))
            continue
        h = torch.cat([stats(m, a) for a in tower.aggregators])
        scaled = []
        for s in tower.scalers:
            factor = {"identity": 1.0, "amplification": math.log(d + 1) / tower.delta,
                      "attenuation": tower.delta / math.log(d + 1)}[s]
            scaled.append(h * factor)
        rows.append(torch.cat(scaled))
    h = tower.U(torch.cat([x, torch.stack(rows)], 1)) / math.sqrt(g.num_nodes())
    return tower.batchnorm(h)


def test_pna_matches_reference(idtype):
    g = random_graph(9, 25, idtype, self_loops=False)
    conv = PNAConv(4, 4, AGGS, ["identity", "amplification", "attenuation"], 1.3, num_towers=2, edge_feat_size=2)
    conv.eval()
    x, ef = torch.randn(9, 4), torch.randn(g.num_edges(), 2)
    towers = [reference_tower(t, g, x[:, 2 * i:2 * i + 2], ef) for i, t in enumerate(conv.towers)]
    ref = conv.mixing_layer(torch.cat(towers, 1)) + x
    torch.testing.assert_close(conv(g, x, ef), ref, rtol=1e-4, atol=1e-4)


def test_pna_invariances_grads_errors(idtype):
    g = random_graph(9, 25, idtype)
    conv = PNAConv(4, 6, ["mean", "max"], ["identity"], 1.0)
    assert not conv.residual
    conv.eval()
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    conv.train()
    check_grads(conv, conv(g, x))
    with pytest.raises(DGLError):
        PNAConv(4, 4, ["median"], ["identity"], 1.0)
    with pytest.raises(DGLError):
        PNAConv(4, 4, ["mean"], ["identity"], 1.0, num_towers=3)
    with pytest.raises(DGLError):
        PNAConv(4, 4, ["mean"], ["identity"], 1.0, edge_feat_size=2)(g, x)


def test_roots_of_zero_moments_do_not_depend_on_summation_order():
    """Every node has two in-edges, so each third central moment is exactly 0 and the std is
    half the distance of the two messages. A float32 one-pass residual (about 1e-7 * x^3,
    different for every summation order) would become about 5e-3 * |x| under the cube root;
    in float64 the cube root of the residual is about 5e-6 * |x|. Edge order must not matter
    beyond that, and std must match |x1 - x2| / 2 to float32 rounding."""
    from graphdl.nn.conv.pnaconv import _aggregate

    torch.manual_seed(0)
    n, f = 50, 8
    first, second = torch.randn(n, f) * 3, torch.randn(n, f) * 3
    msg = torch.cat([first, second])
    dst = torch.cat([torch.arange(n), torch.arange(n)])
    deg = torch.full((n,), 2)
    perm = torch.randperm(2 * n)
    for m, d in ((msg, dst), (msg[perm], dst[perm])):
        out = _aggregate(m, d, n, deg, ["moment3", "std", "moment5"])
        m3, std = out[:, :f], out[:, f:2 * f]
        scale = torch.maximum(first.abs(), second.abs())
        assert bool((m3.abs() <= 1e-4 * scale).all()), float((m3.abs() / scale).max())
        torch.testing.assert_close(std, (first - second).abs() / 2, rtol=1e-6, atol=1e-6)
