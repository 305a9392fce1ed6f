import pytest
import torch

from graphdl.base import DGLError
from graphdl.nn import DenseGraphConv, GraphConv

from nn_helpers import check_grads, dense_adj, random_graph


@pytest.mark.parametrize("norm", ["both", "right", "left", "none"])
@pytest.mark.parametrize("out_feats", [2, 8])
def test_equals_graphconv(idtype, norm, out_feats):
    g = random_graph(9, 30, idtype)
    x = torch.randn(9, 5)
    conv = GraphConv(5, out_feats, norm=norm)
    dense = DenseGraphConv(5, out_feats, norm=norm)
    dense.load_state_dict(conv.state_dict())
    torch.testing.assert_close(dense(dense_adj(g).float(), x), conv(g, x), rtol=1e-4, atol=1e-5)


def test_bipartite_and_gradients():
    adj = (torch.rand(3, 6) < 0.5).float()
    x = torch.randn(6, 4)
    conv = DenseGraphConv(4, 2, activation=torch.tanh)
    out = conv(adj, x)
    din = adj.sum(1).clamp(min=1).rsqrt().unsqueeze(1)
    dout = adj.sum(0).clamp(min=1).rsqrt().unsqueeze(1)
    torch.testing.assert_close(out, torch.tanh(din * (adj @ (dout * x)) @ conv.weight + conv.bias))
    check_grads(conv, out)
    with pytest.raises(DGLError, match="N_src"):
        conv(adj.T, x)
