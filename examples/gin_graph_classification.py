"""Graph classification with GIN (Xu et al., ICLR 2019) on the TU benchmarks in the GIN format.

Downloads the data set (MUTAG by default) when online. ``--synthetic`` trains on generated
cycles-versus-paths graphs instead, which needs no network.

    python examples/gin_graph_classification.py --dataset MUTAG --seeds 3
    python examples/gin_graph_classification.py --synthetic
"""
from __future__ import annotations

import argparse
import statistics
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import graphdl
import graphdl.nn as gnn
from graphdl.data import GraphDataLoader


class MLP(nn.Sequential):
    def __init__(self, in_dim: int, hidden: int) -> None:
        super().__init__(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, hidden))


class GIN(nn.Module):
    """GIN layers with sum aggregation; a sum-pooled readout of every layer feeds the prediction."""

    def __init__(self, in_dim: int, hidden: int, n_classes: int, n_layers: int = 5, dropout: float = 0.5) -> None:
        super().__init__()
        dims = [in_dim] + [hidden] * (n_layers - 1)
        self.convs = nn.ModuleList([gnn.GINConv(MLP(d, hidden), "sum", learn_eps=False) for d in dims[:-1]])
        self.norms = nn.ModuleList([nn.BatchNorm1d(hidden) for _ in dims[:-1]])
        self.heads = nn.ModuleList([nn.Linear(d, n_classes) for d in dims])
        self.pool = gnn.SumPooling()
        self.dropout = nn.Dropout(dropout)

    def forward(self, g, h):
        layers = [h]
        for conv, norm in zip(self.convs, self.norms):
            h = F.relu(norm(conv(g, h)))
            layers.append(h)
        return sum(self.dropout(head(self.pool(g, x))) for head, x in zip(self.heads, layers))


def cycles_and_paths(count: int, seed: int) -> List[Tuple[graphdl.DGLGraph, torch.Tensor]]:
    gen = torch.Generator().manual_seed(seed)
    data = []
    for i in range(count):
        n = int(torch.randint(4, 16, (1,), generator=gen))
        is_cycle = i % 2
        u = torch.arange(n - 1)
        v = u + 1
        if is_cycle:
            u, v = torch.cat([u, torch.tensor([n - 1])]), torch.cat([v, torch.tensor([0])])
        g = graphdl.graph((torch.cat([u, v]), torch.cat([v, u])), num_nodes=n)
        g.ndata["attr"] = torch.ones(n, 1)
        data.append((g, torch.tensor(is_cycle)))
    return data


def run(dataset, seed: int, epochs: int) -> float:
    torch.manual_seed(seed)
    perm = torch.randperm(len(dataset)).tolist()
    cut = int(0.9 * len(dataset))
    train = [dataset[i] for i in perm[:cut]]
    test = [dataset[i] for i in perm[cut:]]
    in_dim = train[0][0].ndata["attr"].shape[1]
    n_classes = int(max(int(y) for _, y in train) + 1)
    model = GIN(in_dim, 64, n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5)
    loader = GraphDataLoader(train, batch_size=32, shuffle=True, drop_last=False)
    for _ in range(epochs):
        model.train()
        for bg, labels in loader:
            loss = F.cross_entropy(model(bg, bg.ndata["attr"].float()), labels.long().view(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for bg, labels in GraphDataLoader(test, batch_size=64):
            correct += int((model(bg, bg.ndata["attr"].float()).argmax(1) == labels.long().view(-1)).sum())
    return correct / len(test)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="MUTAG", help="GIN data set name (MUTAG, PROTEINS, IMDBBINARY, ...)")
    parser.add_argument("--synthetic", action="store_true", help="generated cycles vs paths, no download")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    if args.synthetic:
        dataset = cycles_and_paths(200, seed=0)
        name = "cycles-vs-paths"
    else:
        dataset = graphdl.data.GINDataset(args.dataset, self_loop=True)
        name = args.dataset
    accs = [run(dataset, seed, args.epochs) for seed in range(args.seeds)]
    std = 100 * statistics.stdev(accs) if len(accs) > 1 else 0.0
    print(f"GIN {name}: test accuracy {100 * statistics.mean(accs):.1f} ± {std:.1f} over {len(accs)} seeds")


if __name__ == "__main__":
    main()
