"""Homophily measures against plain loops over nodes and edges, and DGL 2.1's values."""
import json
import math
import os

import pytest
import torch

import graphdl
from graphdl import DGLError

CASES = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "traversal_and_measures.json")))["cases"]


def _graph(c, idtype=torch.int64):
    return graphdl.graph((torch.tensor(c["u"]), torch.tensor(c["v"])), num_nodes=c["n"], idtype=idtype)


def _node_ref(u, v, y, n):
    total = 0.0
    for node in range(n):
        preds = [a for a, b in zip(u, v) if b == node]
        if preds:
            total += sum(y[a] == y[node] for a in preds) / len(preds)
    return total / n


def _edge_ref(u, v, y):
    return sum(y[a] == y[b] for a, b in zip(u, v)) / len(u)


def _linkx_ref(u, v, y, n):
    c = max(y) + 1
    value = 0.0
    for k in range(c):
        ins = [(a, b) for a, b in zip(u, v) if y[b] == k]
        h = sum(y[a] == k for a, _ in ins) / len(ins) if ins else 0.0
        value += max(0.0, h - sum(1 for t in y if t == k) / n)
    return value / (c - 1)


def _adjusted_ref(u, v, y):
    pairs = {(a, b) for a, b in zip(u, v)} | {(b, a) for a, b in zip(u, v)}
    h = sum(y[a] == y[b] for a, b in pairs) / len(pairs)
    deg = {}
    for _, b in pairs:
        deg[y[b]] = deg.get(y[b], 0) + 1
    expected = sum((d / len(pairs)) ** 2 for d in deg.values())
    if expected == 1:  # every edge end in one class: 0 / 0
        return math.nan
    return (h - expected) / (1 - expected)


def test_against_loops(idtype):
    for case in CASES:
        c = case["graph"]
        g, y = _graph(c, idtype), torch.tensor(c["y"])
        assert math.isclose(graphdl.node_homophily(g, y), _node_ref(c["u"], c["v"], c["y"], c["n"]), abs_tol=1e-6)
        assert math.isclose(graphdl.edge_homophily(g, y), _edge_ref(c["u"], c["v"], c["y"]), abs_tol=1e-6)
        assert math.isclose(graphdl.linkx_homophily(g, y), _linkx_ref(c["u"], c["v"], c["y"], c["n"]), abs_tol=1e-6)
        want = _adjusted_ref(c["u"], c["v"], c["y"])
        got = graphdl.adjusted_homophily(g, y)
        assert math.isnan(got) if math.isnan(want) else math.isclose(got, want, abs_tol=1e-6)


def test_against_dgl_values():
    for case in CASES:
        c, want = case["graph"], case["dgl"]
        g, y = _graph(c), torch.tensor(c["y"])
        for name in ["node_homophily", "edge_homophily", "linkx_homophily", "adjusted_homophily"]:
            if want[name] is None:  # DGL's value is nan (see test_against_loops)
                continue
            assert math.isclose(getattr(graphdl, name)(g, y), want[name], abs_tol=1e-5), name


def test_documented_examples_and_type():
    g = graphdl.graph(([1, 2, 0, 4], [0, 1, 2, 3]))
    y = torch.tensor([0, 0, 0, 0, 1])
    assert isinstance(graphdl.node_homophily(g, y), float)
    assert math.isclose(graphdl.node_homophily(g, y), 0.6, abs_tol=1e-6)
    assert math.isclose(graphdl.edge_homophily(g, y), 0.75, abs_tol=1e-6)


def test_bad_input():
    g = graphdl.graph(([0, 1], [1, 2]))
    with pytest.raises(DGLError, match="shape"):
        graphdl.node_homophily(g, torch.tensor([0, 1]))
    with pytest.raises(DGLError, match="integer"):
        graphdl.edge_homophily(g, torch.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(DGLError, match="two classes"):
        graphdl.linkx_homophily(g, torch.tensor([0, 0, 0]))
