"""The graph object: DGL's ``DGLGraph`` as a thin facade over edge storage and feature frames.

A graph has *node sets* (one per node type, or, for blocks, one per source type and one per
destination type) and *relations* (one per canonical edge type ``(src_type, etype, dst_type)``).
Each node set owns a feature ``Frame``; each relation owns a ``SparseAdj`` and an edge ``Frame``.
Queries live here; message passing, subgraphs and transforms live in their own modules and are
reached through thin methods.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from .base import ALL, DGLError, is_all
from ._graph.flatten import flatten_relations
from ._graph.frame import Frame
from ._graph.ids import CanonicalEType, EType, is_scalar_id, to_id_tensor
from ._graph.storage import FORMATS, SparseAdj
from ._graph.views import DataView, EdgeView, HeteroDataView, NodeView
from ._graph import message_passing as _mp
from .propagate import prop_edges
from .propagate import prop_nodes
from .sparse.construct import graph_adjacency

__all__ = ["DGLGraph", "DGLHeteroGraph", "to_id_tensor"]

class DGLGraph:
    """A directed (hetero)graph with node and edge features, DGL's graph class.

    Create one with :func:`graphdl.graph`, :func:`graphdl.heterograph` or
    :func:`graphdl.create_block` rather than with this constructor.
    """

    is_block: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise DGLError("Create graphs with graphdl.graph(), graphdl.heterograph() or graphdl.create_block().")
        # an empty homogeneous graph, as DGLGraph() gives in DGL
        self._init(["_N"], ["_N"], None, None, [0], [], [], [],
                   torch.int64, torch.device("cpu"), is_block=False)

    # ------------------------------------------------------------------------------------
    # construction (internal)
    # ------------------------------------------------------------------------------------
    @classmethod
    def _create(
        cls,
        srctypes: Sequence[str],
        dsttypes: Sequence[str],
        num_nodes: Sequence[int],
        canonical_etypes: Sequence[CanonicalEType],
        adjs: Sequence[SparseAdj],
        idtype: torch.dtype,
        device: torch.device,
        is_block: bool = False,
        node_frames: Optional[Sequence[Frame]] = None,
        edge_frames: Optional[Sequence[Frame]] = None,
    ) -> "DGLGraph":
        """Build a graph. For a block, ``num_nodes`` lists source types then destination types;
        otherwise ``srctypes == dsttypes`` and ``num_nodes`` has one entry per node type."""
        g = cls.__new__(cls)
        g._init(list(srctypes), list(dsttypes), node_frames, edge_frames, list(num_nodes),
                list(canonical_etypes), list(adjs), [], idtype, torch.device(device), is_block)
        return g

    def _init(self, srctypes, dsttypes, node_frames, edge_frames, num_nodes, cetypes, adjs, _unused,
              idtype, device, is_block) -> None:
        self._idtype = idtype
        self._device = device
        self.is_block = bool(is_block)
        self._srctypes = srctypes
        self._dsttypes = dsttypes
        if is_block:
            self._src_slot = {t: i for i, t in enumerate(srctypes)}
            self._dst_slot = {t: len(srctypes) + i for i, t in enumerate(dsttypes)}
        else:
            if srctypes != dsttypes:
                raise DGLError("Internal error: srctypes and dsttypes differ outside a block.")
            self._src_slot = {t: i for i, t in enumerate(srctypes)}
            self._dst_slot = self._src_slot
        self._num_nodes = [int(n) for n in num_nodes]
        n_slots = len(srctypes) + (len(dsttypes) if is_block else 0)
        if len(self._num_nodes) != n_slots:
            raise DGLError("Internal error: node counts do not match node types.")
        self._canonical_etypes = cetypes
        self._adjs = adjs
        self._rel_slots = [(self._src_slot[s], self._dst_slot[d]) for (s, _, d) in cetypes]
        for (s, d), adj, ce in zip(self._rel_slots, adjs, cetypes):
            if adj.num_src != self._num_nodes[s] or adj.num_dst != self._num_nodes[d]:
                raise DGLError(f"Internal error: relation {ce} has wrong node counts.")
        if node_frames is None:
            node_frames = [Frame(n, device, "node") for n in self._num_nodes]
        if edge_frames is None:
            edge_frames = [Frame(a.num_edges, device, "edge") for a in adjs]
        self._node_frames = list(node_frames)
        self._edge_frames = list(edge_frames)
        self._etype_index: Dict[str, List[int]] = {}
        for i, (_, e, _) in enumerate(cetypes):
            self._etype_index.setdefault(e, []).append(i)
        self._batch_num_nodes: Optional[Dict[str, torch.Tensor]] = None
        self._batch_num_edges: Optional[Dict[CanonicalEType, torch.Tensor]] = None

    def _derive(self, adjs=None, num_nodes=None, node_frames=None, edge_frames=None,
                idtype=None, device=None) -> "DGLGraph":
        """A graph with the same types but some parts replaced."""
        return DGLGraph._create(
            self._srctypes, self._dsttypes,
            self._num_nodes if num_nodes is None else num_nodes,
            self._canonical_etypes,
            self._adjs if adjs is None else adjs,
            self._idtype if idtype is None else idtype,
            self._device if device is None else device,
            self.is_block, node_frames, edge_frames,
        )

    # ------------------------------------------------------------------------------------
    # type resolution
    # ------------------------------------------------------------------------------------
    @property
    def ntypes(self) -> List[str]:
        """Node type names, sorted (for a block: the source types when they equal the destination types).

        Returns
        -------
        list of str

        Examples
        --------
        >>> import graphdl as dgl
        >>> dgl.heterograph({('user', 'plays', 'game'): ([0], [0])}).ntypes
        ['game', 'user']
        """
        if self.is_block:
            # DGL lists the source types, then the destination types
            return list(self._srctypes) + list(self._dsttypes)
        return list(self._srctypes)

    @property
    def srctypes(self) -> List[str]:
        """Node types on the source side (for a graph that is not a block, all node types).

        Returns
        -------
        list of str
        """
        if self.is_block:
            return list(self._srctypes)
        if self._is_unibipartite_types():
            return [t for t in self._srctypes if t in self._types_with_out_edges()]
        return list(self._srctypes)

    @property
    def dsttypes(self) -> List[str]:
        """Node types on the destination side (for a graph that is not a block, all node types).

        Returns
        -------
        list of str
        """
        if self.is_block:
            return list(self._dsttypes)
        if self._is_unibipartite_types():
            return [t for t in self._dsttypes if t not in self._types_with_out_edges()]
        return list(self._dsttypes)

    def _types_with_out_edges(self) -> set:
        return {s for (s, _, _) in self._canonical_etypes}

    def _is_unibipartite_types(self) -> bool:
        if not self._canonical_etypes:
            return False
        srcs = {s for (s, _, _) in self._canonical_etypes}
        dsts = {d for (_, _, d) in self._canonical_etypes}
        return not (srcs & dsts) and (srcs | dsts) == set(self._srctypes)

    @property
    def etypes(self) -> List[str]:
        """Edge type names, in the order of :attr:`canonical_etypes` (names may repeat).

        Returns
        -------
        list of str
        """
        return [e for (_, e, _) in self._canonical_etypes]

    @property
    def canonical_etypes(self) -> List[CanonicalEType]:
        """Every edge type as ``(source type, edge type, destination type)``, sorted.

        Returns
        -------
        list of tuple of str

        Examples
        --------
        >>> import graphdl as dgl
        >>> dgl.heterograph({('user', 'plays', 'game'): ([0], [0])}).canonical_etypes
        [('user', 'plays', 'game')]
        """
        return list(self._canonical_etypes)

    @property
    def is_unibipartite(self) -> bool:
        """Whether every edge goes from a source-only node type to a destination-only node type.

        Returns
        -------
        bool
        """
        return self.is_block or self._is_unibipartite_types()

    @property
    def is_homogeneous(self) -> bool:
        """Whether the graph has one node type and one edge type.

        Returns
        -------
        bool
        """
        return not self.is_block and len(self.ntypes) == 1 and len(self._canonical_etypes) <= 1

    def metagraph(self):
        """The graph of types: one node per node type, one edge per canonical edge type.

        Returns
        -------
        networkx.MultiDiGraph
        """
        import networkx as nx

        mg = nx.MultiDiGraph()
        mg.add_nodes_from(self.ntypes)
        for s, e, d in self._canonical_etypes:
            mg.add_edge(s, d, key=e)
        return mg

    def to_canonical_etype(self, etype: EType) -> CanonicalEType:
        """The canonical triple of an edge type given by name or triple.

        Parameters
        ----------
        etype : str or tuple of str, optional
            ``None`` for the only edge type.

        Returns
        -------
        tuple of str

        Raises
        ------
        DGLError
            For an unknown or ambiguous edge type name.
        """
        return self._canonical_etypes[self.get_etype_id(etype)]

    def get_etype_id(self, etype: EType) -> int:
        """The integer id of an edge type (its position in :attr:`canonical_etypes`).

        Parameters
        ----------
        etype : str or tuple of str, optional

        Returns
        -------
        int
        """
        if etype is None:
            if len(self._canonical_etypes) != 1:
                raise DGLError(
                    f"The edge type must be given for a graph with {len(self._canonical_etypes)} edge types: "
                    f"{self._canonical_etypes}."
                )
            return 0
        if isinstance(etype, tuple):
            if len(etype) != 3:
                raise DGLError(f"A canonical edge type is (src_type, edge_type, dst_type), got {etype!r}.")
            try:
                return self._canonical_etypes.index(tuple(etype))
            except ValueError:
                raise DGLError(
                    f"Edge type {etype!r} does not exist; the graph has {self._canonical_etypes}."
                ) from None
        ids = self._etype_index.get(etype)
        if not ids:
            raise DGLError(f"Edge type {etype!r} does not exist; the graph has {sorted(set(self.etypes))}.")
        if len(ids) > 1:
            raise DGLError(
                f"Edge type {etype!r} is ambiguous: it names {[self._canonical_etypes[i] for i in ids]}; "
                "use a canonical edge type (src_type, edge_type, dst_type)."
            )
        return ids[0]

    def get_ntype_id(self, ntype: Optional[str]) -> int:
        """The integer id of a node type.

        Parameters
        ----------
        ntype : str, optional
            ``None`` for the only node type.

        Returns
        -------
        int
        """
        if self.is_block or self._is_unibipartite_types():
            if ntype is None:
                raise DGLError(f"The node type must be given for a graph with node types {self.ntypes}.")
            if ntype.startswith("SRC/"):
                return self.get_ntype_id_from_src(ntype[4:])
            if ntype.startswith("DST/"):
                return self.get_ntype_id_from_dst(ntype[4:])
            if ntype in self.srctypes:
                return self.get_ntype_id_from_src(ntype)
            if ntype in self.dsttypes:
                return self.get_ntype_id_from_dst(ntype)
            raise DGLError(f"Node type {ntype!r} does not exist; the graph has {self.ntypes}.")
        names = self.ntypes
        if ntype is None:
            if len(names) != 1:
                raise DGLError(f"The node type must be given for a graph with node types {names}.")
            return 0
        if ntype not in names:
            raise DGLError(f"Node type {ntype!r} does not exist; the graph has {names}.")
        return names.index(ntype)

    def get_ntype_id_from_src(self, ntype: Optional[str]) -> int:
        """The integer id of a source node type (see :meth:`get_ntype_id`).

        Parameters
        ----------
        ntype : str, optional

        Returns
        -------
        int
        """
        return self._node_slot(ntype, "src")

    def get_ntype_id_from_dst(self, ntype: Optional[str]) -> int:
        # in a block, destination type ids follow the source type ids, as in DGL
        """The integer id of a destination node type (see :meth:`get_ntype_id`).

        Parameters
        ----------
        ntype : str, optional

        Returns
        -------
        int
        """
        return self._node_slot(ntype, "dst")

    def _node_slot(self, ntype: Optional[str], side: str = "all") -> int:
        """Index of the node set for ``ntype`` on ``side`` ('src', 'dst' or 'all').

        In a block or uni-bipartite graph, ``'SRC/A'`` and ``'DST/A'`` name the source and
        destination node sets of type ``A``, as in DGL.
        """
        if (side == "all" and isinstance(ntype, str) and ntype[:4] in ("SRC/", "DST/")
                and ntype not in self._src_slot and ntype not in self._dst_slot
                and (self.is_block or self._is_unibipartite_types())):
            side, ntype = ("src" if ntype[0] == "S" else "dst"), ntype[4:]
            names = self.srctypes if side == "src" else self.dsttypes
            if ntype not in names:
                raise DGLError(f"{'Source' if side == 'src' else 'Destination'} node type {ntype!r} "
                               f"does not exist; the graph has {names}.")
        if side == "src":
            table, names = self._src_slot, self.srctypes
        elif side == "dst":
            table, names = self._dst_slot, self.dsttypes
        else:
            if self.is_block:
                if self._srctypes == self._dsttypes and len(self._srctypes) == 1 and ntype in (None, self._srctypes[0]):
                    raise DGLError("A block has separate source and destination nodes: use srcdata/dstdata "
                                   "or srcnodes/dstnodes.")
                table = {**self._dst_slot, **self._src_slot}
                names = list(table)
            else:
                table, names = self._src_slot, self.ntypes
        if ntype is None:
            if len(names) != 1:
                raise DGLError(f"The node type must be given for a graph with node types {names}.")
            return table[names[0]]
        if ntype not in table or ntype not in names and side == "all":
            raise DGLError(f"Node type {ntype!r} does not exist; the graph has {names}.")
        return table[ntype]

    def _adj(self, etype: EType = None) -> SparseAdj:
        return self._adjs[self.get_etype_id(etype)]

    # ------------------------------------------------------------------------------------
    # id types and devices
    # ------------------------------------------------------------------------------------
    @property
    def idtype(self) -> torch.dtype:
        """The id type of the graph's structure, ``torch.int32`` or ``torch.int64``.

        Returns
        -------
        torch.dtype
        """
        return self._idtype

    @property
    def device(self) -> torch.device:
        """The device the structure and the features live on.

        Returns
        -------
        torch.device
        """
        return self._device

    def astype(self, idtype: torch.dtype) -> "DGLGraph":
        """The same graph with another id type (features are shared).

        Parameters
        ----------
        idtype : torch.dtype
            ``torch.int32`` or ``torch.int64``.

        Returns
        -------
        DGLGraph
        """
        if idtype not in (torch.int32, torch.int64):
            raise DGLError(f"idtype must be torch.int32 or torch.int64, got {idtype}.")
        if idtype == self._idtype:
            return self
        g = self._derive(adjs=[a.astype(idtype) for a in self._adjs], idtype=idtype,
                         node_frames=[f.subframe(None) for f in self._node_frames],
                         edge_frames=[f.subframe(None) for f in self._edge_frames])
        g._copy_batch_info(self)
        return g

    def int(self) -> "DGLGraph":
        """The same graph with ``torch.int32`` ids.

        Returns
        -------
        DGLGraph
        """
        return self.astype(torch.int32)

    def long(self) -> "DGLGraph":
        """The same graph with ``torch.int64`` ids.

        Returns
        -------
        DGLGraph
        """
        return self.astype(torch.int64)

    def to(self, device: Union[str, torch.device], **kwargs: Any) -> "DGLGraph":
        """The graph with structure and features on ``device``.

        Parameters
        ----------
        device : str or torch.device
        **kwargs
            Passed to ``torch.Tensor.to`` for the features.

        Returns
        -------
        DGLGraph
            A new graph (``self`` when already there).

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.to('cpu').device
        device(type='cpu')
        """
        device = torch.device(device)
        if device.type == "cuda" and device.index is None:
            device = torch.device("cuda", torch.cuda.current_device())
        if device == self._device:
            return self
        g = self._derive(adjs=[a.to(device) for a in self._adjs], device=device,
                         node_frames=[f.to(device) for f in self._node_frames],
                         edge_frames=[f.to(device) for f in self._edge_frames])
        if self._batch_num_nodes is not None:
            g._batch_num_nodes = {k: v.to(device) for k, v in self._batch_num_nodes.items()}
        if self._batch_num_edges is not None:
            g._batch_num_edges = {k: v.to(device) for k, v in self._batch_num_edges.items()}
        return g

    def cpu(self) -> "DGLGraph":
        """The graph on the CPU (see :meth:`to`).

        Returns
        -------
        DGLGraph
        """
        return self.to("cpu")

    def clone(self) -> "DGLGraph":
        """A copy with the same structure and copied feature dictionaries (tensors are shared).

        Returns
        -------
        DGLGraph
        """
        g = self._derive(node_frames=[f.subframe(None) for f in self._node_frames],
                         edge_frames=[f.subframe(None) for f in self._edge_frames])
        g._copy_batch_info(self)
        return g

    def pin_memory_(self) -> "DGLGraph":
        """Pin the feature tensors in page-locked memory, in place (a no-op without CUDA).

        Returns
        -------
        DGLGraph
            ``self``.
        """
        return self

    def _copy_batch_info(self, other: "DGLGraph") -> None:
        self._batch_num_nodes = None if other._batch_num_nodes is None else dict(other._batch_num_nodes)
        self._batch_num_edges = None if other._batch_num_edges is None else dict(other._batch_num_edges)

    # ------------------------------------------------------------------------------------
    # counts
    # ------------------------------------------------------------------------------------
    def num_nodes(self, ntype: Optional[str] = None) -> int:
        """The number of nodes of one type, or of all types together.

        Parameters
        ----------
        ntype : str, optional
            A node type; ``None`` counts every node.

        Returns
        -------
        int

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.num_nodes()
        3
        """
        if ntype is None:
            return sum(self._num_nodes)
        return self._num_nodes[self._node_slot(ntype)]

    def num_src_nodes(self, ntype: Optional[str] = None) -> int:
        """The number of source nodes of one type, or of all source types.

        Parameters
        ----------
        ntype : str, optional

        Returns
        -------
        int
        """
        if ntype is None:
            return sum(self._num_nodes[self._src_slot[t]] for t in self.srctypes)
        return self._num_nodes[self._node_slot(ntype, "src")]

    def num_dst_nodes(self, ntype: Optional[str] = None) -> int:
        """The number of destination nodes of one type, or of all destination types.

        Parameters
        ----------
        ntype : str, optional

        Returns
        -------
        int
        """
        if ntype is None:
            return sum(self._num_nodes[self._dst_slot[t]] for t in self.dsttypes)
        return self._num_nodes[self._node_slot(ntype, "dst")]

    def num_edges(self, etype: EType = None) -> int:
        """The number of edges of one type, or of all types together.

        Parameters
        ----------
        etype : str or tuple of str, optional
            An edge type; ``None`` counts every edge.

        Returns
        -------
        int

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.num_edges()
        3
        """
        if etype is None:
            return sum(a.num_edges for a in self._adjs)
        return self._adj(etype).num_edges

    number_of_nodes = num_nodes
    number_of_src_nodes = num_src_nodes
    number_of_dst_nodes = num_dst_nodes
    number_of_edges = num_edges

    def __len__(self) -> int:
        return self.num_nodes()

    # ------------------------------------------------------------------------------------
    # batching information (set by graphdl.batch)
    # ------------------------------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        """The number of graphs batched into this one (1 for a graph that is not a batch).

        Returns
        -------
        int
        """
        if self._batch_num_nodes is None:
            return 1
        return int(next(iter(self._batch_num_nodes.values())).shape[0])

    def batch_num_nodes(self, ntype: Optional[str] = None) -> torch.Tensor:
        """Nodes of each graph of the batch.

        Parameters
        ----------
        ntype : str, optional

        Returns
        -------
        torch.Tensor
            One count per graph.
        """
        name = self.ntypes[self.get_ntype_id(ntype)] if not self.is_block else ntype
        if self._batch_num_nodes is None:
            return torch.tensor([self.num_nodes(ntype)], dtype=self._idtype, device=self._device)
        if name is None:
            name = next(iter(self._batch_num_nodes))
        return self._batch_num_nodes[name]

    def batch_num_edges(self, etype: EType = None) -> torch.Tensor:
        """Edges of each graph of the batch.

        Parameters
        ----------
        etype : str or tuple of str, optional

        Returns
        -------
        torch.Tensor
            One count per graph.
        """
        if self._batch_num_edges is None:
            return torch.tensor([self.num_edges(etype)], dtype=self._idtype, device=self._device)
        return self._batch_num_edges[self.to_canonical_etype(etype)]

    def set_batch_num_nodes(self, val: Union[torch.Tensor, Dict[str, torch.Tensor]]) -> None:
        """Declare how the nodes split into the graphs of a batch.

        Parameters
        ----------
        val : torch.Tensor or dict
            Counts per graph (a dict keyed by node type for several types); they must sum to the node counts.
        """
        if not isinstance(val, dict):
            if len(self.ntypes) != 1:
                raise DGLError("Give a dict from node type to counts for a graph with several node types.")
            val = {self.ntypes[0]: val}
        out = {}
        for nt in self.ntypes:
            if nt not in val:
                raise DGLError(f"Missing batch_num_nodes for node type {nt!r}.")
            t = torch.as_tensor(val[nt], device=self._device).to(self._idtype)
            if int(t.sum()) != self.num_nodes(nt):
                raise DGLError(f"batch_num_nodes for {nt!r} sums to {int(t.sum())}, "
                               f"but the graph has {self.num_nodes(nt)} such nodes.")
            out[nt] = t
        self._batch_num_nodes = out

    def set_batch_num_edges(self, val: Union[torch.Tensor, Dict[Any, torch.Tensor]]) -> None:
        """Declare how the edges split into the graphs of a batch.

        Parameters
        ----------
        val : torch.Tensor or dict
            Counts per graph (a dict keyed by edge type for several types); they must sum to the edge counts.
        """
        if not isinstance(val, dict):
            if len(self._canonical_etypes) != 1:
                raise DGLError("Give a dict from edge type to counts for a graph with several edge types.")
            val = {self._canonical_etypes[0]: val}
        out = {}
        for k, v in val.items():
            ce = self.to_canonical_etype(k)
            t = torch.as_tensor(v, device=self._device).to(self._idtype)
            if int(t.sum()) != self.num_edges(ce):
                raise DGLError(f"batch_num_edges for {ce} sums to {int(t.sum())}, "
                               f"but the graph has {self.num_edges(ce)} such edges.")
            out[ce] = t
        for ce in self._canonical_etypes:
            if ce not in out:
                raise DGLError(f"Missing batch_num_edges for edge type {ce}.")
        self._batch_num_edges = out

    # ------------------------------------------------------------------------------------
    # feature views
    # ------------------------------------------------------------------------------------
    @property
    def nodes(self) -> NodeView:
        """A view of the nodes: ``g.nodes()`` gives the node ids, ``g.nodes['type'].data`` the features of a type.

        Returns
        -------
        NodeView

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.nodes()
        tensor([0, 1, 2])
        """
        return NodeView(self, "all")

    @property
    def srcnodes(self) -> NodeView:
        """A view of the source nodes (see :attr:`nodes`).

        Returns
        -------
        NodeView
        """
        return NodeView(self, "src")

    @property
    def dstnodes(self) -> NodeView:
        """A view of the destination nodes (see :attr:`nodes`).

        Returns
        -------
        NodeView
        """
        return NodeView(self, "dst")

    @property
    def edges(self) -> EdgeView:
        """A view of the edges: ``g.edges()`` gives ``(src, dst)`` (see :meth:`all_edges` for ``form`` and ``order``), ``g.edges['type'].data`` the features of a type.

        Returns
        -------
        EdgeView

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.edges()
        (tensor([0, 0, 1]), tensor([1, 2, 2]))
        """
        return EdgeView(self)

    def _data_view(self, side: str):
        if side == "src":
            names, table = self.srctypes, self._src_slot
        elif side == "dst":
            names, table = self.dsttypes, self._dst_slot
        else:
            if self.is_block:
                raise DGLError("A block has separate source and destination nodes: use srcdata or dstdata.")
            names, table = self.ntypes, self._src_slot
        if len(names) == 1:
            return DataView(self._node_frames[table[names[0]]])
        return HeteroDataView({t: self._node_frames[table[t]] for t in names}, "node")

    @property
    def ndata(self):
        """Node features, a dict-like view keyed by feature name (keyed by node type, then name, when the graph has several node types).

        Returns
        -------
        MutableMapping

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.ndata['h'] = torch.ones(3, 2)
        >>> g.ndata['h'].shape
        torch.Size([3, 2])
        """
        return self._data_view("all")

    @property
    def srcdata(self):
        """Features of the source nodes (see :attr:`ndata`); for a block, the input side.

        Returns
        -------
        MutableMapping
        """
        return self._data_view("src")

    @property
    def dstdata(self):
        """Features of the destination nodes (see :attr:`ndata`); for a block, the output side.

        Returns
        -------
        MutableMapping
        """
        return self._data_view("dst")

    @property
    def edata(self):
        """Edge features, a dict-like view keyed by feature name (keyed by canonical edge type, then name, for several edge types).

        Returns
        -------
        MutableMapping

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.edata['w'] = torch.tensor([1.0, 2.0, 3.0])
        >>> g.edata['w'].sum().item()
        6.0
        """
        if len(self._canonical_etypes) == 1:
            return DataView(self._edge_frames[0])
        return HeteroDataView({ce: f for ce, f in zip(self._canonical_etypes, self._edge_frames)}, "edge")

    def node_attr_schemes(self, ntype: Optional[str] = None) -> Dict[str, Tuple[Tuple[int, ...], torch.dtype]]:
        """Shape (without the node dimension) and dtype of each node feature.

        Parameters
        ----------
        ntype : str, optional

        Returns
        -------
        dict
        """
        frame = self._node_frames[self._node_slot(ntype)]
        return {k: (tuple(v.shape[1:]), v.dtype) for k, v in frame._columns.items()}

    def edge_attr_schemes(self, etype: EType = None) -> Dict[str, Tuple[Tuple[int, ...], torch.dtype]]:
        """Shape (without the edge dimension) and dtype of each edge feature.

        Parameters
        ----------
        etype : str or tuple of str, optional

        Returns
        -------
        dict
        """
        frame = self._edge_frames[self.get_etype_id(etype)]
        return {k: (tuple(v.shape[1:]), v.dtype) for k, v in frame._columns.items()}

    @property
    def _etype2canonical(self) -> Dict[str, Tuple[str, str, str]]:
        """Edge type name -> its canonical type; ``()`` for a name several relations share."""
        out: Dict[str, Tuple[str, str, str]] = {}
        for ce in self._canonical_etypes:
            out[ce[1]] = () if ce[1] in out else ce
        return out

    def set_n_initializer(self, initializer: Callable, field: Optional[str] = None,
                          ntype: Optional[str] = None) -> None:
        """Fill the unset rows of node feature ``field`` (every field when None) with ``initializer``.

        See :mod:`graphdl.init` for the signature. Rows are unset after a write to some nodes
        only, for nodes added later, and for nodes without messages in a user-defined reduce.
        """
        self._node_frames[self._node_slot(ntype)].initializers[field] = initializer

    def set_e_initializer(self, initializer: Callable, field: Optional[str] = None,
                          etype: EType = None) -> None:
        """Fill the unset rows of edge feature ``field`` with ``initializer`` (see :mod:`graphdl.init`)."""
        self._edge_frames[self.get_etype_id(etype)].initializers[field] = initializer

    def local_var(self) -> "DGLGraph":
        """A graph sharing structure and feature tensors whose feature writes stay local."""
        g = self._derive(node_frames=[f.subframe(None) for f in self._node_frames],
                         edge_frames=[f.subframe(None) for f in self._edge_frames])
        g._copy_batch_info(self)
        return g

    @contextlib.contextmanager
    def local_scope(self) -> Iterator[None]:
        """Within the block, feature writes are undone on exit (also on exceptions)."""
        saved_n = [(f, f.snapshot(), f.num_rows) for f in self._node_frames]
        saved_e = [(f, f.snapshot(), f.num_rows) for f in self._edge_frames]
        try:
            yield
        finally:
            for f, cols, n in saved_n + saved_e:
                f.restore(cols, n)

    # ------------------------------------------------------------------------------------
    # id checking
    # ------------------------------------------------------------------------------------
    def _check_node_ids(self, ids: Any, slot: int, what: str = "node") -> torch.Tensor:
        return to_id_tensor(ids, self._idtype, self._device, what, bound=self._num_nodes[slot])

    def _check_edge_ids(self, ids: Any, etid: int) -> torch.Tensor:
        if is_all(ids):
            return torch.arange(self._adjs[etid].num_edges, dtype=self._idtype, device=self._device)
        return to_id_tensor(ids, self._idtype, self._device, "edge", bound=self._adjs[etid].num_edges)

    # ------------------------------------------------------------------------------------
    # structure queries
    # ------------------------------------------------------------------------------------
    def all_edges(self, form: str = "uv", order: str = "eid", etype: EType = None):
        """Every edge of one type.

        Parameters
        ----------
        form : str
            ``'uv'`` (``(src, dst)``), ``'eid'`` (edge ids) or ``'all'`` (``(src, dst, eid)``).
        order : str
            ``'eid'`` (by edge id) or ``'srcdst'`` (by source, then destination).
        etype : str or tuple of str, optional

        Returns
        -------
        tuple of torch.Tensor or torch.Tensor
        """
        adj = self._adj(etype)
        if order == "eid":
            src, dst = adj.src, adj.dst
            eid = torch.arange(adj.num_edges, dtype=self._idtype, device=self._device)
        elif order == "srcdst":
            _, perm = _sorted_pairs(adj)
            src, dst, eid = adj.src[perm], adj.dst[perm], perm.to(self._idtype)
        else:
            raise DGLError(f"order must be 'eid' or 'srcdst', got {order!r}.")
        return _edge_form(form, src, dst, eid)

    def _gather_edges(self, ids: Any, etype: EType, incoming: bool, form: str):
        etid = self.get_etype_id(etype)
        adj = self._adjs[etid]
        s, d = self._rel_slots[etid]
        v = self._check_node_ids(ids, d if incoming else s)
        indptr, nbrs, eids = adj.csc() if incoming else adj.csr()
        pos = _segment_positions(indptr, v)
        other = nbrs[pos]
        eid = eids[pos]
        own = torch.repeat_interleave(v, (indptr[v.long() + 1] - indptr[v.long()]).long())
        src, dst = (other, own) if incoming else (own, other)
        return _edge_form(form, src, dst, eid)

    def in_edges(self, v: Any, form: str = "uv", etype: EType = None):
        """The edges ending at the nodes ``v``.

        Parameters
        ----------
        v : int, sequence or torch.Tensor
            Destination node ids.
        form : str
            ``'uv'``, ``'eid'`` or ``'all'`` (see :meth:`all_edges`).
        etype : str or tuple of str, optional

        Returns
        -------
        tuple of torch.Tensor or torch.Tensor

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.in_edges(2)
        (tensor([0, 1]), tensor([2, 2]))
        """
        return self._gather_edges(v, etype, True, form)

    def out_edges(self, u: Any, form: str = "uv", etype: EType = None):
        """The edges starting at the nodes ``u``.

        Parameters
        ----------
        u : int, sequence or torch.Tensor
            Source node ids.
        form : str
            ``'uv'``, ``'eid'`` or ``'all'`` (see :meth:`all_edges`).
        etype : str or tuple of str, optional

        Returns
        -------
        tuple of torch.Tensor or torch.Tensor

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.out_edges(0, form='eid')
        tensor([0, 1])
        """
        return self._gather_edges(u, etype, False, form)

    def _degrees(self, ids: Any, etype: EType, incoming: bool):
        etid = self.get_etype_id(etype)
        adj = self._adjs[etid]
        s, d = self._rel_slots[etid]
        if is_all(ids):
            return adj.in_degrees() if incoming else adj.out_degrees()
        t = self._check_node_ids(ids, d if incoming else s)
        out = adj.degrees_of(t, incoming)
        return int(out[0]) if is_scalar_id(ids) else out

    def in_degrees(self, v: Any = ALL, etype: EType = None):
        """In-degrees of the nodes ``v`` (all nodes by default).

        Parameters
        ----------
        v : int, sequence or torch.Tensor, optional
        etype : str or tuple of str, optional

        Returns
        -------
        int or torch.Tensor
            An int for a single node id.

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.in_degrees()
        tensor([0, 1, 2])
        >>> g.in_degrees(2)
        2
        """
        return self._degrees(v, etype, True)

    def out_degrees(self, u: Any = ALL, etype: EType = None):
        """Out-degrees of the nodes ``u`` (all nodes by default).

        Parameters
        ----------
        u : int, sequence or torch.Tensor, optional
        etype : str or tuple of str, optional

        Returns
        -------
        int or torch.Tensor
            An int for a single node id.

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.out_degrees()
        tensor([2, 1, 0])
        """
        return self._degrees(u, etype, False)

    def predecessors(self, v: Any, etype: EType = None) -> torch.Tensor:
        """The sources of the edges ending at node ``v``.

        Parameters
        ----------
        v : int
        etype : str or tuple of str, optional

        Returns
        -------
        torch.Tensor

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.predecessors(2)
        tensor([0, 1])
        """
        if not is_scalar_id(v):
            raise DGLError("predecessors takes a single node id.")
        return self.in_edges(v, etype=etype)[0]

    def successors(self, v: Any, etype: EType = None) -> torch.Tensor:
        """The destinations of the edges starting at node ``v``.

        Parameters
        ----------
        v : int
        etype : str or tuple of str, optional

        Returns
        -------
        torch.Tensor

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.successors(0)
        tensor([1, 2])
        """
        if not is_scalar_id(v):
            raise DGLError("successors takes a single node id.")
        return self.out_edges(v, etype=etype)[1]

    def has_nodes(self, vid: Any, ntype: Optional[str] = None):
        """Whether each id is a node of the graph (out-of-range ids give ``False``).

        Parameters
        ----------
        vid : int, sequence or torch.Tensor
        ntype : str, optional

        Returns
        -------
        bool or torch.Tensor
        """
        slot = self._node_slot(ntype)
        t = to_id_tensor(vid, self._idtype, self._device)
        out = (t >= 0) & (t < self._num_nodes[slot])
        return bool(out[0]) if is_scalar_id(vid) else out

    has_node = has_nodes

    def _pair_lookup(self, etid: int, u: torch.Tensor, v: torch.Tensor):
        """For each pair, the position of its first edge in edge-id-sorted key order, and a found flag."""
        adj = self._adjs[etid]
        skey, perm = _sorted_pairs(adj)
        q = u.long() * max(adj.num_dst, 1) + v.long()
        pos = torch.searchsorted(skey, q)
        posc = pos.clamp(max=max(skey.shape[0] - 1, 0))
        found = (pos < skey.shape[0]) & (skey[posc] == q) if skey.shape[0] else torch.zeros_like(q, dtype=torch.bool)
        return skey, perm, q, pos, found

    def has_edges_between(self, u: Any, v: Any, etype: EType = None):
        """Whether there is an edge from each ``u`` to the matching ``v``.

        Parameters
        ----------
        u, v : int, sequence or torch.Tensor
            Source and destination ids; a single id is broadcast.
        etype : str or tuple of str, optional

        Returns
        -------
        bool or torch.Tensor

        Raises
        ------
        DGLError
            For ids outside the graph, as in DGL.

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.has_edges_between([0, 2], [1, 0])
        tensor([ True, False])
        """
        etid = self.get_etype_id(etype)
        s, d = self._rel_slots[etid]
        # out-of-range ids raise, as in edge_ids and in DGL
        ut = self._check_node_ids(u, s, "source node")
        vt = self._check_node_ids(v, d, "destination node")
        ut, vt = _broadcast_pair(ut, vt)
        _, _, _, _, out = self._pair_lookup(etid, ut, vt)
        return bool(out[0]) if is_scalar_id(u) and is_scalar_id(v) else out

    has_edge_between = has_edges_between

    def edge_ids(self, u: Any, v: Any, return_uv: bool = False, etype: EType = None):
        """The ids of the edges from ``u`` to ``v``.

        Parameters
        ----------
        u, v : int, sequence or torch.Tensor
            Source and destination ids; a single id is broadcast.
        return_uv : bool
            Return ``(src, dst, eid)`` for every matching edge, parallel edges included.
        etype : str or tuple of str, optional

        Returns
        -------
        int or torch.Tensor or tuple of torch.Tensor

        Raises
        ------
        DGLError
            When a pair has no edge (unless ``return_uv``).

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.edge_ids(torch.tensor([0, 1]), torch.tensor([2, 2]))
        tensor([1, 2])
        """
        etid = self.get_etype_id(etype)
        s, d = self._rel_slots[etid]
        ut = self._check_node_ids(u, s, "source node")
        vt = self._check_node_ids(v, d, "destination node")
        ut, vt = _broadcast_pair(ut, vt)
        skey, perm, q, pos, found = self._pair_lookup(etid, ut, vt)
        if return_uv:
            end = torch.searchsorted(skey, q, right=True)
            counts = end - pos
            idx = _segment_positions(None, None, starts=pos, counts=counts)
            eid = perm[idx].to(self._idtype)
            rep = torch.repeat_interleave(torch.arange(ut.shape[0], device=self._device), counts)
            return ut[rep], vt[rep], eid
        if not bool(found.all()):
            bad = int((~found).nonzero()[0, 0])
            raise DGLError(f"There is no edge from node {int(ut[bad])} to node {int(vt[bad])}.")
        eid = perm[pos].to(self._idtype)
        return int(eid[0]) if is_scalar_id(u) and is_scalar_id(v) else eid

    def edge_id(self, u: Any, v: Any, return_uv: bool = False, etype: EType = None):
        """Alias of :meth:`edge_ids`.
        """
        return self.edge_ids(u, v, return_uv=return_uv, etype=etype)

    def find_edges(self, eid: Any, etype: EType = None):
        """The endpoints of the edges ``eid``.

        Parameters
        ----------
        eid : int, sequence or torch.Tensor
        etype : str or tuple of str, optional

        Returns
        -------
        tuple of torch.Tensor
            ``(src, dst)``.

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.find_edges([2])
        (tensor([1]), tensor([2]))
        """
        etid = self.get_etype_id(etype)
        t = self._check_edge_ids(eid, etid)
        adj = self._adjs[etid]
        return adj.src[t.long()], adj.dst[t.long()]

    @property
    def is_multigraph(self) -> bool:
        """Whether some relation has two edges between the same pair of nodes.

        Returns
        -------
        bool
        """
        for adj in self._adjs:
            skey, _ = _sorted_pairs(adj)
            if bool((skey[1:] == skey[:-1]).any()):
                return True
        return False

    # ------------------------------------------------------------------------------------
    # matrices
    # ------------------------------------------------------------------------------------
    def adj_external(self, transpose: bool = False, ctx: Any = None, scipy_fmt: Optional[str] = None,
                     etype: EType = None):
        """The adjacency matrix (``A[u, v] = 1`` for an edge ``u -> v``) of one edge type.

        Parameters
        ----------
        transpose : bool
            Rows are destinations instead.
        ctx : torch.device, optional
        scipy_fmt : str, optional
            ``'coo'``, ``'csr'``... for a scipy matrix instead of a sparse torch tensor.
        etype : str or tuple of str, optional

        Returns
        -------
        torch.Tensor or scipy.sparse.spmatrix
        """
        adj = self._adj(etype)
        rows, cols = (adj.dst, adj.src) if transpose else (adj.src, adj.dst)
        shape = (adj.num_dst, adj.num_src) if transpose else (adj.num_src, adj.num_dst)
        if scipy_fmt is not None:
            import scipy.sparse as sp

            if scipy_fmt in ("csr", "csc"):
                # straight from the stored compressed rows, keeping their order and duplicates
                by_src = (scipy_fmt == "csr") != transpose
                indptr, indices, _ = adj.csr() if by_src else adj.csc()
                build = sp.csr_matrix if scipy_fmt == "csr" else sp.csc_matrix
                return build((np.ones(adj.num_edges, dtype=np.float32), indices.cpu().numpy(),
                              indptr.cpu().numpy()), shape=shape)
            m = sp.coo_matrix((np.ones(adj.num_edges, dtype=np.float32),
                               (rows.cpu().numpy(), cols.cpu().numpy())), shape=shape)
            return m.asformat(scipy_fmt)
        idx = torch.stack([rows.long(), cols.long()])
        out = torch.sparse_coo_tensor(idx, torch.ones(adj.num_edges, device=self._device), shape,
                                      check_invariants=False)
        return out.to(ctx) if ctx is not None else out

    adjacency_matrix = adj_external

    def adj(self, etype: EType = None, eweight_name: Optional[str] = None):
        """The adjacency matrix of ``etype`` as a :class:`graphdl.sparse.SparseMatrix`.

        Shape ``(num_src_nodes, num_dst_nodes)``; entry ``(u, v)`` for each edge ``u -> v``
        holds the edge feature ``eweight_name`` (ones by default), in edge-id order.
        """
        ce = self.to_canonical_etype(etype)
        val = None if eweight_name is None else self.edges[ce].data[eweight_name]
        return graph_adjacency(self._adj(ce), val)

    def adj_tensors(self, fmt: str, etype: EType = None):
        """The structure of one edge type in a sparse format.

        Parameters
        ----------
        fmt : str
            ``'coo'`` gives ``(src, dst)``; ``'csr'`` gives ``(indptr, dst, eid)`` grouped by source;
            ``'csc'`` gives ``(indptr, src, eid)`` grouped by destination.
        etype : str or tuple of str, optional

        Returns
        -------
        tuple of torch.Tensor
        """
        adj = self._adj(etype)
        if fmt == "coo":
            return adj.src, adj.dst
        if fmt in ("csr", "csc"):
            indptr, indices, eids = adj.csr() if fmt == "csr" else adj.csc()
            if fmt in adj.implicit_eids:
                # built from this format without edge ids: DGL reports the ids as empty
                eids = eids[:0]
            return indptr, indices, eids
        raise DGLError(f"fmt must be 'coo', 'csr' or 'csc', got {fmt!r}.")

    def adj_sparse(self, fmt: str, etype: EType = None):
        """Alias of :meth:`adj_tensors`.
        """
        return self.adj_tensors(fmt, etype)

    def inc(self, typestr: str, ctx: Any = None, etype: EType = None) -> torch.Tensor:
        """The incidence matrix of one edge type.

        Parameters
        ----------
        typestr : str
            ``'in'``, ``'out'`` or ``'both'``, as in DGL.
        ctx : torch.device, optional
        etype : str or tuple of str, optional

        Returns
        -------
        torch.Tensor
            A sparse ``num_nodes x num_edges`` tensor.
        """
        adj = self._adj(etype)
        e = torch.arange(adj.num_edges, device=self._device)
        if typestr == "in":
            idx = torch.stack([adj.dst.long(), e])
            vals = torch.ones(adj.num_edges, device=self._device)
            shape = (adj.num_dst, adj.num_edges)
        elif typestr == "out":
            idx = torch.stack([adj.src.long(), e])
            vals = torch.ones(adj.num_edges, device=self._device)
            shape = (adj.num_src, adj.num_edges)
        elif typestr == "both":
            if adj.num_src != adj.num_dst:
                raise DGLError("inc('both') needs the same number of source and destination nodes.")
            keep = adj.src != adj.dst
            idx = torch.cat([torch.stack([adj.src.long(), e]), torch.stack([adj.dst.long(), e])], 1)
            vals = torch.cat([-keep.float(), keep.float()])
            shape = (adj.num_src, adj.num_edges)
        else:
            raise DGLError(f"typestr must be 'in', 'out' or 'both', got {typestr!r}.")
        out = torch.sparse_coo_tensor(idx, vals, shape, check_invariants=False).coalesce()
        return out.to(ctx) if ctx is not None else out

    incidence_matrix = inc

    def formats(self, formats: Union[str, List[str], None] = None):
        """The sparse formats created so far, or (given ``formats``) a graph restricted to them.

        Parameters
        ----------
        formats : str or list of str, optional

        Returns
        -------
        dict or DGLGraph
        """
        if formats is None:
            if not self._adjs:
                return {"created": ["coo"], "not created": ["csr", "csc"]}
            allowed = [f for f in FORMATS if all(f in a.allowed for a in self._adjs)]
            created = [f for f in allowed if all(f in a.created() for a in self._adjs)]
            return {"created": created, "not created": [f for f in allowed if f not in created]}
        names = [formats] if isinstance(formats, str) else list(formats)
        for f in names:
            if f not in ("coo", "csr", "csc", "any"):
                raise DGLError(f"Unknown sparse format {f!r}; use 'coo', 'csr' or 'csc'.")
        wanted = FORMATS if "any" in names else tuple(names)
        if not wanted:
            raise DGLError("formats() needs at least one of 'coo', 'csr' and 'csc'.")
        g = self._derive(adjs=[a.restricted(wanted) for a in self._adjs],
                         node_frames=[f.subframe(None) for f in self._node_frames],
                         edge_frames=[f.subframe(None) for f in self._edge_frames])
        g._copy_batch_info(self)
        return g

    def create_formats_(self) -> None:
        """Build and cache every allowed format (CSR and CSC unless restricted) of every
        relation now, in place.
        """
        for a in self._adjs:
            a.create_formats_()

    # ------------------------------------------------------------------------------------
    # relation slices
    # ------------------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> "DGLGraph":
        if isinstance(key, tuple) and len(key) == 3 and any(isinstance(k, slice) for k in key):
            wanted = [i for i, ce in enumerate(self._canonical_etypes)
                      if all(isinstance(k, slice) or k == c for k, c in zip(key, ce))]
            if not wanted:
                raise DGLError(f"{key!r} matches no edge type; the graph has {self._canonical_etypes}.")
            if len(wanted) > 1:
                return flatten_relations(self, wanted)
            etid = wanted[0]
        else:
            etid = self.get_etype_id(key)
        return self._relation_view(etid)

    def _relation_view(self, etid: int) -> "DGLGraph":
        ce = self._canonical_etypes[etid]
        s_slot, d_slot = self._rel_slots[etid]
        stype, _, dtype_ = ce
        if self.is_block:
            g = DGLGraph._create([stype], [dtype_], [self._num_nodes[s_slot], self._num_nodes[d_slot]],
                                 [ce], [self._adjs[etid]], self._idtype, self._device, True,
                                 [self._node_frames[s_slot], self._node_frames[d_slot]],
                                 [self._edge_frames[etid]])
        elif s_slot == d_slot:
            g = DGLGraph._create([stype], [stype], [self._num_nodes[s_slot]], [ce], [self._adjs[etid]],
                                 self._idtype, self._device, False, [self._node_frames[s_slot]],
                                 [self._edge_frames[etid]])
        else:
            types = sorted([stype, dtype_])
            slots = {stype: s_slot, dtype_: d_slot}
            g = DGLGraph._create(types, types, [self._num_nodes[slots[t]] for t in types], [ce],
                                 [self._adjs[etid]], self._idtype, self._device, False,
                                 [self._node_frames[slots[t]] for t in types], [self._edge_frames[etid]])
        return g

    # ------------------------------------------------------------------------------------
    # mutation (in place, as in DGL)
    # ------------------------------------------------------------------------------------
    def _check_mutable(self, keeps_batch: bool = False) -> None:
        if self.is_block:
            raise DGLError("Blocks cannot be mutated.")
        if not keeps_batch:
            # adding nodes or edges makes the graph one graph again, as in DGL
            self._batch_num_nodes = None
            self._batch_num_edges = None

    @staticmethod
    def _shrink_counts(counts: torch.Tensor, removed: torch.Tensor) -> torch.Tensor:
        """Per-graph counts after removing the items ``removed`` (ids into the batched graph)."""
        ends = torch.cumsum(counts.long(), 0)
        seg = torch.searchsorted(ends, removed.long(), right=True)
        return counts - torch.bincount(seg, minlength=counts.shape[0]).to(counts.dtype)

    def add_nodes(self, num: int, data: Optional[Dict[str, torch.Tensor]] = None,
                  ntype: Optional[str] = None) -> None:
        """Append ``num`` nodes, in place.

        Parameters
        ----------
        num : int
        data : dict of str to torch.Tensor, optional
            Features of the new nodes; other features get zeros.
        ntype : str, optional

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.add_nodes(2)
        >>> g.num_nodes()
        5
        """
        self._check_mutable()
        num = int(num)
        if num < 0:
            raise DGLError(f"Cannot add a negative number of nodes ({num}).")
        slot = self._node_slot(ntype)
        self._node_frames[slot].append_rows(num, data)
        self._num_nodes[slot] += num
        self._refresh_adjs()

    def _refresh_adjs(self) -> None:
        self._adjs = [a.with_num_nodes(self._num_nodes[s], self._num_nodes[d])
                      if (a.num_src, a.num_dst) != (self._num_nodes[s], self._num_nodes[d]) else a
                      for a, (s, d) in zip(self._adjs, self._rel_slots)]

    def add_edges(self, u: Any, v: Any, data: Optional[Dict[str, torch.Tensor]] = None,
                  etype: EType = None) -> None:
        """Append edges ``u -> v``, in place; nodes beyond the current range are added.

        Parameters
        ----------
        u, v : int, sequence or torch.Tensor
        data : dict of str to torch.Tensor, optional
            Features of the new edges; other features get zeros.
        etype : str or tuple of str, optional

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.add_edges([2], [0])
        >>> g.num_edges()
        4
        """
        self._check_mutable()
        etid = self.get_etype_id(etype)
        s, d = self._rel_slots[etid]
        ut = to_id_tensor(u, self._idtype, self._device)
        vt = to_id_tensor(v, self._idtype, self._device)
        ut, vt = _broadcast_pair(ut, vt)
        if ut.numel() and (int(ut.min()) < 0 or int(vt.min()) < 0):
            raise DGLError("Node ids of new edges must be non-negative.")
        # nodes beyond the current range are added, as DGL does
        for slot, ids in ((s, ut), (d, vt)):
            if ids.numel() and int(ids.max()) >= self._num_nodes[slot]:
                extra = int(ids.max()) + 1 - self._num_nodes[slot]
                self._node_frames[slot].append_rows(extra)
                self._num_nodes[slot] += extra
        self._refresh_adjs()
        adj = self._adjs[etid]
        self._edge_frames[etid].append_rows(ut.shape[0], data)
        self._adjs[etid] = SparseAdj(torch.cat([adj.src, ut]), torch.cat([adj.dst, vt]),
                                     adj.num_src, adj.num_dst, validate=False)

    def remove_edges(self, eids: Any, etype: EType = None, store_ids: bool = False) -> None:
        """Remove the edges ``eids``, in place.

        Parameters
        ----------
        eids : int, sequence or torch.Tensor
        etype : str or tuple of str, optional
        store_ids : bool
            Keep the original edge ids in ``edata[dgl.EID]``.
        """
        self._check_mutable(keeps_batch=True)
        etid = self.get_etype_id(etype)
        t = torch.unique(self._check_edge_ids(eids, etid))
        if self._batch_num_edges is not None:
            ce = self._canonical_etypes[etid]
            self._batch_num_edges[ce] = self._shrink_counts(self._batch_num_edges[ce], t)
        adj = self._adjs[etid]
        keep = torch.ones(adj.num_edges, dtype=torch.bool, device=self._device)
        keep[t.long()] = False
        kept = keep.nonzero().squeeze(1)
        frame = self._edge_frames[etid]
        frame.keep_rows(kept)
        if store_ids:
            frame["_ID"] = kept.to(self._idtype)
        self._adjs[etid] = adj.edge_subset(kept)
        for i in range(len(self._adjs)):
            if store_ids and i != etid:
                self._edge_frames[i]["_ID"] = torch.arange(self._adjs[i].num_edges, dtype=self._idtype,
                                                           device=self._device)

    def remove_nodes(self, nids: Any, ntype: Optional[str] = None, store_ids: bool = False) -> None:
        """Remove the nodes ``nids`` and their edges, in place.

        Parameters
        ----------
        nids : int, sequence or torch.Tensor
        ntype : str, optional
        store_ids : bool
            Keep the original ids in ``ndata[dgl.NID]`` and ``edata[dgl.EID]``.
        """
        self._check_mutable(keeps_batch=True)
        slot = self._node_slot(ntype)
        t = torch.unique(self._check_node_ids(nids, slot))
        n = self._num_nodes[slot]
        keep = torch.ones(n, dtype=torch.bool, device=self._device)
        keep[t.long()] = False
        kept = keep.nonzero().squeeze(1)
        new_id = torch.full((n,), -1, dtype=torch.int64, device=self._device)
        new_id[kept] = torch.arange(kept.shape[0], device=self._device)
        new_adjs = []
        for etid, (adj, (s, d)) in enumerate(zip(self._adjs, self._rel_slots)):
            emask = torch.ones(adj.num_edges, dtype=torch.bool, device=self._device)
            if s == slot:
                emask &= keep[adj.src.long()]
            if d == slot:
                emask &= keep[adj.dst.long()]
            # the kept edges are listed source by source (edge-id order within a source), as in DGL
            _, order = torch.sort(adj.src[emask], stable=True)
            ekept = emask.nonzero().squeeze(1)[order]
            if self._batch_num_edges is not None:
                ce = self._canonical_etypes[etid]
                removed = (~emask).nonzero().squeeze(1)
                self._batch_num_edges[ce] = self._shrink_counts(self._batch_num_edges[ce], removed)
            src, dst = adj.src[ekept], adj.dst[ekept]
            if s == slot:
                src = new_id[src.long()].to(self._idtype)
            if d == slot:
                dst = new_id[dst.long()].to(self._idtype)
            ns = kept.shape[0] if s == slot else adj.num_src
            nd = kept.shape[0] if d == slot else adj.num_dst
            new_adjs.append(SparseAdj(src, dst, ns, nd, validate=False))
            self._edge_frames[etid].keep_rows(ekept)
            if store_ids:
                self._edge_frames[etid]["_ID"] = ekept.to(self._idtype)
        if self._batch_num_nodes is not None:
            name = self.ntypes[slot]
            self._batch_num_nodes[name] = self._shrink_counts(self._batch_num_nodes[name], t)
        self._node_frames[slot].keep_rows(kept)
        if store_ids:
            self._node_frames[slot]["_ID"] = kept.to(self._idtype)
        self._num_nodes[slot] = int(kept.shape[0])
        self._adjs = new_adjs

    # ------------------------------------------------------------------------------------
    # message passing (graphdl/_graph/message_passing.py holds the logic)
    # ------------------------------------------------------------------------------------
    def apply_nodes(self, func, v=ALL, ntype=None):
        """Update node features with ``func(nodes)``.

        Parameters
        ----------
        func : callable
            Takes a :class:`~graphdl.udf.NodeBatch`, returns a dict of new features.
        v : node ids, optional
            All nodes by default.
        ntype : str, optional
        """
        return _mp.apply_nodes(self, func, v, ntype)

    def apply_edges(self, func, edges=ALL, etype=None):
        """Compute edge features with a built-in message function or ``func(edges)``.

        Parameters
        ----------
        func : callable or built-in function
            Takes an :class:`~graphdl.udf.EdgeBatch`, returns a dict of new features.
        edges : edge ids or ``(u, v)``, optional
            All edges by default.
        etype : str or tuple of str, optional

        Examples
        --------
        >>> import graphdl as dgl, graphdl.function as fn, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.ndata['h'] = torch.tensor([[1.0], [2.0], [3.0]])
        >>> g.apply_edges(fn.u_add_v('h', 'h', 's'))
        >>> g.edata['s'].squeeze(1)
        tensor([3., 4., 5.])
        """
        return _mp.apply_edges(self, func, edges, etype)

    def update_all(self, message_func, reduce_func, apply_node_func=None, etype=None):
        """Send messages along every edge, reduce them at the destinations and write the result.

        Parameters
        ----------
        message_func : callable or built-in function
        reduce_func : callable or built-in function
        apply_node_func : callable, optional
            Applied to the destination nodes afterwards.
        etype : str or tuple of str, optional

        Examples
        --------
        >>> import graphdl as dgl, graphdl.function as fn, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.ndata['h'] = torch.tensor([[1.0], [2.0], [3.0]])
        >>> g.update_all(fn.copy_u('h', 'm'), fn.sum('m', 'h'))
        >>> g.ndata['h'].squeeze(1)
        tensor([0., 1., 3.])
        """
        return _mp.update_all(self, message_func, reduce_func, apply_node_func, etype)

    def multi_update_all(self, etype_dict, cross_reducer, apply_node_func=None):
        """Message passing on several edge types, combining the per-type results.

        Parameters
        ----------
        etype_dict : dict
            ``{etype: (message_func, reduce_func[, apply_func])}``.
        cross_reducer : str
            ``'sum'``, ``'mean'``, ``'max'``, ``'min'``, ``'stack'`` or a callable.
        apply_node_func : callable, optional
        """
        return _mp.multi_update_all(self, etype_dict, cross_reducer, apply_node_func)

    def send_and_recv(self, edges, message_func, reduce_func, apply_node_func=None, etype=None):
        """Message passing along the given edges only.

        Parameters
        ----------
        edges : edge ids or ``(u, v)``
        message_func, reduce_func : callable or built-in function
        apply_node_func : callable, optional
        etype : str or tuple of str, optional
        """
        return _mp.send_and_recv(self, edges, message_func, reduce_func, apply_node_func, etype)

    def pull(self, v, message_func, reduce_func, apply_node_func=None, etype=None):
        """Message passing into the nodes ``v`` along all their in-edges.

        Parameters
        ----------
        v : node ids
        message_func, reduce_func : callable or built-in function
        apply_node_func : callable, optional
        etype : str or tuple of str, optional
        """
        return _mp.pull(self, v, message_func, reduce_func, apply_node_func, etype)

    def push(self, u, message_func, reduce_func, apply_node_func=None, etype=None):
        """Message passing from the nodes ``u`` along all their out-edges.

        Parameters
        ----------
        u : node ids
        message_func, reduce_func : callable or built-in function
        apply_node_func : callable, optional
        etype : str or tuple of str, optional
        """
        return _mp.push(self, u, message_func, reduce_func, apply_node_func, etype)

    def filter_nodes(self, predicate, nodes=ALL, ntype=None):
        """The nodes for which ``predicate(nodes)`` is true.

        Parameters
        ----------
        predicate : callable
            Takes a :class:`~graphdl.udf.NodeBatch`, returns a boolean tensor.
        nodes : node ids, optional
        ntype : str, optional

        Returns
        -------
        torch.Tensor
        """
        return _mp.filter_nodes(self, predicate, nodes, ntype)

    def filter_edges(self, predicate, edges=ALL, etype=None):
        """The edges for which ``predicate(edges)`` is true.

        Parameters
        ----------
        predicate : callable
            Takes an :class:`~graphdl.udf.EdgeBatch`, returns a boolean tensor.
        edges : edge ids, optional
        etype : str or tuple of str, optional

        Returns
        -------
        torch.Tensor
        """
        return _mp.filter_edges(self, predicate, edges, etype)

    # ------------------------------------------------------------------------------------
    # subgraphs and transforms offered as methods (logic in their modules)
    # ------------------------------------------------------------------------------------
    def subgraph(self, nodes, *, relabel_nodes=True, store_ids=True, output_device=None):
        """The subgraph induced by ``nodes`` (see :func:`graphdl.node_subgraph`).

        Parameters
        ----------
        nodes : node ids, a boolean mask, or a dict of them by node type
        relabel_nodes : bool
        store_ids : bool
            Keep the original ids in ``ndata[dgl.NID]`` and ``edata[dgl.EID]``.
        output_device : torch.device, optional

        Returns
        -------
        DGLGraph

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> sg = g.subgraph([0, 2])
        >>> sg.num_edges(), sg.ndata[dgl.NID].tolist()
        (1, [0, 2])
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from . import subgraph as _sg
        return _sg.node_subgraph(self, nodes, relabel_nodes=relabel_nodes, store_ids=store_ids,
                                 output_device=output_device)

    node_subgraph = subgraph

    def edge_subgraph(self, edges, *, relabel_nodes=True, store_ids=True, output_device=None):
        """The subgraph made of ``edges`` (see :func:`graphdl.edge_subgraph`).

        Parameters
        ----------
        edges : edge ids, a boolean mask, or a dict of them by edge type
        relabel_nodes : bool
        store_ids : bool
        output_device : torch.device, optional

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from . import subgraph as _sg
        return _sg.edge_subgraph(self, edges, relabel_nodes=relabel_nodes, store_ids=store_ids,
                                 output_device=output_device)

    def in_subgraph(self, nodes, *, relabel_nodes=False, store_ids=True, output_device=None):
        """All nodes and the in-edges of ``nodes`` (see :func:`graphdl.in_subgraph`).

        Parameters
        ----------
        nodes : node ids or a dict of them by node type
        relabel_nodes : bool
        store_ids : bool
        output_device : torch.device, optional

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from . import subgraph as _sg
        return _sg.in_subgraph(self, nodes, relabel_nodes=relabel_nodes, store_ids=store_ids,
                               output_device=output_device)

    def out_subgraph(self, nodes, *, relabel_nodes=False, store_ids=True, output_device=None):
        """All nodes and the out-edges of ``nodes`` (see :func:`graphdl.out_subgraph`).

        Parameters
        ----------
        nodes : node ids or a dict of them by node type
        relabel_nodes : bool
        store_ids : bool
        output_device : torch.device, optional

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from . import subgraph as _sg
        return _sg.out_subgraph(self, nodes, relabel_nodes=relabel_nodes, store_ids=store_ids,
                                output_device=output_device)

    def node_type_subgraph(self, ntypes, output_device=None):
        """The graph restricted to some node types and the edge types between them.

        Parameters
        ----------
        ntypes : list of str
        output_device : torch.device, optional

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from . import subgraph as _sg
        return _sg.node_type_subgraph(self, ntypes, output_device=output_device)

    def edge_type_subgraph(self, etypes, output_device=None):
        """The graph restricted to some edge types and their node types.

        Parameters
        ----------
        etypes : list of str or tuple of str
        output_device : torch.device, optional

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from . import subgraph as _sg
        return _sg.edge_type_subgraph(self, etypes, output_device=output_device)

    def add_self_loop(self, edge_feat_names=None, fill_data=1.0, etype=None):
        """A copy with a self-loop added on every node (see :func:`graphdl.add_self_loop`).

        Parameters
        ----------
        edge_feat_names : list of str, optional
        fill_data : float or str
        etype : str or tuple of str, optional

        Returns
        -------
        DGLGraph

        Examples
        --------
        >>> import graphdl as dgl, torch
        >>> g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        >>> g.add_self_loop().num_edges()
        6
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from .transforms import functional as _tf
        return _tf.add_self_loop(self, edge_feat_names=edge_feat_names, fill_data=fill_data, etype=etype)

    def remove_self_loop(self, etype=None):
        """A copy without self-loops (see :func:`graphdl.remove_self_loop`).

        Parameters
        ----------
        etype : str or tuple of str, optional

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from .transforms import functional as _tf
        return _tf.remove_self_loop(self, etype=etype)

    def reverse(self, copy_ndata=True, copy_edata=False, **kwargs):
        """The graph with every edge reversed (see :func:`graphdl.reverse`).

        Parameters
        ----------
        copy_ndata, copy_edata : bool

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from .transforms import functional as _tf
        return _tf.reverse(self, copy_ndata=copy_ndata, copy_edata=copy_edata, **kwargs)

    def to_simple(self, return_counts="count", writeback_mapping=False, copy_ndata=True, copy_edata=False):
        """The graph with parallel edges merged (see :func:`graphdl.to_simple`).

        Parameters
        ----------
        return_counts : str
        writeback_mapping : bool
        copy_ndata, copy_edata : bool

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from .transforms import functional as _tf
        return _tf.to_simple(self, return_counts=return_counts, writeback_mapping=writeback_mapping,
                             copy_ndata=copy_ndata, copy_edata=copy_edata)

    def line_graph(self, backtracking=True, shared=False):
        """The line graph (see :func:`graphdl.line_graph`).

        Parameters
        ----------
        backtracking : bool
        shared : bool

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from .transforms import functional as _tf
        return _tf.line_graph(self, backtracking=backtracking, shared=shared)

    def sample_neighbors(self, nodes, fanout, **kwargs):
        """Sample neighbours of ``nodes`` (see :func:`graphdl.sampling.sample_neighbors`).

        Parameters
        ----------
        nodes : node ids or a dict of them by node type
        fanout : int or dict
        **kwargs
            Passed to :func:`graphdl.sampling.sample_neighbors`.

        Returns
        -------
        DGLGraph
        """
        # deferred: the module this method delegates to builds DGLGraph objects (import cycle)
        from .sampling import sample_neighbors
        return sample_neighbors(self, nodes, fanout, **kwargs)

    # ------------------------------------------------------------------------------------
    # display
    # ------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        if self.is_block and len(self._srctypes) == len(self._dsttypes) == len(self._canonical_etypes) == 1:
            return (f"Block(num_src_nodes={self._num_nodes[0]}, num_dst_nodes={self._num_nodes[1]}, "
                    f"num_edges={self._adjs[0].num_edges})")
        if self.is_block:
            return (f"Block(num_src_nodes={self._count_dict('src')}, num_dst_nodes={self._count_dict('dst')}, "
                    f"num_edges={self._edge_count_dict()}, metagraph={self._canonical_etypes})")
        if len(self.ntypes) == 1 and len(self._canonical_etypes) <= 1:
            nd = {k: (tuple(v.shape[1:]), v.dtype) for k, v in self._node_frames[0]._columns.items()}
            ed = ({k: (tuple(v.shape[1:]), v.dtype) for k, v in self._edge_frames[0]._columns.items()}
                  if self._edge_frames else {})
            return (f"Graph(num_nodes={self.num_nodes()}, num_edges={self.num_edges()},\n"
                    f"      ndata_schemes={nd}\n      edata_schemes={ed})")
        return (f"Graph(num_nodes={self._count_dict('all')},\n      num_edges={self._edge_count_dict()},\n"
                f"      metagraph={[(s, d, e) for (s, e, d) in self._canonical_etypes]})")

    def _count_dict(self, side: str) -> Dict[str, int]:
        names = {"src": self.srctypes, "dst": self.dsttypes, "all": self.ntypes}[side]
        return {t: self._num_nodes[self._node_slot(t, side)] for t in names}

    def _edge_count_dict(self) -> Dict[CanonicalEType, int]:
        return {ce: a.num_edges for ce, a in zip(self._canonical_etypes, self._adjs)}

    # pickling keeps everything (used by DataLoader workers)
    def __getstate__(self):
        return self.__dict__.copy()

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ------------------------------------------------------------------------------------
    # free functions DGL also offers as methods (thin delegations; logic in their modules)
    # ------------------------------------------------------------------------------------
    def __copy__(self) -> "DGLGraph":
        """Shallow copy: a new graph object sharing this one's structure and feature frames."""
        obj = type(self).__new__(type(self))
        obj.__dict__.update(self.__dict__)
        return obj

    def khop_in_subgraph(self, nodes, k, *, relabel_nodes=True, store_ids=True, output_device=None):
        """The subgraph induced by the nodes reaching ``nodes`` in at most ``k`` hops.

        See :func:`graphdl.khop_in_subgraph`.
        """
        # deferred: import cycle graphdl.subgraph -> graphdl._result_graph -> graphdl.heterograph -> graphdl.heterograph
        from . import subgraph as _sg
        return _sg.khop_in_subgraph(self, nodes, k, relabel_nodes=relabel_nodes, store_ids=store_ids,
                                    output_device=output_device)

    def khop_out_subgraph(self, nodes, k, *, relabel_nodes=True, store_ids=True, output_device=None):
        """The subgraph induced by the nodes reachable from ``nodes`` in at most ``k`` hops.

        See :func:`graphdl.khop_out_subgraph`.
        """
        # deferred: import cycle graphdl.subgraph -> graphdl._result_graph -> graphdl.heterograph -> graphdl.heterograph
        from . import subgraph as _sg
        return _sg.khop_out_subgraph(self, nodes, k, relabel_nodes=relabel_nodes, store_ids=store_ids,
                                     output_device=output_device)

    def reorder_graph(self, node_permute_algo=None, edge_permute_algo="src", store_ids=True, permute_config=None):
        """A copy with nodes and edges renumbered. See :func:`graphdl.reorder_graph`."""
        # deferred: import cycle graphdl.transforms.functional -> graphdl._result_graph -> graphdl.heterograph -> graphdl.heterograph
        from .transforms import functional as _tf
        return _tf.reorder_graph(self, node_permute_algo=node_permute_algo, edge_permute_algo=edge_permute_algo,
                                 store_ids=store_ids, permute_config=permute_config)

    def to_networkx(self, node_attrs=None, edge_attrs=None, ntype_attr="ntype", etype_attr="etype", eid_attr="id"):
        """This graph as a ``networkx.MultiDiGraph``. See :func:`graphdl.to_networkx`."""
        # deferred: import cycle graphdl.convert -> graphdl.heterograph -> graphdl.heterograph
        from .convert import to_networkx
        return to_networkx(self, node_attrs=node_attrs, edge_attrs=edge_attrs, ntype_attr=ntype_attr,
                           etype_attr=etype_attr, eid_attr=eid_attr)

    def sample_etype_neighbors(self, nodes, etype_offset, fanout, edge_dir="in", prob=None, replace=False,
                               copy_ndata=True, copy_edata=True, etype_sorted=False, _dist_training=False,
                               output_device=None):
        """Neighbour sampling with one fanout per edge type.

        See :func:`graphdl.sampling.sample_etype_neighbors`.
        """
        # deferred: import cycle graphdl.sampling -> graphdl.sampling.neighbor -> graphdl.sampling._block -> graphdl.heterograph -> graphdl.heterograph
        from .sampling import sample_etype_neighbors
        return sample_etype_neighbors(self, nodes, etype_offset, fanout, edge_dir=edge_dir, prob=prob,
                                      replace=replace, copy_ndata=copy_ndata, copy_edata=copy_edata,
                                      etype_sorted=etype_sorted, _dist_training=_dist_training,
                                      output_device=output_device)

    def sample_neighbors_fused(self, nodes, fanout, edge_dir="in", prob=None, replace=False, copy_ndata=True,
                               copy_edata=True, exclude_edges=None, mapping=None):
        """Neighbour sampling straight into a block.

        See :func:`graphdl.sampling.sample_neighbors_fused`.
        """
        # deferred: import cycle graphdl.sampling -> graphdl.sampling.neighbor -> graphdl.sampling._block -> graphdl.heterograph -> graphdl.heterograph
        from .sampling import sample_neighbors_fused
        return sample_neighbors_fused(self, nodes, fanout, edge_dir=edge_dir, prob=prob, replace=replace,
                                      copy_ndata=copy_ndata, copy_edata=copy_edata, exclude_edges=exclude_edges,
                                      mapping=mapping)

    def sample_neighbors_biased(self, nodes, fanout, bias, edge_dir="in", tag_offset_name="_TAG_OFFSET",
                                replace=False, copy_ndata=True, copy_edata=True, output_device=None):
        """Neighbour sampling weighted by tag.

        See :func:`graphdl.sampling.sample_neighbors_biased`.
        """
        # deferred: import cycle graphdl.sampling -> graphdl.sampling.neighbor -> graphdl.sampling._block -> graphdl.heterograph -> graphdl.heterograph
        from .sampling import sample_neighbors_biased
        return sample_neighbors_biased(self, nodes, fanout, bias, edge_dir=edge_dir,
                                       tag_offset_name=tag_offset_name, replace=replace, copy_ndata=copy_ndata,
                                       copy_edata=copy_edata, output_device=output_device)

    def sample_labors(self, nodes, fanout, edge_dir="in", prob=None, importance_sampling=0, random_seed=None,
                      seed2_contribution=0, copy_ndata=True, copy_edata=True, exclude_edges=None,
                      output_device=None):
        """Layer-neighbour (LABOR) sampling. See :func:`graphdl.sampling.sample_labors`."""
        # deferred: import cycle graphdl.sampling -> graphdl.sampling.neighbor -> graphdl.sampling._block -> graphdl.heterograph -> graphdl.heterograph
        from .sampling import sample_labors
        return sample_labors(self, nodes, fanout, edge_dir=edge_dir, prob=prob,
                             importance_sampling=importance_sampling, random_seed=random_seed,
                             seed2_contribution=seed2_contribution, copy_ndata=copy_ndata, copy_edata=copy_edata,
                             exclude_edges=exclude_edges, output_device=output_device)

    def select_topk(self, k, weight, nodes=None, edge_dir="in", ascending=False, copy_ndata=True,
                    copy_edata=True, output_device=None):
        """The ``k`` edges of largest (or smallest) ``weight`` per node.

        See :func:`graphdl.sampling.select_topk`.
        """
        # deferred: import cycle graphdl.sampling -> graphdl.sampling.neighbor -> graphdl.sampling._block -> graphdl.heterograph -> graphdl.heterograph
        from .sampling import select_topk
        return select_topk(self, k, weight, nodes=nodes, edge_dir=edge_dir, ascending=ascending,
                           copy_ndata=copy_ndata, copy_edata=copy_edata, output_device=output_device)

    def global_uniform_negative_sampling(self, num_samples, exclude_self_loops=True, replace=False, etype=None,
                                         redundancy=None):
        """Node pairs drawn uniformly among the non-edges.

        See :func:`graphdl.sampling.global_uniform_negative_sampling`.
        """
        # deferred: import cycle graphdl.sampling -> graphdl.sampling.neighbor -> graphdl.sampling._block -> graphdl.heterograph -> graphdl.heterograph
        from .sampling import global_uniform_negative_sampling
        return global_uniform_negative_sampling(self, num_samples, exclude_self_loops=exclude_self_loops,
                                                replace=replace, etype=etype, redundancy=redundancy)

    def prop_nodes(self, nodes_generator, message_func, reduce_func, apply_node_func=None, etype=None):
        """Pull messages into node frontiers in turn. See :func:`graphdl.prop_nodes`."""
        prop_nodes(self, nodes_generator, message_func, reduce_func, apply_node_func, etype=etype)

    def prop_edges(self, edges_generator, message_func, reduce_func, apply_node_func=None, etype=None):
        """Send messages along edge frontiers in turn. See :func:`graphdl.prop_edges`."""
        prop_edges(self, edges_generator, message_func, reduce_func, apply_node_func, etype=etype)

    def is_pinned(self) -> bool:
        """Whether the graph is in page-locked memory: never, :meth:`pin_memory_` keeps it as it is."""
        return False

    def unpin_memory_(self) -> "DGLGraph":
        """Undo :meth:`pin_memory_` (nothing to undo; returns the graph)."""
        return self


DGLHeteroGraph = DGLGraph
DGLBlock = DGLGraph


def _sorted_pairs(adj: SparseAdj) -> Tuple[torch.Tensor, torch.Tensor]:
    """Edge keys ``src * num_dst + dst`` in sorted order (stable) and the sorting permutation.

    Edge-id lookups, ``srcdst`` edge order and the multigraph test share them; they are
    computed once per relation.
    """
    def compute() -> Tuple[torch.Tensor, torch.Tensor]:
        key = adj.src.long() * max(adj.num_dst, 1) + adj.dst.long()
        return torch.sort(key, stable=True)

    return adj.derived("sorted_pairs", compute)


def _edge_form(form: str, src: torch.Tensor, dst: torch.Tensor, eid: torch.Tensor):
    if form == "uv":
        return src, dst
    if form == "eid":
        return eid
    if form == "all":
        return src, dst, eid
    raise DGLError(f"form must be 'uv', 'eid' or 'all', got {form!r}.")


def _broadcast_pair(u: torch.Tensor, v: torch.Tensor):
    if u.shape[0] == v.shape[0]:
        return u, v
    if u.shape[0] == 1:
        return u.expand(v.shape[0]), v
    if v.shape[0] == 1:
        return u, v.expand(u.shape[0])
    raise DGLError(f"Source and destination id lists differ in length: {u.shape[0]} vs {v.shape[0]}.")


def _segment_positions(indptr: Optional[torch.Tensor], rows: Optional[torch.Tensor],
                       starts: Optional[torch.Tensor] = None,
                       counts: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Positions ``starts[i] + k`` for ``k < counts[i]``, concatenated over ``i``."""
    if starts is None:
        r = rows.long()
        starts = indptr[r].long()
        counts = indptr[r + 1].long() - starts
    starts = starts.long()
    counts = counts.long()
    total = int(counts.sum()) if counts.numel() else 0
    if total == 0:
        return torch.zeros(0, dtype=torch.int64, device=starts.device)
    offsets = torch.cumsum(counts, 0) - counts
    base = torch.repeat_interleave(starts - offsets, counts)
    return base + torch.arange(total, device=starts.device)
