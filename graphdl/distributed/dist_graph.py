"""``DistGraph``: one graph seen by every rank, each rank holding one partition of it."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

import torch

from .._graph.ids import check_ntype
from ..base import ALL, DGLError
from . import _comm
from .dist_tensor import DistTensor, _set_default_graph
from .partition import load_partition
from .partition_book import (
    DEFAULT_ETYPE,
    DEFAULT_NTYPE,
    EdgePartitionPolicy,
    NodePartitionPolicy,
    RangePartitionBook,
    etype_tuple_to_str,
)
from ..sampling import _rng

__all__ = ["DistGraph", "node_split", "edge_split"]


class _Features:
    """``ndata``-like mapping of names to :class:`DistTensor` for one node or edge type."""

    def __init__(self, make_policy) -> None:
        self._data: Dict[str, DistTensor] = {}
        self._make_policy = make_policy

    def __getitem__(self, name: str) -> DistTensor:
        if name not in self._data:
            raise DGLError(f"No distributed feature {name!r}; there are {sorted(self._data)}.")
        return self._data[name]

    def __setitem__(self, name: str, value: DistTensor) -> None:
        if not isinstance(value, DistTensor):
            raise DGLError(f"Distributed features are DistTensors; create one with "
                           f"DistTensor(shape, dtype, name=...) (got {type(value).__name__}).")
        if value.part_policy.policy_str != self._make_policy().policy_str:
            raise DGLError(f"DistTensor {value.name!r} is split by {value.part_policy.policy_str}, "
                           f"not by {self._make_policy().policy_str}.")
        self._data[name] = value

    def __delitem__(self, name: str) -> None:
        del self._data[name]

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def keys(self):
        return self._data.keys()

    def items(self):
        return self._data.items()

    def values(self):
        return self._data.values()


class _TypeView:
    def __init__(self, data: _Features) -> None:
        self.data = data


class DistGraph:
    """The graph of a distributed job (DGL's ``dgl.distributed.DistGraph``).

    Each rank loads partition ``rank`` of ``part_config`` (so a job runs one rank per
    partition). Structure queries and feature reads reach the owning partition through
    collectives: every rank makes the same calls.

    Parameters
    ----------
    graph_name : str
        The name given to :func:`partition_graph`.
    gpb : RangePartitionBook, optional
        Accepted for compatibility; the book is read from ``part_config``.
    part_config : str
        Path of ``<graph_name>.json`` (required; also read from ``GRAPHDL_PART_CONFIG``).

    Examples
    --------
    >>> graphdl.distributed.initialize()
    >>> g = DistGraph("cora", part_config="parts/cora.json")
    >>> feats = g.ndata["feat"][torch.tensor([0, 1, 2])]
    """

    def __init__(self, graph_name: str, gpb: Optional[RangePartitionBook] = None,
                 part_config: Optional[str] = None) -> None:
        st = _comm._require()
        part_config = part_config or os.environ.get("GRAPHDL_PART_CONFIG")
        if part_config is None:
            raise DGLError("DistGraph needs part_config (the partition .json file).")
        with open(part_config) as f:
            num_parts = int(json.load(f).get("num_parts", 0))
        if num_parts != st.world_size:
            raise DGLError(f"{part_config} has {num_parts} partitions but the job has "
                           f"{st.world_size} rank(s); run one rank per partition "
                           f"(torchrun --nproc-per-node {num_parts}).")
        local, nf, ef, book, name, ntypes, etypes = load_partition(part_config, st.rank)
        if name != graph_name:
            raise DGLError(f"{part_config} holds graph {name!r}, not {graph_name!r}.")
        self.graph_name = graph_name
        self._gpb = book
        self._local = local
        self._ntypes: List[str] = list(ntypes)
        self._cetypes: List[Tuple[str, str, str]] = list(etypes)
        self._ndata = {nt: _Features(lambda nt=nt: self.get_node_partition_policy(nt)) for nt in ntypes}
        self._edata = {c: _Features(lambda c=c: self.get_edge_partition_policy(c)) for c in etypes}
        _set_default_graph(self)
        for key, value in nf.items():
            nt, _, feat = key.partition("/")
            if nt not in self._ndata:
                raise DGLError(f"Node features of {part_config} name unknown type {nt!r}.")
            policy = self.get_node_partition_policy(nt)
            self._ndata[nt]._data[feat] = DistTensor(
                (policy.get_size(),) + tuple(value.shape[1:]), value.dtype,
                name=f"node~{nt}/{feat}", part_policy=policy, persistent=True, _local=value)
        for key, value in ef.items():
            et, _, feat = key.partition("/")
            c = book.to_canonical_etype(tuple(et.split(":")) if ":" in et else et)
            policy = self.get_edge_partition_policy(c)
            self._edata[c]._data[feat] = DistTensor(
                (policy.get_size(),) + tuple(value.shape[1:]), value.dtype,
                name=f"edge~{etype_tuple_to_str(c)}/{feat}", part_policy=policy, persistent=True,
                _local=value)
        inner = local.ndata["inner_node"].bool()
        self._num_inner = int(inner.sum())
        self._node_start = int(local.ndata["_ID"][0]) if self._num_inner else 0
        inner_e = local.edata["inner_edge"].bool()
        self._num_inner_edges = int(inner_e.sum())
        self._edge_start = int(local.edata["_ID"][0]) if self._num_inner_edges else 0
        self._degrees: Dict[Tuple[str, Any], torch.Tensor] = {}

    # ------------------------------------------------------------------ schema
    @property
    def ntypes(self) -> List[str]:
        return list(self._ntypes)

    @property
    def etypes(self) -> List[str]:
        return [c[1] for c in self._cetypes]

    @property
    def canonical_etypes(self) -> List[Tuple[str, str, str]]:
        return list(self._cetypes)

    def is_homogeneous(self) -> bool:
        return len(self._ntypes) == 1 and len(self._cetypes) == 1

    @property
    def idtype(self) -> torch.dtype:
        return torch.int64

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    @property
    def local_partition(self):
        """This rank's partition as a graphdl graph (inner nodes first, then the halo)."""
        return self._local

    def get_partition_book(self) -> RangePartitionBook:
        return self._gpb

    def rank(self) -> int:
        return _comm.get_rank()

    def barrier(self) -> None:
        _comm.barrier()

    def _ntype(self, ntype: Optional[str]) -> str:
        return check_ntype(self, ntype)

    def _etype(self, etype: Any) -> Tuple[str, str, str]:
        if etype is None:
            if len(self._cetypes) != 1:
                raise DGLError(f"The graph has edge types {self._cetypes}; name one.")
            return self._cetypes[0]
        return self._gpb.to_canonical_etype(etype)

    def get_node_partition_policy(self, ntype: str = DEFAULT_NTYPE) -> NodePartitionPolicy:
        return NodePartitionPolicy(self._gpb, self._ntype(ntype if ntype in self._ntypes else None))

    def get_edge_partition_policy(self, etype: Any = None) -> EdgePartitionPolicy:
        return EdgePartitionPolicy(self._gpb, self._etype(etype))

    def num_nodes(self, ntype: Optional[str] = None) -> int:
        if ntype is None:
            return self._gpb._num_nodes
        return int(self._gpb._typed_max_node_ids[self._gpb._ntype_id(self._ntype(ntype))][-1])

    def num_edges(self, etype: Any = None) -> int:
        if etype is None:
            return self._gpb._num_edges
        return int(self._gpb._typed_max_edge_ids[self._gpb._etype_id(self._etype(etype))][-1])

    number_of_nodes = num_nodes
    number_of_edges = num_edges

    @property
    def ndata(self) -> _Features:
        return self._ndata[self._ntype(None)]

    @property
    def edata(self) -> _Features:
        return self._edata[self._etype(None)]

    @property
    def nodes(self):
        g = self

        class _Nodes:
            def __getitem__(self, ntype: str) -> _TypeView:
                return _TypeView(g._ndata[g._ntype(ntype)])

        return _Nodes()

    @property
    def edges(self):
        g = self

        class _Edges:
            def __getitem__(self, etype: Any) -> _TypeView:
                return _TypeView(g._edata[g._etype(etype)])

        return _Edges()

    def __repr__(self) -> str:
        return (f"DistGraph(name={self.graph_name!r}, num_nodes={self.num_nodes()}, "
                f"num_edges={self.num_edges()}, rank={self.rank()}, "
                f"num_parts={self._gpb.num_partitions()})")

    # ------------------------------------------------------------------ structure
    def _homo_nids(self, ids: torch.Tensor, ntype: str) -> torch.Tensor:
        return ids if self.is_homogeneous() else self._gpb.map_to_homo_nid(ids, ntype)

    def _local_nid(self, homo: torch.Tensor) -> torch.Tensor:
        return homo - self._node_start

    def find_edges(self, edges: Any, etype: Any = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """Source and destination ids of edges (per-type ids for heterogeneous graphs)."""
        c = self._etype(etype)
        eids = torch.as_tensor(edges).reshape(-1).to(torch.int64)
        homo = eids if self.is_homogeneous() else self._gpb.map_to_homo_eid(eids, c)
        owners = self._gpb.eid2partid(homo)
        lu, lv = self._local.edges()
        gid = self._local.ndata["_ID"]

        def serve(req: torch.Tensor):
            loc = req - self._edge_start
            return torch.ones(req.numel(), dtype=torch.int64), [gid[lu[loc]], gid[lv[loc]]]

        _, (src, dst) = _comm.route(homo, owners, serve, "find_edges")
        if not self.is_homogeneous():
            src = self._gpb.map_to_per_ntype(src)[1]
            dst = self._gpb.map_to_per_ntype(dst)[1]
        return src, dst

    def _degree_table(self, direction: str, c: Tuple[str, str, str]) -> torch.Tensor:
        key = (direction, c)
        if key not in self._degrees:
            lu, lv = self._local.edges()
            ends = lv if direction == "in" else lu
            if not self.is_homogeneous():
                ends = ends[self._local.edata["_TYPE"].to(torch.int64) == self._cetypes.index(c)]
            self._degrees[key] = torch.bincount(ends, minlength=self._local.num_nodes())[: self._num_inner]
        return self._degrees[key]

    def _degrees_of(self, v: Any, direction: str, etype: Any) -> Union[int, torch.Tensor]:
        c = self._etype(etype)
        ntype = c[2] if direction == "in" else c[0]
        scalar = isinstance(v, int)
        ids = torch.arange(self.num_nodes(ntype)) if v is ALL else torch.as_tensor(v).reshape(-1).to(torch.int64)
        homo = self._homo_nids(ids, ntype)
        table = self._degree_table(direction, c)

        def serve(req: torch.Tensor):
            return torch.ones(req.numel(), dtype=torch.int64), [table[self._local_nid(req)]]

        _, (deg,) = _comm.route(homo, self._gpb.nid2partid(homo), serve, f"{direction}_degrees")
        return int(deg[0]) if scalar else deg

    def in_degrees(self, v: Any = ALL, etype: Any = None):
        """In-degrees of nodes (all by default); a collective."""
        return self._degrees_of(v, "in", etype)

    def out_degrees(self, u: Any = ALL, etype: Any = None):
        """Out-degrees of nodes (all by default); a collective."""
        return self._degrees_of(u, "out", etype)

    # ------------------------------------------------------------------ sampling
    def sample_in_edges(self, seeds: torch.Tensor, fanout: int, replace: bool = False):
        """Per seed (homogeneous ids): count, then (neighbour, edge id) rows, the in-edges of
        every type together; a collective."""
        # deferred: graph_services imports this module (DistGraph)
        from .graph_services import _ALL, _exchange
        seeds = torch.as_tensor(seeds).reshape(-1).to(torch.int64)
        n = seeds.numel()
        return _exchange(self, seeds, torch.full((n,), _ALL, dtype=torch.int64),
                         torch.full((n,), int(fanout), dtype=torch.int64), replace,
                         torch.full((n,), _rng.next_seed(), dtype=torch.int64),
                         torch.arange(n), "sample_neighbors")

    def sample_neighbors(self, seed_nodes: Any, fanout: Any, edge_dir: str = "in",
                         prob: Optional[str] = None, exclude_edges: Any = None,
                         replace: bool = False, etype_sorted: bool = True,
                         output_device: Any = None):
        """DGL's ``DistGraph.sample_neighbors``: per edge type on a heterogeneous graph
        (:func:`~graphdl.distributed.sample_etype_neighbors`), else
        :func:`~graphdl.distributed.sample_neighbors`; a collective."""
        # deferred: graph_services imports this module (DistGraph)
        from . import graph_services
        if exclude_edges is not None:
            raise DGLError("Distributed sampling does not support exclude_edges yet.")
        if self.is_homogeneous():
            return graph_services.sample_neighbors(self, seed_nodes, fanout, edge_dir, prob,
                                                   replace=replace)
        return graph_services.sample_etype_neighbors(self, seed_nodes, fanout, edge_dir, prob,
                                                     replace=replace)


def _split_even(selected_per_rank: List[torch.Tensor], rank: int) -> torch.Tensor:
    """Give every rank an equal share (±1) of the selected ids, keeping as many of its own
    (local) ids as it can; the surplus of over-full ranks fills the others in rank order."""
    counts = [int(t.numel()) for t in selected_per_rank]
    world = len(counts)
    total = sum(counts)
    quota = [total // world + (1 if r < total % world else 0) for r in range(world)]
    keep = [t[: min(c, q)] for t, c, q in zip(selected_per_rank, counts, quota)]
    surplus = torch.cat([t[q:] for t, q in zip(selected_per_rank, quota)] or [torch.zeros(0, dtype=torch.int64)])
    need = [q - k.numel() for q, k in zip(quota, keep)]
    start = sum(need[:rank])
    return torch.cat([keep[rank], surplus[start:start + need[rank]]])


def _split(mask: Any, policy_of, total: int, rank: Optional[int], force_even: bool,
           what: str) -> torch.Tensor:
    st = _comm._require()
    rank = st.rank if rank is None else int(rank)
    world = st.world_size
    if isinstance(mask, DistTensor):
        policy = mask.part_policy
        local = mask.local_partition.reshape(-1).bool()
        owned = policy.owned_ids(policy.part_id)
        mine = owned[local]
        per_rank = _comm.all_gather_object(mine)
    else:
        m = torch.as_tensor(mask).reshape(-1)
        if m.shape[0] != total:
            raise DGLError(f"The {what} mask has {m.shape[0]} entries; the graph has {total}.")
        m = m.bool()
        policy = policy_of()
        per_rank = []
        for r in range(world):
            owned = policy.owned_ids(r) if world == policy.partition_book.num_partitions() else (
                torch.arange(total) if world == 1 else None)
            if owned is None:
                raise DGLError("node_split needs one rank per partition.")
            per_rank.append(owned[m[owned]])
    if not force_even:
        return per_rank[rank]
    return _split_even(per_rank, rank)


def node_split(nodes: Any, partition_book: Optional[RangePartitionBook] = None,
               ntype: str = DEFAULT_NTYPE, rank: Optional[int] = None, force_even: bool = True,
               node_trainer_ids: Any = None) -> torch.Tensor:
    """The selected nodes (a boolean mask over all nodes of ``ntype``, a plain tensor or a
    :class:`DistTensor`) this rank should process.

    With ``force_even`` every rank gets the same number (±1) and keeps as many of the nodes
    its own partition owns as it can; otherwise each rank gets exactly its partition's
    selected nodes. Ids are per-type ids of ``ntype``.
    """
    if node_trainer_ids is not None:
        raise DGLError("node_trainer_ids (several trainers per partition) is not supported; run "
                       "one rank per partition.")
    if partition_book is None:
        # deferred: reads the graph registered at run time, not the value at import
        from .dist_tensor import _DEFAULT_GRAPH
        if _DEFAULT_GRAPH is None and not isinstance(nodes, DistTensor):
            raise DGLError("node_split needs the partition book (or a DistGraph created first).")
        partition_book = nodes.part_policy.partition_book if isinstance(nodes, DistTensor) else \
            _DEFAULT_GRAPH.get_partition_book()
    policy = NodePartitionPolicy(partition_book, ntype if ntype in partition_book.ntypes else
                                 partition_book.ntypes[0])
    return _split(nodes, lambda: policy, policy.get_size(), rank, force_even, "node")


def edge_split(edges: Any, partition_book: Optional[RangePartitionBook] = None,
               etype: Any = DEFAULT_ETYPE, rank: Optional[int] = None, force_even: bool = True,
               edge_trainer_ids: Any = None) -> torch.Tensor:
    """As :func:`node_split`, for a boolean mask over the edges of ``etype``."""
    if edge_trainer_ids is not None:
        raise DGLError("edge_trainer_ids (several trainers per partition) is not supported.")
    if partition_book is None:
        # deferred: reads the graph registered at run time, not the value at import
        from .dist_tensor import _DEFAULT_GRAPH
        if _DEFAULT_GRAPH is None and not isinstance(edges, DistTensor):
            raise DGLError("edge_split needs the partition book (or a DistGraph created first).")
        partition_book = edges.part_policy.partition_book if isinstance(edges, DistTensor) else \
            _DEFAULT_GRAPH.get_partition_book()
    c = partition_book.canonical_etypes[0] if etype in (DEFAULT_ETYPE, DEFAULT_ETYPE[1]) else etype
    policy = EdgePartitionPolicy(partition_book, c)
    return _split(edges, lambda: policy, policy.get_size(), rank, force_even, "edge")
