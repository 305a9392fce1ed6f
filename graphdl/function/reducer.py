"""Built-in reduce functions: ``sum``, ``max``, ``min`` and ``mean`` of the incoming messages.

Nodes without incoming messages receive zeros for every reducer.
"""
from __future__ import annotations

from .base import ReduceFunction

__all__ = ["sum", "max", "min", "mean"]


def sum(msg: str, out: str) -> ReduceFunction:  # noqa: A001
    """Sum the messages ``msg`` of each node's in-edges into ``out``."""
    return ReduceFunction("sum", msg, out)


def max(msg: str, out: str) -> ReduceFunction:  # noqa: A001
    """Element-wise maximum of the messages ``msg`` of each node's in-edges into ``out``."""
    return ReduceFunction("max", msg, out)


def min(msg: str, out: str) -> ReduceFunction:  # noqa: A001
    """Element-wise minimum of the messages ``msg`` of each node's in-edges into ``out``."""
    return ReduceFunction("min", msg, out)


def mean(msg: str, out: str) -> ReduceFunction:
    """Average of the messages ``msg`` of each node's in-edges into ``out``."""
    return ReduceFunction("mean", msg, out)
