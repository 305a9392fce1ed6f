import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import HeteroSubgraphX, SubgraphX


class Readout(torch.nn.Module):
    """Graph logits [0, sum of the feature]: only nodes with a non-zero feature matter."""

    def forward(self, graph, feat):
        with graph.local_scope():
            graph.ndata["h"] = feat
            s = graphdl.sum_nodes(graph, "h")
        return torch.cat([torch.zeros_like(s), s], dim=1)


def _path(n=8):
    u = torch.arange(n - 1)
    return graphdl.graph((u, u + 1), num_nodes=n)


def test_finds_the_nodes_that_carry_the_signal():
    torch.manual_seed(0)
    feat = torch.zeros(8, 1)
    feat[[4, 5]] = 3.0
    explainer = SubgraphX(Readout(), num_hops=2, num_rollouts=10, node_min=2, shapley_steps=20)
    nodes = explainer.explain_graph(_path(), feat, target_class=1)
    assert nodes.tolist() == [4, 5]


def test_answer_is_small_and_connected():
    torch.manual_seed(0)
    g = _path(10)
    nodes = SubgraphX(Readout(), 2, num_rollouts=4, node_min=3, shapley_steps=5).explain_graph(
        g, torch.randn(10, 1), target_class=0)
    ids = nodes.tolist()
    assert 1 <= len(ids) <= 3 and ids == list(range(ids[0], ids[0] + len(ids)))


def test_hetero_returns_ids_by_type():
    torch.manual_seed(0)
    g = graphdl.heterograph({("a", "to", "b"): (torch.tensor([0, 1, 2]), torch.tensor([0, 1, 2])),
                             ("b", "to2", "a"): (torch.tensor([0, 1]), torch.tensor([1, 2]))})

    class Model(torch.nn.Module):
        def forward(self, graph, feat):
            totals = []
            for i in range(graph.batch_size):
                lo = {nt: int(graph.batch_num_nodes(nt)[:i].sum()) for nt in graph.ntypes}
                hi = {nt: lo[nt] + int(graph.batch_num_nodes(nt)[i]) for nt in graph.ntypes}
                totals.append(sum(feat[nt][lo[nt]:hi[nt]].sum() for nt in graph.ntypes))
            s = torch.stack(totals).reshape(-1, 1)
            return torch.cat([torch.zeros_like(s), s], dim=1)

    feat = {"a": torch.zeros(3, 1), "b": torch.zeros(3, 1)}
    feat["b"][2] = 5.0
    out = HeteroSubgraphX(Model(), 2, num_rollouts=6, node_min=2, shapley_steps=10).explain_graph(g, feat, 1)
    assert set(out) == {"a", "b"}
    assert 2 in out["b"].tolist() and sum(v.numel() for v in out.values()) <= 2


def test_bad_input():
    with pytest.raises(DGLError, match="target_class"):
        SubgraphX(Readout(), 2).explain_graph(_path(), torch.zeros(8, 1), target_class=2)
    empty = graphdl.graph((torch.tensor([], dtype=torch.int64), torch.tensor([], dtype=torch.int64)), num_nodes=3)
    with pytest.raises(DGLError, match="no edges"):
        SubgraphX(Readout(), 2).explain_graph(empty, torch.zeros(3, 1), target_class=1)
    with pytest.raises(DGLError, match="one row per node"):
        SubgraphX(Readout(), 2).explain_graph(_path(), torch.zeros(7, 1), target_class=1)
    with pytest.raises(DGLError, match="positive"):
        SubgraphX(Readout(), 0)
