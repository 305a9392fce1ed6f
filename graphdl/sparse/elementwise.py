r"""Elementwise operators on sparse matrices: ``+ - * / **``, negation, diagonal inverse.

For sparse ``A`` and ``B`` of one shape:

* :math:`A + B`, :math:`A - B`: the union of the two patterns, coalesced (sorted, one entry
  per position, duplicates summed);
* :math:`A \odot B`: the intersection of the (coalesced) patterns;
* :math:`A \oslash B`: needs the same set of positions in both and no duplicates.

With a scalar ``c``: ``A * c``, ``c * A``, ``A / c`` and ``A ** c`` act on the stored values
and keep the pattern. ``A + c`` is refused: it would fill every implicit zero. When both
operands share one pattern object (``val_like``), the values are combined directly.
Gradients flow to the values of both operands.
"""
from __future__ import annotations

from numbers import Number
from typing import Any, Tuple

import torch

from ..base import DGLError
from ._structure import Structure
from .matrix import SparseMatrix

__all__ = [
    "add",
    "sub",
    "mul",
    "div",
    "power",
    "neg",
    "inv",
    "sp_add",
    "sp_sub",
    "sp_mul",
    "sp_div",
    "sp_power",
    "spsp_add",
    "spsp_mul",
    "spsp_div",
]


def is_scalar(x: Any) -> bool:
    """A Python number or a tensor with one element and no dimensions."""
    return isinstance(x, Number) or (isinstance(x, torch.Tensor) and x.dim() == 0)


def _keys(A: SparseMatrix) -> torch.Tensor:
    row, col = A.coo()
    return row.long() * A.shape[1] + col.long()


def _from_keys(keys: torch.Tensor, val: torch.Tensor, shape: Tuple[int, int], idtype: torch.dtype) -> SparseMatrix:
    ncols = max(shape[1], 1)
    row = torch.div(keys, ncols, rounding_mode="floor").to(idtype)
    col = (keys % ncols).to(idtype)
    return SparseMatrix(Structure(shape, coo=(row, col)), val)


def coalesced(A: SparseMatrix) -> SparseMatrix:
    """``A`` with entries sorted by ``(row, col)`` and duplicate positions summed (differentiable)."""
    keys = _keys(A)
    uniq, inverse = torch.unique(keys, sorted=True, return_inverse=True)
    val = A.val.new_zeros((uniq.shape[0],) + tuple(A.val.shape[1:])).index_add(0, inverse, A.val)
    out = _from_keys(uniq, val, A.shape, A.row.dtype)
    out._s._has_dup = False
    return out


def _check_pair(A: Any, B: Any, op: str) -> None:
    if not isinstance(A, SparseMatrix) or not isinstance(B, SparseMatrix):
        names = f"{type(A).__name__} {op} {type(B).__name__}"
        raise DGLError(f"{names} is not supported: {op} needs two sparse matrices"
                       + (" or a sparse matrix and a scalar." if op in ("*", "/") else
                          "; adding a scalar would fill every implicit zero (use val_like(A, A.val + c))."))
    if A.shape != B.shape:
        raise DGLError(f"A {op} B needs matrices of one shape, got {A.shape} and {B.shape}.")
    if A.dtype != B.dtype:
        raise DGLError(f"A {op} B needs values of one dtype, got {A.dtype} and {B.dtype}.")
    if A.device != B.device:
        raise DGLError(f"A {op} B needs matrices on one device, got {A.device} and {B.device}.")
    if A.val.shape[1:] != B.val.shape[1:]:
        raise DGLError(f"A {op} B needs values of one shape per entry, got {tuple(A.val.shape[1:])} and "
                       f"{tuple(B.val.shape[1:])}.")


def _union(A: SparseMatrix, bval: torch.Tensor, B: SparseMatrix) -> SparseMatrix:
    keys = torch.cat([_keys(A), _keys(B)])
    vals = torch.cat([A.val, bval])
    uniq, inverse = torch.unique(keys, sorted=True, return_inverse=True)
    val = vals.new_zeros((uniq.shape[0],) + tuple(vals.shape[1:])).index_add(0, inverse, vals)
    out = _from_keys(uniq, val, A.shape, A.row.dtype)
    out._s._has_dup = False
    return out


def add(A: SparseMatrix, B: SparseMatrix) -> SparseMatrix:
    """``A + B`` of two sparse matrices of one shape (union of the patterns).

    Parameters
    ----------
    A, B : SparseMatrix

    Returns
    -------
    SparseMatrix
        Coalesced, unless both share one pattern (then it keeps that pattern).

    Examples
    --------
    >>> (A + B).to_dense()  # doctest: +SKIP
    """
    _check_pair(A, B, "+")
    if A._s is B._s:
        return SparseMatrix(A._s, A.val + B.val)
    return _union(A, B.val, B)


def sub(A: SparseMatrix, B: SparseMatrix) -> SparseMatrix:
    """``A - B`` of two sparse matrices of one shape (union of the patterns)."""
    _check_pair(A, B, "-")
    if A._s is B._s:
        return SparseMatrix(A._s, A.val - B.val)
    return _union(A, -B.val, B)


def _intersection(A: SparseMatrix, B: SparseMatrix) -> Tuple[SparseMatrix, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Coalesced ``A``, the mask of its entries present in ``B``, their positions in coalesced
    ``B``, and coalesced ``B``'s values."""
    Ac = coalesced(A) if A.has_duplicate() or not _sorted(A) else A
    Bc = coalesced(B) if B.has_duplicate() or not _sorted(B) else B
    ka, kb = _keys(Ac), _keys(Bc)
    if kb.numel() == 0:
        return Ac, torch.zeros_like(ka, dtype=torch.bool), torch.zeros_like(ka), Bc.val
    pos = torch.searchsorted(kb, ka).clamp(max=kb.shape[0] - 1)
    return Ac, kb[pos] == ka, pos, Bc.val


def _sorted(A: SparseMatrix) -> bool:
    k = _keys(A)
    return k.numel() < 2 or bool((k[1:] >= k[:-1]).all())


def _scalar_value(A: SparseMatrix, c: Any) -> Any:
    if isinstance(c, torch.Tensor) and c.device != A.device and c.device.type != "cpu":
        raise DGLError(f"The scalar is on {c.device} but the matrix on {A.device}.")
    return c


def mul(A: Any, B: Any) -> SparseMatrix:
    """``A * B``: elementwise product of two sparse matrices (intersection) or with a scalar."""
    if isinstance(A, SparseMatrix) and is_scalar(B):
        return SparseMatrix(A._s, A.val * _scalar_value(A, B))
    if isinstance(B, SparseMatrix) and is_scalar(A):
        return SparseMatrix(B._s, B.val * _scalar_value(B, A))
    _check_pair(A, B, "*")
    if A._s is B._s and not A.has_duplicate():
        return SparseMatrix(A._s, A.val * B.val)
    Ac, match, pos, bval = _intersection(A, B)
    keys = _keys(Ac)[match]
    val = Ac.val[match] * bval[pos[match]]
    out = _from_keys(keys, val, A.shape, A.row.dtype)
    out._s._has_dup = False
    return out


def div(A: SparseMatrix, B: Any) -> SparseMatrix:
    """``A / B``: by a scalar, or by a sparse matrix with the same positions (no duplicates)."""
    if isinstance(A, SparseMatrix) and is_scalar(B):
        return SparseMatrix(A._s, A.val / _scalar_value(A, B))
    _check_pair(A, B, "/")
    if A.has_duplicate() or B.has_duplicate():
        raise DGLError("A / B needs matrices without duplicate entries; call coalesce() first.")
    if A._s is B._s:
        return SparseMatrix(A._s, A.val / B.val)
    Ac, match, pos, bval = _intersection(A, B)
    if A.nnz != B.nnz or not bool(match.all()):
        raise DGLError(f"A / B needs both matrices to store the same positions; A has {A.nnz} entries, "
                       f"B has {B.nnz}, {int(match.sum())} shared.")
    return SparseMatrix(Ac._s, Ac.val / bval[pos])


def power(A: SparseMatrix, scalar: Any) -> SparseMatrix:
    """``A ** scalar`` on the stored values."""
    if not isinstance(A, SparseMatrix) or not is_scalar(scalar):
        raise DGLError(f"power needs a SparseMatrix and a scalar exponent, got {type(A).__name__} and "
                       f"{type(scalar).__name__}.")
    return SparseMatrix(A._s, A.val ** scalar)


def neg(A: SparseMatrix) -> SparseMatrix:
    """``-A``."""
    return SparseMatrix(A._s, -A.val)


def inv(A: SparseMatrix) -> SparseMatrix:
    """Inverse of a square diagonal matrix with scalar values.

    Raises
    ------
    DGLError
        When ``A`` is not square, not diagonal or has vector values.
    """
    if A.shape[0] != A.shape[1]:
        raise DGLError(f"inv needs a square matrix, got shape {A.shape}.")
    if A.val.dim() != 1:
        raise DGLError(f"inv needs scalar values, got values of shape {tuple(A.val.shape)}.")
    if not A.is_diag():
        raise DGLError(f"inv supports diagonal matrices only; this {A.shape} matrix has off-diagonal "
                       "or repeated entries.")
    return SparseMatrix(A._s, 1.0 / A.val)


# DGL's operator-level names
sp_add = add
sp_sub = sub
sp_mul = mul
sp_div = div
sp_power = power
spsp_add = add
spsp_mul = mul
spsp_div = div
