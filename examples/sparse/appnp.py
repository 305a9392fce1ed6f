r"""APPNP (Klicpera et al., 2019) as sparse algebra.

:math:`Z^{(0)} = H = \mathrm{MLP}(X)`, :math:`Z^{(k+1)} = (1 - \alpha) \hat A Z^{(k)} + \alpha H`,
K = 10 steps, :math:`\alpha = 0.1`, dropout on the propagation matrix's values.

    python examples/sparse/appnp.py --dataset cora --seeds 10
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import graphdl.sparse as dglsp

import _common as C


class APPNP(nn.Module):
    def __init__(self, in_size: int, out_size: int, hidden: int = 64, k: int = 10, alpha: float = 0.1) -> None:
        super().__init__()
        self.f1 = nn.Linear(in_size, hidden)
        self.f2 = nn.Linear(hidden, out_size)
        self.k, self.alpha = k, alpha

    def forward(self, A_norm: dglsp.SparseMatrix, X) -> torch.Tensor:
        H = self.f2(F.dropout(F.relu(C.dropout_linear(X, self.f1, 0.5, self.training)), 0.5, self.training))
        Z = H
        for _ in range(self.k):
            A_drop = dglsp.val_like(A_norm, F.dropout(A_norm.val, 0.5, self.training))
            Z = (1 - self.alpha) * (A_drop @ Z) + self.alpha * H
        return Z


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    A_norm = C.gcn_norm(A)
    X = C.sparse_features(g.ndata["feat"])
    model = APPNP(X.shape[1], int(g.ndata["label"].max()) + 1)
    return C.train(model, lambda: model(A_norm, X), g, 0.01, 5e-4, 200, args.patience)


if __name__ == "__main__":
    C.main("APPNP", run)
