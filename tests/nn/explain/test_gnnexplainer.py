import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import GNNExplainer, HeteroGNNExplainer

from explain_models import GraphModel, HeteroGraphModel, HeteroNodeModel, NodeModel, NoWeightModel, hetero_graph


def _star(idtype):
    # Node 0 hears from 1, 2, 3; node 4 hears from 0 (outside node 0's in-neighbourhood).
    return graphdl.graph((torch.tensor([1, 2, 3, 0]), torch.tensor([0, 0, 0, 4])), num_nodes=5, idtype=idtype)


def test_explain_node_shapes_and_subgraph(idtype):
    torch.manual_seed(0)
    g = _star(idtype)
    feat = torch.randn(5, 2)
    explainer = GNNExplainer(NodeModel(), num_hops=2, num_epochs=5, log=False)
    center, sg, feat_mask, edge_mask = explainer.explain_node(0, g, feat)
    assert sg.num_nodes() == 4 and sg.num_edges() == 3
    assert int(sg.ndata[graphdl.NID][center]) == 0
    assert feat_mask.shape == (2,) and edge_mask.shape == (3,)
    assert bool(((edge_mask > 0) & (edge_mask < 1)).all()) and bool(((feat_mask > 0) & (feat_mask < 1)).all())
    assert not edge_mask.requires_grad


def test_explain_node_finds_the_edge_that_matters():
    # Node 0's class-1 logit is 3 w(1->0) - w(2->0) - w(3->0): only the edge from node 1 supports
    # the prediction, the other two work against it, so the mask must keep 1->0 and drop the rest.
    g = _star(torch.int64)
    conv = graphdl.nn.GraphConv(1, 1, norm="none", allow_zero_in_degree=True, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)

    class OneHop(torch.nn.Module):
        def forward(self, graph, feat, eweight=None):
            h = conv(graph, feat, edge_weight=eweight)
            return torch.cat([-h, h], dim=1)

    feat = torch.tensor([[0.0], [3.0], [-1.0], [-1.0], [0.0]])
    torch.manual_seed(0)
    explainer = GNNExplainer(OneHop(), num_hops=1, lr=0.1, num_epochs=60, log=False)
    center, sg, _, edge_mask = explainer.explain_node(0, g, feat)
    src = sg.ndata[graphdl.NID][sg.edges()[0]]
    assert float(edge_mask[src == 1]) > 0.7
    assert float(edge_mask[src != 1].max()) < 0.3


def test_explain_graph_shapes():
    torch.manual_seed(0)
    g = graphdl.batch([_star(torch.int64), _star(torch.int64)])
    fm, em = GNNExplainer(GraphModel(), 2, num_epochs=3, log=False).explain_graph(g, torch.randn(10, 2))
    assert fm.shape == (2,) and em.shape == (8,)


def test_kwargs_reach_the_model():
    seen = {}

    class Model(NodeModel):
        def forward(self, graph, feat, eweight=None, flag=None):
            seen["flag"] = flag
            return super().forward(graph, feat, eweight)

    GNNExplainer(Model(), 1, num_epochs=1, log=False).explain_node(0, _star(torch.int64), torch.randn(5, 2), flag=7)
    assert seen["flag"] == 7


def test_hetero_explain_node_and_graph():
    torch.manual_seed(0)
    g = hetero_graph()
    feat = {nt: torch.randn(g.num_nodes(nt), 2) for nt in g.ntypes}
    explainer = HeteroGNNExplainer(HeteroNodeModel(g.etypes), num_hops=1, num_epochs=3, log=False)
    center, sg, fm, em = explainer.explain_node("user", 2, g, feat)
    assert int(sg.nodes["user"].data[graphdl.NID][center]) == 2
    assert set(fm) == set(g.ntypes) and all(fm[nt].shape == (2,) for nt in fm)
    assert set(em) == set(sg.canonical_etypes)
    assert all(em[c].shape == (sg.num_edges(c),) for c in em)
    fm, em = HeteroGNNExplainer(HeteroGraphModel(g.etypes), 1, num_epochs=3, log=False).explain_graph(g, feat)
    assert all(em[c].shape == (g.num_edges(c),) for c in g.canonical_etypes)


# --- bad input -----------------------------------------------------------------------------
def test_model_without_edge_weights_is_named():
    with pytest.raises(DGLError, match="eweight") as info:
        GNNExplainer(NoWeightModel(), 1, log=False).explain_node(0, _star(torch.int64), torch.randn(5, 2))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("node", [-1, 5, 2.5])
def test_node_id_out_of_range(node):
    with pytest.raises(DGLError, match="out of range"):
        GNNExplainer(NodeModel(), 1, log=False).explain_node(node, _star(torch.int64), torch.randn(5, 2))


def test_graph_without_edges():
    g = graphdl.graph((torch.tensor([], dtype=torch.int64), torch.tensor([], dtype=torch.int64)), num_nodes=3)
    with pytest.raises(DGLError, match="no edges"):
        GNNExplainer(NodeModel(), 1, log=False).explain_node(0, g, torch.randn(3, 2))
    with pytest.raises(DGLError, match="no edges"):
        GNNExplainer(GraphModel(), 1, log=False).explain_graph(g, torch.randn(3, 2))


def test_features_of_wrong_length():
    with pytest.raises(DGLError, match="one row per node"):
        GNNExplainer(NodeModel(), 1, log=False).explain_node(0, _star(torch.int64), torch.randn(4, 2))


def test_hetero_bad_node_type_and_id():
    g = hetero_graph()
    feat = {nt: torch.randn(g.num_nodes(nt), 2) for nt in g.ntypes}
    explainer = HeteroGNNExplainer(HeteroNodeModel(g.etypes), 1, log=False)
    with pytest.raises(DGLError, match="shop"):
        explainer.explain_node("shop", 0, g, feat)
    with pytest.raises(DGLError, match="out of range"):
        explainer.explain_node("item", 2, g, feat)


def test_edge_mask_of_wrong_length_is_refused_by_the_convolution():
    g = _star(torch.int64)
    with pytest.raises(DGLError, match="edge_weight has 3 entries"):
        NodeModel()(g, torch.randn(5, 2), eweight=torch.ones(3))
