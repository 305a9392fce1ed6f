"""Sub-matrices: rows or columns by index or range, random sampling per row, compaction.

None of these carry gradients (as in DGL). Results are built in the grouping of the
selected dimension: ``index_select(0, ...)`` lists the entries row by row in the order of
``index``, ``index_select(1, ...)`` column by column.
"""
from __future__ import annotations

from typing import Optional, Tuple

import torch

from ..base import DGLError
from ._structure import Structure
from .matrix import SparseMatrix

__all__ = ["index_select", "range_select", "sample", "compact"]


def _check_dim(dim: int) -> None:
    if dim not in (0, 1):
        raise DGLError(f"The selection dimension must be 0 (rows) or 1 (columns), got {dim}.")


def _check_ids(A: SparseMatrix, dim: int, index: torch.Tensor, what: str) -> torch.Tensor:
    if not isinstance(index, torch.Tensor):
        index = torch.as_tensor(index, device=A.device)
    if index.dtype not in (torch.int32, torch.int64):
        raise DGLError(f"{what} needs integer ids, got {index.dtype}.")
    index = index.reshape(-1).to(A.device)
    bound = A.shape[dim]
    if index.numel():
        lo, hi = int(index.min()), int(index.max())
        if lo < 0 or hi >= bound:
            name = "row" if dim == 0 else "column"
            raise DGLError(f"{what}: {name} id {lo if lo < 0 else hi} is out of range for a matrix of "
                           f"shape {A.shape}.")
    return index.long()


def _entries(A: SparseMatrix, dim: int, index: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """For each selected line (in ``index`` order), its entries: (new line id, storage id)."""
    indptr, _, perm = A.csr() if dim == 0 else A.csc()
    ip = indptr.long()
    start, deg = ip[index], ip[index + 1] - ip[index]
    new_line = torch.repeat_interleave(torch.arange(index.shape[0], device=A.device), deg)
    offsets = torch.cumsum(deg, 0) - deg
    pos = start[new_line] + torch.arange(new_line.shape[0], device=A.device) - offsets[new_line]
    sid = pos if perm is None else perm.long()[pos]
    return new_line, sid


def _build(A: SparseMatrix, dim: int, new_line: torch.Tensor, sid: torch.Tensor, size: int) -> SparseMatrix:
    row, col = A.coo()
    dt = row.dtype
    if dim == 0:
        coo = (new_line.to(dt), col[sid])
        shape = (size, A.shape[1])
    else:
        coo = (row[sid], new_line.to(dt))
        shape = (A.shape[0], size)
    return SparseMatrix(Structure(shape, coo=coo), A.val.detach()[sid])


def index_select(A: SparseMatrix, dim: int, index: torch.Tensor) -> SparseMatrix:
    """Rows (``dim=0``) or columns (``dim=1``) ``index`` of ``A``, relabelled ``0..len-1``.

    Examples
    --------
    >>> A = spmatrix(torch.tensor([[0, 1, 2], [0, 1, 2]]))
    >>> A.index_select(0, torch.tensor([2, 0])).shape
    (2, 3)
    """
    _check_dim(dim)
    if not isinstance(index, torch.Tensor):
        raise DGLError(f"index_select needs a tensor of ids, got {type(index).__name__}.")
    index = _check_ids(A, dim, index, "index_select")
    new_line, sid = _entries(A, dim, index)
    return _build(A, dim, new_line, sid, index.shape[0])


def range_select(A: SparseMatrix, dim: int, index: slice) -> SparseMatrix:
    """Rows or columns ``index.start`` to ``index.stop - 1`` (a slice of step 1)."""
    _check_dim(dim)
    if not isinstance(index, slice):
        raise DGLError(f"range_select needs a slice, got {type(index).__name__}.")
    if index.step not in (None, 1):
        raise DGLError(f"range_select supports slices of step 1 only, got step {index.step}.")
    start, stop, _ = index.indices(A.shape[dim])
    ids = torch.arange(start, max(start, stop), device=A.device)
    return index_select(A, dim, ids)


def sample(A: SparseMatrix, dim: int, fanout: int, ids: Optional[torch.Tensor] = None, replace: bool = False,
           bias: bool = False) -> SparseMatrix:
    """Up to ``fanout`` random entries of each row (``dim=0``) or column (``dim=1``) in ``ids``.

    Without replacement a line with fewer entries keeps them all; with replacement every
    non-empty line gets exactly ``fanout`` draws. With ``bias`` the (non-negative scalar)
    values are the sampling weights. The result has one row (column) per id.
    """
    _check_dim(dim)
    if fanout < 0:
        raise DGLError(f"fanout must be non-negative, got {fanout}.")
    if ids is None:
        ids = torch.arange(A.shape[dim], device=A.device)
    ids = _check_ids(A, dim, ids, "sample")
    if bias and A.val.dim() != 1:
        raise DGLError("sample(bias=True) needs scalar values to use as weights.")
    new_line, sid = _entries(A, dim, ids)
    n = new_line.shape[0]
    weight = A.val.detach()[sid].double() if bias else torch.ones(n, dtype=torch.float64, device=A.device)
    if bias and n and bool((weight < 0).any()):
        raise DGLError("sample(bias=True) needs non-negative values.")
    counts = torch.bincount(new_line, minlength=ids.shape[0])
    offsets = torch.cumsum(counts, 0) - counts
    if replace:
        # inverse-CDF draws within each line from the cumulative weights
        cum = torch.cumsum(weight, 0)
        base = torch.where(offsets > 0, cum[(offsets - 1).clamp(min=0)], torch.zeros_like(offsets, dtype=cum.dtype))
        total = cum[(offsets + counts - 1).clamp(min=0)] - base if n else base
        live = torch.nonzero((counts > 0) & (total > 0)).reshape(-1)
        lines = live.repeat_interleave(fanout)
        u = torch.rand(lines.shape[0], dtype=torch.float64, device=A.device)
        target = base[lines] + u * total[lines]
        pick = torch.searchsorted(cum, target, right=True).clamp(max=max(n - 1, 0))
        pick = torch.minimum(torch.maximum(pick, offsets[lines]), offsets[lines] + counts[lines] - 1)
        return _build(A, dim, lines, sid[pick], ids.shape[0])
    # without replacement: keep the fanout largest random keys u^(1/w) of each line
    u = torch.rand(n, dtype=torch.float64, device=A.device)
    key = torch.where(weight > 0, torch.log(u) / weight, torch.full_like(u, -float("inf")))
    order = torch.argsort(key, descending=True)
    order = order[torch.argsort(new_line[order], stable=True)]
    rank = torch.arange(n, device=A.device) - offsets[new_line[order]]
    keep = order[(rank < fanout) & (key[order] > -float("inf"))]
    keep, _ = torch.sort(keep)
    return _build(A, dim, new_line[keep], sid[keep], ids.shape[0])


def compact(A: SparseMatrix, dim: int, leading_indices: Optional[torch.Tensor] = None
            ) -> Tuple[SparseMatrix, torch.Tensor]:
    """Remove the empty rows (``dim=0``) or columns and relabel the rest in order.

    ``leading_indices`` (kept even if empty) take the first labels, in their order; the
    other non-empty lines follow in increasing order.

    Returns
    -------
    (SparseMatrix, torch.Tensor)
        The compacted matrix and, for each new label, the original row (column) id.
    """
    _check_dim(dim)
    row, col = A.coo()
    line = (row if dim == 0 else col).long()
    present = torch.unique(line)
    if leading_indices is not None:
        lead = _check_ids(A, dim, torch.as_tensor(leading_indices, device=A.device), "compact")
        rest = present[~torch.isin(present, lead)]
        order = torch.cat([lead, rest])
    else:
        order = present
    relabel = torch.full((A.shape[dim],), -1, dtype=torch.long, device=A.device)
    relabel[order] = torch.arange(order.shape[0], device=A.device)
    new = relabel[line].to(row.dtype)
    coo = (new, col) if dim == 0 else (row, new)
    shape = (order.shape[0], A.shape[1]) if dim == 0 else (A.shape[0], order.shape[0])
    return SparseMatrix(Structure(shape, coo=coo), A.val), order.to(row.dtype)
