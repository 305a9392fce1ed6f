"""The shared node classifiers: shapes, blocks where supported, and the layer formulas."""
import pytest
import torch

import graphdl as dgl
from graphdl import DGLError
from graphdl.models import APPNP, GAT, GCN, MODELS, SAGE, SGC, build_model


def _graph(idtype):
    g = dgl.graph(([0, 1, 2, 3, 4, 0], [1, 2, 3, 4, 0, 2]), idtype=idtype)
    return dgl.add_self_loop(g)


@pytest.mark.parametrize("name", MODELS)
def test_every_model_classifies_every_node(idtype, name):
    g = _graph(idtype)
    model = build_model(name, 4, 3, **({} if name == "sgc" else {"hidden": 6}))
    model.eval()
    out = model(g, torch.randn(5, 4))
    assert out.shape == (5, 3)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_gcn_is_two_normalised_propagations(idtype):
    g = _graph(idtype)
    model = GCN(4, 3, hidden=5).eval()
    x = torch.randn(5, 4)
    u, v = g.edges()
    a = torch.zeros(5, 5)
    a[v.long(), u.long()] = 1.0
    dinv_in = a.sum(1).pow(-0.5)
    dinv_out = a.sum(0).pow(-0.5)
    norm = dinv_in[:, None] * a * dinv_out[None, :]
    l0, l1 = model.layers
    h = torch.relu(norm @ x @ l0.weight + l0.bias)
    ref = norm @ h @ l1.weight + l1.bias
    # float32, sums of at most 5 terms: a few ulps of values of order 1
    torch.testing.assert_close(model(g, x), ref, rtol=1e-5, atol=1e-5)


def test_block_models_run_on_blocks(idtype):
    g = _graph(idtype)
    seeds = torch.tensor([0, 2])
    b1 = dgl.to_block(dgl.in_subgraph(g, seeds), seeds)
    src = b1.srcdata[dgl.NID]
    b0 = dgl.to_block(dgl.in_subgraph(g, src), src)
    x = torch.randn(b0.num_src_nodes(), 4)
    for model in (GCN(4, 3), SAGE(4, 6, 3), GAT(4, 3, hidden=2, heads=2)):
        assert model.eval()([b0, b1], x).shape == (2, 3)
    for model in (APPNP(4, 3), SGC(4, 3)):
        with pytest.raises(DGLError, match="whole graph"):
            model([b0, b1], x)


def test_sage_layers_and_dropout_placement():
    m = SAGE(4, 8, 3, num_layers=3, dropout=0.3)
    assert [layer.feat_drop.p for layer in m.layers] == [0.0, 0.3, 0.3]
    m = SAGE(4, 8, 3, input_dropout=True, dropout=0.3)
    assert [layer.feat_drop.p for layer in m.layers] == [0.3, 0.3]
    with pytest.raises(DGLError, match="Unknown model 'mlp'"):
        build_model("mlp", 4, 3)
