r"""Sampled dense-dense products: ``(X_1 X_2)`` evaluated at the entries of ``A`` only.

.. math::

    \operatorname{sddmm}(A, X_1, X_2)_{ij} = a_{ij} \, \langle X_1[i, :], X_2[:, j] \rangle
    \quad \text{for every stored } (i, j)

Runs graphdl's fused ``u_dot_v`` kernel (rows of ``A`` are the ``v`` role, columns the ``u``
role), so the dense ``L × N`` product is never formed. With 1-D ``X1`` and ``X2`` the product
is the outer product; ``bsddmm`` takes a trailing batch dimension ``B`` (one channel per
value channel of ``A``).
"""
from __future__ import annotations

import torch

from ..base import DGLError
from ..ops._topology import needs_grad
from ..ops.sddmm import sddmm as _kernel_sddmm
from .matrix import SparseMatrix

__all__ = ["sddmm", "bsddmm"]


def _error(A: SparseMatrix, X1: torch.Tensor, X2: torch.Tensor) -> DGLError:
    return DGLError(
        f"sddmm: invalid shapes: sparse {A.shape} with values {tuple(A.val.shape)}, X1 {tuple(X1.shape)}, "
        f"X2 {tuple(X2.shape)}; valid are (L, N) with (L, K) and (K, N); (L,) and (N,); or (L, K, B) and "
        "(K, N, B) with scalar or (nnz, B) values."
    )


def sddmm(A: SparseMatrix, X1: torch.Tensor, X2: torch.Tensor) -> SparseMatrix:
    """``A * (X1 @ X2)`` at the stored entries of ``A``: a sparse matrix with ``A``'s pattern.

    Parameters
    ----------
    A : SparseMatrix
        ``(L, N)``, scalar values (or ``(nnz, B)`` values with batched operands).
    X1 : torch.Tensor
        ``(L, K)``, ``(L,)`` or ``(L, K, B)``.
    X2 : torch.Tensor
        ``(K, N)``, ``(N,)`` or ``(K, N, B)``.

    Returns
    -------
    SparseMatrix
        Values ``(nnz,)`` (``(nnz, B)`` for batched operands).

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1], [1, 0]]))
    >>> sddmm(A, torch.ones(2, 3), torch.ones(3, 2)).val
    tensor([3., 3.])
    """
    if not isinstance(A, SparseMatrix) or not isinstance(X1, torch.Tensor) or not isinstance(X2, torch.Tensor):
        raise DGLError("sddmm needs a SparseMatrix and two torch.Tensor operands.")
    for name, X in (("X1", X1), ("X2", X2)):
        if X.dtype != A.dtype:
            raise DGLError(f"sddmm: the sparse values are {A.dtype} but {name} is {X.dtype}.")
        if X.device != A.device:
            raise DGLError(f"sddmm: {name} is on {X.device} but the sparse matrix on {A.device}.")
    L, N = A.shape
    batched = X1.dim() == 3
    if X1.dim() != X2.dim() or X1.dim() not in (1, 2, 3) or X1.shape[0] != L:
        raise _error(A, X1, X2)
    if X1.dim() == 1:
        if X2.shape[0] != N or A.val.dim() != 1:
            raise _error(A, X1, X2)
        lhs, rhs, op = X1.reshape(-1, 1), X2.reshape(-1, 1), "mul"
    elif X1.dim() == 2:
        if X2.shape != (X1.shape[1], N) or A.val.dim() != 1:
            raise _error(A, X1, X2)
        lhs, rhs, op = X1, X2.t().contiguous(), "dot"
    else:
        nb = X1.shape[2]
        if X2.shape != (X1.shape[1], N, nb) or (A.val.dim() == 2 and A.val.shape[1] != nb):
            raise _error(A, X1, X2)
        # (rows, B, K): each channel's vector is contiguous for the kernel's dot product
        lhs, rhs, op = X1.permute(0, 2, 1).contiguous(), X2.permute(1, 2, 0).contiguous(), "dot"
    topo = A._s.topology(transpose=needs_grad(rhs))
    prod = _kernel_sddmm(topo, op, lhs, "v", rhs, "u")
    prod = prod.reshape(A.nnz, -1) if batched else prod.reshape(A.nnz)
    prod = prod if prod.dtype == A.dtype else prod.to(A.dtype)
    val = A.val.unsqueeze(-1) if batched and A.val.dim() == 1 else A.val
    return SparseMatrix(A._s, val * prod)


def bsddmm(A: SparseMatrix, X1: torch.Tensor, X2: torch.Tensor) -> SparseMatrix:
    """Batched :func:`sddmm`: ``X1`` ``(L, K, B)``, ``X2`` ``(K, N, B)``, values ``(nnz, B)``.

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1], [1, 0]]))
    >>> bsddmm(A, torch.ones(2, 3, 4), torch.ones(3, 2, 4)).val.shape
    torch.Size([2, 4])
    """
    return sddmm(A, X1, X2)
