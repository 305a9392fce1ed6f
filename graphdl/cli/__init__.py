"""The ``graphdl`` command: train a model, list data sets, describe graph files.

Examples::

    graphdl train                                  # 2-layer GCN on Cora, like DGL's example
    graphdl train --dataset citeseer --model gat --epochs 100
    graphdl train --config run.yaml                # YAML with the same keys as the options
    graphdl datasets
    graphdl info graphs.bin

Bad arguments print one line starting with ``graphdl: error:`` and exit with status 2.

Layout, one module per job:

* ``_command`` — :class:`Command` (name, help, ``add_arguments``, ``run``), the one-line
  :class:`CommandError` and the parser that raises it;
* ``config`` — ``graphdl train``'s defaults, YAML config file and validation;
* ``train`` — ``graphdl train`` (models from :mod:`graphdl.models`, the loop from
  :mod:`graphdl.training`);
* ``plotting`` — the training curve;
* ``inspect`` — ``graphdl datasets`` and ``graphdl info``.

Adding a subcommand: write ``graphdl/cli/<name>.py`` defining
``COMMAND = Command("<name>", "<one line of help>", add_arguments, run)`` and append it to
:data:`SUBCOMMANDS` below. That tuple is the only place subcommands are registered:
:func:`build_parser` and :func:`main` read it.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence, Tuple

from ._command import Command, CommandError, Parser
from .config import MODELS, NODE_DATASETS, TRAIN_DEFAULTS
from .inspect import DATASETS_COMMAND, INFO_COMMAND
from .train import COMMAND as TRAIN_COMMAND
from .. import __version__
from ..base import DGLError

__all__ = ["main", "build_parser", "SUBCOMMANDS", "Command", "CommandError", "TRAIN_DEFAULTS", "MODELS",
           "NODE_DATASETS"]

SUBCOMMANDS: Tuple[Command, ...] = (TRAIN_COMMAND, DATASETS_COMMAND, INFO_COMMAND)
"""Every ``graphdl`` subcommand, in the order ``graphdl --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``graphdl`` command, one sub-parser per :data:`SUBCOMMANDS` entry."""
    parser = Parser(prog="graphdl", description="Graph deep learning on PyTorch (DGL-compatible).")
    parser.add_argument("--version", action="version", version=f"graphdl {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for command in SUBCOMMANDS:
        command.add_arguments(sub.add_parser(command.name, help=command.help))
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``graphdl`` console script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        handler = {c.name: c.run for c in SUBCOMMANDS}[args.command]
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
