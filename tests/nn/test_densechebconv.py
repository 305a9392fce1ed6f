import torch

from graphdl.nn import ChebConv, DenseChebConv

from nn_helpers import check_grads, dense_adj, random_graph


def test_equals_chebconv(idtype):
    g = random_graph(12, 40, idtype)
    x = torch.randn(12, 5)
    for k in (1, 2, 3):
        cheb = ChebConv(5, 3, k, activation=None)
        dense = DenseChebConv(5, 3, k)
        with torch.no_grad():
            dense.W.copy_(cheb.linear.weight.T.reshape(k, 5, 3))
            dense.bias.copy_(cheb.linear.bias)
        out = dense(dense_adj(g).float(), x, 2.0)
        torch.testing.assert_close(out, cheb(g, x, [2.0]), rtol=1e-4, atol=1e-5)
    check_grads(dense, out)


def test_lambda_max_from_eigenvalues():
    a = (torch.rand(8, 8) < 0.4).float()
    a = ((a + a.T) > 0).float()
    conv = DenseChebConv(3, 2, 3)
    x = torch.randn(8, 3)
    d = a.sum(1).clamp(min=1).rsqrt()
    lam = torch.linalg.eigvalsh(torch.eye(8) - d[:, None] * a * d[None]).max()
    torch.testing.assert_close(conv(a, x), conv(a, x, float(lam)), rtol=1e-4, atol=1e-5)
