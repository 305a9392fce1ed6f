"""Device-agnostic backend written with torch gather / scatter operations.

It materialises the per-entry messages, so it needs more memory than the CPU kernels; it is
used on every device other than the CPU, and on the CPU when asked for (tests run both).
"""
from __future__ import annotations

from typing import Optional, Tuple

import torch

__all__ = ["spmm_sum", "spmm_copy_scaled", "spmm_extreme", "sddmm", "edge_softmax", "edge_softmax_backward", "entry_rows"]

Shape = Tuple[int, ...]


def entry_rows(ptr: torch.Tensor) -> torch.Tensor:
    """Row of every stored entry of a compressed matrix (int64)."""
    num_rows = ptr.shape[0] - 1
    counts = (ptr[1:] - ptr[:-1]).long()
    return torch.repeat_interleave(torch.arange(num_rows, device=ptr.device), counts)


def _index(target: str, col: torch.Tensor, eid: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    if target == "u":
        return col.long()
    if target == "e":
        return eid.long()
    return rows


def _messages(ptr, col, eid, a, ta, b: Optional[torch.Tensor], tb, op, out_shape) -> torch.Tensor:
    rows = entry_rows(ptr)
    xa = a[_index(ta, col, eid, rows)]
    if op == "copy" or b is None:
        msg = xa
    else:
        xb = b[_index(tb, col, eid, rows)]
        if op == "add":
            msg = xa + xb
        elif op == "mul":
            msg = xa * xb
        else:
            msg = (xa * xb).sum(-1, keepdim=True)
    return msg.expand((rows.shape[0],) + tuple(out_shape))


def spmm_sum(ptr, col, eid, a, ta, b, tb, op, num_rows, out_shape):
    msg = _messages(ptr, col, eid, a, ta, b, tb, op, out_shape)
    out = torch.zeros((num_rows,) + tuple(out_shape), dtype=a.dtype, device=a.device)
    return out.index_add_(0, entry_rows(ptr), msg)


def _inverse_counts(ptr: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return (ptr[1:] - ptr[:-1]).clamp(min=1).to(dtype).reciprocal()


def spmm_copy_scaled(ptr, col, tptr, a, col_scale, row_scale, bias, col_mean, row_mean, num_rows):
    """``row_scale * (A @ (col_scale * a)) + bias`` for 2-D ``a``; every factor may be None.

    ``bias`` is one row (added to every output row) or one row per output row.

    ``row_mean`` divides each row by its number of entries, ``col_mean`` each column by its
    number of entries (read from ``tptr``, the transposed adjacency's offsets).
    """
    if col_mean:
        inv = _inverse_counts(tptr, a.dtype)
        col_scale = inv if col_scale is None else col_scale.to(a.dtype) * inv
    if row_mean:
        inv = _inverse_counts(ptr, a.dtype)
        row_scale = inv if row_scale is None else row_scale.to(a.dtype) * inv
    if col_scale is not None:
        a = a * col_scale.to(a.dtype)[:, None]
    out = torch.zeros((num_rows, a.shape[1]), dtype=a.dtype, device=a.device)
    out.index_add_(0, entry_rows(ptr), a[col.long()])
    if row_scale is not None:
        out = out * row_scale.to(a.dtype)[:, None]
    if bias is not None:
        out = out + bias.to(a.dtype)
    return out


def spmm_extreme(ptr, col, eid, a, ta, b, tb, op, reduce_op, num_rows, out_shape):
    width = 1
    for s in out_shape:
        width *= int(s)
    msg = _messages(ptr, col, eid, a, ta, b, tb, op, out_shape).reshape(col.shape[0], width)
    rows = entry_rows(ptr)
    fill = float("-inf") if reduce_op == "max" else float("inf")
    out = torch.full((num_rows, width), fill, dtype=a.dtype, device=a.device)
    index = rows[:, None].expand(-1, width)
    out.scatter_reduce_(0, index, msg, "amax" if reduce_op == "max" else "amin", include_self=True)
    pos = torch.arange(col.shape[0], device=a.device)[:, None].expand(-1, width)
    best = torch.where(msg == out[rows], pos, col.shape[0])
    arg = torch.full((num_rows, width), col.shape[0], dtype=torch.int64, device=a.device)
    arg.scatter_reduce_(0, index, best, "amin", include_self=True)
    empty = (ptr[1:] == ptr[:-1])[:, None]
    out = torch.where(empty, torch.zeros((), dtype=a.dtype, device=a.device), out)
    arg = torch.where(empty | (arg == col.shape[0]), -1, arg)
    shape = (num_rows,) + tuple(out_shape)
    return out.reshape(shape), arg.reshape(shape)


def sddmm(ptr, col, eid, a, ta, b, tb, op, num_edges, out_shape):
    msg = _messages(ptr, col, eid, a, ta, b, tb, op, out_shape)
    out = torch.empty((num_edges,) + tuple(out_shape), dtype=a.dtype, device=a.device)
    out[eid.long()] = msg
    return out


def edge_softmax(ptr, eid, group, x):
    """Row softmax of the 2-D ``x`` (entries x columns)."""
    rows = entry_rows(ptr)
    e = eid.long()
    width = x.shape[1]
    xk = x[e]
    num_rows = ptr.shape[0] - 1
    index = rows[:, None].expand(-1, width)
    top = torch.full((num_rows, width), float("-inf"), dtype=x.dtype, device=x.device)
    top.scatter_reduce_(0, index, xk, "amax", include_self=True)
    ex = torch.exp(xk - top[rows])
    total = torch.zeros((num_rows, width), dtype=x.dtype, device=x.device).index_add_(0, rows, ex)
    out = torch.zeros_like(x)
    out[e] = ex / total[rows]
    return out


def edge_softmax_backward(ptr, eid, group, y, g):
    rows = entry_rows(ptr)
    e = eid.long()
    yk = y[e]
    gk = g[e]
    num_rows = ptr.shape[0] - 1
    s = torch.zeros((num_rows, yk.shape[1]), dtype=y.dtype, device=y.device).index_add_(0, rows, yk * gk)
    out = torch.zeros_like(y)
    out[e] = yk * (gk - s[rows])
    return out
