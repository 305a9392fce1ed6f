"""Descriptions of built-in message and reduce functions.

Built-ins compute nothing: they name an operation and the fields it reads and writes.
``graphdl._graph.message_passing`` lowers them to the kernels of :mod:`graphdl.ops`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

__all__ = ["BuiltinFunction", "MessageFunction", "ReduceFunction", "TARGET_NAMES", "BINARY_OPS"]

#: Readable names of the three places a feature may live.
TARGET_NAMES = {"u": "source node", "v": "destination node", "e": "edge"}
#: Binary operators a message may apply.
BINARY_OPS = ("add", "sub", "mul", "div", "dot")


class BuiltinFunction:
    """Base class of every built-in function."""

    name: str


@dataclass(frozen=True)
class MessageFunction(BuiltinFunction):
    """An edge-wise message ``out = lhs_target.lhs_field <op> rhs_target.rhs_field``.

    ``op`` is ``"copy"`` (then only the lhs is read) or one of :data:`BINARY_OPS`.
    Targets are ``"u"`` (source node), ``"v"`` (destination node) or ``"e"`` (edge).
    """

    op: str
    lhs_target: str
    lhs_field: str
    out_field: str
    rhs_target: Optional[str] = None
    rhs_field: Optional[str] = None

    @property
    def name(self) -> str:  # type: ignore[override]
        if self.op == "copy":
            return f"copy_{self.lhs_target}"
        return f"{self.lhs_target}_{self.op}_{self.rhs_target}"

    @property
    def out(self) -> str:
        return self.out_field


@dataclass(frozen=True)
class ReduceFunction(BuiltinFunction):
    """A reduction of the messages ``msg_field`` arriving at each node into ``out_field``.

    ``reduce_op`` is one of ``"sum"``, ``"max"``, ``"min"``, ``"mean"``.
    """

    reduce_op: str
    msg_field: str
    out_field: str

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.reduce_op

    @property
    def msg(self) -> str:
        return self.msg_field

    @property
    def out(self) -> str:
        return self.out_field
