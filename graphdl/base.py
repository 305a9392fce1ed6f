"""Names shared across the package: the error type, reserved field names and helpers."""
from __future__ import annotations

import warnings
from typing import Any

__all__ = ["DGLError", "DGLWarning", "ALL", "NID", "EID", "NTYPE", "ETYPE", "is_all", "dgl_warning",
           "is_internal_column", "use_libxsmm", "is_libxsmm_enabled"]


class DGLError(Exception):
    """The error graphdl raises for invalid input (bad ids, unknown types, bad shapes, bad files)."""


class DGLWarning(UserWarning):
    """The warning graphdl gives when it adjusts valid but unusual input (``k`` larger than a point set, say)."""


class _AllType:
    """Sentinel meaning "every node" or "every edge"."""

    _instance = None

    def __new__(cls) -> "_AllType":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ALL"

    def __reduce__(self) -> str:
        return "ALL"


ALL = _AllType()

NID = "_ID"
EID = "_ID"
NTYPE = "_TYPE"
ETYPE = "_TYPE"


def is_internal_column(name: str) -> bool:
    """True for the feature names graphdl itself writes (``dgl.NID``, ``dgl.ETYPE`` ...)."""
    return name in (NID, EID, NTYPE, ETYPE)


def is_all(arg: Any) -> bool:
    """True when ``arg`` stands for every node or edge (``ALL`` or a slice over everything)."""
    return arg is ALL or (isinstance(arg, slice) and arg == slice(None, None, None))


def dgl_warning(message: str, category: type = UserWarning, stacklevel: int = 2) -> None:
    warnings.warn(message, category, stacklevel=stacklevel + 1)


_libxsmm = {"enabled": True}


def use_libxsmm(flag: bool) -> None:
    """Record whether CPU kernels may use libxsmm (DGL's switch for its C++ CPU kernels).

    graphdl's CPU kernels are numba code and never call libxsmm, so the flag changes no
    result and no speed; it is kept so that DGL code setting it runs unchanged, and
    :func:`is_libxsmm_enabled` reads it back.

    Parameters
    ----------
    flag : bool
        The value to record.
    """
    _libxsmm["enabled"] = bool(flag)


def is_libxsmm_enabled() -> bool:
    """The flag last given to :func:`use_libxsmm` (``True`` until it is called).

    Returns
    -------
    bool
    """
    return _libxsmm["enabled"]
