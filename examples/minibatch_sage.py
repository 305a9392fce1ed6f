"""Mini-batch GraphSAGE node classification on Cora or Citeseer.

Trains the same two-layer GraphSAGE model twice, once on the whole graph and once on
neighbour-sampled mini-batches (``NeighborSampler`` + ``DataLoader``), and prints the test
accuracy of both (model selected on validation accuracy).

    python examples/minibatch_sage.py --dataset cora
    python examples/minibatch_sage.py --dataset citeseer --fanouts 10,10 --num-workers 2
"""
from __future__ import annotations

import argparse

import torch

import graphdl
from graphdl.dataloading import DataLoader, NeighborSampler
from graphdl.models import SAGE
from graphdl.training import fit, full_graph_evaluator, full_graph_step, minibatch_step


def train(g, args, minibatch: bool) -> float:
    graphdl.seed(args.seed)
    x, y = g.ndata["feat"], g.ndata["label"]
    masks = {k: g.ndata[f"{k}_mask"].bool() for k in ("train", "val", "test")}
    model = SAGE(x.shape[1], args.hidden, int(y.max()) + 1, 2, "mean", args.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=5e-4)
    if minibatch:
        sampler = NeighborSampler([int(f) for f in args.fanouts.split(",")],
                                  prefetch_node_feats=["feat"], prefetch_labels=["label"])
        train_ids = torch.nonzero(masks["train"]).squeeze(1)
        loader = DataLoader(g, train_ids, sampler, batch_size=args.batch_size, shuffle=True,
                            num_workers=args.num_workers)
        step = minibatch_step(model, opt, loader)
    else:
        step = full_graph_step(model, opt, g, x, y, masks["train"])
    # both runs select the weights of the best validation epoch, evaluated on the whole graph
    result = fit(model, step, full_graph_evaluator(model, g, x, y, masks), args.epochs,
                 selection="best_val_acc")
    return result.test_acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=("cora", "citeseer"), default="cora")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--fanouts", default="10,10", help="neighbours per layer, input layer first")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--num-workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = {"cora": graphdl.data.CoraGraphDataset, "citeseer": graphdl.data.CiteseerGraphDataset}[args.dataset]
    g = data(verbose=False)[0]
    g = graphdl.add_self_loop(graphdl.remove_self_loop(g))
    full = train(g, args, minibatch=False)
    mini = train(g, args, minibatch=True)
    print(f"{args.dataset}: full-graph test accuracy {full:.4f}, mini-batch test accuracy {mini:.4f}")


if __name__ == "__main__":
    main()
