"""What every subcommand is made of: its registration record, the one-line error type, the parser."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable

__all__ = ["Command", "CommandError", "Parser"]


class CommandError(Exception):
    """A problem with the command line or its inputs, reported as one line."""


class Parser(argparse.ArgumentParser):
    """An argument parser that reports a bad command line as :class:`CommandError`."""

    def error(self, message: str) -> None:  # one line, no usage dump
        raise CommandError(message)


@dataclass(frozen=True)
class Command:
    """One ``graphdl`` subcommand.

    Attributes
    ----------
    name : str
        The word after ``graphdl``.
    help : str
        One line for ``graphdl --help``.
    add_arguments : callable
        ``add_arguments(parser)`` declares the subcommand's options.
    run : callable
        ``run(args)`` does the work and returns the exit status.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
