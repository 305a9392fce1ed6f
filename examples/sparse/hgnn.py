r"""HGNN (Feng et al., 2019), a hypergraph network, as sparse algebra.

Each node's closed neighbourhood is one hyperedge, so the incidence matrix is :math:`H = A + I`
(nodes × hyperedges). A layer is

.. math::

    X' = \sigma\big(D_v^{-1/2} H D_e^{-1} H^\top D_v^{-1/2} X \Theta\big)

with node degrees :math:`D_v` and hyperedge degrees :math:`D_e`. Two layers, 16 hidden.

    python examples/sparse/hgnn.py --dataset cora --seeds 10
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import graphdl.sparse as dglsp

import _common as C


def hypergraph_laplacian(H: dglsp.SparseMatrix) -> dglsp.SparseMatrix:
    d_v = dglsp.diag(H.sum(1)) ** -0.5
    d_e = dglsp.diag(H.sum(0)) ** -1
    return d_v @ H @ d_e @ H.T @ d_v


class HGNN(nn.Module):
    def __init__(self, in_size: int, out_size: int, hidden: int = 16, dropout: float = 0.5) -> None:
        super().__init__()
        self.t1 = nn.Linear(in_size, hidden)
        self.t2 = nn.Linear(hidden, out_size)
        self.dropout = dropout

    def forward(self, L, X):
        X = F.relu(L @ C.dropout_linear(X, self.t1, self.dropout, self.training))
        X = F.dropout(X, self.dropout, self.training)
        return L @ self.t2(X)


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    L = hypergraph_laplacian(A + dglsp.identity(A.shape))
    X = C.sparse_features(g.ndata["feat"])
    model = HGNN(X.shape[1], int(g.ndata["label"].max()) + 1)
    return C.train(model, lambda: model(L, X), g, 0.01, 5e-4, 200, args.patience)


if __name__ == "__main__":
    C.main("HGNN", run)
