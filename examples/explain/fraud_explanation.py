"""Why was this account flagged? Explaining a fraud model's top flags with HeteroGNNExplainer.

A small multi-relational fraud graph is generated with planted fraud rings: users linked by
``shares_device`` (rings share a few devices, so their members are densely linked), ``same_ip`` and
``reviews_same`` (noise for everyone). Ring members' features are shifted slightly. A two-layer
relational GCN (one GraphConv per relation, weighted by ``eweight``) learns to flag them; the
users it is most sure of are explained, and the explanation subgraph of each is drawn with its
edges coloured by mask weight (darker = more important) and saved as a PNG: the user in the
middle, its direct neighbours on the inner ring, their neighbours outside, the 30 strongest of
the edges that can reach its prediction.

Run from the repository root::

    python examples/explain/fraud_explanation.py --out fraud_explanation.png
"""
from __future__ import annotations

import argparse
from typing import Dict, Tuple

import numpy as np
import torch
from torch import nn

import graphdl as dgl

RELATIONS = ["shares_device", "same_ip", "reviews_same"]


def fraud_graph(num_users: int = 400, num_rings: int = 8, ring_size: int = 6, seed: int = 0):
    """Users, three relations and planted rings; ``label`` 1 marks ring members."""
    rng = np.random.RandomState(seed)
    label = np.zeros(num_users, dtype=np.int64)
    members = rng.choice(num_users, num_rings * ring_size, replace=False).reshape(num_rings, ring_size)
    label[members.reshape(-1)] = 1
    edges: Dict[str, Tuple[list, list]] = {r: ([], []) for r in RELATIONS}

    def link(rel: str, u: int, v: int) -> None:
        edges[rel][0].extend([u, v])
        edges[rel][1].extend([v, u])

    for ring in members:  # dense device sharing inside each ring, a few IP links too
        for i, u in enumerate(ring):
            for v in ring[i + 1:]:
                if rng.rand() < 0.8:
                    link("shares_device", int(u), int(v))
                if rng.rand() < 0.3:
                    link("same_ip", int(u), int(v))
    for rel, count in (("shares_device", num_users // 2), ("same_ip", num_users), ("reviews_same", 2 * num_users)):
        for u, v in rng.randint(0, num_users, (count, 2)):
            if u != v:
                link(rel, int(u), int(v))
    g = dgl.heterograph({("user", r, "user"): (torch.tensor(s), torch.tensor(d)) for r, (s, d) in edges.items()},
                        num_nodes_dict={"user": num_users})
    feat = rng.randn(num_users, 8) + 0.5 * label[:, None] * np.array([1, 1, 0, 0, 0, 0, 0, 0])
    g.ndata["feature"] = torch.tensor(feat, dtype=torch.float32)
    g.ndata["label"] = torch.from_numpy(label)
    return g


class RGCN(nn.Module):
    """Two relational GraphConv layers; forward(graph, feat, eweight=None) as the explainers expect."""

    def __init__(self, in_feats: int, hidden: int, classes: int) -> None:
        super().__init__()
        conv = lambda i, o: dgl.nn.HeteroGraphConv(  # noqa: E731
            {r: dgl.nn.GraphConv(i, o, norm="right", allow_zero_in_degree=True) for r in RELATIONS}, aggregate="sum")
        self.layer1, self.layer2 = conv(in_feats, hidden), conv(hidden, classes)

    def forward(self, graph, feat, eweight=None):
        kw = {} if eweight is None else {c[1]: {"edge_weight": w} for c, w in eweight.items()}
        h = {k: torch.relu(v) for k, v in self.layer1(graph, feat, mod_kwargs=kw).items()}
        return self.layer2(graph, h, mod_kwargs=kw)


def draw(sg, center: int, edge_mask, path: str, title: str) -> None:
    import matplotlib  # imported here: only the picture needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    nid = sg.ndata[dgl.NID].tolist()
    label = sg.ndata["label"].tolist()
    G = nx.MultiDiGraph()
    G.add_nodes_from(range(sg.num_nodes()))
    styles = {"shares_device": "solid", "same_ip": "dashed", "reviews_same": "dotted"}
    # Only edges into the user or into its direct in-neighbours can reach its two-layer prediction.
    hop1 = set()
    for cet in sg.canonical_etypes:
        src, dst = sg.edges(etype=cet)
        hop1 |= set(src[dst == center].tolist())
    rows = []
    for cet, w in edge_mask.items():
        src, dst = sg.edges(etype=cet)
        for u, v, x in zip(src.tolist(), dst.tolist(), w.tolist()):
            if u != v and (v == center or (v in hop1 and u != center)):
                rows.append((u, v, cet[1], x))
    # Keep the strongest edges so the picture stays readable.
    rows.sort(key=lambda r: -r[3])
    rows = rows[:30]
    keep = {center} | {r[0] for r in rows} | {r[1] for r in rows}
    G = G.subgraph(keep).copy()
    ring1 = sorted(v for v in keep if v in hop1)
    ring2 = sorted(v for v in keep if v != center and v not in hop1)
    pos = nx.shell_layout(G, [[center], ring1, ring2] if ring2 else [[center], ring1])
    fig, ax = plt.subplots(figsize=(8, 7))
    cmap = plt.get_cmap("Reds")
    for rel, style in styles.items():
        sel = [r for r in rows if r[2] == rel]
        if sel:
            nx.draw_networkx_edges(G, pos, edgelist=[(u, v) for u, v, _, _ in sel], edge_color=[x for *_, x in sel],
                                   edge_cmap=cmap, edge_vmin=0.0, edge_vmax=1.0, style=style, width=2.0, ax=ax,
                                   arrows=False)
    colours = ["#d62728" if label[v] else "#1f77b4" for v in G.nodes]
    sizes = [700 if v == center else 250 for v in G.nodes]
    nx.draw_networkx_nodes(G, pos, node_color=colours, node_size=sizes, edgecolors="black", ax=ax)
    nx.draw_networkx_labels(G, pos, labels={v: str(nid[v]) for v in G.nodes}, font_size=7, ax=ax)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    fig.colorbar(sm, ax=ax, label="edge mask weight")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="grey", linestyle=s, label=r) for r, s in styles.items()]
    handles += [Line2D([], [], marker="o", linestyle="", color=c, label=t)
                for c, t in (("#d62728", "fraud ring member"), ("#1f77b4", "normal user"))]
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    ax.set_title(title)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="fraud_explanation.png", help="PNG of the top flag's explanation")
    parser.add_argument("--top", type=int, default=3, help="number of flagged users to explain")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    g = fraud_graph(seed=args.seed)
    feat, label = {"user": g.ndata["feature"]}, g.ndata["label"]
    model = RGCN(8, 16, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    weight = torch.tensor([1.0, float((label == 0).sum() / (label == 1).sum())])  # fraud is rare
    for _ in range(200):
        loss = nn.functional.cross_entropy(model(g, feat)["user"], label, weight=weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        prob = model(g, feat)["user"].softmax(-1)[:, 1]
    flagged = prob.argsort(descending=True)[: args.top].tolist()
    print(f"fraud recall at {int(label.sum())}: "
          f"{float(label[prob.argsort(descending=True)[: int(label.sum())]].float().mean()):.3f}")
    explainer = dgl.nn.HeteroGNNExplainer(model, num_hops=2, lr=0.05, num_epochs=200, log=False)
    for rank, v in enumerate(flagged):
        center, sg, feat_mask, edge_mask = explainer.explain_node("user", v, g, feat)
        c = int(center)
        srcs = []
        for cet, w in edge_mask.items():
            src, dst = sg.edges(etype=cet)
            into = dst == c
            srcs += [(float(x), cet[1], int(sg.ndata[dgl.NID][u]), int(sg.ndata["label"][u]))
                     for u, x in zip(src[into], w[into])]
        srcs.sort(reverse=True)
        print(f"#{rank + 1} user {v} (p={float(prob[v]):.3f}, ring member={bool(label[v])}); "
              f"top in-edges: " + ", ".join(f"{r} from {u}{'*' if lab else ''} ({x:.2f})" for x, r, u, lab in srcs[:5]))
        print("   feature mask:", [round(x, 2) for x in feat_mask["user"].tolist()])
        if rank == 0:
            draw(sg, c, edge_mask, args.out, f"Why user {v} was flagged (p={float(prob[v]):.2f})")
    print("saved", args.out)


if __name__ == "__main__":
    main()
