"""CPU backend: hands zero-copy NumPy views of torch tensors to the numba kernels."""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import torch

from . import _numba_kernels as K
from ._bcast import broadcast_offsets

__all__ = ["spmm_sum", "spmm_copy_scaled", "spmm_extreme", "sddmm", "edge_softmax", "edge_softmax_backward"]

_OPS = {"copy": 0, "add": 1, "mul": 2, "dot": 3}
_TARGETS = {"u": 0, "e": 1, "v": 2}
_EMPTY = np.zeros(0, dtype=np.int64)
_EMPTY_2D = {torch.float32: np.zeros((0, 0), dtype=np.float32), torch.float64: np.zeros((0, 0), dtype=np.float64)}

Shape = Tuple[int, ...]


def _flat(x: torch.Tensor) -> np.ndarray:
    """Contiguous 2-D (rows x features) NumPy view of ``x``, copying only when needed."""
    width = 1
    for s in x.shape[1:]:
        width *= int(s)
    x = x.detach()
    if not x.is_contiguous():
        if x.numel() and all(st == 0 for st in x.stride()):
            x = torch.full(x.shape, x.reshape(-1)[0].item(), dtype=x.dtype)  # an expanded scalar
        else:
            x = x.contiguous()
    return x.reshape(x.shape[0], width).numpy()


def _plan(op: str, a: torch.Tensor, ta: str, b: Optional[torch.Tensor], tb: str, out_shape: Shape):
    """Kernel arguments for ``op(a, b)``: operands, codes, broadcast mode and offsets."""
    sa = tuple(a.shape[1:])
    if b is None or op == "copy":
        mode = 0 if sa == tuple(out_shape) else 2
        loff = _EMPTY if mode == 0 else broadcast_offsets("copy", sa, tuple(out_shape))[0]
        fa = _flat(a)
        return fa, _TARGETS[ta], fa, _TARGETS[ta], 0, mode, loff, _EMPTY, 1
    sb = tuple(b.shape[1:])
    if op in ("add", "mul") and sb == tuple(out_shape) and sa != sb:
        a, ta, b, tb, sa, sb = b, tb, a, ta, sb, sa  # put the per-row scalar on the right
    fa, fb = _flat(a), _flat(b)
    if op == "dot":
        mode = 0 if sa == sb else 2
    elif sa == sb:
        mode = 0
    elif sa == tuple(out_shape) and fb.shape[1] == 1:
        mode = 1
    elif op in ("add", "mul") and sa == tuple(out_shape) and len(sb) >= 2 and sb == sa[:-1] + (1,):
        mode = 3
    else:
        mode = 2
    if mode == 2:
        loff, roff, red = broadcast_offsets(op, sa, sb)
    else:
        loff, roff, red = _EMPTY, _EMPTY, (sa[-1] if op == "dot" else 1)
    return fa, _TARGETS[ta], fb, _TARGETS[tb], _OPS[op], mode, loff, roff, int(red)


def _width(shape: Shape) -> int:
    return int(np.prod(shape)) if len(shape) else 1


def spmm_sum(ptr, col, eid, a, ta, b, tb, op, num_rows, out_shape):
    out = torch.empty((num_rows, _width(out_shape)), dtype=a.dtype)
    fa, ta_, fb, tb_, opc, mode, loff, roff, red = _plan(op, a, ta, b, tb, out_shape)
    K.spmm_sum_kernel(ptr.numpy(), col.numpy(), eid.numpy(), fa, ta_, fb, tb_, opc, mode, loff, roff, red,
                      out.numpy())
    return out.reshape((num_rows,) + tuple(out_shape))


def _vector(x: Optional[torch.Tensor], dtype: torch.dtype) -> Tuple[np.ndarray, bool]:
    if x is None:
        return np.zeros(1, dtype=np.float32 if dtype == torch.float32 else np.float64), False
    return x.detach().to(dtype).contiguous().reshape(-1).numpy(), True


def spmm_copy_scaled(ptr, col, tptr, a, col_scale, row_scale, bias, col_mean, row_mean, num_rows):
    """``row_scale * (A @ (col_scale * a)) + bias`` for 2-D ``a``; every factor may be None.

    ``bias`` is one row (added to every output row) or one row per output row.

    ``row_mean`` divides each row by its number of entries, ``col_mean`` each column by its
    number of entries (read from ``tptr``, the transposed adjacency's offsets).
    """
    a = a.detach().contiguous()
    out = torch.empty((num_rows, a.shape[1]), dtype=a.dtype)
    cs, use_c = _vector(col_scale, a.dtype)
    rs, use_r = _vector(row_scale, a.dtype)
    if bias is None:
        bs, use_b = _EMPTY_2D[a.dtype], 0
    else:
        bs = bias.detach().to(a.dtype).contiguous().numpy()  # (1 or num_rows, width)
        use_b = 1 if bs.shape[0] == 1 else 2
    K.spmm_copy_scaled_kernel(ptr.numpy(), col.numpy(), a.numpy(), cs, use_c, rs, use_r, bs, use_b,
                              tptr.numpy() if col_mean else _EMPTY, col_mean, row_mean, out.numpy())
    return out


def spmm_extreme(ptr, col, eid, a, ta, b, tb, op, reduce_op, num_rows, out_shape):
    width = _width(out_shape)
    out = torch.zeros((num_rows, width), dtype=a.dtype)
    arg = torch.empty((num_rows, width), dtype=torch.int64)
    fa, ta_, fb, tb_, opc, mode, loff, roff, red = _plan(op, a, ta, b, tb, out_shape)
    K.spmm_extreme_kernel(ptr.numpy(), col.numpy(), eid.numpy(), fa, ta_, fb, tb_, opc, mode, loff, roff, red,
                          reduce_op == "max", out.numpy(), arg.numpy())
    shape = (num_rows,) + tuple(out_shape)
    return out.reshape(shape), arg.reshape(shape)


def sddmm(ptr, col, eid, a, ta, b, tb, op, num_edges, out_shape):
    out = torch.empty((num_edges, _width(out_shape)), dtype=a.dtype)
    fa, ta_, fb, tb_, opc, mode, loff, roff, red = _plan(op, a, ta, b, tb, out_shape)
    K.sddmm_kernel(ptr.numpy(), col.numpy(), eid.numpy(), fa, ta_, fb, tb_, opc, mode, loff, roff, red,
                   fa.dtype.type(0), out.numpy())
    return out.reshape((num_edges,) + tuple(out_shape))


#: Largest per-row table (rows x columns x item size) for which the forward edge softmax walks
#: edges in storage order: about a core's L2 cache.
_SOFTMAX_TABLE_BYTES = 512 * 1024


#: The storage-order softmax splits its entries into one chunk per this many entries, at most
#: :data:`_MAX_CHUNKS` chunks. The count depends on the sizes alone, never on the thread count:
#: each chunk sums its rows separately and the partial sums are merged, so a different split
#: would round differently and a result would change with the number of threads.
_ENTRIES_PER_CHUNK = 1 << 19
_MAX_CHUNKS = 4


def _chunks(num_entries: int, num_groups: int, heads: int) -> int:
    """Chunks for the storage-order softmax, or 0 when its per-chunk tables would be too big.

    A function of the sizes only (see :data:`_ENTRIES_PER_CHUNK`); up to that many threads share
    the work.
    """
    n = max(1, min(_MAX_CHUNKS, num_entries // _ENTRIES_PER_CHUNK))
    return n if n * num_groups <= max(num_entries, 1) else 0


def edge_softmax(ptr, eid, group, x):
    """Row softmax of the 2-D contiguous ``x`` (entries x columns); ``group[e]`` is e's row."""
    out = torch.empty_like(x)
    # Storage order only while a per-row table fits in a core's L2 cache: beyond it, its three
    # passes of scattered table updates cost more than the row kernel's one gather and one
    # scatter (2.1M random edges onto 100k rows, 4 columns: 218 against 345 ms of CPU; 1 column,
    # a 400 KB table: 85 against 99 ms; 400k edges onto 20k rows, 4 columns, 1 thread: 16 against 24).
    small = (ptr.shape[0] - 1) * x.shape[1] * x.element_size() <= _SOFTMAX_TABLE_BYTES
    nchunks = _chunks(x.shape[0], ptr.shape[0] - 1, x.shape[1]) if small else 0
    if nchunks:
        K.edge_softmax_by_edge_kernel(group.numpy(), ptr.shape[0] - 1, nchunks, x.detach().numpy(), out.numpy())
    else:
        K.edge_softmax_kernel(ptr.numpy(), eid.numpy(), x.detach().numpy(), out.numpy())
    return out


def edge_softmax_backward(ptr, eid, group, y, g):
    """Gradient of :func:`edge_softmax` for 2-D contiguous ``y`` (its output) and ``g``."""
    out = torch.empty_like(y)
    nchunks = _chunks(y.shape[0], ptr.shape[0] - 1, y.shape[1])
    if nchunks:
        K.edge_softmax_backward_by_edge_kernel(group.numpy(), ptr.shape[0] - 1, nchunks, y.detach().numpy(),
                                               g.detach().numpy(), out.numpy())
    else:
        K.edge_softmax_backward_kernel(ptr.numpy(), eid.numpy(), y.detach().numpy(), g.detach().numpy(),
                                       out.numpy())
    return out
