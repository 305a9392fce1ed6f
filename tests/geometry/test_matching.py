"""neighbor_matching: a valid matching, maximal, and heavy edges first."""
import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.geometry import neighbor_matching


def _check_matching(g, labels):
    src, dst = g.edges()
    adj = set(zip(src.tolist(), dst.tolist()))
    groups = {}
    for node, lab in enumerate(labels.tolist()):
        groups.setdefault(lab, []).append(node)
    for members in groups.values():
        assert len(members) <= 2
        if len(members) == 2:
            assert tuple(members) in adj
    singles = {m[0] for m in groups.values() if len(m) == 1}
    # maximal: no edge joins two unmatched nodes
    assert not any(a in singles and b in singles and a != b for a, b in adj)


@pytest.mark.parametrize("relabel", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
def test_matching_is_valid(idtype, relabel, weighted):
    torch.manual_seed(0)
    g = graphdl.to_bidirected(graphdl.rand_graph(50, 120)).astype(idtype)
    w = torch.rand(g.num_edges()) if weighted else None
    labels = neighbor_matching(g, w, relabel_idx=relabel)
    assert labels.shape == (50,) and labels.dtype == idtype
    _check_matching(g, labels)
    if relabel:
        assert sorted(set(labels.tolist())) == list(range(len(set(labels.tolist()))))
    else:
        # a cluster is named by its smallest node
        for lab in set(labels.tolist()):
            assert lab == min(i for i, x in enumerate(labels.tolist()) if x == lab)


def _greedy_ref(g, w, order):
    src, dst = g.edges()
    label = [-1] * g.num_nodes()
    for u in order:
        if label[u] >= 0:
            continue
        best, best_w = None, None
        for e, (a, b) in enumerate(zip(src.tolist(), dst.tolist())):
            if a == u and b != u and label[b] < 0 and (best_w is None or w[e] > best_w):
                best, best_w = b, float(w[e])
        if best is None:
            label[u] = u
        else:
            label[u] = label[best] = min(u, best)
    return label


def test_heavy_edges_win_in_visit_order():
    g = graphdl.to_bidirected(graphdl.rand_graph(30, 80))
    w = torch.rand(g.num_edges())
    for seed in range(3):
        torch.manual_seed(seed)
        order = torch.randperm(g.num_nodes()).tolist()  # the visit order neighbor_matching draws
        torch.manual_seed(seed)
        labels = neighbor_matching(g, w, relabel_idx=False)
        assert labels.tolist() == _greedy_ref(g, w, order)


def test_bad_input():
    g = graphdl.graph(([0], [1]))
    with pytest.raises(DGLError, match="e_weights"):
        neighbor_matching(g, torch.ones(3))
