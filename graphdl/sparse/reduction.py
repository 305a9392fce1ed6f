r"""Reductions of the stored values of a sparse matrix, over rows, columns or everything.

``dim=0`` reduces over the rows (one result per column, ``(N,) + val.shape[1:]``), ``dim=1``
over the columns (one per row, ``(M,) + val.shape[1:]``), ``dim=None`` over all entries
(``val.shape[1:]``). Implicit zeros take no part: ``smax`` of a row with entries ``-1, -2``
is ``-1``. Rows (columns) without entries give 0 for ``sum``, ``smax``, ``smin`` and ``smean``
and 1 for ``sprod``. Sums, maxima and minima run graphdl's fused kernels over the CSR or CSC
grouping; gradients flow to the values (to the winning entry for ``smax``/``smin``).
"""
from __future__ import annotations

from typing import Optional

import torch

from ..base import DGLError
from ..ops.spmm import spmm as _kernel_spmm
from .matrix import SparseMatrix

__all__ = ["reduce", "sum", "smax", "smin", "smean", "sprod"]

_RTYPES = ("sum", "smax", "smin", "smean", "sprod")


def _reduce_all(val: torch.Tensor, rtype: str) -> torch.Tensor:
    if val.shape[0] == 0:
        fill = 1 if rtype == "sprod" else 0
        return torch.full(tuple(val.shape[1:]), fill, dtype=val.dtype, device=val.device)
    if rtype == "sum":
        return val.sum(0)
    if rtype == "smax":
        return val.amax(0)
    if rtype == "smin":
        return val.amin(0)
    if rtype == "smean":
        return val.mean(0) if val.is_floating_point() else val.sum(0) // val.shape[0]
    return val.prod(0)


def reduce(input: SparseMatrix, dim: Optional[int] = None, rtype: str = "sum") -> torch.Tensor:  # noqa: A002
    """Reduce the stored values with ``rtype`` (``"sum"``, ``"smax"``, ``"smin"``, ``"smean"``,
    ``"sprod"``) over ``dim`` (see the module notes for shapes).

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1, 1], [0, 0, 1]]), torch.tensor([1.0, 2.0, 3.0]))
    >>> reduce(A, 1, "sum")
    tensor([1., 5.])
    """
    if not isinstance(input, SparseMatrix):
        raise DGLError(f"reduce needs a SparseMatrix, got {type(input).__name__}.")
    if rtype not in _RTYPES:
        raise DGLError(f"Unknown reduction {rtype!r}; expected one of {_RTYPES}.")
    if dim is not None and dim not in (0, 1):
        raise DGLError(f"reduce: dim must be None, 0 or 1, got {dim}.")
    val = input.val
    if dim is None:
        return _reduce_all(val, rtype)
    s = input._s
    size = input.shape[1] if dim == 0 else input.shape[0]
    group = (s.coo()[1] if dim == 0 else s.coo()[0]).long()
    if rtype == "sprod":
        out = torch.ones((size,) + tuple(val.shape[1:]), dtype=val.dtype, device=val.device)
        idx = group.reshape((-1,) + (1,) * (val.dim() - 1)).expand_as(val)
        return out.scatter_reduce(0, idx, val, "prod", include_self=True)
    x = val if val.is_floating_point() else val.double()
    topo = s.topology(transpose=False, by_col=dim == 0)
    op = {"sum": "sum", "smean": "mean", "smax": "max", "smin": "min"}[rtype]
    out = _kernel_spmm(topo, "copy", op, x.reshape(x.shape[0], -1), "e")
    out = out.reshape((size,) + tuple(val.shape[1:]))
    if not val.is_floating_point():
        out = torch.div(out, 1, rounding_mode="trunc") if rtype == "smean" else out
        out = out.to(val.dtype)
    return out


def sum(input: SparseMatrix, dim: Optional[int] = None) -> torch.Tensor:  # noqa: A001,A002
    """Sum of the stored values over ``dim`` (see :func:`reduce`)."""
    return reduce(input, dim, "sum")


def smax(input: SparseMatrix, dim: Optional[int] = None) -> torch.Tensor:  # noqa: A002
    """Maximum of the stored values over ``dim`` (see :func:`reduce`)."""
    return reduce(input, dim, "smax")


def smin(input: SparseMatrix, dim: Optional[int] = None) -> torch.Tensor:  # noqa: A002
    """Minimum of the stored values over ``dim`` (see :func:`reduce`)."""
    return reduce(input, dim, "smin")


def smean(input: SparseMatrix, dim: Optional[int] = None) -> torch.Tensor:  # noqa: A002
    """Mean of the stored values over ``dim`` (see :func:`reduce`)."""
    return reduce(input, dim, "smean")


def sprod(input: SparseMatrix, dim: Optional[int] = None) -> torch.Tensor:  # noqa: A002
    """Product of the stored values over ``dim`` (see :func:`reduce`)."""
    return reduce(input, dim, "sprod")
