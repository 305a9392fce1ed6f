"""The ``graphdl`` command: train a model, list data sets, describe graph files.

Examples::

    graphdl train                                  # 2-layer GCN on Cora, like DGL's example
    graphdl train --dataset citeseer --model gat --epochs 100
    graphdl train --config run.yaml                # YAML with the same keys as the options
    graphdl datasets
    graphdl info graphs.bin

Bad arguments print one line starting with ``graphdl: error:`` and exit with status 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

__all__ = ["main", "build_parser", "TRAIN_DEFAULTS", "MODELS", "NODE_DATASETS"]

MODELS = ("gcn", "sage", "gat", "appnp", "sgc")
NODE_DATASETS = ("cora", "citeseer", "pubmed")

# Defaults follow DGL's GCN example on Cora.
TRAIN_DEFAULTS: Dict[str, Any] = {
    "dataset": "cora",
    "model": "gcn",
    "epochs": 200,
    "lr": 0.01,
    "hidden": 16,
    "dropout": 0.5,
    "weight_decay": 5e-4,
    "device": "auto",
    "seed": 0,
    "out": None,
    "minibatch": False,
    "batch_size": 1024,
    "fanouts": "10,10",
}
_TYPES: Dict[str, Callable[[Any], Any]] = {
    "dataset": str, "model": str, "epochs": int, "lr": float, "hidden": int, "dropout": float,
    "weight_decay": float, "device": str, "seed": int, "out": str, "minibatch": bool,
    "batch_size": int, "fanouts": str,
}


class CommandError(Exception):
    """A problem with the command line or its inputs, reported as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise CommandError(message)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="graphdl", description="Graph deep learning on PyTorch (DGL-compatible).")
    parser.add_argument("--version", action="version", version=f"graphdl {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    train = sub.add_parser("train", help="train a node classifier on a citation graph")
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
                       help="train on sampled neighbourhoods (needs graphdl.dataloading)")
    train.add_argument("--batch-size", dest="batch_size", type=int, help="seed nodes per mini-batch (default 1024)")
    train.add_argument("--fanouts", help="neighbours sampled per layer, e.g. 10,10")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    from .workflows import cli as _workflows_cli  # construct / train --task / predict / embed

    _workflows_cli.add_train_options(train)
    _workflows_cli.add_subcommands(sub)
    sub.add_parser("datasets", help="list the data sets and whether they are available offline")
    info = sub.add_parser("info", help="describe a file written by save_graphs or save_tensors")
    info.add_argument("file", help="path of the graph file")
    return parser


# ----------------------------------------------------------------------------- configuration


def _load_config(path: str) -> Dict[str, Any]:
    import yaml

    if not os.path.isfile(path):
        raise CommandError(f"config file {path} does not exist")
    try:
        with open(path) as f:
            data = yaml.safe_load(f) or {}
    except yaml.YAMLError as err:
        raise CommandError(f"config file {path} is not valid YAML ({str(err).splitlines()[0]})") from err
    if not isinstance(data, dict):
        raise CommandError(f"config file {path} must hold a mapping of option names to values")
    out = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in _TYPES:
            raise CommandError(f"unknown key {key!r} in {path}; known keys: {', '.join(sorted(_TYPES))}")
        try:
            out[name] = _TYPES[name](value) if value is not None else None
        except (TypeError, ValueError) as err:
            raise CommandError(f"bad value {value!r} for {key!r} in {path}") from err
    return out


def resolve_train_options(args: argparse.Namespace) -> Dict[str, Any]:
    """Defaults, then the config file, then options given on the command line."""
    opts = dict(TRAIN_DEFAULTS)
    if args.config:
        opts.update(_load_config(args.config))
    for key in TRAIN_DEFAULTS:
        value = getattr(args, key, None)
        if value is not None:
            opts[key] = value
    if opts["dataset"] not in NODE_DATASETS:
        raise CommandError(f"unknown dataset {opts['dataset']!r}; choose one of {', '.join(NODE_DATASETS)}")
    if opts["model"] not in MODELS:
        raise CommandError(f"unknown model {opts['model']!r}; choose one of {', '.join(MODELS)}")
    for key in ("epochs", "hidden", "batch_size"):
        if opts[key] <= 0:
            raise CommandError(f"--{key.replace('_', '-')} must be positive, got {opts[key]}")
    if not 0 <= opts["dropout"] < 1:
        raise CommandError(f"--dropout must be in [0, 1), got {opts['dropout']}")
    if opts["lr"] <= 0:
        raise CommandError(f"--lr must be positive, got {opts['lr']}")
    if opts["out"] is None:
        opts["out"] = os.path.join("runs", f"{opts['dataset']}-{opts['model']}")
    return opts


def _device(name: str):
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as err:
        raise CommandError(f"unknown device {name!r}") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise CommandError(f"device {name!r} requested but CUDA is not available")
    return device


# ----------------------------------------------------------------------------- models


def build_model(name: str, in_feats: int, hidden: int, num_classes: int, dropout: float):
    """The five node classifiers, shaped like DGL's examples."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    from . import nn as gnn

    class TwoLayer(nn.Module):
        """Two graph layers with dropout before each (GCN, GraphSAGE, SGC head)."""

        def __init__(self, first: nn.Module, second: nn.Module, input_dropout: bool) -> None:
            super().__init__()
            self.layers = nn.ModuleList([first, second])
            self.dropout = nn.Dropout(dropout)
            self.input_dropout = input_dropout

        def forward(self, g, h):
            blocks = g if isinstance(g, (list, tuple)) else [g, g]
            for i, layer in enumerate(self.layers):
                if i > 0 or self.input_dropout:
                    h = self.dropout(h)
                h = layer(blocks[i], h)
                if i == 0:
                    h = F.relu(h)
            return h

    class GAT(nn.Module):
        """Eight heads of ``hidden`` units, then one averaging output head (DGL's GAT example)."""

        def __init__(self, heads: int = 8) -> None:
            super().__init__()
            self.layers = nn.ModuleList([
                gnn.GATConv(in_feats, hidden, heads, feat_drop=dropout, attn_drop=dropout, activation=F.elu),
                gnn.GATConv(hidden * heads, num_classes, 1, feat_drop=dropout, attn_drop=dropout),
            ])

        def forward(self, g, h):
            blocks = g if isinstance(g, (list, tuple)) else [g, g]
            h = self.layers[0](blocks[0], h).flatten(1)
            return self.layers[1](blocks[1], h).mean(1)

    class APPNP(nn.Module):
        """An MLP whose predictions are propagated by personalised PageRank (k=10, alpha=0.1)."""

        def __init__(self) -> None:
            super().__init__()
            self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_feats, hidden), nn.ReLU(),
                                     nn.Dropout(dropout), nn.Linear(hidden, num_classes))
            self.propagate = gnn.APPNPConv(10, 0.1)

        def forward(self, g, h):
            if isinstance(g, (list, tuple)):
                raise CommandError("the appnp model does not support --minibatch")
            return self.propagate(g, self.mlp(h))

    class SGC(nn.Module):
        """A linear classifier over features propagated twice (cached, as in DGL's example)."""

        def __init__(self) -> None:
            super().__init__()
            self.conv = gnn.SGConv(in_feats, num_classes, k=2, cached=True, bias=True)

        def forward(self, g, h):
            if isinstance(g, (list, tuple)):
                raise CommandError("the sgc model does not support --minibatch")
            return self.conv(g, h)

    if name == "gcn":
        return TwoLayer(gnn.GraphConv(in_feats, hidden), gnn.GraphConv(hidden, num_classes), False)
    if name == "sage":
        return TwoLayer(gnn.SAGEConv(in_feats, hidden, "gcn"), gnn.SAGEConv(hidden, num_classes, "gcn"), True)
    if name == "gat":
        return GAT()
    if name == "appnp":
        return APPNP()
    if name == "sgc":
        return SGC()
    raise CommandError(f"unknown model {name!r}")  # resolve_train_options checks first


def _load_node_dataset(name: str):
    from .data import CiteseerGraphDataset, CoraGraphDataset, PubmedGraphDataset

    cls = {"cora": CoraGraphDataset, "citeseer": CiteseerGraphDataset, "pubmed": PubmedGraphDataset}[name]
    return cls(verbose=False)


def _prepare_graph(g):
    """Drop then add self-loops so every node has exactly one (as DGL's examples do)."""
    import torch

    from .convert import graph

    u, v = g.edges()
    keep = u != v
    loops = torch.arange(g.num_nodes(), dtype=u.dtype, device=u.device)
    out = graph((torch.cat([u[keep], loops]), torch.cat([v[keep], loops])), num_nodes=g.num_nodes(),
                idtype=g.idtype, device=g.device)
    for key, value in g.ndata.items():
        out.ndata[key] = value
    return out


# ----------------------------------------------------------------------------- training


def _seed_everything(seed: int) -> None:
    """Seed torch, NumPy and graphdl's own generator (used by the samplers)."""
    import numpy as np
    import torch

    from . import random as graph_random

    torch.manual_seed(seed)
    np.random.seed(seed)
    graph_random.seed(seed)


def _accuracy(logits, labels) -> float:
    if labels.numel() == 0:
        return 0.0
    return float((logits.argmax(1) == labels).float().mean())


def train_full_graph(opts: Dict[str, Any], quiet: bool = False) -> Dict[str, Any]:
    """Full-graph training; returns the metrics dict (also written to ``metrics.json``)."""
    import torch
    import torch.nn.functional as F
    from tqdm import tqdm

    _seed_everything(opts["seed"])
    device = _device(opts["device"])
    dataset = _load_node_dataset(opts["dataset"])
    g = _prepare_graph(dataset[0]).to(device)
    feat, label = g.ndata["feat"], g.ndata["label"]
    masks = {s: g.ndata[f"{s}_mask"].bool() for s in ("train", "val", "test")}
    model = build_model(opts["model"], feat.shape[1], opts["hidden"], dataset.num_classes, opts["dropout"]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=opts["lr"], weight_decay=opts["weight_decay"])
    history: Dict[str, List[float]] = {"loss": [], "train_acc": [], "val_acc": []}
    bar = tqdm(range(opts["epochs"]), desc=f"{opts['model']} on {opts['dataset']}", disable=quiet, leave=True)
    start = time.time()
    for _ in bar:
        model.train()
        logits = model(g, feat)
        loss = F.cross_entropy(logits[masks["train"]], label[masks["train"]])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            logits = model(g, feat)
        history["loss"].append(float(loss.detach()))
        history["train_acc"].append(_accuracy(logits[masks["train"]], label[masks["train"]]))
        history["val_acc"].append(_accuracy(logits[masks["val"]], label[masks["val"]]))
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", val_acc=f"{history['val_acc'][-1]:.4f}")
    elapsed = time.time() - start
    model.eval()
    with torch.no_grad():
        logits = model(g, feat)
    test_acc = _accuracy(logits[masks["test"]], label[masks["test"]])
    return _finish(opts, model, history, test_acc, elapsed)


def train_minibatch(opts: Dict[str, Any], quiet: bool = False) -> Dict[str, Any]:
    """Neighbour-sampled training with ``graphdl.dataloading.NeighborSampler`` and ``DataLoader``.

    Seeds are the training nodes; every epoch also evaluates on sampled neighbourhoods.
    Fails with one clear line when the installed ``graphdl.dataloading`` lacks those names.
    """
    from . import dataloading

    if not (hasattr(dataloading, "NeighborSampler") and hasattr(dataloading, "DataLoader")):
        raise CommandError("--minibatch needs graphdl.dataloading.NeighborSampler and DataLoader, "
                           "which this installation does not provide")
    return _train_sampled(opts, quiet, dataloading)


def _train_sampled(opts: Dict[str, Any], quiet: bool, dataloading) -> Dict[str, Any]:
    import torch
    import torch.nn.functional as F
    from tqdm import tqdm

    if opts["model"] not in ("gcn", "sage", "gat"):
        raise CommandError(f"the {opts['model']} model does not support --minibatch; use gcn, sage or gat")
    try:
        fanouts = [int(x) for x in str(opts["fanouts"]).split(",")]
    except ValueError as err:
        raise CommandError(f"--fanouts must be comma-separated integers, got {opts['fanouts']!r}") from err
    if len(fanouts) != 2:
        raise CommandError("--fanouts needs one value per layer (two layers)")
    _seed_everything(opts["seed"])
    device = _device(opts["device"])
    dataset = _load_node_dataset(opts["dataset"])
    g = _prepare_graph(dataset[0])
    in_feats = g.ndata["feat"].shape[1]
    ids = {s: torch.nonzero(g.ndata[f"{s}_mask"].bool()).squeeze(1) for s in ("train", "val", "test")}
    model = build_model(opts["model"], in_feats, opts["hidden"], dataset.num_classes, opts["dropout"]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=opts["lr"], weight_decay=opts["weight_decay"])
    sampler = dataloading.NeighborSampler(fanouts)

    def loader(nids, shuffle):
        return dataloading.DataLoader(g, nids, sampler, batch_size=opts["batch_size"], shuffle=shuffle,
                                      drop_last=False, device=device)

    def evaluate(nids) -> float:
        model.eval()
        correct = 0
        with torch.no_grad():
            for _, _, blocks in loader(nids, False):
                out = model(blocks, blocks[0].srcdata["feat"])
                correct += int((out.argmax(1) == blocks[-1].dstdata["label"]).sum())
        return correct / max(1, nids.numel())

    history: Dict[str, List[float]] = {"loss": [], "train_acc": [], "val_acc": []}
    bar = tqdm(range(opts["epochs"]), desc=f"{opts['model']} on {opts['dataset']} (mini-batch)", disable=quiet)
    start = time.time()
    for _ in bar:
        model.train()
        total, count = 0.0, 0
        for _, _, blocks in loader(ids["train"], True):
            out = model(blocks, blocks[0].srcdata["feat"])
            loss = F.cross_entropy(out, blocks[-1].dstdata["label"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * out.shape[0]
            count += out.shape[0]
        history["loss"].append(total / max(1, count))
        history["train_acc"].append(evaluate(ids["train"]))
        history["val_acc"].append(evaluate(ids["val"]))
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", val_acc=f"{history['val_acc'][-1]:.4f}")
    elapsed = time.time() - start
    return _finish(opts, model, history, evaluate(ids["test"]), elapsed)


def _finish(opts: Dict[str, Any], model, history: Dict[str, List[float]], test_acc: float,
            elapsed: float) -> Dict[str, Any]:
    """Write the checkpoint, metrics and training curve into ``opts['out']``."""
    import torch

    out = opts["out"]
    os.makedirs(out, exist_ok=True)
    paths = {
        "checkpoint": os.path.join(out, "model.pt"),
        "metrics": os.path.join(out, "metrics.json"),
        "curve": os.path.join(out, "curve.png"),
    }
    torch.save({"model": opts["model"], "state_dict": model.state_dict(), "options": opts}, paths["checkpoint"])
    best = max(range(len(history["val_acc"])), key=lambda i: history["val_acc"][i]) if history["val_acc"] else 0
    metrics = {
        "options": opts,
        "test_acc": test_acc,
        "final_val_acc": history["val_acc"][-1] if history["val_acc"] else None,
        "best_val_acc": history["val_acc"][best] if history["val_acc"] else None,
        "best_epoch": best,
        "train_seconds": elapsed,
        "history": history,
        "paths": paths,
    }
    with open(paths["metrics"], "w") as f:
        json.dump(metrics, f, indent=2)
    _plot(history, paths["curve"], f"{opts['model']} on {opts['dataset']}")
    return metrics


def _plot(history: Dict[str, List[float]], path: str, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax_loss = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(history["loss"]) + 1)
    ax_loss.plot(epochs, history["loss"], color="tab:red", label="training loss")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss")
    ax_acc = ax_loss.twinx()
    ax_acc.plot(epochs, history["train_acc"], color="tab:green", label="train accuracy")
    ax_acc.plot(epochs, history["val_acc"], color="tab:blue", label="validation accuracy")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1)
    lines = ax_loss.get_lines() + ax_acc.get_lines()
    ax_loss.legend(lines, [line.get_label() for line in lines], loc="center right")
    ax_loss.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ----------------------------------------------------------------------------- commands


def cmd_train(args: argparse.Namespace) -> int:
    if getattr(args, "task", None):
        from .workflows.cli import cmd_train_task

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


def cmd_datasets(args: argparse.Namespace) -> int:
    from .data.catalog import catalog

    rows = catalog()
    header = ("name", "graphs", "nodes", "edges", "classes", "offline")
    table = [header] + [
        (r["name"], str(r["graphs"]), str(r["nodes"]), str(r["edges"]), str(r["classes"]),
         r["offline"]) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def _describe_tensor(name: str, value) -> str:
    return f"{name}: shape {tuple(value.shape)}, {str(value.dtype).replace('torch.', '')}"


def cmd_info(args: argparse.Namespace) -> int:
    from .data._binary import TENSOR_FILE_MAGIC
    from .data.graph_serialize import load_graphs

    path = args.file
    if not os.path.exists(path):
        raise CommandError(f"file {path} does not exist")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a folder, not a graph file")
    with open(path, "rb") as f:
        head = f.read(8)
    if len(head) == 8 and int.from_bytes(head, "little") == TENSOR_FILE_MAGIC:
        from .data.utils import load_tensors

        tensors = load_tensors(path)
        print(f"{path}: tensor file with {len(tensors)} tensor(s), {os.path.getsize(path)} bytes")
        for name, value in tensors.items():
            print(f"  {_describe_tensor(name, value)}")
        return 0
    graphs, labels = load_graphs(path)
    print(f"{path}: {len(graphs)} graph(s), {os.path.getsize(path)} bytes")
    if labels:
        print("labels:")
        for name, value in labels.items():
            print(f"  {_describe_tensor(name, value)}")
    shown = graphs[:5]
    for i, g in enumerate(shown):
        print(f"graph {i}: id type {str(g.idtype).replace('torch.', '')}, "
              f"{g.num_nodes()} nodes, {g.num_edges()} edges")
        for nt in g.ntypes:
            print(f"  node type {nt!r}: {g.num_nodes(nt)} nodes")
            for name, value in g.nodes[nt].data.items():
                print(f"    {_describe_tensor(name, value)}")
        for cet in g.canonical_etypes:
            print(f"  edge type {cet}: {g.num_edges(cet)} edges")
            for name, value in g.edges[cet].data.items():
                print(f"    {_describe_tensor(name, value)}")
    if len(graphs) > len(shown):
        rest = graphs[len(shown):]
        print(f"... and {len(rest)} more graph(s) with {sum(g.num_nodes() for g in rest)} nodes and "
              f"{sum(g.num_edges() for g in rest)} edges in all")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``graphdl`` console script; returns the exit status."""
    from .base import DGLError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        from .workflows.cli import HANDLERS as _workflow_handlers

        handler = {"train": cmd_train, "datasets": cmd_datasets, "info": cmd_info,
                   **_workflow_handlers}[args.command]
        return handler(args)
    except (CommandError, DGLError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"graphdl: error: {message}", file=sys.stderr)
        return 2
    except OSError as err:  # unreadable input, unwritable output folder, full disk
        print(f"graphdl: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("graphdl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
