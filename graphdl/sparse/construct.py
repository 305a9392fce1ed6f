"""Building sparse matrices: from COO / CSR / CSC indices, torch sparse tensors, diagonals.

Indices are int32 or int64 tensors and keep their type. Without ``val`` every entry is 1.0
(float32). Without ``shape`` it is inferred as ``(max row + 1, max column + 1)``. Indices
are checked against the shape (skipped while ``torch.compile`` traces, where reading
tensor values would break the graph).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from ..base import DGLError
from ._structure import Structure, check_index_tensor
from .matrix import SparseMatrix

__all__ = [
    "spmatrix",
    "from_coo",
    "from_csr",
    "from_csc",
    "from_torch_sparse",
    "val_like",
    "diag",
    "identity",
    "to_torch_sparse_coo",
    "to_torch_sparse_csr",
    "to_torch_sparse_csc",
]


def _checks_wanted() -> bool:
    return not torch.compiler.is_compiling()


def _values(val: Optional[torch.Tensor], nnz: int, device: torch.device) -> torch.Tensor:
    if val is None:
        return torch.ones(nnz, device=device)
    if not isinstance(val, torch.Tensor):
        raise DGLError(f"val must be a torch.Tensor, got {type(val).__name__}.")
    if val.dim() not in (1, 2) or val.shape[0] != nnz:
        raise DGLError(f"val must have shape ({nnz},) or ({nnz}, D) for {nnz} entries, got {tuple(val.shape)}.")
    if val.device != device:
        raise DGLError(f"val is on {val.device} but the indices are on {device}.")
    return val


def _check_bound(ids: torch.Tensor, bound: int, what: str, shape: Tuple[int, int]) -> None:
    if ids.numel() == 0 or not _checks_wanted():
        return
    lo, hi = int(ids.min()), int(ids.max())
    if lo < 0:
        raise DGLError(f"Invalid {what} index {lo}: indices must be non-negative.")
    if hi >= bound:
        raise DGLError(f"Invalid {what} index {hi} for a matrix of shape {shape}.")


def _shape(shape: Optional[Tuple[int, int]], row: torch.Tensor, col: torch.Tensor) -> Tuple[int, int]:
    if shape is None:
        if row.numel() == 0:
            return (0, 0)
        return (int(row.max()) + 1, int(col.max()) + 1)
    if len(shape) != 2 or any(int(s) < 0 for s in shape):
        raise DGLError(f"shape must be a pair of non-negative sizes, got {shape}.")
    return (int(shape[0]), int(shape[1]))


def from_coo(row: torch.Tensor, col: torch.Tensor, val: Optional[torch.Tensor] = None,
             shape: Optional[Tuple[int, int]] = None) -> SparseMatrix:
    """A sparse matrix with entries ``(row[i], col[i]) = val[i]``.

    Parameters
    ----------
    row, col : torch.Tensor
        1-D int32/int64 indices of equal length ``nnz`` (and equal type).
    val : torch.Tensor, optional
        ``(nnz,)`` or ``(nnz, D)`` values; ones by default.
    shape : tuple of int, optional
        ``(M, N)``; inferred from the indices by default.

    Returns
    -------
    SparseMatrix

    Examples
    --------
    >>> A = from_coo(torch.tensor([0, 1]), torch.tensor([1, 2]))
    >>> A.shape
    (2, 3)
    """
    check_index_tensor(row, "row")
    check_index_tensor(col, "col")
    if row.dim() != 1 or col.dim() != 1 or row.shape[0] != col.shape[0]:
        raise DGLError(f"row and col must be 1-D of equal length, got shapes {tuple(row.shape)} and "
                       f"{tuple(col.shape)}.")
    if row.device != col.device:
        raise DGLError(f"row is on {row.device} but col on {col.device}.")
    if row.dtype != col.dtype:
        col = col.to(row.dtype)
    shape = _shape(shape, row, col)
    _check_bound(row, shape[0], "row", shape)
    _check_bound(col, shape[1], "column", shape)
    return SparseMatrix(Structure(shape, coo=(row, col)), _values(val, row.shape[0], row.device))


def spmatrix(indices: torch.Tensor, val: Optional[torch.Tensor] = None,
             shape: Optional[Tuple[int, int]] = None) -> SparseMatrix:
    """A sparse matrix from ``(2, nnz)`` COO ``indices`` (rows first), as :func:`from_coo`.

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1, 1], [1, 0, 2]]), shape=(2, 3))
    >>> A.nnz
    3
    """
    check_index_tensor(indices, "indices")
    if indices.dim() != 2 or indices.shape[0] != 2:
        raise DGLError(f"indices must have shape (2, nnz), got {tuple(indices.shape)}.")
    return from_coo(indices[0], indices[1], val, shape)


def _check_compressed(indptr: torch.Tensor, indices: torch.Tensor, what: str) -> None:
    check_index_tensor(indptr, f"{what} indptr")
    check_index_tensor(indices, f"{what} indices")
    if indptr.dim() != 1 or indptr.shape[0] < 1 or indices.dim() != 1:
        raise DGLError(f"{what} needs a 1-D indptr of at least one entry and 1-D indices, got "
                       f"{tuple(indptr.shape)} and {tuple(indices.shape)}.")
    if indptr.device != indices.device:
        raise DGLError(f"{what} indptr is on {indptr.device} but indices on {indices.device}.")
    if _checks_wanted():
        ip = indptr.long()
        if int(ip[0]) != 0 or bool((ip[1:] < ip[:-1]).any()) or int(ip[-1]) != indices.shape[0]:
            raise DGLError(f"{what} indptr must start at 0, never decrease and end at the number of "
                           f"indices ({indices.shape[0]}); got first {int(ip[0])}, last {int(ip[-1])}.")


def from_csr(indptr: torch.Tensor, indices: torch.Tensor, val: Optional[torch.Tensor] = None,
             shape: Optional[Tuple[int, int]] = None) -> SparseMatrix:
    """A sparse matrix from CSR: row ``i`` holds columns ``indices[indptr[i]:indptr[i + 1]]``.

    ``val`` follows the order of ``indices``. Without ``shape`` the matrix has
    ``len(indptr) - 1`` rows and ``max(indices) + 1`` columns.

    Examples
    --------
    >>> A = from_csr(torch.tensor([0, 1, 3]), torch.tensor([1, 0, 2]))
    >>> A.shape
    (2, 3)
    """
    _check_compressed(indptr, indices, "CSR")
    indptr = indptr.to(indices.dtype)
    n_rows = indptr.shape[0] - 1
    n_cols = (int(indices.max()) + 1 if indices.numel() else 0) if shape is None else int(shape[1])
    if shape is not None and int(shape[0]) != n_rows:
        raise DGLError(f"CSR indptr describes {n_rows} rows but shape is {tuple(shape)}.")
    _check_bound(indices, n_cols, "column", (n_rows, n_cols))
    s = Structure((n_rows, n_cols), csr=(indptr, indices, None))
    return SparseMatrix(s, _values(val, indices.shape[0], indices.device))


def from_csc(indptr: torch.Tensor, indices: torch.Tensor, val: Optional[torch.Tensor] = None,
             shape: Optional[Tuple[int, int]] = None) -> SparseMatrix:
    """A sparse matrix from CSC: column ``j`` holds rows ``indices[indptr[j]:indptr[j + 1]]``.

    Examples
    --------
    >>> A = from_csc(torch.tensor([0, 1, 3]), torch.tensor([1, 0, 2]))
    >>> A.shape
    (3, 2)
    """
    _check_compressed(indptr, indices, "CSC")
    indptr = indptr.to(indices.dtype)
    n_cols = indptr.shape[0] - 1
    n_rows = (int(indices.max()) + 1 if indices.numel() else 0) if shape is None else int(shape[0])
    if shape is not None and int(shape[1]) != n_cols:
        raise DGLError(f"CSC indptr describes {n_cols} columns but shape is {tuple(shape)}.")
    _check_bound(indices, n_rows, "row", (n_rows, n_cols))
    s = Structure((n_rows, n_cols), csc=(indptr, indices, None))
    return SparseMatrix(s, _values(val, indices.shape[0], indices.device))


def val_like(mat: SparseMatrix, val: torch.Tensor) -> SparseMatrix:
    """A matrix with the pattern of ``mat`` and new values ``val`` (``(nnz,)`` or ``(nnz, D)``).

    Examples
    --------
    >>> B = val_like(A, torch.zeros(A.nnz))
    """
    if not isinstance(mat, SparseMatrix):
        raise DGLError(f"val_like needs a SparseMatrix, got {type(mat).__name__}.")
    if not isinstance(val, torch.Tensor) or val.dim() not in (1, 2) or val.shape[0] != mat.nnz:
        shape = tuple(val.shape) if isinstance(val, torch.Tensor) else type(val).__name__
        raise DGLError(f"val_like: the matrix has {mat.nnz} entries, so val must be ({mat.nnz},) or "
                       f"({mat.nnz}, D); got {shape}.")
    if val.device != mat.device:
        raise DGLError(f"val is on {val.device} but the matrix is on {mat.device}.")
    return SparseMatrix(mat._s, val)


def diag(val: torch.Tensor, shape: Optional[Tuple[int, int]] = None) -> SparseMatrix:
    """A diagonal matrix with ``val[i]`` at ``(i, i)``; ``val`` is ``(n,)`` or ``(n, D)``.

    ``shape`` defaults to ``(n, n)``; ``min(shape)`` must equal ``n``.

    Examples
    --------
    >>> diag(torch.tensor([1.0, 2.0])).to_dense()
    tensor([[1., 0.],
            [0., 2.]])
    """
    if not isinstance(val, torch.Tensor) or val.dim() not in (1, 2):
        raise DGLError("diag needs a (n,) or (n, D) tensor of diagonal values.")
    n = int(val.shape[0])
    shape = (n, n) if shape is None else (int(shape[0]), int(shape[1]))
    if min(shape) != n:
        raise DGLError(f"diag: {n} diagonal values do not fit shape {shape} (min(shape) must be {n}).")
    ids = torch.arange(n, device=val.device)
    return SparseMatrix(Structure(shape, coo=(ids, ids)), val)


def identity(shape: Tuple[int, int], d: Optional[int] = None, dtype: Optional[torch.dtype] = None,
             device: Optional[torch.device] = None) -> SparseMatrix:
    """The identity pattern of ``shape`` with ones (``(n, d)`` ones when ``d`` is given).

    Examples
    --------
    >>> identity((2, 2)).val
    tensor([1., 1.])
    """
    n = min(int(shape[0]), int(shape[1]))
    val_shape = (n,) if d is None else (n, int(d))
    return diag(torch.ones(val_shape, dtype=dtype, device=device), tuple(shape))  # type: ignore[arg-type]


def from_torch_sparse(torch_sparse_tensor: torch.Tensor) -> SparseMatrix:
    """A sparse matrix from a 2-D torch sparse COO, CSR or CSC tensor (values may be vectors)."""
    t = torch_sparse_tensor
    layout = getattr(t, "layout", None)
    if layout not in (torch.sparse_coo, torch.sparse_csr, torch.sparse_csc):
        raise DGLError(f"from_torch_sparse needs a sparse COO, CSR or CSC tensor, got layout {layout}.")
    shape = (int(t.shape[0]), int(t.shape[1]))
    if layout == torch.sparse_coo:
        idx = t._indices()
        return from_coo(idx[0], idx[1], t._values(), shape)
    if layout == torch.sparse_csr:
        return from_csr(t.crow_indices(), t.col_indices(), t.values(), shape)
    return from_csc(t.ccol_indices(), t.row_indices(), t.values(), shape)


def _full_shape(A: SparseMatrix) -> Tuple[int, ...]:
    return A.shape + tuple(A.val.shape[1:])


def _ordered(val: torch.Tensor, perm: Optional[torch.Tensor]) -> torch.Tensor:
    return val if perm is None else val[perm.long()]


def to_torch_sparse_coo(spmat: SparseMatrix) -> torch.Tensor:
    """The matrix as a torch sparse COO tensor (vector values become a dense trailing dim)."""
    return torch.sparse_coo_tensor(spmat.indices(), spmat.val, _full_shape(spmat), check_invariants=False)


def to_torch_sparse_csr(spmat: SparseMatrix) -> torch.Tensor:
    """The matrix as a torch sparse CSR tensor."""
    indptr, indices, perm = spmat.csr()
    return torch.sparse_csr_tensor(indptr, indices, _ordered(spmat.val, perm), _full_shape(spmat),
                                   check_invariants=False)


def to_torch_sparse_csc(spmat: SparseMatrix) -> torch.Tensor:
    """The matrix as a torch sparse CSC tensor."""
    indptr, indices, perm = spmat.csc()
    return torch.sparse_csc_tensor(indptr, indices, _ordered(spmat.val, perm), _full_shape(spmat),
                                   check_invariants=False)


def graph_adjacency(adj: Any, val: Optional[torch.Tensor] = None) -> SparseMatrix:
    """The ``(num_src, num_dst)`` adjacency matrix of one graph relation (a ``SparseAdj``).

    Entry ``(src[e], dst[e])`` holds ``val[e]`` (ones by default), in edge-id order; the
    relation's cached CSR/CSC are shared.
    """
    s = Structure((adj.num_src, adj.num_dst), coo=(adj.src, adj.dst), csr=adj._csr, csc=adj._csc)
    return SparseMatrix(s, _values(val, adj.num_edges, adj.device))
