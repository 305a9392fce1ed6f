"""Label informativeness against a loop over edges of the mutual-information formula and
against DGL 2.1's values."""
import json
import math
import os

import pytest
import torch

import graphdl
from graphdl import DGLError

CASES = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "traversal_and_measures.json")))["cases"]


def _li_ref(u, v, y, n, node_weighted):
    pairs = sorted({(a, b) for a, b in zip(u, v)} | {(b, a) for a, b in zip(u, v)})
    deg = [sum(1 for a, _ in pairs if a == x) for x in range(n)]
    c = max(y) + 1
    p_eta = [sum(deg[x] for x in range(n) if y[x] == k) / len(pairs) for k in range(c)]
    joint = [[0.0] * c for _ in range(c)]
    with_nbrs = sum(1 for d in deg if d)
    for a, b in pairs:
        joint[y[a]][y[b]] += 1 / (with_nbrs * deg[a]) if node_weighted else 1 / len(pairs)
    p_xi = [sum(1 for t in y if t == k) / n for k in range(c)] if node_weighted else p_eta
    mi = sum(joint[i][j] * math.log(joint[i][j] / (p_xi[i] * p_eta[j]))
             for i in range(c) for j in range(c) if joint[i][j] > 0)
    h = -sum(p * math.log(p) for p in p_xi if p > 0)
    return mi / h if h > 0 else None  # one class only: the normalisation is 0


@pytest.mark.parametrize("node_weighted", [False, True])
def test_against_loop(idtype, node_weighted):
    fn = graphdl.node_label_informativeness if node_weighted else graphdl.edge_label_informativeness
    for case in CASES:
        c = case["graph"]
        g = graphdl.graph((torch.tensor(c["u"]), torch.tensor(c["v"])), num_nodes=c["n"], idtype=idtype)
        want = _li_ref(c["u"], c["v"], c["y"], c["n"], node_weighted)
        got = fn(g, torch.tensor(c["y"]))
        if want is None:
            assert not math.isfinite(got)
            continue
        # eps = 1e-8 per cell perturbs the value by about C^2 * 1e-8 * log(1e-8)
        assert math.isclose(got, want, abs_tol=1e-5)


def test_against_dgl_values():
    for case in CASES:
        c, want = case["graph"], case["dgl"]
        g = graphdl.graph((torch.tensor(c["u"]), torch.tensor(c["v"])), num_nodes=c["n"])
        for name in ["edge_label_informativeness", "node_label_informativeness"]:
            if want[name] is not None:  # DGL reports inf/nan when a class below y.max() is empty
                assert math.isclose(getattr(graphdl, name)(g, torch.tensor(c["y"])), want[name], abs_tol=1e-5)


def test_perfectly_informative_and_bad_input():
    # labels alternate along a bipartite structure: a neighbour's label decides the node's
    g = graphdl.graph(([0, 1, 2, 3], [1, 2, 3, 0]))
    y = torch.tensor([0, 1, 0, 1])
    assert math.isclose(graphdl.edge_label_informativeness(g, y), 1.0, abs_tol=1e-6)
    assert math.isclose(graphdl.node_label_informativeness(g, y), 1.0, abs_tol=1e-6)
    with pytest.raises(DGLError, match="without edges"):
        graphdl.edge_label_informativeness(graphdl.graph(([], []), num_nodes=2), torch.tensor([0, 1]))
