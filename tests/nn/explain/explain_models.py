"""Small models for the explainer tests (shared by the test modules of this folder)."""
import torch
from torch import nn

import graphdl


class NodeModel(nn.Module):
    """Two weighted GraphConv layers: node logits; ``embed=True`` gives the hidden layer."""

    def __init__(self, in_feats=2, hidden=4, classes=2):
        super().__init__()
        self.conv1 = graphdl.nn.GraphConv(in_feats, hidden, norm="none", allow_zero_in_degree=True)
        self.conv2 = graphdl.nn.GraphConv(hidden, classes, norm="none", allow_zero_in_degree=True)

    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        w = eweight if eweight is not None else edge_weight
        h = torch.relu(self.conv1(graph, feat, edge_weight=w))
        return h if embed else self.conv2(graph, h, edge_weight=w)


class GraphModel(NodeModel):
    """Sum-pooled node logits: one row per graph."""

    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        h = super().forward(graph, feat, eweight, embed, edge_weight)
        if embed:
            return h
        return graphdl.nn.SumPooling()(graph, h)


class NoWeightModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = graphdl.nn.GraphConv(2, 2, allow_zero_in_degree=True)

    def forward(self, graph, feat):
        return self.conv(graph, feat)


def hetero_graph():
    return graphdl.heterograph({
        ("user", "buys", "item"): (torch.tensor([0, 1, 2]), torch.tensor([0, 1, 1])),
        ("item", "bought_by", "user"): (torch.tensor([0, 1, 1]), torch.tensor([0, 1, 2])),
    })


class HeteroNodeModel(nn.Module):
    """A weighted HeteroGraphConv layer and a shared classifier; logits by node type."""

    def __init__(self, etypes, in_feats=2, hidden=4, classes=2):
        super().__init__()
        self.conv = graphdl.nn.HeteroGraphConv(
            {e: graphdl.nn.GraphConv(in_feats, hidden, norm="none", allow_zero_in_degree=True) for e in etypes})
        self.out = nn.Linear(hidden, classes)

    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        w = eweight if eweight is not None else edge_weight
        kw = {} if w is None else {c[1]: {"edge_weight": m} for c, m in w.items()}
        h = {k: torch.relu(v) for k, v in self.conv(graph, feat, mod_kwargs=kw).items()}
        return h if embed else {k: self.out(v) for k, v in h.items()}


class HeteroGraphModel(HeteroNodeModel):
    def forward(self, graph, feat, eweight=None, embed=False, edge_weight=None):
        h = super().forward(graph, feat, eweight, embed, edge_weight)
        if embed:
            return h
        with graph.local_scope():
            graph.ndata["h"] = h
            return sum(graphdl.sum_nodes(graph, "h", ntype=nt) for nt in h)
