"""Node classification training: the one epoch loop, its model-selection rules and evaluators.

``graphdl train``, ``examples/node_classification.py``, ``examples/minibatch_sage.py`` and
:func:`train_minibatch_node_classification` all train through :func:`fit`. A run is three
pieces:

* a *step*, which trains for one epoch and returns the training loss
  (:func:`full_graph_step` or :func:`minibatch_step`);
* an *evaluator*, which maps split names (``"train"``, ``"val"``, ``"test"``) to
  ``(accuracy, loss)`` (:func:`full_graph_evaluator` or :func:`minibatch_evaluator`);
* a *selection rule*, which says which epoch's test accuracy is reported:

  - ``"last"``: the model after the final epoch;
  - ``"best_val_acc"``: the weights of the epoch with the highest validation accuracy are
    restored (the first such epoch);
  - ``"gat"``: the GAT paper's rule: stop once neither the validation accuracy nor the
    validation loss has improved for ``patience`` epochs, and report the test accuracy of the
    last epoch that improved both at once.

This module sits above :mod:`graphdl.models` and :mod:`graphdl.dataloading`; nothing in the
library below imports it.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from . import random as _random
from .base import DGLError
from .convert import graph as _graph
from .dataloading.dataloader import DataLoader
from .dataloading.neighbor_sampler import NeighborSampler
from .models import SAGE

__all__ = [
    "FitResult",
    "fit",
    "full_graph_step",
    "full_graph_evaluator",
    "minibatch_step",
    "minibatch_evaluator",
    "split_ids",
    "with_self_loops",
    "train_minibatch_node_classification",
]

SPLITS = ("train", "val", "test")
Evaluator = Callable[[Sequence[str]], Dict[str, Tuple[float, float]]]


@dataclass
class FitResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    test_acc : float
        Test accuracy chosen by the selection rule.
    history : dict
        Per epoch: ``loss`` (training), ``train_acc``, ``val_acc`` and ``val_loss``.
    best_epoch : int
        The epoch (from 0) with the highest validation accuracy.
    epochs : int
        Epochs run (fewer than asked when the ``"gat"`` rule stopped early).
    """

    test_acc: float
    history: Dict[str, List[float]] = field(default_factory=dict)
    best_epoch: int = 0
    epochs: int = 0


def fit(
    model: torch.nn.Module,
    step: Callable[[], float],
    evaluate: Evaluator,
    epochs: int,
    selection: str = "last",
    patience: int = 100,
    on_epoch: Optional[Callable[[int, Dict[str, List[float]]], None]] = None,
) -> FitResult:
    """Train ``model`` for up to ``epochs`` epochs and report a test accuracy.

    Parameters
    ----------
    model : torch.nn.Module
        The model; :func:`fit` switches it between training and evaluation mode.
    step : callable
        Trains one epoch, returns the training loss.
    evaluate : callable
        ``evaluate(splits)`` returns ``{split: (accuracy, loss)}``; it is called in evaluation
        mode under ``torch.no_grad()``.
    epochs : int
        Epoch budget.
    selection : str
        ``"last"``, ``"best_val_acc"`` or ``"gat"`` (see the module docstring).
    patience : int
        Epochs without improvement before the ``"gat"`` rule stops (default 100).
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, history)`` after every epoch (a progress bar, say).

    Returns
    -------
    FitResult
    """
    if selection not in ("last", "best_val_acc", "gat"):
        raise DGLError(f"selection must be 'last', 'best_val_acc' or 'gat', got {selection!r}.")
    history: Dict[str, List[float]] = {"loss": [], "train_acc": [], "val_acc": [], "val_loss": []}
    per_epoch = SPLITS if selection == "gat" else ("train", "val")
    best_acc, best_loss, waited = -1.0, float("inf"), 0
    best_state: Optional[Dict[str, Any]] = None
    gat_test = 0.0
    epoch = -1
    for epoch in range(int(epochs)):
        model.train()
        history["loss"].append(float(step()))
        model.eval()
        with torch.no_grad():
            res = evaluate(per_epoch)
        (train_acc, _), (val_acc, val_loss) = res["train"], res["val"]
        history["train_acc"].append(train_acc)
        history["val_acc"].append(val_acc)
        history["val_loss"].append(val_loss)
        if on_epoch is not None:
            on_epoch(epoch, history)
        if selection == "best_val_acc":
            if val_acc > best_acc:
                best_acc, best_state = val_acc, copy.deepcopy(model.state_dict())
        elif selection == "gat":
            if val_acc >= best_acc or val_loss <= best_loss:
                if val_acc >= best_acc and val_loss <= best_loss:
                    gat_test = res["test"][0]
                best_acc, best_loss, waited = max(best_acc, val_acc), min(best_loss, val_loss), 0
            else:
                waited += 1
                if waited >= patience:
                    break
    if selection == "best_val_acc" and best_state is not None:
        model.load_state_dict(best_state)
    if selection == "gat":
        test_acc = gat_test
    else:
        model.eval()
        with torch.no_grad():
            test_acc = evaluate(("test",))["test"][0]
    vals = history["val_acc"]
    best_epoch = max(range(len(vals)), key=vals.__getitem__) if vals else 0
    return FitResult(test_acc, history, best_epoch, epoch + 1)


def _acc_loss(logits: torch.Tensor, labels: torch.Tensor) -> Tuple[float, float]:
    if labels.numel() == 0:
        return 0.0, float("nan")
    acc = float((logits.argmax(1) == labels).float().mean())
    return acc, float(F.cross_entropy(logits, labels))


def full_graph_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, g: Any, x: torch.Tensor,
                    labels: torch.Tensor, train_mask: torch.Tensor) -> Callable[[], float]:
    """One full-graph gradient step per epoch on the nodes of ``train_mask``."""
    def step() -> float:
        loss = F.cross_entropy(model(g, x)[train_mask], labels[train_mask])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    return step


def full_graph_evaluator(model: torch.nn.Module, g: Any, x: torch.Tensor, labels: torch.Tensor,
                         masks: Mapping[str, torch.Tensor]) -> Evaluator:
    """Accuracy and loss of every asked split from one forward pass over the whole graph."""
    def evaluate(splits: Sequence[str]) -> Dict[str, Tuple[float, float]]:
        logits = model(g, x)
        return {s: _acc_loss(logits[masks[s]], labels[masks[s]]) for s in splits}

    return evaluate


def minibatch_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, loader: Any,
                   feat: str = "feat", label: str = "label") -> Callable[[], float]:
    """One pass over ``loader`` (a :class:`~graphdl.dataloading.DataLoader` of blocks); the
    features and labels are read from the first block's sources and last block's destinations.
    Returns the mean loss per seed node."""
    def step() -> float:
        total, count = 0.0, 0
        for _, _, blocks in loader:
            out = model(blocks, blocks[0].srcdata[feat])
            loss = F.cross_entropy(out, blocks[-1].dstdata[label])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * out.shape[0]
            count += out.shape[0]
        return total / max(1, count)

    return step


def minibatch_evaluator(model: torch.nn.Module, loaders: Mapping[str, Callable[[], Any]],
                        feat: str = "feat", label: str = "label") -> Evaluator:
    """Accuracy and loss of each split over sampled neighbourhoods; ``loaders[split]()`` makes
    that split's data loader."""
    def evaluate(splits: Sequence[str]) -> Dict[str, Tuple[float, float]]:
        out = {}
        for s in splits:
            logits, labels = [], []
            for _, _, blocks in loaders[s]():
                logits.append(model(blocks, blocks[0].srcdata[feat]))
                labels.append(blocks[-1].dstdata[label])
            if logits:
                out[s] = _acc_loss(torch.cat(logits), torch.cat(labels))
            else:
                out[s] = (0.0, float("nan"))
        return out

    return evaluate


def split_ids(g: Any, masks: Sequence[str] = ("train_mask", "val_mask", "test_mask")) -> List[torch.Tensor]:
    """Node ids of each boolean split mask in ``g.ndata``, in ``g``'s id type."""
    out = []
    for name in masks:
        if name not in g.ndata:
            raise DGLError(f"Node feature {name!r} (a split mask) is missing.")
        out.append(torch.nonzero(g.ndata[name].bool()).squeeze(1).to(g.idtype))
    return out


def with_self_loops(g: Any) -> Any:
    """The same nodes and node features with every self-loop removed and then one added per node
    (as the citation-graph examples prepare their graphs)."""
    u, v = g.edges()
    keep = u != v
    loops = torch.arange(g.num_nodes(), dtype=u.dtype, device=u.device)
    out = _graph((torch.cat([u[keep], loops]), torch.cat([v[keep], loops])), num_nodes=g.num_nodes(),
                 idtype=g.idtype, device=g.device)
    for key, value in g.ndata.items():
        out.ndata[key] = value
    return out


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

    The weights with the best validation accuracy (evaluated on the whole graph after each
    epoch) are kept.

    Parameters
    ----------
    g : DGLGraph
        A homogeneous graph with node features, labels and boolean split masks in ``g.ndata``.
    num_classes : int, optional
        Number of classes (default: the largest label plus one).
    feat_name, label_name, train_mask, val_mask, test_mask : str
        Names of the node features used.
    fanouts : sequence of int
        Neighbours sampled per layer; its length is the number of layers.
    hidden_feats, aggregator_type, dropout : see :class:`graphdl.models.SAGE`.
    lr, weight_decay : float
        Adam's settings.
    epochs, batch_size, num_workers : int
        Training length, seed nodes per mini-batch, data loader workers.
    seed : int, optional
        Seeds graphdl's random generator (sampling) when given.
    verbose : bool
        Print one line per epoch.

    Returns
    -------
    dict
        ``{'train_acc', 'val_acc', 'test_acc', 'epochs', 'model'}``.

    Examples
    --------
    >>> from graphdl.training import train_minibatch_node_classification
    >>> out = train_minibatch_node_classification(g, epochs=5)  # doctest: +SKIP
    >>> out["test_acc"]  # doctest: +SKIP
    """
    if seed is not None:
        _random.seed(seed)
    for name in (feat_name, label_name):
        if name not in g.ndata:
            raise DGLError(f"Node feature {name!r} is missing.")
    x = g.ndata[feat_name].float()
    y = g.ndata[label_name].long()
    if num_classes is None:
        num_classes = int(y.max()) + 1
    ids = dict(zip(SPLITS, split_ids(g, (train_mask, val_mask, test_mask))))
    model = SAGE(x.shape[1], hidden_feats, num_classes, len(fanouts), aggregator_type, dropout)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    loader = DataLoader(g, ids["train"], NeighborSampler(list(fanouts)), batch_size=batch_size,
                        shuffle=True, num_workers=num_workers)

    def step() -> float:
        total = 0.0
        for input_nodes, output_nodes, blocks in loader:
            loss = F.cross_entropy(model(blocks, x[input_nodes.long()]), y[output_nodes.long()])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach())
        return total

    masks = {s: i.long() for s, i in ids.items()}
    evaluate = full_graph_evaluator(model, g, x, y, masks)

    def report(epoch: int, history: Dict[str, List[float]]) -> None:
        if verbose:
            print(f"epoch {epoch:3d} loss {history['loss'][-1]:.4f} train {history['train_acc'][-1]:.4f} "
                  f"val {history['val_acc'][-1]:.4f}")

    fit(model, step, evaluate, epochs, selection="best_val_acc", on_epoch=report)
    model.eval()
    with torch.no_grad():
        acc = {f"{s}_acc": a for s, (a, _) in evaluate(SPLITS).items()}
    return {**acc, "epochs": int(epochs), "model": model}
