r"""GCN (Kipf & Welling, 2017) as sparse algebra: :math:`H' = \sigma(\hat A H W)`.

    python examples/sparse/gcn.py --dataset cora --seeds 10
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import _common as C


class GCN(nn.Module):
    def __init__(self, in_size: int, out_size: int, hidden: int = 16) -> None:
        super().__init__()
        self.W1 = nn.Linear(in_size, hidden)
        self.W2 = nn.Linear(hidden, out_size)

    def forward(self, A_norm, X) -> torch.Tensor:
        X = F.relu(A_norm @ C.dropout_linear(X, self.W1, 0.5, self.training))
        X = F.dropout(X, 0.5, self.training)
        return A_norm @ self.W2(X)


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    A_norm = C.gcn_norm(A)
    X = C.sparse_features(g.ndata["feat"])
    model = GCN(X.shape[1], int(g.ndata["label"].max()) + 1)
    return C.train(model, lambda: model(A_norm, X), g, 0.01, 5e-4, 200, args.patience)


if __name__ == "__main__":
    C.main("GCN", run)
