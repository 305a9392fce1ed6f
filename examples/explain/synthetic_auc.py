"""Explanation AUC on the synthetic motif sets, the protocol of Ying et al. (2019), Table 1.

For each data set and seed: generate the graph (edges made undirected), train the paper's GCN
(three sum-aggregating layers of 20 units, outputs concatenated before the classifier; Adam at
0.001, weight decay 0.005, gradient norm clipped at 2), then explain the nodes that both
reference implementations explain ("setting 1" of the PGExplainer code, from the GNNExplainer
code): the first node of houses 20-79 on the BA sets, the first node of every cycle on
Tree-Cycles, nodes 511-799 on Tree-Grid (``--nodes all``: every motif node instead).

Scoring, as in the references: every edge of the node's 3-hop neighbourhood (the induced
subgraph the explainer works on) enters the AUC once as an undirected edge, scored by the mean
of the masks of its two directions, pooled over all explained nodes. A positive edge joins two
nodes of the explained node's own motif copy for GNNExplainer (its reference marks the six house
or cycle edges of that copy), and is any motif edge for PGExplainer (its reference's edge
labels); the JSON output holds both.

GNNExplainer: 100 steps at learning rate 0.1, size weight 0.005, entropy weight 1.0 averaged as
the reference averages it, over the dense N x N mask (``--gnn-entropy``); the model sees the
symmetric mask (M + M^T) / 2 as in the reference. PGExplainer: the reference notebooks' settings
per data set (``PG_SETTINGS``), its objective summed over the explained nodes, gradients clipped
to [-2, 2], the explanation network trained on the explained nodes; the mask is symmetric in
graphdl's PGExplainer itself. The prediction kept is the model's (the references' code uses the
ground-truth label, which the papers' objective does not).

Run from the repository root::

    python examples/explain/synthetic_auc.py --seeds 0 1 2 3 4
    python examples/explain/synthetic_auc.py --datasets ba_shapes --seeds 0 --gnn-max-nodes 20
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


def reverse_ids(graph) -> torch.Tensor:
    """The id of each edge's reverse edge (its own id when it has none)."""
    from graphdl.nn.explain._checks import reverse_edges  # the explainers' own helper

    src, dst = graph.edges()
    return reverse_edges(src, dst, graph.num_nodes())


class SymmetricMask(nn.Module):
    """The explained model, fed the mean of each edge's weight and its reverse edge's.

    Both reference implementations mask a symmetric adjacency, ``(M + M^T) / 2``, so that an
    undirected edge has one weight; GNNExplainer's API learns one weight per directed edge, and
    this wrapper makes the model see the symmetric mask (PGExplainer does it itself).
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        w = eweight if eweight is not None else edge_weight
        if w is not None:
            w = (w + w[reverse_ids(graph)]) / 2
        return self.model(graph, feat, eweight=w, embed=embed)


class FullGraphEmbeddings(nn.Module):
    """The explained model, whose ``embed=True`` output is taken from the whole graph.

    PGExplainer's reference implementation scores an edge from the embeddings the trained model
    computes on the full graph; a k-hop subgraph cuts the receptive field of every node but the
    centre, so its own embeddings of the outer nodes differ. Subgraph nodes are looked up by
    ``graph.ndata[dgl.NID]``.
    """

    def __init__(self, model: nn.Module, g, feat: torch.Tensor) -> None:
        super().__init__()
        self.model = model
        with torch.no_grad():
            self.full = model(g, feat, embed=True)

    def forward(self, graph, feat, embed=False, edge_weight=None):
        if embed:
            return self.full[graph.ndata[dgl.NID].long()]
        return self.model(graph, feat, edge_weight=edge_weight)


def undirected_edges(sg) -> torch.Tensor:
    """One edge id per undirected edge of ``sg`` (the one from the smaller node id)."""
    src, dst = sg.edges()
    return torch.nonzero(src < dst).reshape(-1)


def truths(sg, center: int) -> Dict[str, torch.Tensor]:
    """Ground truth of every edge of ``sg``. ``own``: both ends in the centre's own motif copy (the
    GNNExplainer reference); ``any``: an edge of any motif copy (the PGExplainer reference)."""
    mid = sg.ndata["motif_id"]
    src, dst = sg.edges()
    motif = sg.edata["motif"].bool()
    c = mid[center]
    return {"own": (motif & (mid[src.long()] == c) & (mid[dst.long()] == c)).float(), "any": motif.float()}


def score(sg, center: int, mask: torch.Tensor, out: Dict[str, list]) -> None:
    """Append the (score, truths) of each undirected edge of ``sg``; the score is the mean of the
    mask of the edge and of its reverse."""
    keep = undirected_edges(sg)
    sym = (mask + mask[reverse_ids(sg)]) / 2
    out.setdefault("scores", []).append(sym[keep])
    for key, t in truths(sg, center).items():
        out.setdefault(key, []).append(t[keep])


def aucs(out: Dict[str, list]) -> Dict[str, float]:
    s = torch.cat(out["scores"]).numpy()
    return {key: auc(s, torch.cat(out[key]).numpy()) for key in ("own", "any")}


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


def run_gnnexplainer(model, g, nodes: List[int], epochs: int, lr: float, entropy: str) -> Dict[str, float]:
    """Explain each node on its 3-hop neighbourhood, the mask symmetrised as in the reference.

    The reference's mask is a dense :math:`N \\times N` matrix whose entropy is averaged over all
    :math:`N^2` entries (``entropy='dense'``: the entropy weight becomes :math:`E / N^2` in
    graphdl's per-edge mean); ``entropy='edges'`` keeps DGL's weight 1.0 over the edges.
    """
    wrapped = SymmetricMask(model)
    out: Dict[str, list] = {}
    for v in nodes:
        sg0, _ = dgl.khop_in_subgraph(g, v, 3)
        alpha2 = sg0.num_edges() / sg0.num_nodes() ** 2 if entropy == "dense" else 1.0
        explainer = dgl.nn.GNNExplainer(wrapped, num_hops=3, lr=lr, num_epochs=epochs, alpha2=alpha2, log=False)
        center, sg, _, edge_mask = explainer.explain_node(v, g, g.ndata["feat"])
        score(sg, int(center), edge_mask, out)
    return aucs(out)


# PGExplainer settings of the reference notebooks, one per data set: learning rate, epochs (one
# full-batch step each), size and entropy coefficients, temperature schedule (start, end) and
# sample bias.
PG_SETTINGS = {
    "ba_shapes": dict(lr=0.003, epochs=10, size=0.05, ent=1.0, temp=(1.0, 0.05), bias=0.0),
    "ba_community": dict(lr=0.003, epochs=20, size=0.05, ent=1.0, temp=(1.0, 1.0), bias=0.5),
    "tree_cycles": dict(lr=0.003, epochs=20, size=0.0001, ent=0.01, temp=(5.0, 5.0), bias=0.0),
    "tree_grid": dict(lr=0.01, epochs=30, size=0.01, ent=1.0, temp=(5.0, 5.0), bias=0.0),
}


def pg_loss(probs, mask, bg, centers, target, size: float, ent: float) -> torch.Tensor:
    """The reference's objective, summed over the explained nodes: the prediction loss, the size
    of each node's mask, and its entropy averaged over the node's dense :math:`N_i^2` mask."""
    pred = -torch.log(probs[centers].gather(-1, target.reshape(-1, 1)) + 1e-6).sum()
    m = mask * 0.99 + 0.005  # kept inside (0, 1): a saturated sample would give log(0)
    h = -m * torch.log(m) - (1 - m) * torch.log(1 - m)
    member = torch.repeat_interleave(torch.arange(bg.batch_size), bg.batch_num_edges())
    h_per = torch.zeros(bg.batch_size).index_add_(0, member, h)
    return pred + size * mask.sum() + ent * (h_per / bg.batch_num_nodes().float() ** 2).sum()


def run_pgexplainer(model, g, nodes: List[int], name: str, seed: int, embed: str) -> Dict[str, float]:
    """Train the explanation network on the explained nodes (as the reference does), then score."""
    cfg = PG_SETTINGS[name]
    torch.manual_seed(seed)
    feat = g.ndata["feat"]
    explained = FullGraphEmbeddings(model, g, feat) if embed == "full" else model
    explainer = dgl.nn.PGExplainer(explained, 60, num_hops=3, explain_graph=False, sample_bias=cfg["bias"])
    opt = torch.optim.Adam(explainer.parameters(), lr=cfg["lr"])
    with torch.no_grad():
        target = model(g, feat).argmax(-1)[torch.tensor(nodes)]
    (t0, t1), epochs = cfg["temp"], cfg["epochs"]
    for epoch in range(epochs):
        temperature = t0 * (t1 / t0) ** (epoch / epochs)
        probs, mask, bg, centers = explainer.explain_node(nodes, g, feat, temperature=temperature, training=True)
        loss = pg_loss(probs, mask, bg, centers, target, cfg["size"], cfg["ent"])
        opt.zero_grad()
        loss.backward()
        for p in explainer.parameters():  # the reference clips each gradient entry to [-2, 2]
            p.grad.clamp_(-2.0, 2.0)
        opt.step()
    _, mask, bg, centers = explainer.explain_node(nodes, g, feat)
    out: Dict[str, list] = {}
    edge_start = (torch.cumsum(bg.batch_num_edges(), 0) - bg.batch_num_edges()).tolist()
    node_start = (torch.cumsum(bg.batch_num_nodes(), 0) - bg.batch_num_nodes()).tolist()
    for sg, c, es, ns in zip(dgl.unbatch(bg), centers.tolist(), edge_start, node_start):
        score(sg, int(c) - ns, mask[es: es + sg.num_edges()], out)
    return aucs(out)


def paper_nodes(name: str, g) -> List[int]:
    """The nodes both references explain ("setting 1", from the GNNExplainer code): the first node
    of houses 20-79 (BA sets), of every cycle (Tree-Cycles), and nodes 511-799 (Tree-Grid)."""
    ids = {"ba_shapes": range(400, 700, 5), "ba_community": range(400, 700, 5),
           "tree_cycles": range(511, 871, 6), "tree_grid": range(511, 800)}[name]
    nodes = [v for v in ids if v < g.num_nodes()]
    if bool((g.ndata["label"][torch.tensor(nodes)] == 0).any()):
        raise RuntimeError(f"{name}: the reference's node list is not all motif nodes in this graph")
    return nodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--nodes", choices=["paper", "all"], default="paper",
                        help="the references' node list, or every motif node")
    parser.add_argument("--max-nodes", type=int, default=0, help="explain at most this many of them (0: all)")
    parser.add_argument("--gnn-max-nodes", type=int, default=0,
                        help="GNNExplainer explains a seeded sample of at most this many of them (0: all)")
    parser.add_argument("--gnn-epochs", type=int, default=100, help="GNNExplainer steps per node (paper: 100)")
    parser.add_argument("--gnn-lr", type=float, default=0.1, help="GNNExplainer learning rate (paper: 0.1)")
    parser.add_argument("--gnn-entropy", choices=["dense", "edges"], default="dense",
                        help="mask entropy averaged as the reference does (over N^2) or over the edges")
    parser.add_argument("--pg-embed", choices=["full", "subgraph"], default="subgraph",
                        help="PGExplainer's edge inputs from subgraph (DGL) or whole-graph (reference) embeddings")
    parser.add_argument("--model", choices=sorted(MODELS), default="paper", help="the explained GCN")
    parser.add_argument("--merge", nargs="+", default=[], help="only print the table of these JSON results")
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
            if args.nodes == "paper":
                nodes = paper_nodes(name, g)
            else:
                nodes = torch.nonzero(g.ndata["label"] != 0).reshape(-1).tolist()
            if args.max_nodes and len(nodes) > args.max_nodes:
                rng = np.random.RandomState(seed)
                nodes = [nodes[i] for i in np.sort(rng.choice(len(nodes), args.max_nodes, replace=False))]
            row = {"seed": seed, "accuracy": acc, "explained": len(nodes)}
            if "gnnexplainer" in args.explainers:
                gnn_nodes = nodes
                if args.gnn_max_nodes and len(nodes) > args.gnn_max_nodes:
                    pick = np.random.RandomState(seed).choice(len(nodes), args.gnn_max_nodes, replace=False)
                    gnn_nodes = [nodes[i] for i in np.sort(pick)]
                row["gnn_explained"] = len(gnn_nodes)
                torch.manual_seed(seed)
                row["gnnexplainer"] = run_gnnexplainer(model, g, gnn_nodes, args.gnn_epochs, args.gnn_lr,
                                                       args.gnn_entropy)
            if "pgexplainer" in args.explainers:
                row["pgexplainer"] = run_pgexplainer(model, g, nodes, name, seed, args.pg_embed)
            row["seconds"] = time.time() - t
            results.setdefault(name, []).append(row)
            print(name, json.dumps(row), flush=True)
            if args.out:  # written after every seed, so a cut-short run keeps what it measured
                with open(args.out, "w") as f:
                    json.dump(results, f, indent=1)
    # Each explainer is scored on its own paper's ground truth: GNNExplainer on the explained
    # node's own motif, PGExplainer on the edges of any motif; the JSON holds both.
    print("\n| data set | seeds | GCN accuracy | GNNExplainer AUC (own motif) | PGExplainer AUC (any motif) |")
    print("|---|---|---|---|---|")
    for name, rows in results.items():
        def stat(key: str, truth: str = "") -> str:
            vals = [r[key][truth] if truth else r[key] for r in rows if key in r]
            return f"{np.mean(vals):.3f} ± {np.std(vals):.3f}" if vals else "-"
        print(f"| {name} | {len(rows)} | {stat('accuracy')} | {stat('gnnexplainer', 'own')} "
              f"| {stat('pgexplainer', 'any')} |")


if __name__ == "__main__":
    main()
