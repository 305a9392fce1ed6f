r"""GCNII (Chen et al., 2020) as sparse algebra: a deep GCN with initial residual and identity map.

.. math::

    H^{(l+1)} = \sigma\Big(\big((1-\alpha)\hat A H^{(l)} + \alpha H^{(0)}\big)
    \big((1-\beta_l) I + \beta_l W^{(l)}\big)\Big), \qquad \beta_l = \log(\lambda / l + 1)

Paper settings for Cora: 64 layers, 64 hidden, :math:`\alpha = 0.1`, :math:`\lambda = 0.5`,
dropout 0.6, weight decay 0.01 on the convolutions and 5e-4 on the dense layers; for Citeseer
32 layers, 256 hidden, :math:`\lambda = 0.6`, dropout 0.7. ``--layers`` overrides the depth.

    python examples/sparse/gcnii.py --dataset cora --seeds 10
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

import _common as C


class GCNII(nn.Module):
    def __init__(self, in_size: int, out_size: int, layers: int = 64, hidden: int = 64, alpha: float = 0.1,
                 lamda: float = 0.5, dropout: float = 0.6) -> None:
        super().__init__()
        self.fc_in = nn.Linear(in_size, hidden)
        self.fc_out = nn.Linear(hidden, out_size)
        self.convs = nn.ParameterList([nn.Parameter(torch.empty(hidden, hidden)) for _ in range(layers)])
        for w in self.convs:
            nn.init.uniform_(w, -1 / math.sqrt(hidden), 1 / math.sqrt(hidden))
        self.alpha, self.lamda, self.dropout = alpha, lamda, dropout

    def forward(self, A_norm, X):
        h0 = h = F.relu(self.fc_in(F.dropout(X, self.dropout, self.training)))
        for i, w in enumerate(self.convs, start=1):
            beta = math.log(self.lamda / i + 1)
            h = F.dropout(h, self.dropout, self.training)
            support = (1 - self.alpha) * (A_norm @ h) + self.alpha * h0
            h = F.relu((1 - beta) * support + beta * (support @ w))
        return self.fc_out(F.dropout(h, self.dropout, self.training))


# The paper's settings per data set (layers, hidden size, lambda, dropout).
SETTINGS = {"cora": (64, 64, 0.5, 0.6), "citeseer": (32, 256, 0.6, 0.7)}


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    A_norm = C.gcn_norm(A)
    X = g.ndata["feat"]
    layers, hidden, lamda, dropout = SETTINGS[dataset]
    model = GCNII(X.shape[1], int(g.ndata["label"].max()) + 1, layers=args.layers or layers, hidden=hidden,
                  lamda=lamda, dropout=dropout)
    groups = [{"params": list(model.convs.parameters()), "weight_decay": 0.01},
              {"params": list(model.fc_in.parameters()) + list(model.fc_out.parameters()), "weight_decay": 5e-4}]
    return C.train(model, lambda: model(A_norm, X), g, 0.01, 0.0, args.epochs, args.patience, param_groups=groups)


if __name__ == "__main__":
    C.main("GCNII", run, {"layers": 0, "epochs": 1500})
