"""Feature-shape rules shared by the sparse kernels.

Operands are broadcast NumPy-style over their feature dimensions (everything after the
first, row, dimension). ``dot`` reduces the last feature dimension and keeps it with size 1.
"""
from __future__ import annotations

import functools
from typing import Optional, Sequence, Tuple

import numpy as np
import torch

from ..base import DGLError

__all__ = ["pad_feature_dims", "out_feature_shape", "broadcast_offsets", "reduce_to_shape"]

Shape = Tuple[int, ...]


def pad_feature_dims(
    lhs: Optional[torch.Tensor], rhs: Optional[torch.Tensor]
) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
    """Give both operands the same number of dimensions by inserting size-1 dims after dim 0."""
    if lhs is None or rhs is None or lhs.dim() == rhs.dim():
        return lhs, rhs
    if lhs.dim() < rhs.dim():
        lhs = lhs.reshape((lhs.shape[0],) + (1,) * (rhs.dim() - lhs.dim()) + tuple(lhs.shape[1:]))
    else:
        rhs = rhs.reshape((rhs.shape[0],) + (1,) * (lhs.dim() - rhs.dim()) + tuple(rhs.shape[1:]))
    return lhs, rhs


def out_feature_shape(op: str, lhs_shape: Shape, rhs_shape: Optional[Shape]) -> Shape:
    """Feature shape of ``op(lhs, rhs)`` for feature shapes without the row dimension."""
    if op == "copy" or rhs_shape is None:
        return tuple(lhs_shape)
    if op == "dot" and (len(lhs_shape) == 0 or len(rhs_shape) == 0 or lhs_shape[-1] != rhs_shape[-1]):
        raise DGLError(
            f"dot needs equal last feature dimensions, got {tuple(lhs_shape)} and {tuple(rhs_shape)}."
        )
    try:
        shape = tuple(np.broadcast_shapes(tuple(lhs_shape), tuple(rhs_shape)))
    except ValueError:
        raise DGLError(
            f"Feature shapes {tuple(lhs_shape)} and {tuple(rhs_shape)} cannot be broadcast together."
        ) from None
    if op == "dot":
        shape = shape[:-1] + (1,)
    return shape


@functools.lru_cache(maxsize=256)
def broadcast_offsets(op: str, lhs_shape: Shape, rhs_shape: Shape) -> Tuple[np.ndarray, np.ndarray, int]:
    """Flat offsets of each output position into ``lhs`` and ``rhs``, and the dot length.

    For ``dot`` the offsets index blocks of the (shared) last dimension, whose length is
    returned as the third value (1 for other operators).
    """
    if op == "dot":
        red = int(lhs_shape[-1])
        lhs_shape, rhs_shape = tuple(lhs_shape[:-1]), tuple(rhs_shape[:-1])
    else:
        red = 1
    out = tuple(np.broadcast_shapes(lhs_shape, rhs_shape))
    loff = np.broadcast_to(np.arange(int(np.prod(lhs_shape)), dtype=np.int64).reshape(lhs_shape), out)
    roff = np.broadcast_to(np.arange(int(np.prod(rhs_shape)), dtype=np.int64).reshape(rhs_shape), out)
    return np.array(loff, copy=True).ravel(), np.array(roff, copy=True).ravel(), red


def reduce_to_shape(grad: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """Sum ``grad`` (rows first) over the feature dims that were broadcast to reach it."""
    shape = tuple(shape)
    if tuple(grad.shape[1:]) == shape[1:]:
        return grad
    feat = tuple(grad.shape[1:])
    target = (1,) * (len(feat) - (len(shape) - 1)) + shape[1:]
    dims = [i + 1 for i, (a, b) in enumerate(zip(feat, target)) if b == 1 and a != 1]
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad.reshape(shape)
