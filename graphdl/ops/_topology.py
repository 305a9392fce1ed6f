"""The compressed adjacency handed to the sparse kernels.

A :class:`Topology` holds in-edges grouped by destination (``ptr``, ``col``, ``eid``: rows are
destinations, the ``v`` role; ``col`` holds sources, the ``u`` role) and, when gradients to
sources are needed, the same edges grouped by source (``tptr``, ``tcol``, ``teid``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple

import torch

from ..base import DGLError
from .._graph.storage import SparseAdj

__all__ = ["Topology", "graph_topology", "segment_topology", "get_adj", "needs_grad", "swap_target"]


@dataclass(frozen=True)
class Topology:
    ptr: torch.Tensor
    col: torch.Tensor
    eid: torch.Tensor
    tptr: torch.Tensor
    tcol: torch.Tensor
    teid: torch.Tensor

    @property
    def num_rows(self) -> int:
        return self.ptr.shape[0] - 1

    @property
    def num_cols(self) -> int:
        return self.tptr.shape[0] - 1

    @property
    def num_edges(self) -> int:
        return self.col.shape[0]

    def tensors(self) -> Tuple[torch.Tensor, ...]:
        return (self.ptr, self.col, self.eid, self.tptr, self.tcol, self.teid)

    def transposed(self) -> "Topology":
        if self.tptr.numel() == 0:
            raise DGLError("The transposed adjacency was not prepared for this computation.")
        return Topology(self.tptr, self.tcol, self.teid, self.ptr, self.col, self.eid)


def swap_target(target: str) -> str:
    """The role a target plays in the transposed adjacency."""
    return {"u": "v", "v": "u", "e": "e"}[target]


def get_adj(g: Any):
    """The single relation's adjacency of ``g`` (a graph, a relation slice or a ``SparseAdj``)."""
    if isinstance(g, SparseAdj):
        return g
    if hasattr(g, "canonical_etypes") and len(g.canonical_etypes) != 1:
        raise DGLError(
            f"The graph has {len(g.canonical_etypes)} edge types {g.canonical_etypes}; "
            "select one relation first, e.g. g[etype]."
        )
    return g._adj(None)


def needs_grad(*tensors: Optional[torch.Tensor]) -> bool:
    """True when autograd will ask for gradients of one of ``tensors``."""
    return torch.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)


def graph_topology(adj: Any, transpose: bool, by_src: bool = False) -> Topology:
    """Topology of ``adj``; ``transpose`` also loads the by-source form.

    With ``by_src`` the roles swap: rows are sources (used for normalising by source).
    """
    fwd = adj.csr() if by_src else adj.csc()
    if transpose:
        bwd = adj.csc() if by_src else adj.csr()
    else:
        empty = torch.zeros(0, dtype=fwd[0].dtype, device=fwd[0].device)
        bwd = (empty, empty, empty)
    return Topology(*fwd, *bwd)


def segment_topology(seglen: torch.Tensor, num_entries: int) -> Topology:
    """Topology whose row ``i`` holds the ``seglen[i]`` consecutive entries of a segment."""
    seglen = torch.as_tensor(seglen)
    if seglen.dim() != 1:
        raise DGLError(f"seglen must be a 1-D tensor, got shape {tuple(seglen.shape)}.")
    if seglen.numel() and int(seglen.min()) < 0:
        raise DGLError(f"seglen must be non-negative, got {int(seglen.min())}.")
    total = int(seglen.sum()) if seglen.numel() else 0
    if total != num_entries:
        raise DGLError(f"seglen sums to {total} but the value tensor has {num_entries} rows.")
    idtype = torch.int64
    ptr = torch.zeros(seglen.shape[0] + 1, dtype=idtype, device=seglen.device)
    torch.cumsum(seglen.to(idtype), 0, out=ptr[1:])
    ids = torch.arange(num_entries, dtype=idtype, device=seglen.device)
    empty = torch.zeros(0, dtype=idtype, device=seglen.device)
    return Topology(ptr, ids, ids, empty, empty, empty)
