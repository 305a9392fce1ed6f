import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn import DenseSAGEConv, SAGEConv

from nn_helpers import check_grads, dense_adj, random_graph


def test_equals_sageconv_gcn(idtype):
    g = random_graph(9, 30, idtype, self_loops=False)
    x = torch.randn(9, 5)
    sage = SAGEConv(5, 3, "gcn")
    dense = DenseSAGEConv(5, 3)
    with torch.no_grad():
        dense.fc.weight.copy_(sage.fc_neigh.weight)
        dense.fc.bias.copy_(sage.bias)
    torch.testing.assert_close(dense(dense_adj(g).float(), x), sage(g, x), rtol=1e-4, atol=1e-5)


def test_bipartite_pair_and_gradients(idtype):
    g = graphdl.heterograph({("a", "r", "b"): (torch.tensor([0, 1, 2, 3]), torch.tensor([0, 0, 1, 2]))},
                            {"a": 4, "b": 3}, idtype=idtype)
    xs, xd = torch.randn(4, 5), torch.randn(3, 5)
    sage = SAGEConv(5, 2, "gcn")
    dense = DenseSAGEConv(5, 2)
    with torch.no_grad():
        dense.fc.weight.copy_(sage.fc_neigh.weight)
        dense.fc.bias.copy_(sage.bias)
    out = dense(dense_adj(g).float(), (xs, xd))
    torch.testing.assert_close(out, sage(g, (xs, xd)), rtol=1e-4, atol=1e-5)
    check_grads(dense, out)
    with pytest.raises(DGLError, match="adj must be"):
        dense(dense_adj(g).float().T, (xs, xd))
