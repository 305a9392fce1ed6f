r"""Sparse × sparse product with differentiable values.

.. math::

    C_{ij} = \sum_{k} A_{ik} B_{kj}, \qquad
    \frac{\partial L}{\partial A_{ik}} = \sum_j \frac{\partial L}{\partial C_{ij}} B_{kj}, \qquad
    \frac{\partial L}{\partial B_{kj}} = \sum_i A_{ik} \frac{\partial L}{\partial C_{ij}}

On the CPU the product runs a row-parallel Gustavson kernel (:mod:`graphdl.ops.spgemm`);
both gradients are sampled sparse-sparse products over the patterns of ``A`` and ``B``. Elsewhere the
products ``a_ik b_kj`` are expanded and summed per position with torch operators. The
result has one entry per position, grouped by row (on the CPU the columns of a row are not
sorted, as in DGL; ``coalesce()`` sorts them).
"""
from __future__ import annotations

import torch

from ..base import DGLError
from ._structure import Structure
from .matrix import SparseMatrix
from ..ops.spgemm import spgemm

__all__ = ["spspmm"]


def _check(A: SparseMatrix, B: SparseMatrix) -> None:
    if not isinstance(A, SparseMatrix) or not isinstance(B, SparseMatrix):
        raise DGLError(f"spspmm needs two sparse matrices, got {type(A).__name__} and {type(B).__name__}.")
    if A.shape[1] != B.shape[0]:
        raise DGLError(f"spspmm: cannot multiply matrices of shapes {A.shape} and {B.shape}.")
    if A.val.dim() != 1 or B.val.dim() != 1:
        raise DGLError(f"spspmm needs scalar values, got value shapes {tuple(A.val.shape)} and "
                       f"{tuple(B.val.shape)}.")
    if A.dtype != B.dtype:
        raise DGLError(f"spspmm needs values of one dtype, got {A.dtype} and {B.dtype}.")
    if A.device != B.device:
        raise DGLError(f"spspmm needs matrices on one device, got {A.device} and {B.device}.")
    for name, M in (("A", A), ("B", B)):
        if M.has_duplicate():
            raise DGLError(f"spspmm: {name} has duplicate entries; call {name}.coalesce() first.")


def _expanded(A: SparseMatrix, B: SparseMatrix) -> SparseMatrix:
    """Every product ``a_ik b_kj`` expanded, then summed per position (torch operators only)."""
    b_ptr, b_idx, b_perm = B.csr()
    b_ptr = b_ptr.long()
    b_perm = torch.arange(B.nnz, device=B.device) if b_perm is None else b_perm.long()
    row, col = A.coo()
    k = col.long()
    deg = b_ptr[k + 1] - b_ptr[k]
    a_of = torch.repeat_interleave(torch.arange(A.nnz, device=A.device), deg)
    starts = torch.cumsum(deg, 0) - deg
    pos = b_ptr[k][a_of] + torch.arange(a_of.shape[0], device=A.device) - starts[a_of]
    n = B.shape[1]
    keys = row.long()[a_of] * n + b_idx.long()[pos]
    prod = A.val[a_of] * B.val[b_perm[pos]]
    uniq, inverse = torch.unique(keys, sorted=True, return_inverse=True)
    val = prod.new_zeros(uniq.shape[0]).index_add(0, inverse, prod)
    ncols = max(n, 1)
    out_row = torch.div(uniq, ncols, rounding_mode="floor").to(row.dtype)
    out_col = (uniq % ncols).to(row.dtype)
    return SparseMatrix(Structure((A.shape[0], n), coo=(out_row, out_col)), val)


def spspmm(A: SparseMatrix, B: SparseMatrix) -> SparseMatrix:
    """``A @ B`` for sparse ``A`` ``(L, M)`` and ``B`` ``(M, N)``: a sparse ``(L, N)`` matrix.

    Parameters
    ----------
    A, B : SparseMatrix
        Scalar values of one dtype, no duplicate entries.

    Returns
    -------
    SparseMatrix
        One entry per position; its values are differentiable with respect to ``A.val`` and ``B.val``.
    """
    _check(A, B)
    if A.device.type == "cpu" and A.dtype in (torch.float32, torch.float64):
        indptr, indices, val = spgemm(A._s, A.val, B._s, B.val)
        s = Structure((A.shape[0], B.shape[1]), csr=(indptr, indices, None))
        s._has_dup = False
        return SparseMatrix(s, val)
    return _expanded(A, B)
