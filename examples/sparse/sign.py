r"""SIGN (Frasca et al., 2020) as sparse algebra.

The operators :math:`\hat A^r X` for :math:`r = 0..R` are precomputed once; each goes through
its own linear layer, the results are concatenated and classified by a second layer:
:math:`Y = \mathrm{softmax}(\sigma(\Vert_r \hat A^r X \Theta_r) \Omega)`.

    python examples/sparse/sign.py --dataset cora --seeds 10
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import _common as C


class SIGN(nn.Module):
    def __init__(self, in_size: int, out_size: int, hops: int, hidden: int = 256, dropout: float = 0.6) -> None:
        super().__init__()
        self.inception = nn.ModuleList([nn.Linear(in_size, hidden) for _ in range(hops + 1)])
        self.out = nn.Linear(hidden * (hops + 1), out_size)
        self.dropout = dropout

    def forward(self, feats):
        h = torch.cat([C.dropout_linear(x, lin, self.dropout, self.training) for lin, x in zip(self.inception, feats)], 1)
        return self.out(F.dropout(F.relu(h), self.dropout, self.training))


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    A_norm = C.gcn_norm(A)
    X = g.ndata["feat"]
    feats = [X]
    with torch.no_grad():
        for _ in range(args.hops):
            feats.append(A_norm @ feats[-1])
    # Cora's features are ~1% dense and stay sparse for a few hops: keep the stored entries only.
    feats = [C.sparse_features(x) for x in feats]
    model = SIGN(X.shape[1], int(g.ndata["label"].max()) + 1, args.hops)
    return C.train(model, lambda: model(feats), g, 0.005, 5e-4, 500, args.patience)


if __name__ == "__main__":
    C.main("SIGN", run, {"hops": 2})
