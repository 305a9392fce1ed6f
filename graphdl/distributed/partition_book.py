"""Partition books: which partition owns each node and edge id.

After :func:`~graphdl.distributed.partition_graph`, the nodes of every partition hold one
contiguous range of *homogeneous* ids per node type, laid out partition by partition and, inside a
partition, type by type (DGL's layout)::

    partition 0: [type 0 | type 1 | ...] partition 1: [type 0 | type 1 | ...] ...

Edges likewise, per canonical edge type. A :class:`RangePartitionBook` stores these ranges and
answers ownership queries with a binary search (``torch.searchsorted``) on the range ends, so
it costs ``O(num_parts × num_types)`` memory whatever the graph size. Per-type ids (the ids a
heterograph user sees) map to homogeneous ids through the same ranges.
"""
from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from ..base import DGLError

__all__ = [
    "DEFAULT_NTYPE",
    "DEFAULT_ETYPE",
    "GraphPartitionBook",
    "RangePartitionBook",
    "NodePartitionPolicy",
    "EdgePartitionPolicy",
    "PartitionPolicy",
    "etype_str_to_tuple",
    "etype_tuple_to_str",
]

DEFAULT_NTYPE = "_N"
DEFAULT_ETYPE = (DEFAULT_NTYPE, "_E", DEFAULT_NTYPE)

CanonicalType = Tuple[str, str, str]
EType = Union[str, CanonicalType]


def etype_tuple_to_str(c_etype: CanonicalType) -> str:
    """``("user", "buys", "item")`` -> ``"user:buys:item"`` (the key DGL's partition files use)."""
    if not (isinstance(c_etype, tuple) and len(c_etype) == 3):
        raise DGLError(f"A canonical edge type is a (src, edge, dst) tuple, got {c_etype!r}.")
    return ":".join(c_etype)


def etype_str_to_tuple(c_etype: str) -> CanonicalType:
    """``"user:buys:item"`` -> ``("user", "buys", "item")``."""
    parts = c_etype.split(":")
    if len(parts) != 3:
        raise DGLError(f"{c_etype!r} is not a canonical edge type written as 'src:edge:dst'.")
    return parts[0], parts[1], parts[2]


def _as_ids(ids: object, what: str) -> torch.Tensor:
    t = torch.as_tensor(ids)
    if t.dtype == torch.bool or t.is_floating_point() or t.is_complex():
        raise DGLError(f"{what} must be integer ids, got a tensor of {t.dtype}.")
    return t.reshape(-1).to(torch.int64)


class RangePartitionBook:
    """Ownership of node and edge ids by contiguous ranges (DGL's ``RangePartitionBook``).

    Parameters
    ----------
    part_id : int
        The partition this process serves.
    num_parts : int
        Number of partitions.
    node_map : dict of str to array of shape (num_parts, 2)
        For every node type, the ``[start, end)`` homogeneous ids each partition owns.
    edge_map : dict of canonical edge type (tuple or ``"src:edge:dst"``) to (num_parts, 2) array
        Likewise for every edge type.
    ntypes : dict of str to int
        Node type name to type id.
    etypes : dict of canonical edge type to int
        Edge type to type id.

    Examples
    --------
    >>> gpb = RangePartitionBook(0, 2, {"_N": [[0, 3], [3, 5]]},
    ...                          {"_N:_E:_N": [[0, 4], [4, 6]]}, {"_N": 0}, {"_N:_E:_N": 0})
    >>> gpb.nid2partid(torch.tensor([0, 4]))
    tensor([0, 1])
    """

    def __init__(self, part_id: int, num_parts: int, node_map: Mapping[str, object],
                 edge_map: Mapping[EType, object], ntypes: Mapping[str, int],
                 etypes: Mapping[EType, int]) -> None:
        if not 0 <= part_id < num_parts:
            raise DGLError(f"part_id {part_id} is not in [0, {num_parts}).")
        self._partid = int(part_id)
        self._num_partitions = int(num_parts)
        self._ntypes: List[str] = [None] * len(ntypes)  # type: ignore[list-item]
        for name, tid in ntypes.items():
            self._ntypes[int(tid)] = name
        self._canonical_etypes: List[CanonicalType] = [None] * len(etypes)  # type: ignore[list-item]
        for key, tid in etypes.items():
            self._canonical_etypes[int(tid)] = key if isinstance(key, tuple) else etype_str_to_tuple(key)
        self._etype2canonical: Dict[str, Optional[CanonicalType]] = {}
        for c in self._canonical_etypes:
            # An edge name shared by several relations is ambiguous on its own.
            self._etype2canonical[c[1]] = None if c[1] in self._etype2canonical else c

        def ranges(mapping: Mapping, names: Sequence, keyfn) -> torch.Tensor:
            out = torch.zeros(len(names), num_parts, 2, dtype=torch.int64)
            for key, r in mapping.items():
                arr = torch.as_tensor(np.asarray(r, dtype=np.int64))
                if arr.shape != (num_parts, 2):
                    raise DGLError(f"The id ranges of {key!r} have shape {tuple(arr.shape)}; "
                                   f"expected ({num_parts}, 2).")
                out[names.index(keyfn(key))] = arr
            return out

        self._nid_range = ranges(node_map, self._ntypes, lambda k: k)
        self._eid_range = ranges(edge_map, self._canonical_etypes,
                                 lambda k: k if isinstance(k, tuple) else etype_str_to_tuple(k))
        # Homogeneous id space: partition-major, type-minor.
        self._nid_ends = self._nid_range[:, :, 1].T.reshape(-1)  # (num_parts * T,)
        self._eid_ends = self._eid_range[:, :, 1].T.reshape(-1)
        self._max_node_ids = self._nid_range[:, :, 1].max(dim=0).values  # end of each partition
        self._max_edge_ids = self._eid_range[:, :, 1].max(dim=0).values
        # Per-type ids: partition p owns the per-type ids [offset_p, offset_p + count).
        ncounts = self._nid_range[:, :, 1] - self._nid_range[:, :, 0]
        ecounts = self._eid_range[:, :, 1] - self._eid_range[:, :, 0]
        self._typed_max_node_ids = torch.cumsum(ncounts, dim=1)  # (T, num_parts)
        self._typed_max_edge_ids = torch.cumsum(ecounts, dim=1)
        self._num_nodes = int(ncounts.sum())
        self._num_edges = int(ecounts.sum())

    # ------------------------------------------------------------------ type helpers
    @property
    def partid(self) -> int:
        """The partition this book was loaded for."""
        return self._partid

    @property
    def ntypes(self) -> List[str]:
        """Node type names, ordered by type id."""
        return list(self._ntypes)

    @property
    def etypes(self) -> List[str]:
        """Edge type names, ordered by type id."""
        return [c[1] for c in self._canonical_etypes]

    @property
    def canonical_etypes(self) -> List[CanonicalType]:
        """Canonical edge types, ordered by type id."""
        return list(self._canonical_etypes)

    @property
    def is_homogeneous(self) -> bool:
        """True when there is one node type and one edge type."""
        return len(self._ntypes) == 1 and len(self._canonical_etypes) == 1

    def num_partitions(self) -> int:
        """Number of partitions."""
        return self._num_partitions

    def metadata(self) -> List[Dict[str, int]]:
        """Per partition: ``machine_id``, ``num_nodes`` and ``num_edges`` it owns."""
        nodes = (self._nid_range[:, :, 1] - self._nid_range[:, :, 0]).sum(0)
        edges = (self._eid_range[:, :, 1] - self._eid_range[:, :, 0]).sum(0)
        return [{"machine_id": p, "num_nodes": int(nodes[p]), "num_edges": int(edges[p])}
                for p in range(self._num_partitions)]

    def to_canonical_etype(self, etype: EType) -> CanonicalType:
        """The canonical form of an edge type name (error if unknown or ambiguous)."""
        if isinstance(etype, tuple):
            if etype not in self._canonical_etypes:
                raise DGLError(f"Unknown edge type {etype!r}; known: {self._canonical_etypes}.")
            return etype
        if etype == DEFAULT_ETYPE[1] and self.is_homogeneous:
            return self._canonical_etypes[0]
        if etype not in self._etype2canonical:
            raise DGLError(f"Unknown edge type {etype!r}; known: {self.etypes}.")
        c = self._etype2canonical[etype]
        if c is None:
            raise DGLError(f"Edge type {etype!r} names several relations; use the canonical "
                           "(src, edge, dst) form.")
        return c

    def _ntype_id(self, ntype: str) -> int:
        if ntype not in self._ntypes:
            raise DGLError(f"Unknown node type {ntype!r}; known: {self._ntypes}.")
        return self._ntypes.index(ntype)

    def _etype_id(self, etype: EType) -> int:
        return self._canonical_etypes.index(self.to_canonical_etype(etype))

    @property
    def local_ntype_offset(self) -> List[int]:
        """Offsets of each node type's block among this partition's inner nodes."""
        counts = self._nid_range[:, self._partid, 1] - self._nid_range[:, self._partid, 0]
        return [0] + torch.cumsum(counts, 0).tolist()

    @property
    def local_etype_offset(self) -> List[int]:
        """Offsets of each edge type's block among this partition's inner edges."""
        counts = self._eid_range[:, self._partid, 1] - self._eid_range[:, self._partid, 0]
        return [0] + torch.cumsum(counts, 0).tolist()

    # ------------------------------------------------------------------ id mapping
    @staticmethod
    def _map_to_per_type(ids: torch.Tensor, ends: torch.Tensor, ranges: torch.Tensor,
                         what: str) -> Tuple[torch.Tensor, torch.Tensor]:
        total = int(ends.max()) if ends.numel() else 0
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= total):
            raise DGLError(f"{what} ids must be in [0, {total}); got one out of range.")
        num_types = ranges.shape[0]
        slot = torch.searchsorted(ends, ids, right=True)  # partition-major slot
        part, tid = slot // num_types, slot % num_types
        start = ranges[tid, part, 0]
        counts = ranges[:, :, 1] - ranges[:, :, 0]
        before = torch.cumsum(counts, dim=1) - counts  # per-type ids owned by earlier partitions
        return tid, ids - start + before[tid, part]

    def map_to_per_ntype(self, ids: object) -> Tuple[torch.Tensor, torch.Tensor]:
        """Homogeneous node ids -> (node type ids, per-type node ids)."""
        return self._map_to_per_type(_as_ids(ids, "node"), self._nid_ends, self._nid_range, "Node")

    def map_to_per_etype(self, ids: object) -> Tuple[torch.Tensor, torch.Tensor]:
        """Homogeneous edge ids -> (edge type ids, per-type edge ids)."""
        return self._map_to_per_type(_as_ids(ids, "edge"), self._eid_ends, self._eid_range, "Edge")

    @staticmethod
    def _map_to_homo(ids: torch.Tensor, tid: int, typed_ends: torch.Tensor, ranges: torch.Tensor,
                     what: str) -> torch.Tensor:
        ends = typed_ends[tid]
        total = int(ends[-1]) if ends.numel() else 0
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= total):
            raise DGLError(f"{what} ids must be in [0, {total}); got one out of range.")
        part = torch.searchsorted(ends, ids, right=True)
        counts = ranges[tid, :, 1] - ranges[tid, :, 0]
        before = ends - counts
        return ids - before[part] + ranges[tid, part, 0]

    def map_to_homo_nid(self, ids: object, ntype: str) -> torch.Tensor:
        """Per-type node ids of ``ntype`` -> homogeneous node ids."""
        tid = self._ntype_id(ntype)
        return self._map_to_homo(_as_ids(ids, "node"), tid, self._typed_max_node_ids,
                                 self._nid_range, f"Node ({ntype})")

    def map_to_homo_eid(self, ids: object, etype: EType) -> torch.Tensor:
        """Per-type edge ids of ``etype`` -> homogeneous edge ids."""
        tid = self._etype_id(etype)
        return self._map_to_homo(_as_ids(ids, "edge"), tid, self._typed_max_edge_ids,
                                 self._eid_range, f"Edge ({etype})")

    # ------------------------------------------------------------------ ownership
    def nid2partid(self, nids: object, ntype: str = DEFAULT_NTYPE) -> torch.Tensor:
        """Partition owning each node (homogeneous ids for ``_N``, else per-type ids)."""
        ids = _as_ids(nids, "node")
        if ntype == DEFAULT_NTYPE:
            self._check_range(ids, self._num_nodes, "Node")
            return torch.searchsorted(self._max_node_ids, ids, right=True)
        tid = self._ntype_id(ntype)
        ends = self._typed_max_node_ids[tid]
        self._check_range(ids, int(ends[-1]), f"Node ({ntype})")
        return torch.searchsorted(ends, ids, right=True)

    def eid2partid(self, eids: object, etype: EType = DEFAULT_ETYPE) -> torch.Tensor:
        """Partition owning each edge (homogeneous ids for the default type, else per-type)."""
        ids = _as_ids(eids, "edge")
        if etype in (DEFAULT_ETYPE, DEFAULT_ETYPE[1]):
            self._check_range(ids, self._num_edges, "Edge")
            return torch.searchsorted(self._max_edge_ids, ids, right=True)
        tid = self._etype_id(etype)
        ends = self._typed_max_edge_ids[tid]
        self._check_range(ids, int(ends[-1]), f"Edge ({etype})")
        return torch.searchsorted(ends, ids, right=True)

    @staticmethod
    def _check_range(ids: torch.Tensor, total: int, what: str) -> None:
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= total):
            bad = ids[(ids < 0) | (ids >= total)][0].item()
            raise DGLError(f"{what} id {bad} is out of range: there are {total}.")

    def _check_part(self, partid: int) -> None:
        if not 0 <= partid < self._num_partitions:
            raise DGLError(f"Partition id {partid} is not in [0, {self._num_partitions}).")

    def partid2nids(self, partid: int, ntype: str = DEFAULT_NTYPE) -> torch.Tensor:
        """The node ids partition ``partid`` owns (homogeneous for ``_N``, else per-type)."""
        self._check_part(partid)
        if ntype == DEFAULT_NTYPE:
            start = 0 if partid == 0 else int(self._max_node_ids[partid - 1])
            return torch.arange(start, int(self._max_node_ids[partid]))
        ends = self._typed_max_node_ids[self._ntype_id(ntype)]
        start = 0 if partid == 0 else int(ends[partid - 1])
        return torch.arange(start, int(ends[partid]))

    def partid2eids(self, partid: int, etype: EType = DEFAULT_ETYPE) -> torch.Tensor:
        """The edge ids partition ``partid`` owns (homogeneous for the default type)."""
        self._check_part(partid)
        if etype in (DEFAULT_ETYPE, DEFAULT_ETYPE[1]):
            start = 0 if partid == 0 else int(self._max_edge_ids[partid - 1])
            return torch.arange(start, int(self._max_edge_ids[partid]))
        ends = self._typed_max_edge_ids[self._etype_id(etype)]
        start = 0 if partid == 0 else int(ends[partid - 1])
        return torch.arange(start, int(ends[partid]))

    def nid2localnid(self, nids: object, partid: int, ntype: str = DEFAULT_NTYPE) -> torch.Tensor:
        """Position of owned nodes among partition ``partid``'s inner nodes of their type."""
        if partid != self._partid:
            raise DGLError(f"nid2localnid answers for this book's own partition ({self._partid}) "
                           f"only, not partition {partid}.")
        ids = _as_ids(nids, "node")
        owned = self.partid2nids(partid, ntype)
        start = int(owned[0]) if owned.numel() else 0
        if ids.numel() and (int(ids.min()) < start or int(ids.max()) >= start + owned.numel()):
            raise DGLError(f"Some node ids are not owned by partition {partid}.")
        return ids - start

    def eid2localeid(self, eids: object, partid: int, etype: EType = DEFAULT_ETYPE) -> torch.Tensor:
        """Position of owned edges among partition ``partid``'s inner edges of their type."""
        if partid != self._partid:
            raise DGLError(f"eid2localeid answers for this book's own partition ({self._partid}) "
                           f"only, not partition {partid}.")
        ids = _as_ids(eids, "edge")
        owned = self.partid2eids(partid, etype)
        start = int(owned[0]) if owned.numel() else 0
        if ids.numel() and (int(ids.min()) < start or int(ids.max()) >= start + owned.numel()):
            raise DGLError(f"Some edge ids are not owned by partition {partid}.")
        return ids - start

    def _num_type_ids(self, policy_type: str) -> int:
        kind, _, name = policy_type.partition("~")
        if kind == "node":
            return int(self._typed_max_node_ids[self._ntype_id(name)][-1])
        return int(self._typed_max_edge_ids[self._etype_id(etype_str_to_tuple(name) if ":" in name
                                                         else name)][-1])

    def __repr__(self) -> str:
        return (f"RangePartitionBook(partid={self._partid}, num_parts={self._num_partitions}, "
                f"ntypes={self._ntypes}, etypes={self._canonical_etypes})")


GraphPartitionBook = RangePartitionBook


class PartitionPolicy:
    """How the rows of a distributed tensor are split: by the owner of node or edge ids.

    ``policy_str`` is ``"node~NTYPE"`` or ``"edge~SRC:EDGE:DST"``, as in DGL.
    """

    def __init__(self, policy_str: str, partition_book: RangePartitionBook) -> None:
        kind, sep, name = policy_str.partition("~")
        if kind not in ("node", "edge") or not sep:
            raise DGLError(f"A partition policy is 'node~NTYPE' or 'edge~SRC:EDGE:DST', got "
                           f"{policy_str!r}.")
        self._policy_str = policy_str
        self._kind = kind
        self._type_name: Union[str, CanonicalType] = (
            name if kind == "node" else (etype_str_to_tuple(name) if ":" in name else name))
        self._partition_book = partition_book

    @property
    def policy_str(self) -> str:
        return self._policy_str

    @property
    def type_name(self) -> Union[str, CanonicalType]:
        return self._type_name

    @property
    def partition_book(self) -> RangePartitionBook:
        return self._partition_book

    @property
    def part_id(self) -> int:
        return self._partition_book.partid

    def to_partid(self, ids: object) -> torch.Tensor:
        """Owner of each id (per-type ids of this policy's type)."""
        gpb = self._partition_book
        if self._kind == "node":
            return gpb.nid2partid(ids, self._type_name if len(gpb.ntypes) > 1 else DEFAULT_NTYPE)
        return gpb.eid2partid(ids, self._type_name if len(gpb.canonical_etypes) > 1 else DEFAULT_ETYPE)

    def owned_ids(self, partid: int) -> torch.Tensor:
        """The per-type ids partition ``partid`` owns."""
        gpb = self._partition_book
        if self._kind == "node":
            return gpb.partid2nids(partid, self._type_name if len(gpb.ntypes) > 1 else DEFAULT_NTYPE)
        return gpb.partid2eids(partid, self._type_name if len(gpb.canonical_etypes) > 1
                               else DEFAULT_ETYPE)

    def get_part_size(self) -> int:
        """Number of rows this policy's own partition stores."""
        return int(self.owned_ids(self.part_id).numel())

    def get_size(self) -> int:
        """Number of rows in all partitions together."""
        return self._partition_book._num_type_ids(self._policy_str)

    def to_local(self, ids: object) -> torch.Tensor:
        """Row of each owned id in this partition's local storage."""
        owned = self.owned_ids(self.part_id)
        start = int(owned[0]) if owned.numel() else 0
        return _as_ids(ids, "row") - start


class NodePartitionPolicy(PartitionPolicy):
    """Rows split by the owner of the nodes of ``ntype``."""

    def __init__(self, partition_book: RangePartitionBook, ntype: str = DEFAULT_NTYPE) -> None:
        super().__init__(f"node~{ntype}", partition_book)


class EdgePartitionPolicy(PartitionPolicy):
    """Rows split by the owner of the edges of ``etype``."""

    def __init__(self, partition_book: RangePartitionBook, etype: EType = DEFAULT_ETYPE) -> None:
        c = partition_book.to_canonical_etype(etype)
        super().__init__(f"edge~{etype_tuple_to_str(c)}", partition_book)
