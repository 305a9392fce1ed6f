"""``graphdl train``: node classification on a citation graph, full-graph or mini-batch.

The models come from :mod:`graphdl.models` and the epoch loop from :mod:`graphdl.training`;
this module maps the command's options onto them and writes the outputs (checkpoint,
``metrics.json``, training curve).
"""
from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any, Callable, Dict, List

import torch

from .. import random as graph_random
from ..models import MINIBATCH_MODELS, MODELS, build_model
from ..training import (
    FitResult,
    fit,
    full_graph_evaluator,
    full_graph_step,
    minibatch_evaluator,
    minibatch_step,
    with_self_loops,
)
from ._command import Command, CommandError
from .config import NODE_DATASETS, device, resolve_train_options
from .plotting import plot_history
from .. import dataloading
from ..data import CiteseerGraphDataset, CoraGraphDataset, PubmedGraphDataset
from ..workflows.cli import cmd_train_task

__all__ = ["COMMAND", "train_full_graph", "train_minibatch", "model_for_options"]


def add_arguments(train: argparse.ArgumentParser) -> None:
    train.add_argument("--dataset", help=f"one of {', '.join(NODE_DATASETS)} (default cora)")
    train.add_argument("--model", help=f"one of {', '.join(MODELS)} (default gcn)")
    train.add_argument("--epochs", type=int, help="training epochs (default 200)")
    train.add_argument("--lr", type=float, help="learning rate (default 0.01)")
    train.add_argument("--hidden", type=int, help="hidden size (default 16)")
    train.add_argument("--dropout", type=float, help="dropout rate (default 0.5)")
    train.add_argument("--weight-decay", dest="weight_decay", type=float, help="L2 penalty (default 5e-4)")
    train.add_argument("--device", help="cpu, cuda, cuda:N or auto (default auto)")
    train.add_argument("--seed", type=int, help="random seed (default 0)")
    train.add_argument("--out", help="output folder (default ./runs/<dataset>-<model>)")
    train.add_argument("--config", help="YAML file with any of the keys above")
    train.add_argument("--minibatch", action="store_true", default=None,
                       help="train on sampled neighbourhoods (graphdl.dataloading)")
    train.add_argument("--batch-size", dest="batch_size", type=int, help="seed nodes per mini-batch (default 1024)")
    train.add_argument("--fanouts", help="neighbours sampled per layer, e.g. 10,10")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    from ..workflows.cli import add_train_options  # --task / --graph / --resume

    add_train_options(train)


def model_for_options(opts: Dict[str, Any], in_feats: int, n_classes: int) -> torch.nn.Module:
    """The model ``--model`` names, sized by ``--hidden`` and ``--dropout``."""
    name, hidden, p = opts["model"], opts["hidden"], opts["dropout"]
    kwargs: Dict[str, Any] = {
        "gcn": {"hidden": hidden, "dropout": p},
        "sage": {"hidden": hidden, "dropout": p},
        "gat": {"hidden": hidden, "feat_drop": p, "attn_drop": p},
        "appnp": {"hidden": hidden, "dropout": p, "edge_drop": 0.0},
        "sgc": {},
    }[name]
    return build_model(name, in_feats, n_classes, **kwargs)


def _seed_everything(seed: int) -> None:
    """Seed torch, NumPy and graphdl's own generator (used by the samplers)."""
    import numpy as np

    torch.manual_seed(seed)
    np.random.seed(seed)
    graph_random.seed(seed)


def _load_node_dataset(name: str):
    cls = {"cora": CoraGraphDataset, "citeseer": CiteseerGraphDataset, "pubmed": PubmedGraphDataset}[name]
    return cls(verbose=False)


def _progress(opts: Dict[str, Any], quiet: bool, desc: str):
    """A tqdm bar and the ``on_epoch`` callback that advances it."""
    from tqdm import tqdm  # only the command shows progress

    bar = tqdm(total=opts["epochs"], desc=desc, disable=quiet, leave=True)

    def on_epoch(epoch: int, history: Dict[str, List[float]]) -> None:
        bar.update(1)
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", val_acc=f"{history['val_acc'][-1]:.4f}")

    return bar, on_epoch


def train_full_graph(opts: Dict[str, Any], quiet: bool = False) -> Dict[str, Any]:
    """Full-graph training; returns the metrics dict (also written to ``metrics.json``)."""
    _seed_everything(opts["seed"])
    dev = device(opts["device"])
    dataset = _load_node_dataset(opts["dataset"])
    g = with_self_loops(dataset[0]).to(dev)
    feat, label = g.ndata["feat"], g.ndata["label"]
    masks = {s: g.ndata[f"{s}_mask"].bool() for s in ("train", "val", "test")}
    model = model_for_options(opts, feat.shape[1], dataset.num_classes).to(dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=opts["lr"], weight_decay=opts["weight_decay"])
    bar, on_epoch = _progress(opts, quiet, f"{opts['model']} on {opts['dataset']}")
    start = time.time()
    result = fit(model, full_graph_step(model, optimizer, g, feat, label, masks["train"]),
                 full_graph_evaluator(model, g, feat, label, masks), opts["epochs"], on_epoch=on_epoch)
    bar.close()
    return _finish(opts, model, result, time.time() - start)


def train_minibatch(opts: Dict[str, Any], quiet: bool = False) -> Dict[str, Any]:
    """Neighbour-sampled training with :class:`~graphdl.dataloading.NeighborSampler` and
    :class:`~graphdl.dataloading.DataLoader`; seeds are the training nodes, and every epoch
    also evaluates on sampled neighbourhoods."""

    if opts["model"] not in MINIBATCH_MODELS:
        raise CommandError(f"the {opts['model']} model does not support --minibatch; "
                           f"use {', '.join(MINIBATCH_MODELS[:-1])} or {MINIBATCH_MODELS[-1]}")
    try:
        fanouts = [int(x) for x in str(opts["fanouts"]).split(",")]
    except ValueError as err:
        raise CommandError(f"--fanouts must be comma-separated integers, got {opts['fanouts']!r}") from err
    if len(fanouts) != 2:
        raise CommandError("--fanouts needs one value per layer (two layers)")
    _seed_everything(opts["seed"])
    dev = device(opts["device"])
    dataset = _load_node_dataset(opts["dataset"])
    g = with_self_loops(dataset[0])
    ids = {s: torch.nonzero(g.ndata[f"{s}_mask"].bool()).squeeze(1) for s in ("train", "val", "test")}
    model = model_for_options(opts, g.ndata["feat"].shape[1], dataset.num_classes).to(dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=opts["lr"], weight_decay=opts["weight_decay"])
    sampler = dataloading.NeighborSampler(fanouts)

    def loader(split: str, shuffle: bool) -> Callable[[], Any]:
        return lambda: dataloading.DataLoader(g, ids[split], sampler, batch_size=opts["batch_size"],
                                              shuffle=shuffle, drop_last=False, device=dev)

    bar, on_epoch = _progress(opts, quiet, f"{opts['model']} on {opts['dataset']} (mini-batch)")
    start = time.time()
    result = fit(model, minibatch_step(model, optimizer, loader("train", True)()),
                 minibatch_evaluator(model, {s: loader(s, False) for s in ids}), opts["epochs"],
                 on_epoch=on_epoch)
    bar.close()
    return _finish(opts, model, result, time.time() - start)


def _finish(opts: Dict[str, Any], model: torch.nn.Module, result: FitResult, elapsed: float) -> Dict[str, Any]:
    """Write the checkpoint, metrics and training curve into ``opts['out']``."""
    out = opts["out"]
    history = result.history
    os.makedirs(out, exist_ok=True)
    paths = {
        "checkpoint": os.path.join(out, "model.pt"),
        "metrics": os.path.join(out, "metrics.json"),
        "curve": os.path.join(out, "curve.png"),
    }
    torch.save({"model": opts["model"], "state_dict": model.state_dict(), "options": opts}, paths["checkpoint"])
    vals = history["val_acc"]
    metrics = {
        "options": opts,
        "test_acc": result.test_acc,
        "final_val_acc": vals[-1] if vals else None,
        "best_val_acc": vals[result.best_epoch] if vals else None,
        "best_epoch": result.best_epoch,
        "train_seconds": elapsed,
        "history": history,
        "paths": paths,
    }
    with open(paths["metrics"], "w") as f:
        json.dump(metrics, f, indent=2)
    plot_history(history, paths["curve"], f"{opts['model']} on {opts['dataset']}")
    return metrics


def run(args: argparse.Namespace) -> int:
    if getattr(args, "task", None):  # a workflow task on a constructed graph

        return cmd_train_task(args)
    opts = resolve_train_options(args)
    os.makedirs(opts["out"], exist_ok=True)  # fail before training, not after
    runner = train_minibatch if opts["minibatch"] else train_full_graph
    metrics = runner(opts, quiet=args.quiet)
    print(f"Test accuracy: {metrics['test_acc']:.4f} (best validation {metrics['best_val_acc']:.4f} "
          f"at epoch {metrics['best_epoch'] + 1}, {metrics['train_seconds']:.1f} s)")
    for what, path in metrics["paths"].items():
        print(f"Saved {what}: {path}")
    return 0


COMMAND = Command("train", "train a node classifier on a citation graph", add_arguments, run)
