"""Operators on consecutive segments of rows, and per-segment / per-row matrix products."""
from __future__ import annotations

from typing import Optional

import torch
from torch import Tensor

from ..base import DGLError
from ._topology import segment_topology
from .edge_softmax import row_softmax
from .spmm import spmm

__all__ = ["segment_reduce", "segment_softmax", "segment_mm", "gather_mm"]


def segment_reduce(seglen: Tensor, value: Tensor, reducer: str = "sum") -> Tensor:
    """Reduce each segment of consecutive rows of ``value``.

    Parameters
    ----------
    seglen
        ``(B,)`` segment lengths summing to ``value.shape[0]``.
    value
        ``(N, *)`` rows to reduce.
    reducer
        ``"sum"``, ``"max"``, ``"min"`` or ``"mean"``; empty segments give zeros.

    Returns
    -------
    Tensor
        ``(B, *)`` tensor.
    """
    if reducer not in ("sum", "max", "min", "mean"):
        raise DGLError(f"Unknown reducer {reducer!r}; expected sum, max, min or mean.")
    topo = segment_topology(torch.as_tensor(seglen, device=value.device), value.shape[0])
    return spmm(topo, "copy", reducer, value, "e")


def segment_softmax(seglen: Tensor, value: Tensor) -> Tensor:
    """Softmax over the rows of each segment of ``value`` (``(N, *)``, per column)."""
    topo = segment_topology(torch.as_tensor(seglen, device=value.device), value.shape[0])
    group = torch.repeat_interleave(torch.arange(topo.num_rows, device=value.device), topo.ptr.diff())
    return row_softmax(topo.ptr, topo.eid, group, value)


def segment_mm(a: Tensor, b: Tensor, seglen_a: Tensor) -> Tensor:
    """Multiply the ``i``-th segment of rows of ``a`` by the matrix ``b[i]``.

    Parameters
    ----------
    a
        ``(N, D1)``.
    b
        ``(R, D1, D2)``.
    seglen_a
        ``(R,)`` lengths summing to ``N``.

    Returns
    -------
    Tensor
        ``(N, D2)`` tensor.
    """
    if a.dim() != 2 or b.dim() != 3:
        raise DGLError(
            f"segment_mm expects a (N, D1) and b (R, D1, D2), got {tuple(a.shape)}, {tuple(b.shape)}."
        )
    lengths = [int(n) for n in torch.as_tensor(seglen_a).tolist()]
    if len(lengths) != b.shape[0] or sum(lengths) != a.shape[0]:
        raise DGLError(
            f"seglen_a {lengths} must have {b.shape[0]} entries summing to a's {a.shape[0]} rows."
        )
    if a.shape[1] != b.shape[1]:
        raise DGLError(f"a has {a.shape[1]} columns but b's matrices have {b.shape[1]} rows.")
    parts = [part @ b[i] for i, part in enumerate(torch.split(a, lengths))]
    if not parts:
        return a.new_zeros((0, b.shape[2]))
    return torch.cat(parts, 0)


def gather_mm(a: Tensor, b: Tensor, *, idx_b: Optional[Tensor] = None) -> Tensor:
    """Row-wise product with gathered matrices: ``out[i] = a[i] @ b[idx_b[i]]``.

    Rows are grouped by matrix so each matrix is used in one dense product.

    Parameters
    ----------
    a
        ``(N, D1)``.
    b
        ``(R, D1, D2)``.
    idx_b
        ``(N,)`` matrix index of every row.

    Returns
    -------
    Tensor
        ``(N, D2)`` tensor.
    """
    if idx_b is None:
        if b.shape[0] != a.shape[0]:
            raise DGLError("gather_mm without idx_b needs one matrix per row of a.")
        return torch.bmm(a.unsqueeze(1), b).squeeze(1)
    idx = torch.as_tensor(idx_b, device=a.device).long()
    if idx.shape[0] != a.shape[0]:
        raise DGLError(f"idx_b has {idx.shape[0]} entries but a has {a.shape[0]} rows.")
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= b.shape[0]):
        raise DGLError(f"idx_b holds {int(idx.max())} but b has only {b.shape[0]} matrices.")
    order = torch.argsort(idx, stable=True)
    counts = torch.bincount(idx, minlength=b.shape[0])
    out_sorted = segment_mm(a[order], b, counts)
    out = torch.empty_like(out_sorted)
    out[order] = out_sorted
    return out
