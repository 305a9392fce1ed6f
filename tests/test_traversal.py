"""Traversal generators against plain-Python references and DGL 2.1's recorded orders."""
import collections
import json
import os

import networkx as nx
import numpy as np
import pytest
import torch

import graphdl
from graphdl import DGLError

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "traversal_and_measures.json")
CASES = json.load(open(FIXTURE))["cases"]


def _graph(case, idtype=torch.int64):
    return graphdl.graph((torch.tensor(case["u"]), torch.tensor(case["v"])), num_nodes=case["n"], idtype=idtype)


def _lists(frontiers):
    return [f.tolist() for f in frontiers]


def _out_edges(u, v, n, reverse):
    """Adjacency lists in edge-id order: node -> [(edge id, neighbour)]."""
    adj = collections.defaultdict(list)
    for e, (a, b) in enumerate(zip(u, v)):
        if reverse:
            a, b = b, a
        adj[a].append((e, b))
    return adj


def _bfs_ref(u, v, n, sources, reverse):
    adj = _out_edges(u, v, n, reverse)
    seen, frontier = set(), []
    for s in sources:
        if s not in seen:
            seen.add(s)
            frontier.append(s)
    nodes, edges = [frontier], []
    while True:
        nxt, ed = [], []
        for a in frontier:
            for e, b in adj[a]:
                if b not in seen:
                    seen.add(b)
                    nxt.append(b)
                    ed.append(e)
        if not nxt:
            return nodes, edges
        nodes.append(nxt)
        edges.append(ed)
        frontier = nxt


def _dfs_ref(u, v, n, root, reverse, has_rev, has_nontree):
    adj = _out_edges(u, v, n, reverse)
    seen, events = {root}, []

    def visit(a):
        for e, b in adj[a]:
            if b not in seen:
                seen.add(b)
                events.append((e, 0))
                visit(b)
                if has_rev:
                    events.append((e, 1))
            elif has_nontree:
                events.append((e, 2))

    visit(root)
    return events


@pytest.mark.parametrize("reverse", [False, True])
def test_bfs_matches_reference(idtype, reverse):
    for case in CASES:
        g = _graph(case["graph"], idtype)
        c = case["graph"]
        nodes, edges = _bfs_ref(c["u"], c["v"], c["n"], c["sources"], reverse)
        got_n = graphdl.bfs_nodes_generator(g, c["sources"], reverse)
        got_e = graphdl.bfs_edges_generator(g, c["sources"], reverse)
        assert _lists(got_n) == nodes
        assert _lists(got_e) == edges
        assert all(t.dtype == idtype for t in got_n + got_e)


def test_bfs_layers_match_networkx():
    rng = np.random.default_rng(3)
    u, v = rng.integers(0, 60, 200), rng.integers(0, 60, 200)
    g = graphdl.graph((torch.tensor(u), torch.tensor(v)), num_nodes=60)
    layers = dict(enumerate(nx.bfs_layers(nx.DiGraph(list(zip(u.tolist(), v.tolist()))), [int(u[0])])))
    got = graphdl.bfs_nodes_generator(g, int(u[0]))
    assert [set(x.tolist()) for x in got] == [set(layers[k]) for k in range(len(layers))]


@pytest.mark.parametrize("reverse", [False, True])
def test_dfs_matches_reference(reverse):
    for case in CASES:
        c = case["graph"]
        g = _graph(c)
        for has_rev in (False, True):
            for has_nt in (False, True):
                walks = [_dfs_ref(c["u"], c["v"], c["n"], s, reverse, has_rev, has_nt) for s in c["sources"]]
                depth = max(len(w) for w in walks)
                want_e = [[w[k][0] for w in walks if k < len(w)] for k in range(depth)]
                want_l = [[w[k][1] for w in walks if k < len(w)] for k in range(depth)]
                e, lab = graphdl.dfs_labeled_edges_generator(g, c["sources"], reverse, has_rev, has_nt)
                assert _lists(e) == want_e and _lists(lab) == want_l
        walks = [_dfs_ref(c["u"], c["v"], c["n"], s, reverse, False, False) for s in c["sources"]]
        tree = [[w[k][0] for w in walks if k < len(w)] for k in range(max(len(w) for w in walks))]
        assert _lists(graphdl.dfs_edges_generator(g, c["sources"], reverse)) == tree


@pytest.mark.parametrize("reverse", [False, True])
def test_topological_is_kahn_levels(reverse):
    for case in CASES:
        c = case["graph"]
        keep = np.array(c["u"]) < np.array(c["v"])
        u, v = np.array(c["u"])[keep], np.array(c["v"])[keep]
        dag = graphdl.graph((torch.tensor(u), torch.tensor(v)), num_nodes=c["n"])
        levels = graphdl.topological_nodes_generator(dag, reverse)
        a, b = (v, u) if reverse else (u, v)
        # level of a node = longest path from a node without predecessors
        level = np.zeros(c["n"], dtype=int)
        for node in sorted(range(c["n"]), reverse=reverse):
            for x, y in zip(a, b):
                if y == node:
                    level[node] = max(level[node], level[x] + 1)
        assert sorted(sum(_lists(levels), [])) == list(range(c["n"]))
        for k, lv in enumerate(levels):
            assert all(level[i] == k for i in lv.tolist())


def test_orders_match_dgl_fixture():
    """Exact frontier order, as recorded with DGL 2.1."""
    for case in CASES:
        c, want = case["graph"], case["dgl"]
        g = _graph(c)
        for rev, key in ((False, "fwd"), (True, "rev")):
            assert _lists(graphdl.bfs_nodes_generator(g, c["sources"], rev)) == want[f"bfs_nodes_{key}"]
            assert _lists(graphdl.bfs_edges_generator(g, c["sources"], rev)) == want[f"bfs_edges_{key}"]
            assert _lists(graphdl.dfs_edges_generator(g, c["sources"], rev)) == want[f"dfs_edges_{key}"]
            e, lab = graphdl.dfs_labeled_edges_generator(g, c["sources"], rev, True, True)
            assert [_lists(e), _lists(lab)] == want[f"dfs_labeled_{key}"]
            keep = np.array(c["u"]) < np.array(c["v"])
            dag = graphdl.graph((torch.tensor(c["u"])[keep], torch.tensor(c["v"])[keep]), num_nodes=c["n"])
            assert _lists(graphdl.topological_nodes_generator(dag, rev)) == want[f"topo_{key}"]


def test_return_labels_false_and_label_dtype():
    g = graphdl.graph(([0, 1, 0], [1, 2, 2]))
    e = graphdl.dfs_labeled_edges_generator(g, 0, has_reverse_edge=True, return_labels=False)
    assert _lists(e) == [[0], [1], [1], [0]]
    _, lab = graphdl.dfs_labeled_edges_generator(g, 0)
    assert lab[0].dtype == torch.int64


def test_bad_input():
    with pytest.raises(DGLError, match="cycle"):
        graphdl.topological_nodes_generator(graphdl.graph(([0, 1], [1, 0])))
    g = graphdl.graph(([0], [1]))
    with pytest.raises(DGLError, match="source ids"):
        graphdl.bfs_nodes_generator(g, 5)
    with pytest.raises(DGLError, match="integer"):
        graphdl.dfs_edges_generator(g, torch.tensor([0.5]))
    hg = graphdl.heterograph({("a", "r", "b"): ([0], [0]), ("b", "s", "a"): ([0], [0])})
    with pytest.raises(DGLError, match="one node type"):
        graphdl.bfs_nodes_generator(hg, 0)
