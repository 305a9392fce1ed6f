r"""Softmax over the stored entries of each row (or column) of a sparse matrix.

.. math::

    \operatorname{softmax}(A)_{ij} = \frac{\exp a_{ij}}{\sum_{k : (i, k) \in A} \exp a_{ik}}

Each value channel (``val`` of shape ``(nnz, D)``) is normalised on its own. Runs graphdl's
fused edge-softmax kernel over the CSR (``dim=1``) or CSC (``dim=0``) grouping; duplicate
entries count separately. The result keeps the pattern of the input.
"""
from __future__ import annotations

from ..base import DGLError
from ..ops.edge_softmax import row_softmax
from .matrix import SparseMatrix

__all__ = ["softmax"]


def softmax(input: SparseMatrix, dim: int = 1) -> SparseMatrix:  # noqa: A002 (DGL's name)
    """Row-wise (``dim=1``) or column-wise (``dim=0``) softmax of the stored values.

    Parameters
    ----------
    input : SparseMatrix
        Floating-point values ``(nnz,)`` or ``(nnz, D)``.
    dim : int
        1 normalises each row, 0 each column.

    Returns
    -------
    SparseMatrix

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 0], [0, 1]]), torch.tensor([0.0, 0.0]))
    >>> softmax(A).val
    tensor([0.5000, 0.5000])
    """
    if not isinstance(input, SparseMatrix):
        raise DGLError(f"softmax needs a SparseMatrix, got {type(input).__name__}.")
    if dim not in (0, 1):
        raise DGLError(f"softmax: dim must be 0 (columns) or 1 (rows), got {dim}.")
    if not input.val.is_floating_point():
        raise DGLError(f"softmax needs floating-point values, got {input.dtype}.")
    s = input._s
    topo = s.topology(transpose=False, by_col=dim == 0)
    group = s.coo()[1] if dim == 0 else s.coo()[0]
    return SparseMatrix(s, row_softmax(topo.ptr, topo.eid, group, input.val))
