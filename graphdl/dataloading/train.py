"""Mini-batch GraphSAGE node classification, used by ``graphdl train --minibatch``."""
from __future__ import annotations

import copy
from typing import Any, Dict, Optional, Sequence

import torch
import torch.nn.functional as F

from ..base import DGLError

__all__ = ["train_minibatch_node_classification", "SAGE"]


class SAGE(torch.nn.Module):
    """A stack of ``SAGEConv`` layers with ReLU and dropout between them; runs on blocks
    (one per layer) or, for evaluation, on a whole graph."""

    def __init__(self, in_feats: int, hidden_feats: int, out_feats: int, num_layers: int = 2,
                 aggregator_type: str = "mean", dropout: float = 0.5) -> None:
        super().__init__()
        from ..nn import SAGEConv

        dims = [in_feats] + [hidden_feats] * (num_layers - 1) + [out_feats]
        self.layers = torch.nn.ModuleList(
            SAGEConv(dims[i], dims[i + 1], aggregator_type) for i in range(num_layers)
        )
        self.dropout = torch.nn.Dropout(dropout)

    def forward(self, blocks_or_graph: Any, x: torch.Tensor) -> torch.Tensor:
        h = x
        for i, layer in enumerate(self.layers):
            g = blocks_or_graph[i] if isinstance(blocks_or_graph, (list, tuple)) else blocks_or_graph
            h = layer(g, h)
            if i != len(self.layers) - 1:
                h = self.dropout(F.relu(h))
        return h


def _mask_ids(g: Any, name: str) -> torch.Tensor:
    if name not in g.ndata:
        raise DGLError(f"Node feature {name!r} (a split mask) is missing.")
    return torch.nonzero(g.ndata[name].bool()).squeeze(1).to(g.idtype)


def train_minibatch_node_classification(
    g: Any,
    num_classes: Optional[int] = None,
    feat_name: str = "feat",
    label_name: str = "label",
    train_mask: str = "train_mask",
    val_mask: str = "val_mask",
    test_mask: str = "test_mask",
    fanouts: Sequence[int] = (10, 10),
    hidden_feats: int = 64,
    aggregator_type: str = "mean",
    dropout: float = 0.5,
    lr: float = 0.01,
    weight_decay: float = 5e-4,
    epochs: int = 50,
    batch_size: int = 256,
    num_workers: int = 0,
    seed: Optional[int] = 0,
    verbose: bool = False,
) -> Dict[str, Any]:
    """Train a GraphSAGE model with neighbour-sampled mini-batches and report accuracies.

    The model with the best validation accuracy (evaluated on the whole graph after each
    epoch) is kept. Returns ``{'train_acc', 'val_acc', 'test_acc', 'epochs', 'model'}``.
    """
    from .. import random as _random
    from .dataloader import DataLoader
    from .neighbor_sampler import NeighborSampler

    if seed is not None:
        _random.seed(seed)
    for name in (feat_name, label_name):
        if name not in g.ndata:
            raise DGLError(f"Node feature {name!r} is missing.")
    x = g.ndata[feat_name].float()
    y = g.ndata[label_name].long()
    if num_classes is None:
        num_classes = int(y.max()) + 1
    train_ids, val_ids, test_ids = (_mask_ids(g, m) for m in (train_mask, val_mask, test_mask))
    model = SAGE(x.shape[1], hidden_feats, num_classes, len(fanouts), aggregator_type, dropout)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    sampler = NeighborSampler(list(fanouts))
    loader = DataLoader(g, train_ids, sampler, batch_size=batch_size, shuffle=True, num_workers=num_workers)

    def evaluate() -> Dict[str, float]:
        model.eval()
        with torch.no_grad():
            pred = model(g, x).argmax(1)
        model.train()
        return {k: float((pred[ids.long()] == y[ids.long()]).float().mean()) if ids.numel() else float("nan")
                for k, ids in (("train_acc", train_ids), ("val_acc", val_ids), ("test_acc", test_ids))}

    best: Dict[str, float] = {"val_acc": -1.0}
    best_state = None
    for epoch in range(int(epochs)):
        model.train()
        total = 0.0
        for input_nodes, output_nodes, blocks in loader:
            logits = model(blocks, x[input_nodes.long()])
            loss = F.cross_entropy(logits, y[output_nodes.long()])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach())
        acc = evaluate()
        if acc["val_acc"] > best["val_acc"]:
            best, best_state = acc, copy.deepcopy(model.state_dict())
        if verbose:
            print(f"epoch {epoch:3d} loss {total:.4f} train {acc['train_acc']:.4f} "
                  f"val {acc['val_acc']:.4f} test {acc['test_acc']:.4f}")
    if best_state is not None:
        model.load_state_dict(best_state)
    return {**best, "epochs": int(epochs), "model": model}
