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
    var = torch.relu((msgs * msgs).mean(0) - msgs.mean(0) ** 2)
    if name == "var":
        return var
    if name == "std":
        return torch.sqrt(var + 1e-30)
    n = int(name[-1])
    m = ((msgs - msgs.mean(0)) ** n).mean(0)
    return torch.sign(m) * (m.abs() + 1e-30) ** (1.0 / n)


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
