"""Link prediction with GraphSAGE, negative sampling and edge mini-batches.

Edges of Cora are split into training / validation / test edges (both directions of an
undirected edge go to the same split). A two-layer GraphSAGE encoder is trained on
mini-batches of training edges with ``as_edge_prediction_sampler`` (the edge and its
reverse are left out of the neighbourhood) and ``negative_sampler.Uniform``; a dot product
scores node pairs. Each test edge is ranked against ``--eval-negatives`` random corruptions
of its destination, and the script reports MRR and Hits@1/3/10.

    python examples/link_prediction.py
    python examples/link_prediction.py --epochs 5 --negatives 5
"""
from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F

import graphdl
from graphdl.dataloading import DataLoader, NeighborSampler, as_edge_prediction_sampler, negative_sampler
from graphdl.models import SAGE


def split_edges(g, seed: int):
    """Undirected edge pairs ``(u < v)`` shuffled into 85% / 5% / 10% splits."""
    u, v = g.edges()
    keep = u < v
    u, v = u[keep], v[keep]
    perm = torch.randperm(u.numel(), generator=torch.Generator().manual_seed(seed))
    u, v = u[perm], v[perm]
    n_val, n_test = int(0.05 * u.numel()), int(0.1 * u.numel())
    return {"test": (u[:n_test], v[:n_test]), "val": (u[n_test:n_test + n_val], v[n_test:n_test + n_val]),
            "train": (u[n_test + n_val:], v[n_test + n_val:])}


def rank_metrics(model, g, x, pairs, num_neg: int, seed: int):
    """MRR and Hits@k of each true pair against ``num_neg`` corrupted destinations."""
    model.eval()
    with torch.no_grad():
        h = model(g, x)
    u, v = pairs
    gen = torch.Generator().manual_seed(seed)
    neg = torch.randint(0, g.num_nodes(), (u.numel(), num_neg), generator=gen)
    pos_score = (h[u] * h[v]).sum(1, keepdim=True)
    neg_score = (h[u].unsqueeze(1) * h[neg]).sum(2)
    rank = 1 + (neg_score >= pos_score).sum(1).float()
    model.train()
    return {"MRR": float((1.0 / rank).mean()),
            **{f"Hits@{k}": float((rank <= k).float().mean()) for k in (1, 3, 10)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--fanouts", default="10,10")
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--negatives", type=int, default=1, help="negative pairs per training edge")
    parser.add_argument("--eval-negatives", type=int, default=100)
    parser.add_argument("--num-workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    graphdl.seed(args.seed)
    full = graphdl.data.CoraGraphDataset(verbose=False)[0]
    splits = split_edges(full, args.seed)
    tu, tv = splits["train"]
    n = full.num_nodes()
    # training graph: both directions of each training edge; edge i's reverse is i + m
    g = graphdl.graph((torch.cat([tu, tv]), torch.cat([tv, tu])), num_nodes=n)
    g.ndata["feat"] = full.ndata["feat"]
    m = tu.numel()
    reverse = torch.cat([torch.arange(m, 2 * m), torch.arange(0, m)])

    sampler = as_edge_prediction_sampler(
        NeighborSampler([int(f) for f in args.fanouts.split(",")], prefetch_node_feats=["feat"]),
        exclude="reverse_id", reverse_eids=reverse,
        negative_sampler=negative_sampler.Uniform(args.negatives))
    loader = DataLoader(g, torch.arange(g.num_edges()), sampler, batch_size=args.batch_size, shuffle=True,
                        num_workers=args.num_workers)
    x = g.ndata["feat"]
    model = SAGE(x.shape[1], args.hidden, args.hidden, len(args.fanouts.split(",")), "mean", 0.0)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    best, best_state = -1.0, None
    for epoch in range(args.epochs):
        total = 0.0
        for input_nodes, pair_graph, neg_graph, blocks in loader:
            h = model(blocks, blocks[0].srcdata["feat"])
            pu, pv = pair_graph.edges()
            nu, nv = neg_graph.edges()
            pos = (h[pu.long()] * h[pv.long()]).sum(1)
            neg = (h[nu.long()] * h[nv.long()]).sum(1)
            loss = F.binary_cross_entropy_with_logits(torch.cat([pos, neg]),
                                                      torch.cat([torch.ones_like(pos), torch.zeros_like(neg)]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach())
        val = rank_metrics(model, g, x, splits["val"], args.eval_negatives, args.seed + 1)
        print(f"epoch {epoch:3d} loss {total:.3f} val MRR {val['MRR']:.4f}")
        if val["MRR"] > best:
            best, best_state = val["MRR"], {k: t.clone() for k, t in model.state_dict().items()}
    model.load_state_dict(best_state)
    test = rank_metrics(model, g, x, splits["test"], args.eval_negatives, args.seed + 2)
    print("test " + ", ".join(f"{k} {v:.4f}" for k, v in test.items()))


if __name__ == "__main__":
    main()
