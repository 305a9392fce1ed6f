r"""Products with a sparse matrix: sparse × dense (``spmm``, ``bspmm``) and sparse × sparse.

.. math::

    (A X)_{i} = \sum_{(i, k) \in A} a_{ik} \, X_k

``spmm`` runs graphdl's fused ``u_mul_e_sum`` kernel over the rows of ``A`` (the rows are the
destinations, the columns the sources), so no ``(nnz, N)`` message tensor and never a dense
``L × M`` matrix is built; the gradient to ``X`` is the same kernel on ``A``'s transpose and
the gradient to ``A.val`` a per-entry dot product (an SDDMM). ``bspmm`` multiplies each of
the ``K`` value channels with its own slice of ``X``. ``spspmm`` (in :mod:`.spgemm`) returns a
sparse matrix with differentiable values.
"""
from __future__ import annotations

from typing import Union

import torch

from ..base import DGLError
from ..ops._topology import needs_grad
from ..ops.spmm import spmm as _kernel_spmm
from .matrix import SparseMatrix
from .spgemm import spspmm as _spspmm

__all__ = ["spmm", "bspmm", "spspmm", "matmul"]


def _check_operand(A: SparseMatrix, X: torch.Tensor, name: str) -> None:
    if not isinstance(A, SparseMatrix):
        raise DGLError(f"{name} needs a SparseMatrix as first argument, got {type(A).__name__}.")
    if not isinstance(X, torch.Tensor):
        raise DGLError(f"{name} needs a torch.Tensor as second argument, got {type(X).__name__}.")
    if X.device != A.device:
        raise DGLError(f"{name}: the dense matrix is on {X.device} but the sparse matrix on {A.device}.")
    if X.dtype != A.dtype:
        raise DGLError(f"{name}: the sparse values are {A.dtype} but the dense matrix is {X.dtype}; "
                       "convert one of them first.")


def _shape_error(name: str, A: SparseMatrix, X: torch.Tensor) -> DGLError:
    return DGLError(
        f"{name}: cannot multiply a sparse matrix of shape {A.shape} with values of shape "
        f"{tuple(A.val.shape)} by a dense matrix of shape {tuple(X.shape)}; valid pairs are "
        "(L, M) with scalar values and (M,) or (M, N); (L, M) with (nnz, K) values and (M, N, K)."
    )


def _floating(x: torch.Tensor) -> torch.Tensor:
    return x if x.is_floating_point() else x.float()


def spmm(A: SparseMatrix, X: torch.Tensor) -> torch.Tensor:
    """``A @ X`` for a sparse ``A`` of shape ``(L, M)`` and dense ``X``.

    Parameters
    ----------
    A : SparseMatrix
        Scalar values ``(nnz,)``, or vector values ``(nnz, K)`` (then see :func:`bspmm`).
    X : torch.Tensor
        ``(M,)`` or ``(M, N)`` (``(M, N, K)`` for vector values), same dtype as ``A``.

    Returns
    -------
    torch.Tensor
        ``(L,)`` or ``(L, N)`` (``(L, N, K)``).

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.tensor([2.0, 3.0]))
    >>> spmm(A, torch.ones(2, 4)).shape
    torch.Size([2, 4])
    """
    _check_operand(A, X, "spmm")
    if A.val.dim() == 2:
        return bspmm(A, X)
    if X.dim() not in (1, 2) or X.shape[0] != A.shape[1]:
        raise _shape_error("spmm", A, X)
    x = _floating(X)
    x2 = x.reshape(x.shape[0], -1) if x.dim() == 2 else x.reshape(-1, 1)
    val = _floating(A.val).reshape(-1, 1)
    topo = A._s.topology(transpose=needs_grad(x2))
    out = _kernel_spmm(topo, "mul", "sum", x2, "u", val, "e")
    out = out.reshape(A.shape[0]) if X.dim() == 1 else out
    return out if out.dtype == X.dtype else out.to(X.dtype)


def bspmm(A: SparseMatrix, X: torch.Tensor) -> torch.Tensor:
    """Batched ``A @ X``: values ``(nnz, K)``, ``X`` ``(M, N, K)``, result ``(L, N, K)``.

    Channel ``k`` of the result is ``A_k @ X[:, :, k]`` where ``A_k`` holds ``A.val[:, k]``.

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.rand(2, 3))
    >>> bspmm(A, torch.rand(2, 5, 3)).shape
    torch.Size([2, 5, 3])
    """
    _check_operand(A, X, "bspmm")
    if A.val.dim() != 2 or X.dim() != 3 or X.shape[0] != A.shape[1] or X.shape[2] != A.val.shape[1]:
        raise _shape_error("bspmm", A, X)
    # Channels first, so each channel's row is contiguous: the kernel's "(K, N) times (K, 1)" loop.
    x = _floating(X).permute(0, 2, 1).contiguous()
    val = _floating(A.val).unsqueeze(-1)
    topo = A._s.topology(transpose=needs_grad(x))
    out = _kernel_spmm(topo, "mul", "sum", x, "u", val, "e").permute(0, 2, 1).contiguous()
    return out if out.dtype == X.dtype else out.to(X.dtype)


def spspmm(A: SparseMatrix, B: SparseMatrix) -> SparseMatrix:
    """Sparse × sparse product ``A @ B`` (scalar values, no duplicates), a sparse matrix.

    The values of the result are differentiable with respect to both operands' values.

    Examples
    --------
    >>> I = identity((3, 3))
    >>> spspmm(I, I).nnz
    3
    """
    return _spspmm(A, B)


def matmul(A: Union[torch.Tensor, SparseMatrix], B: Union[torch.Tensor, SparseMatrix]
           ) -> Union[torch.Tensor, SparseMatrix]:
    """``A @ B`` for dense or sparse operands (dense @ sparse is not supported).

    dense @ dense is :func:`torch.matmul`; sparse @ dense is :func:`spmm` (or :func:`bspmm`
    for vector values); sparse @ sparse is :func:`spspmm`.
    """
    if isinstance(A, torch.Tensor) and isinstance(B, torch.Tensor):
        return torch.matmul(A, B)
    if not isinstance(A, SparseMatrix):
        raise DGLError(f"matmul: unsupported first operand {type(A).__name__} for second operand "
                       f"{type(B).__name__} (dense @ sparse is not supported).")
    if isinstance(B, SparseMatrix):
        return spspmm(A, B)
    if isinstance(B, torch.Tensor):
        return spmm(A, B)
    raise DGLError(f"matmul: unsupported second operand {type(B).__name__}.")
