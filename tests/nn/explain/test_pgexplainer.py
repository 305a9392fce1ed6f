import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import HeteroPGExplainer, PGExplainer

from explain_models import GraphModel, HeteroGraphModel, HeteroNodeModel, NodeModel, NoWeightModel, hetero_graph


def _path(idtype, n=5):
    u = torch.arange(n - 1)
    return graphdl.graph((torch.cat([u, u + 1]), torch.cat([u + 1, u])), num_nodes=n, idtype=idtype)


def test_parameter_names_follow_dgl():
    explainer = PGExplainer(NodeModel(), 4, num_hops=2, explain_graph=False)
    shapes = {k: tuple(v.shape) for k, v in explainer.elayers.state_dict().items()}
    assert shapes == {"0.weight": (64, 12), "0.bias": (64,), "2.weight": (1, 64), "2.bias": (1,)}
    assert PGExplainer(GraphModel(), 4).elayers[0].in_features == 8
    assert all(p.shape[0] in (64, 1) for p in explainer.parameters())  # only the explanation network


def test_graph_mode_train_step_and_explain(idtype):
    torch.manual_seed(0)
    g = graphdl.batch([_path(idtype), _path(idtype, 4)])
    feat = torch.randn(9, 2)
    explainer = PGExplainer(GraphModel(), 4)
    loss = explainer.train_step(g, feat, temperature=2.0)
    assert loss.dim() == 0
    loss.backward()
    assert all(p.grad is not None for p in explainer.parameters())
    probs, mask = explainer.explain_graph(g, feat)
    assert probs.shape == (2, 2) and mask.shape == (g.num_edges(),)
    torch.testing.assert_close(probs.sum(-1), torch.ones(2))
    assert bool(((mask > 0) & (mask < 1)).all()) and not mask.requires_grad


def test_eval_mask_is_the_sigmoid_of_the_scores():
    explainer = PGExplainer(GraphModel(), 4, sample_bias=0.2)
    w = torch.randn(6)
    torch.testing.assert_close(explainer.concrete_sample(w, training=False), torch.sigmoid(w))
    sampled = explainer.concrete_sample(w, beta=0.5, training=True)
    assert sampled.shape == w.shape and bool(((sampled > 0) & (sampled < 1)).all())


def test_node_mode_batches_neighbourhoods(idtype):
    torch.manual_seed(0)
    g = _path(idtype, 6)
    feat = torch.randn(6, 2)
    explainer = PGExplainer(NodeModel(), 4, num_hops=1, explain_graph=False)
    loss = explainer.train_step_node(torch.tensor([0, 3]), g, feat, 1.0)
    loss.backward()
    probs, mask, bg, centers = explainer.explain_node([0, 3], g, feat)
    assert bg.batch_size == 2 and bg.batch_num_nodes().tolist() == [2, 3]
    assert bg.ndata[graphdl.NID][centers].tolist() == [0, 3]
    assert probs.shape == (5, 2) and mask.shape == (bg.num_edges(),)


def test_training_lowers_the_loss():
    torch.manual_seed(0)
    g = _path(torch.int64, 6)
    feat = torch.randn(6, 2)
    explainer = PGExplainer(NodeModel(), 4, num_hops=2, explain_graph=False)
    opt = torch.optim.Adam(explainer.parameters(), lr=0.01)
    torch.manual_seed(1)
    losses = []
    for _ in range(40):
        loss = explainer.train_step_node(list(range(6)), g, feat, 1.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert sum(losses[-5:]) < sum(losses[:5])


def test_hetero_node_and_graph_modes():
    torch.manual_seed(0)
    g = hetero_graph()
    feat = {nt: torch.randn(g.num_nodes(nt), 2) for nt in g.ntypes}
    explainer = HeteroPGExplainer(HeteroNodeModel(g.etypes), 4, num_hops=1, explain_graph=False)
    explainer.train_step_node({"user": [0, 2]}, g, feat, 1.0).backward()
    probs, masks, bg, centers = explainer.explain_node({"user": [2], "item": [0]}, g, feat)
    assert set(masks) == set(g.canonical_etypes)
    assert all(masks[c].shape == (bg.num_edges(c),) for c in masks)
    assert bg.nodes["user"].data[graphdl.NID][centers["user"]].tolist() == [2]
    assert bg.nodes["item"].data[graphdl.NID][centers["item"]].tolist() == [0]
    gexp = HeteroPGExplainer(HeteroGraphModel(g.etypes), 4)
    gexp.train_step(g, feat, 1.0).backward()
    probs, masks = gexp.explain_graph(g, feat)
    assert probs.shape == (1, 2) and all(masks[c].shape == (g.num_edges(c),) for c in g.canonical_etypes)


# --- bad input -----------------------------------------------------------------------------
def test_model_without_edge_weight_or_embed_is_named():
    with pytest.raises(DGLError, match="embed") as info:
        PGExplainer(NoWeightModel(), 2).explain_graph(_path(torch.int64), torch.randn(5, 2))
    assert "\n" not in str(info.value)


def test_wrong_mode_and_missing_hops():
    g, feat = _path(torch.int64), torch.randn(5, 2)
    with pytest.raises(DGLError, match="explain_graph=False"):
        PGExplainer(NodeModel(), 4).explain_node([0], g, feat)
    with pytest.raises(DGLError, match="explain_graph=True"):
        PGExplainer(GraphModel(), 4, num_hops=1, explain_graph=False).explain_graph(g, feat)
    with pytest.raises(DGLError, match="num_hops"):
        PGExplainer(NodeModel(), 4, explain_graph=False).explain_node([0], g, feat)


@pytest.mark.parametrize("nodes", [[5], [-1], [0, 0], []])
def test_bad_node_ids(nodes):
    explainer = PGExplainer(NodeModel(), 4, num_hops=1, explain_graph=False)
    with pytest.raises(DGLError):
        explainer.explain_node(nodes, _path(torch.int64), torch.randn(5, 2))


def test_graph_without_edges_and_bad_sizes():
    empty = graphdl.graph((torch.tensor([], dtype=torch.int64), torch.tensor([], dtype=torch.int64)), num_nodes=3)
    with pytest.raises(DGLError, match="no edges"):
        PGExplainer(GraphModel(), 4).explain_graph(empty, torch.randn(3, 2))
    with pytest.raises(DGLError, match="one row per node"):
        PGExplainer(GraphModel(), 4).explain_graph(_path(torch.int64), torch.randn(3, 2))
    with pytest.raises(DGLError, match="num_features"):
        PGExplainer(GraphModel(), 5).explain_graph(_path(torch.int64), torch.randn(5, 2))


def test_an_edge_and_its_reverse_share_one_weight(idtype):
    torch.manual_seed(0)
    g = graphdl.graph(([0, 1, 1, 2, 3], [1, 0, 2, 1, 0]), num_nodes=4, idtype=idtype)  # 3->0 has no reverse
    feat = torch.randn(4, 2)
    explainer = PGExplainer(GraphModel(), 4)
    _, mask = explainer.explain_graph(g, feat)
    with torch.no_grad():
        z = explainer.model(g, feat, embed=True)
        src, dst = g.edges()
        raw = torch.sigmoid(explainer.elayers(torch.cat([z[src.long()], z[dst.long()]], -1)).reshape(-1))
    expected = torch.stack([(raw[0] + raw[1]) / 2, (raw[0] + raw[1]) / 2, (raw[2] + raw[3]) / 2,
                            (raw[2] + raw[3]) / 2, raw[4]])
    torch.testing.assert_close(mask, expected)
    node_explainer = PGExplainer(NodeModel(), 4, num_hops=2, explain_graph=False)
    _, node_mask, bg, _ = node_explainer.explain_node([0, 1], g, feat)
    bsrc, bdst = bg.edges()
    pairs = {(int(u), int(v)): float(m) for u, v, m in zip(bsrc, bdst, node_mask)}
    assert all(abs(m - pairs.get((v, u), m)) < 1e-6 for (u, v), m in pairs.items())
