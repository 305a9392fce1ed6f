"""Built-in message and reduce functions (``import graphdl.function as fn``)."""
from __future__ import annotations

from .base import BuiltinFunction, MessageFunction, ReduceFunction
from .message import *  # noqa: F401,F403
from .message import __all__ as _message_all
from .reducer import *  # noqa: F401,F403
from .reducer import __all__ as _reducer_all

__all__ = ["BuiltinFunction", "MessageFunction", "ReduceFunction"] + _message_all + _reducer_all
