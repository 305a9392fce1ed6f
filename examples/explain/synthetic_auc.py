"""Explanation AUC on the synthetic motif sets, the protocol of Ying et al. (2019), Table 1.

For each data set and seed: generate the graph (edges made undirected), train the paper's GCN
(three sum-aggregating layers of 20 units, outputs concatenated before the classifier; Adam at
0.001, weight decay 0.005, gradient norm clipped at 2), then explain the motif nodes (label != 0)
of a sample and score each explanation's edge mask against the ground truth. The scored edges
are those of the node's computation graph (edges whose destination is within two hops of the
node, so that three layers carry them to it); an edge is positive when both its ends lie in the
node's own motif copy. The masks of an edge and its reverse are averaged (the graph is
undirected). AUC is taken over the pooled (mask, truth) pairs of all explained nodes.
GNNExplainer runs 100 steps at learning rate 0.1, the paper's settings, with DGL's default
regularisation coefficients.

Run from the repository root::

    python examples/explain/synthetic_auc.py --seeds 0 1 2 3 4
    python examples/explain/synthetic_auc.py --datasets ba_shapes --seeds 0 --max-nodes 50
    python examples/explain/synthetic_auc.py --merge a.json b.json   # one table from several runs
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


class PaperGCN(nn.Module):
    """The GCN of the GNNExplainer paper: three graph convolutions, hidden size 20, outputs concatenated.

    Each layer sums its weighted in-neighbours' features, :math:`h_v' = W \\sum_u w_{uv} h_u + b`,
    with no degree normalisation and no self-loop, as the paper's reference model multiplies by the
    raw adjacency; ReLU after every layer but the last. A masked-out edge therefore removes its
    message and nothing else. The concatenated layer outputs feed a linear classifier; they are
    also the embeddings PGExplainer reads (``embed=True``).
    """

    def __init__(self, in_feats: int, hidden: int, num_classes: int, num_layers: int = 3) -> None:
        super().__init__()
        dims = [in_feats] + [hidden] * num_layers
        self.convs = nn.ModuleList(dgl.nn.GraphConv(dims[i], dims[i + 1], norm="none", allow_zero_in_degree=True)
                                   for i in range(num_layers))
        self.out = nn.Linear(hidden * num_layers, num_classes)

    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        w = eweight if eweight is not None else edge_weight
        hs, h = [], feat
        for i, conv in enumerate(self.convs):
            h = conv(graph, h, edge_weight=w)
            if i < len(self.convs) - 1:
                h = torch.relu(h)
            hs.append(h)
        z = torch.cat(hs, dim=-1)
        return z if embed else self.out(z)


class NormalisedGCN(nn.Module):
    """A variant over :math:`D_w^{-1/2}(A_w + I)D_w^{-1/2}` (unmasked self-loops, weighted degrees).

    Kept for comparison with the paper's model (``--model normalised``).
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


MODELS = {"paper": PaperGCN, "normalised": NormalisedGCN}


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


def computation_edges(sg, center: int, num_hops: int = 3) -> torch.Tensor:
    """Edges that can reach ``center`` within ``num_hops`` layers: those whose destination is at
    most ``num_hops - 1`` hops from it. The in-subgraph also holds edges among its outermost nodes,
    which no layer carries to the centre; the paper's computation graph leaves them out."""
    src, dst = sg.edges()
    src, dst = src.long(), dst.long()
    dist = torch.full((sg.num_nodes(),), num_hops + 1)
    dist[center] = 0
    for k in range(num_hops - 1):
        reached = src[dist[dst] == k]
        dist[reached] = torch.clamp(dist[reached], max=k + 1)
    return dist[dst] <= num_hops - 1


def own_motif_truth(sg, center: int) -> torch.Tensor:
    mid = sg.ndata["motif_id"]
    src, dst = sg.edges()
    c = mid[center]
    return (sg.edata["motif"] & (mid[src] == c) & (mid[dst] == c)).float()


def train_gcn(g, num_classes: int, epochs: int, seed: int, kind: str) -> Tuple[nn.Module, float]:
    """Train on a random 80% of the nodes; return the model and its accuracy on the other 20%.

    The paper's settings: Adam, learning rate 0.001, weight decay 0.005, gradients clipped at norm 2.
    """
    torch.manual_seed(seed)
    n = g.num_nodes()
    perm = torch.randperm(n)
    train, test = perm[: int(0.8 * n)], perm[int(0.8 * n):]
    model = MODELS[kind](g.ndata["feat"].shape[1], 20, num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.001, weight_decay=0.005)
    feat, label = g.ndata["feat"], g.ndata["label"]
    for _ in range(epochs):
        model.train()
        loss = nn.functional.cross_entropy(model(g, feat)[train], label[train])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 2.0)
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
        keep = computation_edges(sg, int(center))
        scores.append(symmetrise(sg, edge_mask)[keep])
        truth.append(own_motif_truth(sg, int(center))[keep])
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
        keep = computation_edges(sg, base)
        scores.append(symmetrise(sg, m)[keep])
        truth.append(own_motif_truth(sg, base)[keep])
    return auc(torch.cat(scores).numpy(), torch.cat(truth).numpy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--max-nodes", type=int, default=0, help="explain at most this many motif nodes (0: all)")
    parser.add_argument("--gnn-epochs", type=int, default=100, help="GNNExplainer steps per node (paper: 100)")
    parser.add_argument("--gnn-lr", type=float, default=0.1, help="GNNExplainer learning rate (paper: 0.1)")
    parser.add_argument("--model", choices=sorted(MODELS), default="paper", help="the explained GCN")
    parser.add_argument("--merge", nargs="+", default=[], help="only print the table of these JSON results")
    parser.add_argument("--pg-epochs", type=int, default=30, help="PGExplainer training epochs")
    parser.add_argument("--pg-train-nodes", type=int, default=100, help="motif nodes PGExplainer trains on")
    parser.add_argument("--explainers", nargs="+", default=["gnnexplainer", "pgexplainer"])
    parser.add_argument("--out", default="", help="write the per-seed results as JSON here")
    args = parser.parse_args()
    torch.set_num_threads(1)

    results: Dict[str, List[dict]] = {}
    for path in args.merge:
        with open(path) as f:
            for name, rows in json.load(f).items():
                results.setdefault(name, []).extend(rows)
    for name in [] if args.merge else args.datasets:
        cls, train_epochs = DATASETS[name]
        for seed in args.seeds:
            t = time.time()
            g = dgl.add_reverse_edges(cls(seed=seed, verbose=False)[0], copy_edata=True)
            model, acc = train_gcn(g, cls(seed=seed, verbose=False).num_classes, train_epochs, seed, args.model)
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
            if args.out:  # written after every seed, so a cut-short run keeps what it measured
                with open(args.out, "w") as f:
                    json.dump(results, f, indent=1)
    print("\n| data set | seeds | GCN accuracy | GNNExplainer AUC | PGExplainer AUC |")
    print("|---|---|---|---|---|")
    for name, rows in results.items():
        def stat(key: str) -> str:
            vals = [r[key] for r in rows if key in r]
            return f"{np.mean(vals):.3f} ± {np.std(vals):.3f}" if vals else "-"
        print(f"| {name} | {len(rows)} | {stat('accuracy')} | {stat('gnnexplainer')} | {stat('pgexplainer')} |")


if __name__ == "__main__":
    main()
