r"""SGC (Wu et al., 2019) as sparse algebra: :math:`\mathrm{softmax}(\hat A^K X W)`, K = 2.

The propagated features :math:`\hat A^K X` are computed once; a linear model is trained on
them for 100 epochs on Cora and 150 on Citeseer (the last epoch is reported).

    python examples/sparse/sgc.py --dataset cora --seeds 10
"""
import torch
import torch.nn as nn

import _common as C

WEIGHT_DECAY = {"cora": 3e-5, "citeseer": 5e-5}
EPOCHS = {"cora": 100, "citeseer": 150}


def run(dataset: str, seed: int, args) -> float:
    g, A = C.load(dataset)
    A_norm = C.gcn_norm(A)
    X = g.ndata["feat"]
    with torch.no_grad():
        for _ in range(args.k):
            X = A_norm @ X
    model = nn.Linear(X.shape[1], int(g.ndata["label"].max()) + 1)
    return C.train(model, lambda: model(X), g, 0.2, WEIGHT_DECAY[dataset], EPOCHS[dataset], args.patience, fixed_epochs=True)


if __name__ == "__main__":
    C.main("SGC", run, {"k": 2})
