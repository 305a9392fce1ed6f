"""What DGL's graph file readers of both format versions share: the record and id checks.

:mod:`graphdl.data._graph_format` (version 2, read and write) and
:mod:`graphdl.data._graph_format_v1` (version 1, read only) both build
:class:`GraphRecord` objects and check the id arrays they read with these helpers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import torch

from ._binary import ByteReader, read_ndarray

__all__ = ["MAX_NODES", "GraphRecord", "read_id_array", "check_bounds", "edge_order", "scatter_by_eid"]

# Largest node count accepted for one type: far above any real graph, low enough that
# a forged count cannot make later per-node allocations explode.
MAX_NODES = 1 << 40


@dataclass
class GraphRecord:
    """The content of one stored graph.

    Attributes
    ----------
    ntypes
        Node type names, in type-id order.
    etypes
        Edge type names, in type-id order.
    relations
        ``(src type id, dst type id)`` per edge type.
    num_nodes
        Node count per node type.
    edges
        ``(src ids, dst ids)`` per edge type, in edge-id order, both of one id dtype.
    node_tensors
        Feature dict per node type.
    edge_tensors
        Feature dict per edge type.
    """

    ntypes: List[str]
    etypes: List[str]
    relations: List[Tuple[int, int]]
    num_nodes: List[int]
    edges: List[Tuple[torch.Tensor, torch.Tensor]]
    node_tensors: List[Dict[str, torch.Tensor]] = field(default_factory=list)
    edge_tensors: List[Dict[str, torch.Tensor]] = field(default_factory=list)
    #: sparse formats stored in the file (COO_CODE | CSR_CODE | CSC_CODE bits; 0 if unknown)
    saved_formats: int = 0

    @property
    def idtype(self) -> torch.dtype:
        return self.edges[0][0].dtype if self.edges else torch.int64


def read_id_array(reader: ByteReader, field_name: str) -> torch.Tensor:
    arr = read_ndarray(reader, field_name)
    if arr.dtype not in (torch.int32, torch.int64) or arr.dim() != 1:
        raise reader.fail(f"{field_name} must be a 1-D int32/int64 array, got {arr.dtype} of shape {tuple(arr.shape)}")
    return arr


def check_bounds(reader: ByteReader, ids: torch.Tensor, bound: int, what: str) -> None:
    if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= bound):
        bad = int(ids.min()) if int(ids.min()) < 0 else int(ids.max())
        raise reader.fail(f"{what} id {bad} is out of range [0, {bound})")


def edge_order(reader: ByteReader, eids: torch.Tensor, num_edges: int, what: str) -> torch.Tensor:
    """Check ``eids`` is a permutation of ``0..num_edges-1`` and return it as int64."""
    if eids.numel() != num_edges:
        raise reader.fail(f"{what} edge-id array has {eids.numel()} entries for {num_edges} edges")
    eids = eids.long()
    check_bounds(reader, eids, num_edges, f"{what} edge")
    if num_edges and torch.bincount(eids, minlength=num_edges).max() != 1:
        raise reader.fail(f"{what} edge ids repeat")
    return eids


def scatter_by_eid(first: torch.Tensor, second: torch.Tensor, eids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    a, b = torch.empty_like(first), torch.empty_like(second)
    a[eids], b[eids] = first, second
    return a, b
