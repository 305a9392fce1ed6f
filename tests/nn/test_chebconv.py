import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import ChebConv

from nn_helpers import check_grads, check_relabel_equivariance, dense_adj, random_graph


def test_cheb_matches_dense_recurrence(idtype):
    g = random_graph(10, 30, idtype)
    x = torch.randn(10, 4)
    conv = ChebConv(4, 3, k=4, activation=None)
    a = dense_adj(g)
    d = a.sum(1).clamp(min=1).pow(-0.5)
    lap = torch.eye(10, dtype=torch.float64) - d.unsqueeze(1) * a * d.unsqueeze(0)
    lam = 1.7
    lt = 2 * lap / lam - torch.eye(10, dtype=torch.float64)
    z = [x.double(), lt @ x.double()]
    for _ in range(2):
        z.append(2 * lt @ z[-1] - z[-2])
    ref = conv.linear(torch.cat(z, 1).float())
    torch.testing.assert_close(conv(g, x, [lam]), ref, rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, [lam]))


def test_cheb_defaults_and_batches(idtype):
    g = random_graph(8, 20, idtype)
    x = torch.randn(8, 3)
    conv = ChebConv(3, 2, k=2)
    with pytest.warns(UserWarning):
        default = conv(g, x)
    torch.testing.assert_close(default, conv(g, x, [2.0]))
    assert (default >= 0).all()  # relu by default
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx, [1.5]), g, x)
    with pytest.raises(DGLError):
        conv(g, x, [1.0, 2.0])
    bg = graphdl.graph((torch.tensor([0, 1, 3, 4]), torch.tensor([1, 0, 4, 3])), num_nodes=5, idtype=idtype)
    bg.set_batch_num_nodes(torch.tensor([3, 2]))
    bg.set_batch_num_edges(torch.tensor([2, 2]))
    xb = torch.randn(5, 3)
    out = conv(bg, xb, [1.5, 2.0])
    g1 = graphdl.graph((torch.tensor([0, 1]), torch.tensor([1, 0])), num_nodes=3, idtype=idtype)
    g2 = graphdl.graph((torch.tensor([0, 1]), torch.tensor([1, 0])), num_nodes=2, idtype=idtype)
    torch.testing.assert_close(out[:3], conv(g1, xb[:3], [1.5]))
    torch.testing.assert_close(out[3:], conv(g2, xb[3:], [2.0]))
