"""Edge storage of one relation.

A relation keeps its edges as COO (``src``, ``dst``; edge ``i`` is ``src[i] -> dst[i]``).
The compressed forms are derived on first use and cached:

* ``csr()``: out-edges grouped by source, ``(indptr[num_src + 1], dst ids, edge ids)``;
* ``csc()``: in-edges grouped by destination, ``(indptr[num_dst + 1], src ids, edge ids)``.

Within a row, edges keep increasing edge-id order, except in a relation built by
:meth:`SparseAdj.with_row_order` (``sort_csr_by_tag`` groups each row by tag). Every tensor has the relation's id type
and lives on the relation's device. Storage objects are immutable: mutation builds new ones.

A relation may be *restricted* to some formats (``DGLGraph.formats(['csc'])``): ``allowed``
names them, and only those are reported and built by :meth:`SparseAdj.create_formats_`.
A relation built from CSR or CSC without edge ids numbers its edges in that stored order;
``implicit_eids`` names that format, whose edge-id array DGL then reports as empty.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import torch

from .._compat_torch import is_compiling
from ..base import DGLError
from .ids import check_ids

__all__ = ["SparseAdj", "compress", "FORMATS"]

#: The sparse formats, in the order DGL lists them (and picks one to build when none is there).
FORMATS = ("coo", "csr", "csc")

Triple = Tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def compress(rows: torch.Tensor, cols: torch.Tensor, num_rows: int) -> Triple:
    """Group COO entries by ``rows``: returns ``(indptr, cols sorted by row, permutation)``.

    The sort is stable, so entries of one row keep their original order.
    """
    idtype = rows.dtype
    if rows.numel() == 0:
        indptr = torch.zeros(num_rows + 1, dtype=idtype, device=rows.device)
        return indptr, cols.clone(), torch.zeros(0, dtype=idtype, device=rows.device)
    counts = torch.bincount(rows.long(), minlength=num_rows)
    indptr = torch.zeros(num_rows + 1, dtype=torch.int64, device=rows.device)
    torch.cumsum(counts, 0, out=indptr[1:])
    if rows.device.type == "cpu":
        # A counting sort needs no sorted copy of ``rows``: about a third less peak memory
        # than torch.sort on large graphs, and faster.
        from ._counting_sort import counting_sort

        out_cols, perm = counting_sort(rows, cols, indptr)
        return indptr.to(idtype), out_cols, perm
    _, perm = torch.sort(rows, stable=True)
    return indptr.to(idtype), cols[perm], perm.to(idtype)


class SparseAdj:
    """Edges of one relation between ``num_src`` source and ``num_dst`` destination nodes."""

    __slots__ = ("src", "dst", "num_src", "num_dst", "_csr", "_csc", "_in_deg", "_out_deg", "_derived",
                 "allowed", "implicit_eids")

    def __init__(
        self,
        src: torch.Tensor,
        dst: torch.Tensor,
        num_src: int,
        num_dst: int,
        validate: bool = True,
    ) -> None:
        if src.dim() != 1 or dst.dim() != 1:
            raise DGLError("Edge endpoints must be 1-D tensors.")
        if src.shape[0] != dst.shape[0]:
            raise DGLError(
                f"Source and destination id tensors differ in length: {src.shape[0]} vs {dst.shape[0]}."
            )
        if src.dtype != dst.dtype:
            raise DGLError(f"Source and destination ids differ in type: {src.dtype} vs {dst.dtype}.")
        if src.dtype not in (torch.int32, torch.int64):
            raise DGLError(f"Node ids must be int32 or int64, got {src.dtype}.")
        if src.device != dst.device:
            raise DGLError(f"Source ids are on {src.device} but destination ids on {dst.device}.")
        if validate:
            check_ids(src, num_src, "source node")
            check_ids(dst, num_dst, "destination node")
        if src.dtype == torch.int32 and max(num_src, num_dst, src.shape[0]) > 2**31 - 1:
            raise DGLError("The graph is too large for int32 ids; use idtype=torch.int64.")
        self.src = src
        self.dst = dst
        self.num_src = int(num_src)
        self.num_dst = int(num_dst)
        self._csr: Optional[Triple] = None
        self._csc: Optional[Triple] = None
        self._in_deg: Optional[torch.Tensor] = None
        self._out_deg: Optional[torch.Tensor] = None
        self._derived: dict = {}
        self.allowed: Tuple[str, ...] = FORMATS
        self.implicit_eids: Tuple[str, ...] = ()

    # -- construction from compressed forms ---------------------------------------------
    @classmethod
    def from_csr(
        cls,
        indptr: torch.Tensor,
        indices: torch.Tensor,
        eids: Optional[torch.Tensor],
        num_src: int,
        num_dst: int,
        validate: bool = True,
    ) -> "SparseAdj":
        """Build from out-edge CSR. ``eids[k]`` is the id of the ``k``-th stored edge."""
        src = _expand_indptr(indptr, num_src, indices.dtype, "CSR")
        return cls._from_compressed(indptr, src, indices, eids, num_src, num_dst, validate, row_is_src=True)

    @classmethod
    def from_csc(
        cls,
        indptr: torch.Tensor,
        indices: torch.Tensor,
        eids: Optional[torch.Tensor],
        num_src: int,
        num_dst: int,
        validate: bool = True,
    ) -> "SparseAdj":
        """Build from in-edge CSC (rows are destinations, ``indices`` are sources)."""
        dst = _expand_indptr(indptr, num_dst, indices.dtype, "CSC")
        return cls._from_compressed(indptr, indices, dst, eids, num_src, num_dst, validate, row_is_src=False)

    @classmethod
    def _from_compressed(cls, indptr, src, dst, eids, num_src, num_dst, validate, row_is_src):
        n = src.shape[0]
        if eids is None or eids.numel() == 0 and n == 0:
            adj = cls(src, dst, num_src, num_dst, validate)
            # the edges are numbered in stored order, so the given arrays are the format
            form = (indptr.to(src.dtype), dst if row_is_src else src,
                    torch.arange(n, dtype=src.dtype, device=src.device))
            if row_is_src:
                adj._csr = form
            else:
                adj._csc = form
            adj.implicit_eids = ("csr",) if row_is_src else ("csc",)
        else:
            eids = eids.to(src.dtype)
            if eids.shape[0] != n:
                raise DGLError(f"Expected {n} edge ids, got {eids.shape[0]}.")
            check_ids(eids, n, "edge")
            order = torch.empty_like(eids)
            order[eids.long()] = torch.arange(n, dtype=eids.dtype, device=eids.device)
            if torch.unique(eids).shape[0] != n:
                raise DGLError("Edge ids of a compressed matrix must be a permutation of 0..E-1.")
            adj = cls(src[order.long()], dst[order.long()], num_src, num_dst, validate)
        return adj

    # -- basic properties ----------------------------------------------------------------
    @property
    def idtype(self) -> torch.dtype:
        return self.src.dtype

    @property
    def device(self) -> torch.device:
        return self.src.device

    @property
    def num_edges(self) -> int:
        return int(self.src.shape[0])

    # -- cached compressed forms ---------------------------------------------------------
    def csr(self) -> Triple:
        """Out-edges by source: ``(indptr, dst, eid)``."""
        if self._csr is None:
            self._csr = compress(self.src, self.dst, self.num_src)
        return self._csr

    def csc(self) -> Triple:
        """In-edges by destination: ``(indptr, src, eid)``."""
        if self._csc is None:
            self._csc = compress(self.dst, self.src, self.num_dst)
        return self._csc

    def with_row_order(self, fmt: str, compressed: Triple) -> "SparseAdj":
        """The same edges with a chosen order inside each row of ``fmt`` (``'csr'`` or ``'csc'``).

        ``compressed`` is ``(indptr, other ends, edge ids)`` holding the same edges as this
        relation, each row's edges in the wanted order; edge ids and COO are unchanged.
        """
        if fmt not in ("csr", "csc"):
            raise DGLError(f"fmt must be 'csr' or 'csc', got {fmt!r}.")
        out = SparseAdj(self.src, self.dst, self.num_src, self.num_dst, False)
        out._in_deg, out._out_deg = self._in_deg, self._out_deg
        if fmt == "csr":
            out._csr, out._csc = compressed, self._csc
        else:
            out._csr, out._csc = self._csr, compressed
        return self._carry_formats(out)

    def created(self) -> Tuple[str, ...]:
        """The allowed formats that exist now (COO always does, when allowed)."""
        have = {"coo": True, "csr": self._csr is not None, "csc": self._csc is not None}
        return tuple(f for f in self.allowed if have[f])

    def create_formats_(self) -> None:
        """Build every allowed format now."""
        if "csr" in self.allowed:
            self.csr()
        if "csc" in self.allowed:
            self.csc()

    def restricted(self, formats: Tuple[str, ...]) -> "SparseAdj":
        """The same relation restricted to ``formats`` (a new object; cached forms shared).

        When none of the allowed formats exists yet, the first of them is built, so the
        restricted relation always has one.
        """
        allowed = tuple(f for f in FORMATS if f in formats)
        out = SparseAdj(self.src, self.dst, self.num_src, self.num_dst, False)
        out._csr = self._csr if "csr" in allowed else None
        out._csc = self._csc if "csc" in allowed else None
        out._in_deg, out._out_deg = self._in_deg, self._out_deg
        out.allowed = allowed
        out.implicit_eids = tuple(f for f in self.implicit_eids if f in allowed)
        if not out.created():
            out.csr() if allowed[0] == "csr" else out.csc()
        return out

    def _carry_formats(self, out: "SparseAdj", swap: bool = False) -> "SparseAdj":
        """Copy the format restriction onto ``out`` (CSR and CSC exchanged when ``swap``)."""
        rename = {"csr": "csc", "csc": "csr"} if swap else {}
        out.allowed = tuple(f for f in FORMATS if f in {rename.get(a, a) for a in self.allowed})
        out.implicit_eids = tuple(rename.get(f, f) for f in self.implicit_eids)
        return out

    def derived(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value computed from the structure alone (a degree norm, say), computed once.

        The relation is immutable, so the value stays valid for its lifetime. While
        ``torch.compile`` traces, the value is computed inline instead of cached.
        """
        if is_compiling():
            return compute()
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = compute()
            return value

    def in_degrees(self) -> torch.Tensor:
        if self._in_deg is None:
            self._in_deg = torch.bincount(self.dst.long(), minlength=self.num_dst).to(self.idtype)
        return self._in_deg

    def out_degrees(self) -> torch.Tensor:
        if self._out_deg is None:
            self._out_deg = torch.bincount(self.src.long(), minlength=self.num_src).to(self.idtype)
        return self._out_deg

    def degrees_of(self, nodes: torch.Tensor, incoming: bool) -> torch.Tensor:
        """In- (or out-) degrees of ``nodes`` (checked ids), counted without a per-node array
        for the whole relation unless one is already cached or most nodes are asked for."""
        deg = self._in_deg if incoming else self._out_deg
        if deg is not None:
            return deg[nodes.long()]
        comp = self._csc if incoming else self._csr
        if comp is not None:
            indptr = comp[0]
            n = nodes.long()
            return (indptr[n + 1] - indptr[n]).to(self.idtype)
        num = self.num_dst if incoming else self.num_src
        if nodes.shape[0] * 4 >= num:
            full = self.in_degrees() if incoming else self.out_degrees()
            return full[nodes.long()]
        # count the edges ending at each distinct queried node: O(E log k) with k queried nodes
        uniq, inverse = torch.unique(nodes.long(), return_inverse=True)
        ends = (self.dst if incoming else self.src).long()
        pos = torch.searchsorted(uniq, ends).clamp_(max=max(uniq.shape[0] - 1, 0))
        hit = uniq[pos] == ends if uniq.numel() else torch.zeros_like(ends, dtype=torch.bool)
        counts = torch.bincount(pos[hit], minlength=uniq.shape[0])
        return counts[inverse].to(self.idtype)

    # -- derived relations ---------------------------------------------------------------
    def to(self, device: torch.device | str) -> "SparseAdj":
        device = torch.device(device)
        if device == self.device:
            return self
        out = SparseAdj(self.src.to(device), self.dst.to(device), self.num_src, self.num_dst, False)
        if self._csr is not None:
            out._csr = tuple(t.to(device) for t in self._csr)  # type: ignore[assignment]
        if self._csc is not None:
            out._csc = tuple(t.to(device) for t in self._csc)  # type: ignore[assignment]
        return self._carry_formats(out)

    def astype(self, idtype: torch.dtype) -> "SparseAdj":
        if idtype == self.idtype:
            return self
        if idtype not in (torch.int32, torch.int64):
            raise DGLError(f"idtype must be torch.int32 or torch.int64, got {idtype}.")
        out = SparseAdj(self.src.to(idtype), self.dst.to(idtype), self.num_src, self.num_dst, False)
        if self._csr is not None:
            out._csr = tuple(t.to(idtype) for t in self._csr)  # type: ignore[assignment]
        if self._csc is not None:
            out._csc = tuple(t.to(idtype) for t in self._csc)  # type: ignore[assignment]
        return self._carry_formats(out)

    def reverse(self) -> "SparseAdj":
        out = SparseAdj(self.dst, self.src, self.num_dst, self.num_src, False)
        out._csr, out._csc = self._csc, self._csr
        out._in_deg, out._out_deg = self._out_deg, self._in_deg
        return self._carry_formats(out, swap=True)

    def with_num_nodes(self, num_src: int, num_dst: int) -> "SparseAdj":
        """Same edges, more nodes (used when nodes are appended)."""
        return SparseAdj(self.src, self.dst, num_src, num_dst, False)

    def edge_subset(self, eids: torch.Tensor) -> "SparseAdj":
        """The edges ``eids`` (in that order), same node sets."""
        e = eids.long()
        return SparseAdj(self.src[e], self.dst[e], self.num_src, self.num_dst, False)

    def __repr__(self) -> str:
        return f"SparseAdj(num_src={self.num_src}, num_dst={self.num_dst}, num_edges={self.num_edges})"


def _expand_indptr(indptr: torch.Tensor, num_rows: int, idtype: torch.dtype, what: str) -> torch.Tensor:
    if indptr.dim() != 1 or indptr.shape[0] != num_rows + 1:
        raise DGLError(f"{what} indptr must have {num_rows + 1} entries, got {tuple(indptr.shape)}.")
    ip = indptr.long()
    if ip.numel() and (int(ip[0]) != 0 or bool((ip[1:] < ip[:-1]).any())):
        raise DGLError(f"{what} indptr must start at 0 and never decrease.")
    counts = ip[1:] - ip[:-1]
    rows = torch.repeat_interleave(torch.arange(num_rows, device=indptr.device), counts)
    return rows.to(idtype)
