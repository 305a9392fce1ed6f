r"""Sparse × sparse matrix product (SpGEMM) on the CPU, with gradients to both value arrays.

.. math::

    C = A B, \qquad \nabla_A = (\nabla_C B^\top) \odot \mathbb{1}_A, \qquad
    \nabla_B = (A^\top \nabla_C) \odot \mathbb{1}_B

The forward is Gustavson's row-by-row algorithm: a symbolic pass counts the distinct columns
of each output row, a numeric pass accumulates the products in a dense per-thread row and
writes them in the order the columns were first reached (not sorted, as in DGL; sorting
each row slowed the product down for no user of the result). Rows run in parallel chunks, each with its own dense
workspace of one row. Each gradient is a *sampled* product, evaluated only at the stored
entries of its operand: for the entries of row ``r`` of ``S`` load row ``r`` of ``P`` into the
workspace and take, for each entry ``(r, q)``, the dot product with row ``q`` of ``Q``; it costs
what the forward costs and never forms ``\nabla_C B^\top``.

Matrices arrive as CSR triples ``(indptr, indices, perm)`` with ``perm`` mapping CSR position
to storage position (``None``: identity); values are in storage order.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numba
import numpy as np
import torch

from .._numba import parallel_kernel

__all__ = ["spgemm"]

Compressed = Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]


@parallel_kernel(cache=True)
def _count_kernel(a_ptr, a_idx, b_ptr, b_idx, ncols, nchunks, counts):
    nrows = a_ptr.shape[0] - 1
    step = (nrows + nchunks - 1) // nchunks
    for c in numba.prange(nchunks):
        marker = np.full(ncols, -1, dtype=np.int64)
        for i in range(c * step, min(nrows, (c + 1) * step)):
            n = 0
            for p in range(np.int64(a_ptr[i]), np.int64(a_ptr[i + 1])):
                k = np.int64(a_idx[p])
                for q in range(np.int64(b_ptr[k]), np.int64(b_ptr[k + 1])):
                    j = np.int64(b_idx[q])
                    if marker[j] != i:
                        marker[j] = i
                        n += 1
            counts[i] = n


@parallel_kernel(cache=True)
def _fill_kernel(a_ptr, a_idx, a_val, b_ptr, b_idx, b_val, c_ptr, ncols, nchunks, c_idx, c_val):
    nrows = a_ptr.shape[0] - 1
    step = (nrows + nchunks - 1) // nchunks
    for c in numba.prange(nchunks):
        marker = np.full(ncols, -1, dtype=np.int64)
        acc = np.zeros(ncols, dtype=c_val.dtype)
        for i in range(c * step, min(nrows, (c + 1) * step)):
            start = np.int64(c_ptr[i])
            pos = start
            for p in range(np.int64(a_ptr[i]), np.int64(a_ptr[i + 1])):
                k = np.int64(a_idx[p])
                av = a_val[p]
                for q in range(np.int64(b_ptr[k]), np.int64(b_ptr[k + 1])):
                    j = np.int64(b_idx[q])
                    if marker[j] != i:
                        marker[j] = i
                        c_idx[pos] = j
                        pos += 1
                    acc[j] += av * b_val[q]
            for t in range(start, pos):
                j = np.int64(c_idx[t])
                c_val[t] = acc[j]
                acc[j] = 0


@parallel_kernel(cache=True)
def _sampled_kernel(s_ptr, s_idx, s_perm, p_ptr, p_idx, p_val, q_ptr, q_idx, q_val, width, nchunks, out):
    """``out[s_perm[s]] = <P[r, :], Q[s_idx[s], :]>`` for every entry ``s`` of row ``r`` of ``S``."""
    nrows = s_ptr.shape[0] - 1
    step = (nrows + nchunks - 1) // nchunks
    for c in numba.prange(nchunks):
        w = np.zeros(width, dtype=out.dtype)
        for r in range(c * step, min(nrows, (c + 1) * step)):
            if s_ptr[r] == s_ptr[r + 1]:
                continue
            for t in range(np.int64(p_ptr[r]), np.int64(p_ptr[r + 1])):
                w[np.int64(p_idx[t])] += p_val[t]
            for s in range(np.int64(s_ptr[r]), np.int64(s_ptr[r + 1])):
                q = np.int64(s_idx[s])
                acc = 0.0
                for t in range(np.int64(q_ptr[q]), np.int64(q_ptr[q + 1])):
                    acc += w[np.int64(q_idx[t])] * q_val[t]
                out[np.int64(s_perm[s])] = acc
            for t in range(np.int64(p_ptr[r]), np.int64(p_ptr[r + 1])):
                w[np.int64(p_idx[t])] = 0


def _chunks(nrows: int) -> int:
    return max(1, min(nrows, numba.get_num_threads() * 8))


def _perm(perm: Optional[torch.Tensor], n: int, dtype: torch.dtype) -> torch.Tensor:
    return torch.arange(n, dtype=dtype) if perm is None else perm


def _ordered(val: torch.Tensor, perm: Optional[torch.Tensor]) -> np.ndarray:
    v = val.detach()
    return (v if perm is None else v[perm.long()]).contiguous().numpy()


def _sampled(S: Compressed, P: Tuple[torch.Tensor, torch.Tensor, np.ndarray],
             Q: Tuple[torch.Tensor, torch.Tensor, np.ndarray], width: int, nnz: int, dtype: torch.dtype) -> torch.Tensor:
    out = torch.zeros(nnz, dtype=dtype)
    s_ptr, s_idx, s_perm = S
    s_perm = _perm(s_perm, s_idx.shape[0], s_idx.dtype)
    _sampled_kernel(s_ptr.numpy(), s_idx.numpy(), s_perm.numpy(), P[0].numpy(), P[1].numpy(), P[2],
                    Q[0].numpy(), Q[1].numpy(), Q[2], width, _chunks(s_ptr.shape[0] - 1), out.numpy())
    return out


class _SpGEMM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a_val, b_val, a, b):  # type: ignore[override]
        a_csr, b_csr = a.csr(), b.csr()
        (a_ptr, a_idx, a_perm), (b_ptr, b_idx, b_perm) = a_csr, b_csr
        (L, M), (_, N) = a.shape, b.shape
        counts = np.zeros(L, dtype=np.int64)
        _count_kernel(a_ptr.numpy(), a_idx.numpy(), b_ptr.numpy(), b_idx.numpy(), max(N, 1), _chunks(L), counts)
        c_ptr = np.zeros(L + 1, dtype=np.int64)
        np.cumsum(counts, out=c_ptr[1:])
        nnz = int(c_ptr[-1])
        c_idx = np.empty(nnz, dtype=a_idx.numpy().dtype)
        c_val = np.empty(nnz, dtype=a_val.detach().numpy().dtype)
        if nnz:
            _fill_kernel(a_ptr.numpy(), a_idx.numpy(), _ordered(a_val, a_perm), b_ptr.numpy(), b_idx.numpy(),
                         _ordered(b_val, b_perm), c_ptr, max(N, 1), _chunks(L), c_idx, c_val)
        indptr = torch.from_numpy(c_ptr).to(a_idx.dtype)
        indices = torch.from_numpy(c_idx)
        ctx.save_for_backward(a_val, b_val, indptr, indices)
        ctx.patterns = (a, b)
        ctx.mark_non_differentiable(indptr, indices)
        return indptr, indices, torch.from_numpy(c_val)

    @staticmethod
    def backward(ctx, _gp, _gi, grad):  # type: ignore[override]
        a_val, b_val, c_ptr, c_idx = ctx.saved_tensors
        a, b = ctx.patterns
        (L, M), (_, N) = a.shape, b.shape
        a_csr, b_csr = a.csr(), b.csr()
        grad = grad.detach().contiguous().to(a_val.dtype)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            # dA[i, k] = <dC[i, :], B[k, :]>
            ga = _sampled(a_csr, (c_ptr, c_idx, grad.numpy()), (b_csr[0], b_csr[1], _ordered(b_val, b_csr[2])),
                          max(N, 1), a_val.shape[0], a_val.dtype)
        if ctx.needs_input_grad[1]:
            # dB[k, j] = <A[:, k], dC[:, j]>: rows of B^T against rows of A^T, with dC^T loaded
            from .._graph.storage import compress

            c_row = torch.repeat_interleave(torch.arange(L, dtype=c_idx.dtype),
                                            (c_ptr[1:] - c_ptr[:-1]).long())
            t_ptr, t_idx, t_perm = compress(c_idx, c_row, N)
            gt = grad[t_perm.long()].numpy()
            a_csc = a.csc()
            gb = _sampled(b.csc(), (t_ptr, t_idx, gt), (a_csc[0], a_csc[1], _ordered(a_val, a_csc[2])),
                          max(L, 1), b_val.shape[0], b_val.dtype)
        return ga, gb, None, None


def spgemm(a: Any, a_val: torch.Tensor, b: Any, b_val: torch.Tensor
           ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """CSR of ``A @ B``: ``(indptr, indices, values)``, one entry per position, CPU float values.

    ``a`` and ``b`` are sparsity patterns with ``shape`` and cached ``csr()``/``csc()`` methods
    (the CSC forms are needed only by the gradient to ``b_val``); ``a_val`` and ``b_val`` are
    1-D values in storage order.
    """
    return _SpGEMM.apply(a_val, b_val, a, b)
