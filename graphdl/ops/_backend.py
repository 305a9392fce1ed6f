"""Choice of the kernel backend for a tensor.

CPU float32/float64 tensors use the numba kernels unless the environment variable
``GRAPHDL_KERNEL_BACKEND=torch`` or :func:`set_kernel_backend` asks for the torch backend;
every other device or dtype uses the torch backend. Nothing above ``graphdl.ops`` knows which ran.
"""
from __future__ import annotations

import contextlib
import os
from types import ModuleType
from typing import Iterator

import torch

from ..base import DGLError
from . import _numba_backend
from . import _torch_backend

__all__ = ["get_kernel_backend", "set_kernel_backend", "kernel_backend", "backend_for"]

_choice = os.environ.get("GRAPHDL_KERNEL_BACKEND", "auto").lower()
if _choice not in ("auto", "numba", "torch"):
    raise DGLError(f"GRAPHDL_KERNEL_BACKEND must be 'auto', 'numba' or 'torch', got {_choice!r}.")


def get_kernel_backend() -> str:
    """The requested backend: ``"auto"`` (numba on CPU), ``"numba"`` or ``"torch"``."""
    return _choice


def set_kernel_backend(name: str) -> None:
    """Request a backend for later kernel calls: ``"auto"``, ``"numba"`` or ``"torch"``."""
    global _choice
    if name not in ("auto", "numba", "torch"):
        raise DGLError(f"Unknown kernel backend {name!r}; expected 'auto', 'numba' or 'torch'.")
    _choice = name


@contextlib.contextmanager
def kernel_backend(name: str) -> Iterator[None]:
    """Use backend ``name`` inside a ``with`` block."""
    old = _choice
    set_kernel_backend(name)
    try:
        yield
    finally:
        set_kernel_backend(old)


def backend_for(x: torch.Tensor) -> ModuleType:
    """The backend module that computes on ``x``."""
    if _choice != "torch" and x.device.type == "cpu" and x.dtype in (torch.float32, torch.float64):
        return _numba_backend

    return _torch_backend
