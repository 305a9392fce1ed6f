"""The workflow subcommands of ``graphdl``: ``construct``, ``train --task``, ``predict``, ``embed``.

``add_subcommands(subparsers)`` registers ``construct``, ``predict`` and ``embed``;
``add_train_options(train_parser)`` adds ``--task``, ``--graph`` and ``--resume`` to the
existing ``train`` command, and ``graphdl train`` hands over to :func:`cmd_train_task` when
``--task`` is given (plain ``graphdl train`` keeps its citation-graph behaviour).

Examples::

    graphdl construct movielens.json --output ml-graph
    graphdl train --task link-prediction --graph ml-graph --config train.yaml --out run
    graphdl predict --graph ml-graph --model run --output top10.parquet --top-k 10
    graphdl embed --graph ml-graph --model run --output emb.parquet --ntype movie
"""
from __future__ import annotations

import argparse
import json
from typing import Any, Callable, Dict

from ..base import DGLError
from .construct import construct_graph
from .predict import embed, predict
from .train import TASKS, load_train_config, train

__all__ = ["add_subcommands", "add_train_options", "cmd_construct", "cmd_train_task", "cmd_predict",
           "cmd_embed", "HANDLERS", "commands"]


_HELP = {"construct": "build a graph from CSV/Parquet tables (GraphStorm gconstruct JSON)",
         "predict": "write predictions (or top-k recommendations) of a trained model",
         "embed": "write node embeddings of a trained model"}


def add_subcommands(sub: Any) -> None:
    """Register ``construct``, ``predict`` and ``embed`` on an argparse subparsers object."""
    for name in ("construct", "predict", "embed"):
        _ADD[name](sub.add_parser(name, help=_HELP[name]))


def _construct_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("config", help="gconstruct JSON file")
    c.add_argument("--output", required=True, help="output folder (replaced when construction succeeds)")
    c.add_argument("--add-reverse-edges", dest="add_reverse_edges", action="store_true", default=None,
                   help="add <relation>-rev edges")
    c.add_argument("--seed", type=int, default=0, help="seed of random label splits")
    c.add_argument("--quiet", action="store_true", help="no progress bars")


def _model_arguments(p: argparse.ArgumentParser, name: str) -> None:
    if True:
        p.add_argument("--graph", required=True, help="folder written by graphdl construct")
        p.add_argument("--model", required=True, help="model.pt or the training output folder")
        p.add_argument("--output", required=True, help=".parquet or .csv file")
        if name == "predict":
            p.add_argument("--top-k", dest="top_k", type=int, default=10, help="link prediction: items per user")
            p.add_argument("--batch-size", dest="batch_size", type=int, default=512, help="users scored at once")
            p.add_argument("--new-nodes", dest="new_nodes", nargs="+", default=None,
                           help="node tasks: score these new rows of the target type (CSV/Parquet) "
                                "through the saved feature transforms")
        else:
            p.add_argument("--ntype", help="node type (default: all, one file each)")


def add_train_options(parser: argparse.ArgumentParser) -> None:
    """Options that turn ``graphdl train`` into a workflow task on a constructed graph."""
    parser.add_argument("--task", choices=TASKS, help="train this task on a constructed graph (--graph)")
    parser.add_argument("--graph", help="folder written by graphdl construct (with --task)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt (with --task)")


def cmd_construct(args: argparse.Namespace) -> int:
    summary = construct_graph(args.config, args.output, add_reverse_edges=args.add_reverse_edges,
                              seed=args.seed, progress=not args.quiet)
    counts = ", ".join(f"{nt} {s['count']}" for nt, s in summary["nodes"].items())
    edges = ", ".join(f"{et} {s['count']}" for et, s in summary["edges"].items())
    print(f"Constructed {args.output}: nodes {counts}; edges {edges} ({summary['seconds']:.1f} s)")
    for d in summary["dropped_edges"]:
        print(f"  dropped {d['count']} edge(s) with unknown endpoints from {d['file']}")
    return 0


def cmd_train_task(args: argparse.Namespace) -> int:
    opts = load_train_config(args.config)
    graph = args.graph or opts.get("graph")
    if not graph:
        raise DGLError("--task needs --graph FOLDER (written by graphdl construct) or 'graph:' in the config")
    for key in ("epochs", "lr", "hidden", "seed", "device", "batch_size", "dropout", "weight_decay"):
        value = getattr(args, key, None)
        if value is not None:
            opts[key] = value
    if getattr(args, "minibatch", None):
        opts["minibatch"] = True
    metrics = train(graph, args.task, opts, args.out or opts.get("out"), resume=args.resume,
                    quiet=getattr(args, "quiet", False))
    test = {k: round(v, 4) for k, v in metrics["test"].items() if isinstance(v, float)}
    print(f"Test: {json.dumps(test)} (best validation {metrics['val_metric']} {metrics['best_val']:.4f} "
          f"at epoch {metrics['best_epoch']}, {metrics['train_seconds']:.1f} s)")
    for what, path in metrics["paths"].items():
        print(f"Saved {what}: {path}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    print(f"Saved predictions: {predict(args.graph, args.model, args.output, top_k=args.top_k, batch_size=args.batch_size, new_nodes=getattr(args, 'new_nodes', None))}")
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    print(f"Saved embeddings: {embed(args.graph, args.model, args.output, args.ntype)}")
    return 0


_ADD: Dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "construct": _construct_arguments,
    "predict": lambda p: _model_arguments(p, "predict"),
    "embed": lambda p: _model_arguments(p, "embed"),
}
HANDLERS: Dict[str, Callable[[argparse.Namespace], int]] = {
    "construct": cmd_construct, "predict": cmd_predict, "embed": cmd_embed}


def commands():
    """The subcommands as :class:`graphdl.cli.Command` entries for ``graphdl.cli.SUBCOMMANDS``."""
    # deferred: import cycle graphdl.cli -> graphdl.cli.train -> graphdl.workflows.cli -> graphdl.cli
    # (graphdl.cli lists these subcommands; importing graphdl.cli._command runs graphdl/cli/__init__)
    from ..cli._command import Command

    return tuple(Command(name, _HELP[name], _ADD[name], HANDLERS[name]) for name in ("construct", "predict", "embed"))
