"""Explanation AUC on the synthetic motif sets, the protocol of Ying et al. (2019), Table 1.

For each data set and seed: generate the graph (edges made undirected), train a three-layer GCN
whose layer outputs are concatenated before the classifier (as in the GNNExplainer paper), then
explain every motif node (label != 0) of a sample and score each explanation's edge mask against
the ground truth: an edge of the node's computation subgraph is positive when both its ends lie
in the node's own motif copy. The masks of an edge and its reverse are averaged (the graph is
undirected). AUC is taken over the pooled (mask, truth) pairs of all explained nodes.

Run from the repository root::

    python examples/explain/synthetic_auc.py --seeds 0 1 2 3 4
    python examples/explain/synthetic_auc.py --datasets ba_shapes --seeds 0 --max-nodes 50
"""
from __future__ import annotations

import argparse
import json
import time
from typing import Dict, List, Tuple

import numpy as np
import torch
from torch import nn

import graphdl as dgl
from graphdl.data import BACommunityDataset, BAShapeDataset, TreeCycleDataset, TreeGridDataset

DATASETS = {
    "ba_shapes": (BAShapeDataset, 1000),
    "ba_community": (BACommunityDataset, 1500),
    "tree_cycles": (TreeCycleDataset, 1500),
    "tree_grid": (TreeGridDataset, 2000),
}


class GCN(nn.Module):
    """Three GraphConv layers over A + I; their outputs concatenated, then a linear classifier.

    The self-loops are added inside ``forward`` with weight 1, so the explainers mask only the
    graph's own edges and a node never loses its own signal (as in the paper's GCN). The weighted
    adjacency is normalised by its weighted degrees, :math:`D_w^{-1/2}(A_w + I)D_w^{-1/2}`, so a
    masked-out edge is removed from the degrees too rather than only scaled down.
    """

    def __init__(self, in_feats: int, hidden: int, num_classes: int, num_layers: int = 3) -> None:
        super().__init__()
        dims = [in_feats] + [hidden] * num_layers
        self.convs = nn.ModuleList(dgl.nn.GraphConv(dims[i], dims[i + 1], norm="none") for i in range(num_layers))
        self.out = nn.Linear(hidden * num_layers, num_classes)

    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        w = eweight if eweight is not None else edge_weight
        n, m = graph.num_nodes(), graph.num_edges()
        graph = dgl.add_self_loop(graph)
        w = torch.ones(m + n) if w is None else torch.cat([w, torch.ones(n, dtype=w.dtype)])
        w = dgl.nn.EdgeWeightNorm("both")(graph, w)
        hs, h = [], feat
        for conv in self.convs:
            h = torch.relu(conv(graph, h, edge_weight=w))
            hs.append(h)
        z = torch.cat(hs, dim=-1)
        return z if embed else self.out(z)


def auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """Area under the ROC curve by the rank-sum formula (ties get their mean rank)."""
    from scipy.stats import rankdata  # imported here: only the evaluation needs it

    pos = truth.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    ranks = rankdata(scores)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def symmetrise(sg, mask: torch.Tensor) -> torch.Tensor:
    """Average each edge's mask with its reverse edge's (when present)."""
    src, dst = sg.edges()
    index = {(int(u), int(v)): i for i, (u, v) in enumerate(zip(src.tolist(), dst.tolist()))}
    rev = torch.tensor([index.get((v, u), i) for i, (u, v) in enumerate(zip(src.tolist(), dst.tolist()))])
    return (mask + mask[rev]) / 2


def own_motif_truth(sg, center: int) -> torch.Tensor:
    mid = sg.ndata["motif_id"]
    src, dst = sg.edges()
    c = mid[center]
    return (sg.edata["motif"] & (mid[src] == c) & (mid[dst] == c)).float()


def train_gcn(g, num_classes: int, epochs: int, seed: int) -> Tuple[GCN, float]:
    torch.manual_seed(seed)
    n = g.num_nodes()
    perm = torch.randperm(n)
    train, test = perm[: int(0.8 * n)], perm[int(0.8 * n):]
    model = GCN(g.ndata["feat"].shape[1], 20, num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    feat, label = g.ndata["feat"], g.ndata["label"]
    for _ in range(epochs):
        model.train()
        loss = nn.functional.cross_entropy(model(g, feat)[train], label[train])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(g, feat).argmax(-1)[test] == label[test]).float().mean().item()
    return model, acc


def run_gnnexplainer(model, g, nodes: List[int], epochs: int, lr: float) -> float:
    explainer = dgl.nn.GNNExplainer(model, num_hops=3, lr=lr, num_epochs=epochs, log=False)
    scores, truth = [], []
    for v in nodes:
        center, sg, _, edge_mask = explainer.explain_node(v, g, g.ndata["feat"])
        scores.append(symmetrise(sg, edge_mask))
        truth.append(own_motif_truth(sg, int(center)))
    return auc(torch.cat(scores).numpy(), torch.cat(truth).numpy())


def run_pgexplainer(model, g, nodes: List[int], train_nodes: List[int], epochs: int, seed: int) -> float:
    torch.manual_seed(seed)
    explainer = dgl.nn.PGExplainer(model, 60, num_hops=3, explain_graph=False, coff_budget=0.005)
    opt = torch.optim.Adam(explainer.parameters(), lr=0.003)
    t0, t1 = 5.0, 1.0
    feat = g.ndata["feat"]
    for epoch in range(epochs):
        temperature = t0 * (t1 / t0) ** (epoch / epochs)
        loss = explainer.train_step_node(train_nodes, g, feat, temperature)
        opt.zero_grad()
        loss.backward()
        opt.step()
    _, mask, bg, centers = explainer.explain_node(nodes, g, feat)
    scores, truth = [], []
    offsets = torch.cumsum(bg.batch_num_edges(), 0) - bg.batch_num_edges()
    for sg, c, start in zip(dgl.unbatch(bg), centers.tolist(), offsets.tolist()):
        m = mask[start: start + sg.num_edges()]
        base = int(c) - int(bg.batch_num_nodes()[: len(scores)].sum())
        scores.append(symmetrise(sg, m))
        truth.append(own_motif_truth(sg, base))
    return auc(torch.cat(scores).numpy(), torch.cat(truth).numpy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--max-nodes", type=int, default=0, help="explain at most this many motif nodes (0: all)")
    parser.add_argument("--gnn-epochs", type=int, default=300, help="GNNExplainer steps per node")
    parser.add_argument("--gnn-lr", type=float, default=0.01, help="GNNExplainer learning rate")
    parser.add_argument("--pg-epochs", type=int, default=30, help="PGExplainer training epochs")
    parser.add_argument("--pg-train-nodes", type=int, default=100, help="motif nodes PGExplainer trains on")
    parser.add_argument("--explainers", nargs="+", default=["gnnexplainer", "pgexplainer"])
    parser.add_argument("--out", default="", help="write the per-seed results as JSON here")
    args = parser.parse_args()
    torch.set_num_threads(1)

    results: Dict[str, List[dict]] = {}
    for name in args.datasets:
        cls, train_epochs = DATASETS[name]
        for seed in args.seeds:
            t = time.time()
            g = dgl.add_reverse_edges(cls(seed=seed, verbose=False)[0], copy_edata=True)
            model, acc = train_gcn(g, cls(seed=seed, verbose=False).num_classes, train_epochs, seed)
            for p in model.parameters():
                p.requires_grad_(False)
            motif = torch.nonzero(g.ndata["label"] != 0).reshape(-1)
            rng = np.random.RandomState(seed)
            if args.max_nodes and motif.numel() > args.max_nodes:
                motif = motif[torch.from_numpy(np.sort(rng.choice(motif.numel(), args.max_nodes, replace=False)))]
            nodes = motif.tolist()
            # PGExplainer's network is trained on a larger sample of motif nodes, then explains `nodes`.
            all_motif = torch.nonzero(g.ndata["label"] != 0).reshape(-1)
            pick = rng.choice(all_motif.numel(), min(args.pg_train_nodes, all_motif.numel()), replace=False)
            train_nodes = sorted(set(all_motif[torch.from_numpy(pick)].tolist()) | set(nodes))
            row = {"seed": seed, "accuracy": acc, "explained": len(nodes)}
            if "gnnexplainer" in args.explainers:
                torch.manual_seed(seed)
                row["gnnexplainer"] = run_gnnexplainer(model, g, nodes, args.gnn_epochs, args.gnn_lr)
            if "pgexplainer" in args.explainers:
                row["pgexplainer"] = run_pgexplainer(model, g, nodes, train_nodes, args.pg_epochs, seed)
            row["seconds"] = time.time() - t
            results.setdefault(name, []).append(row)
            print(name, json.dumps(row), flush=True)
    print("\n| data set | seeds | GCN accuracy | GNNExplainer AUC | PGExplainer AUC |")
    print("|---|---|---|---|---|")
    for name, rows in results.items():
        def stat(key: str) -> str:
            vals = [r[key] for r in rows if key in r]
            return f"{np.mean(vals):.3f} ± {np.std(vals):.3f}" if vals else "-"
        print(f"| {name} | {len(rows)} | {stat('accuracy')} | {stat('gnnexplainer')} | {stat('pgexplainer')} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
