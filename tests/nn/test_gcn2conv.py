import math

import pytest
import torch

from graphdl import DGLError
from graphdl.nn import GCN2Conv
from graphdl.testing.graphs import get_case

from nn_helpers import check_grads, check_relabel_equivariance, dense_adj, random_graph


@pytest.mark.parametrize("project", [True, False])
def test_gcn2_matches_dense(idtype, project):
    g = random_graph(10, 30, idtype)
    x, x0 = torch.randn(10, 4), torch.randn(10, 4)
    conv = GCN2Conv(4, layer=3, alpha=0.2, lambda_=0.7, project_initial_features=project, activation=torch.relu)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    a = dense_adj(g)
    d = a.sum(1).clamp(min=1).pow(-0.5)
    ph = ((d.unsqueeze(1) * a * d.unsqueeze(0)) @ x.double()).float()
    beta = math.log(0.7 / 3 + 1)
    ident = torch.eye(4)
    h, h0 = 0.8 * ph, 0.2 * x0
    if project:
        ref = (h + h0) @ ((1 - beta) * ident + beta * conv.weight1)
    else:
        ref = h @ ((1 - beta) * ident + beta * conv.weight1) + h0 @ ((1 - beta) * ident + beta * conv.weight2)
    ref = torch.relu(ref + conv.bias)
    torch.testing.assert_close(conv(g, x, x0), ref, rtol=1e-4, atol=1e-4)
    check_grads(conv, conv(g, x, x0))


def test_gcn2_invariance_and_zero_degree(idtype):
    g = random_graph(9, 25, idtype)
    conv = GCN2Conv(4, layer=1)
    x0 = torch.randn(9, 4)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx, xx), g, x0)
    torch.testing.assert_close(conv(g.int(), x0, x0), conv(g, x0, x0))
    zg = get_case("zero-degree", idtype)
    with pytest.raises(DGLError):
        conv(zg, torch.randn(10, 4), torch.randn(10, 4))
    assert conv.bias is not None and GCN2Conv(4, 1, bias=False).bias is None


def test_gcn2_repr_names_its_hyperparameters():
    conv = GCN2Conv(5, layer=2, alpha=0.5, bias=False, activation=torch.relu)
    text = repr(conv)
    assert text.startswith("GCN2Conv(in=5, alpha=0.5, beta=")
    assert f"beta={math.log(1 / 2 + 1)}" in text and "bias=False" in text and "activation=" in text
    assert repr(GCN2Conv(3, layer=1)) == f"GCN2Conv(in=3, alpha=0.1, beta={math.log(2)})"
