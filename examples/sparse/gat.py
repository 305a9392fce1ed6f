r"""GAT (Veličković et al., 2018) as sparse algebra.

Per head: scores :math:`e_{ij} = \mathrm{LeakyReLU}(a_l^\top W h_i + a_r^\top W h_j)` on the
entries of :math:`A + I`, a row softmax, then :math:`H' = \mathrm{softmax}(E) (H W)` (``bspmm``).

    python examples/sparse/gat.py --dataset cora --seeds 10
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import graphdl.sparse as dglsp

import _common as C


class GATLayer(nn.Module):
    def __init__(self, in_size: int, out_size: int, heads: int, dropout: float = 0.6) -> None:
        super().__init__()
        self.out_size, self.heads, self.dropout = out_size, heads, dropout
        self.W = nn.Linear(in_size, out_size * heads, bias=False)
        self.a_l = nn.Parameter(torch.empty(1, out_size, heads))
        self.a_r = nn.Parameter(torch.empty(1, out_size, heads))
        gain = nn.init.calculate_gain("relu")
        nn.init.xavier_normal_(self.W.weight, gain=gain)
        nn.init.xavier_normal_(self.a_l, gain=gain)
        nn.init.xavier_normal_(self.a_r, gain=gain)

    def forward(self, A: dglsp.SparseMatrix, X) -> torch.Tensor:
        Z = C.dropout_linear(X, self.W, self.dropout, self.training).view(-1, self.out_size, self.heads)  # (N, D, H)
        e_l = (Z * self.a_l).sum(1)
        e_r = (Z * self.a_r).sum(1)
        e = F.leaky_relu(e_l[A.row] + e_r[A.col], 0.2)  # (nnz, H)
        att = dglsp.val_like(A, e).softmax()
        att = dglsp.val_like(att, F.dropout(att.val, self.dropout, self.training))
        return dglsp.bspmm(att, Z)  # (N, D, H)


class GAT(nn.Module):
    def __init__(self, in_size: int, out_size: int, hidden: int = 8, heads: int = 8) -> None:
        super().__init__()
        self.l1 = GATLayer(in_size, hidden, heads)
        self.l2 = GATLayer(hidden * heads, out_size, 1)

    def forward(self, A, X):
        h = F.elu(self.l1(A, X).flatten(1))
        return self.l2(A, h).mean(-1)


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    A = A + dglsp.identity(A.shape)
    X = C.sparse_features(g.ndata["feat"])
    model = GAT(X.shape[1], int(g.ndata["label"].max()) + 1)
    return C.train(model, lambda: model(A, X), g, 0.005, 5e-4, 1000, args.patience)


if __name__ == "__main__":
    C.main("GAT", run)
