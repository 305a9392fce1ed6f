r"""Broadcast a dense vector onto the stored entries of a sparse matrix.

For ``A`` of shape ``(M, N)``, ``v`` of shape ``(N,)`` or ``(1, N)`` is read per column
(:math:`a_{ij} \circ v_j`) and ``v`` of shape ``(M, 1)`` per row (:math:`a_{ij} \circ v_i`).
Vector values ``(nnz, D)`` see the same scalar in every channel. The pattern is kept.
"""
from __future__ import annotations

import torch

from ..base import DGLError
from .matrix import SparseMatrix

__all__ = ["sp_broadcast_v", "sp_add_v", "sp_sub_v", "sp_mul_v", "sp_div_v"]

# DGL documents add, sub, mul and truediv and looks the name up in Python's ``operator``
# module, so its other arithmetic operators work there too: pow, floordiv and mod (Python's
# floor semantics, which torch.floor_divide and torch.remainder follow).
_OPS = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "truediv": torch.div,
    "div": torch.div,
    "pow": torch.pow,
    "floordiv": torch.floor_divide,
    "mod": torch.remainder,
}


def sp_broadcast_v(A: SparseMatrix, v: torch.Tensor, op: str) -> SparseMatrix:
    """``op(A.val, v[broadcast])`` at every stored entry of ``A``.

    Parameters
    ----------
    A : SparseMatrix
    v : torch.Tensor
        ``(N,)`` / ``(1, N)`` (one value per column) or ``(M, 1)`` (one per row).
    op : str
        ``"add"``, ``"sub"``, ``"mul"`` or ``"truediv"`` (also ``"div"``, ``"pow"``,
        ``"floordiv"``, ``"mod"``).

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.tensor([1.0, 2.0]))
    >>> sp_broadcast_v(A, torch.tensor([10.0, 20.0]), "add").val
    tensor([21., 12.])
    """
    if op not in _OPS:
        raise DGLError(f"Unknown broadcast operator {op!r}; expected one of {sorted(_OPS)}.")
    if not isinstance(v, torch.Tensor):
        raise DGLError(f"sp_broadcast_v needs a torch.Tensor, got {type(v).__name__}.")
    if v.device != A.device:
        raise DGLError(f"The vector is on {v.device} but the sparse matrix on {A.device}.")
    w = v.reshape(1, -1) if v.dim() == 1 else v
    M, N = A.shape
    if w.dim() != 2 or tuple(w.shape) not in ((1, N), (M, 1)):
        raise DGLError(f"Cannot broadcast a vector of shape {tuple(v.shape)} onto a sparse matrix of shape "
                       f"{A.shape}: expected ({N},), (1, {N}) or ({M}, 1).")
    per_col = tuple(w.shape) == (1, N)
    row, col = A.coo()
    picked = w.reshape(-1)[(col if per_col else row).long()]
    if A.val.dim() > 1:
        picked = picked.unsqueeze(-1)
    return SparseMatrix(A._s, _OPS[op](A.val, picked))


def sp_add_v(A: SparseMatrix, v: torch.Tensor) -> SparseMatrix:
    """Broadcast addition (see :func:`sp_broadcast_v`)."""
    return sp_broadcast_v(A, v, "add")


def sp_sub_v(A: SparseMatrix, v: torch.Tensor) -> SparseMatrix:
    """Broadcast subtraction (see :func:`sp_broadcast_v`)."""
    return sp_broadcast_v(A, v, "sub")


def sp_mul_v(A: SparseMatrix, v: torch.Tensor) -> SparseMatrix:
    """Broadcast multiplication (see :func:`sp_broadcast_v`)."""
    return sp_broadcast_v(A, v, "mul")


def sp_div_v(A: SparseMatrix, v: torch.Tensor) -> SparseMatrix:
    """Broadcast division (see :func:`sp_broadcast_v`)."""
    return sp_broadcast_v(A, v, "truediv")
