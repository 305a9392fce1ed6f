"""GCN, GraphSAGE and GAT models on a full graph compile with ``fullgraph=True`` (no graph break)
and give the same outputs and gradients as eager mode."""
import pytest
import torch
import torch.nn.functional as F

from graphdl._compat_torch import FULLGRAPH_COMPILE_REASON, fullgraph_compile_supported
from graphdl.nn import GATConv, GraphConv, SAGEConv

from nn_helpers import random_graph


class GCN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = GraphConv(5, 8, activation=F.relu)
        self.c2 = GraphConv(8, 3)

    def forward(self, g, x):
        return self.c2(g, self.c1(g, x))


class SAGE(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = SAGEConv(5, 8, "mean", activation=F.relu)
        self.c2 = SAGEConv(8, 3, "gcn")

    def forward(self, g, x):
        return self.c2(g, self.c1(g, x))


class GAT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = GATConv(5, 4, num_heads=2, activation=F.elu)
        self.c2 = GATConv(8, 3, num_heads=1)

    def forward(self, g, x):
        return self.c2(g, self.c1(g, x).flatten(1)).mean(1)


pytestmark = pytest.mark.skipif(
    not fullgraph_compile_supported(), reason=FULLGRAPH_COMPILE_REASON)


@pytest.mark.parametrize("model_cls", [GCN, SAGE, GAT], ids=["gcn", "sage", "gat"])
def test_fullgraph_compile_matches_eager(model_cls):
    torch.manual_seed(0)
    torch._dynamo.reset()
    g = random_graph(12, 40, torch.int64)
    x = torch.randn(12, 5)
    model = model_cls()
    eager = model(g, x)
    eager_grads = torch.autograd.grad(eager.square().sum(), list(model.parameters()))
    compiled = torch.compile(model, fullgraph=True)
    out = compiled(g, x)
    torch.testing.assert_close(out, eager, rtol=1e-4, atol=1e-5)
    grads = torch.autograd.grad(out.square().sum(), list(model.parameters()))
    for got, want in zip(grads, eager_grads):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5)
