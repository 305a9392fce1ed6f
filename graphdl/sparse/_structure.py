"""The sparsity pattern of a :class:`~graphdl.sparse.SparseMatrix`, with its cached formats.

A pattern is stored in the format it was built from (COO, CSR or CSC) and the other formats
are derived on first use and cached, the way ``torch_sparse`` stores its matrices:

* ``coo()``: ``(row, col)``, one entry per stored value, in *storage order*;
* ``csr()``: ``(indptr, indices, perm)``: entries grouped by row; ``perm[k]`` is the storage
  position of the ``k``-th CSR entry (``None`` when the pattern was built from CSR);
* ``csc()``: the same grouped by column.

The values of a matrix always follow storage order, so every matrix with this pattern shares
the caches (``val_like``). Grouping is stable: entries of one row keep their storage order.
Patterns are immutable.
"""
from __future__ import annotations

from typing import Optional, Tuple

import torch

from ..base import DGLError
from ..ops._topology import Topology
from .._graph.storage import compress

__all__ = ["Structure", "check_index_tensor"]

Compressed = Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]


def _compiling() -> bool:
    return torch.compiler.is_compiling()


def check_index_tensor(x: torch.Tensor, what: str) -> None:
    """Raise ``DGLError`` unless ``x`` is an int32/int64 tensor."""
    if not isinstance(x, torch.Tensor):
        raise DGLError(f"{what} must be a torch.Tensor, got {type(x).__name__}.")
    if x.dtype not in (torch.int32, torch.int64):
        raise DGLError(f"{what} must hold integers (torch.int32 or torch.int64), got {x.dtype}.")


def _compress(rows: torch.Tensor, cols: torch.Tensor, num_rows: int) -> Tuple[torch.Tensor, ...]:
    """Stable grouping of COO entries by ``rows``: ``(indptr, cols by row, permutation)``."""
    if not _compiling():
        return compress(rows, cols, num_rows)
    # While torch.compile traces: torch operators only (the CPU counting sort is a numba call).
    counts = torch.bincount(rows.long(), minlength=num_rows)
    indptr = torch.cat([counts.new_zeros(1), torch.cumsum(counts, 0)]).to(rows.dtype)
    _, perm = torch.sort(rows, stable=True)
    return indptr, cols[perm], perm.to(rows.dtype)


def _expand(indptr: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    counts = (indptr[1:] - indptr[:-1]).long()
    return torch.repeat_interleave(torch.arange(indptr.shape[0] - 1, device=indptr.device), counts).to(dtype)


class Structure:
    """The positions of the stored entries of a matrix of ``shape`` (no values)."""

    __slots__ = ("shape", "_coo", "_csr", "_csc", "_eids", "_has_dup")

    def __init__(self, shape: Tuple[int, int], coo: Optional[Tuple[torch.Tensor, torch.Tensor]] = None,
                 csr: Optional[Compressed] = None, csc: Optional[Compressed] = None) -> None:
        if coo is None and csr is None and csc is None:
            raise DGLError("A sparse structure needs at least one of COO, CSR or CSC.")
        self.shape = (int(shape[0]), int(shape[1]))
        self._coo = coo
        self._csr = csr
        self._csc = csc
        self._eids: Optional[torch.Tensor] = None
        self._has_dup: Optional[bool] = None

    # -- basic facts ----------------------------------------------------------------------
    def _any(self) -> torch.Tensor:
        if self._coo is not None:
            return self._coo[0]
        return (self._csr if self._csr is not None else self._csc)[1]  # type: ignore[index]

    @property
    def nnz(self) -> int:
        return int(self._any().shape[0])

    @property
    def idtype(self) -> torch.dtype:
        return self._any().dtype

    @property
    def device(self) -> torch.device:
        return self._any().device

    # -- formats --------------------------------------------------------------------------
    def coo(self) -> Tuple[torch.Tensor, torch.Tensor]:
        if self._coo is not None:
            return self._coo
        if self._csr is not None and self._csr[2] is None:
            indptr, indices, _ = self._csr
            coo = (_expand(indptr, indices.dtype), indices)
        else:
            indptr, indices, _ = self._csc  # type: ignore[misc]
            coo = (indices, _expand(indptr, indices.dtype))
        if not _compiling():
            self._coo = coo
        return coo

    def csr(self) -> Compressed:
        if self._csr is None:
            row, col = self.coo()
            csr: Compressed = _compress(row, col, self.shape[0])
            if _compiling():
                return csr
            self._csr = csr
        return self._csr

    def csc(self) -> Compressed:
        if self._csc is None:
            row, col = self.coo()
            csc: Compressed = _compress(col, row, self.shape[1])
            if _compiling():
                return csc
            self._csc = csc
        return self._csc

    def storage_ids(self) -> torch.Tensor:
        if self._eids is None:
            eids = torch.arange(self.nnz, dtype=self.idtype, device=self.device)
            if _compiling():
                return eids
            self._eids = eids
        return self._eids

    def _perm(self, fmt: Compressed) -> torch.Tensor:
        return fmt[2] if fmt[2] is not None else self.storage_ids()

    def topology(self, transpose: bool, by_col: bool = False) -> Topology:
        """The kernels' view: rows of the matrix (columns with ``by_col``) are the ``v`` role.

        ``transpose`` also loads the other grouping, which gradients to the ``u`` side need.
        """
        fwd = self.csc() if by_col else self.csr()
        if transpose:
            bwd = self.csr() if by_col else self.csc()
            back = (bwd[0], bwd[1], self._perm(bwd))
        else:
            empty = fwd[0].new_zeros(0)
            back = (empty, empty, empty)
        return Topology(fwd[0], fwd[1], self._perm(fwd), *back)

    def has_duplicate(self) -> bool:
        if self._has_dup is None:
            row, col = self.coo()
            n = row.shape[0]
            dup = n > 0 and int(torch.unique(row.long() * self.shape[1] + col.long()).shape[0]) < n
            self._has_dup = bool(dup)
        return self._has_dup

    # -- derived patterns -----------------------------------------------------------------
    def transposed(self) -> "Structure":
        coo = None if self._coo is None else (self._coo[1], self._coo[0])
        return Structure((self.shape[1], self.shape[0]), coo, self._csc, self._csr)

    def to(self, device: torch.device) -> "Structure":
        def move(t):
            return None if t is None else tuple(None if x is None else x.to(device) for x in t)

        return Structure(self.shape, move(self._coo), move(self._csr), move(self._csc))

    def formats(self) -> dict:
        return {"coo": self._coo is not None, "csr": self._csr is not None, "csc": self._csc is not None}
