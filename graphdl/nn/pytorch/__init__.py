"""``graphdl.nn.pytorch``: the same modules as :mod:`graphdl.nn`, under DGL's import path."""
from .. import *  # noqa: F401,F403
from .. import __all__ as _all

__all__ = list(_all)
