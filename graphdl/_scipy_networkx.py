"""Graphs from and to scipy sparse matrices and networkx graphs.

``from_scipy``/``bipartite_from_scipy`` read a matrix's entries as edges (row → column),
``from_networkx``/``bipartite_from_networkx`` read a networkx graph's edges and attributes,
``to_networkx`` writes a graph out. All are re-exported by :mod:`graphdl.convert`.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp
import torch

from ._graph.ids import check_idtype, default_device
from ._result_graph import build_graph
from ._type_conversion import to_homogeneous
from .base import EID, ETYPE, NID, NTYPE, DGLError

__all__ = ["from_scipy", "bipartite_from_scipy", "from_networkx", "bipartite_from_networkx", "to_networkx"]


def _coo_parts(sp_mat: Any) -> Tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    if not sp.issparse(sp_mat):
        raise DGLError(f"Expected a scipy sparse matrix, got {type(sp_mat).__name__}.")
    coo = sp_mat.tocoo()
    row = torch.from_numpy(np.asarray(coo.row, dtype=np.int64))
    col = torch.from_numpy(np.asarray(coo.col, dtype=np.int64))
    return row, col, np.asarray(coo.data)


def from_scipy(sp_mat: Any, eweight_name: Optional[str] = None, idtype: Optional[torch.dtype] = None,
               device: Any = None) -> Any:
    """A homogeneous graph from a square scipy sparse matrix: entry ``(i, j)`` is an edge ``i -> j``.

    Edges follow the matrix's storage order. With ``eweight_name`` the entries are stored as
    that edge feature.
    """
    if not sp.issparse(sp_mat):
        raise DGLError(f"Expected a scipy sparse matrix, got {type(sp_mat).__name__}.")
    n, m = sp_mat.shape
    if n != m:
        raise DGLError(f"from_scipy needs a square matrix, got shape {sp_mat.shape}; use bipartite_from_scipy.")
    row, col, data = _coo_parts(sp_mat)
    g = build_graph({("_N", "_E", "_N"): (row, col)}, {"_N": n}, check_idtype(idtype), default_device(device))
    if eweight_name is not None:
        g.edata[eweight_name] = torch.as_tensor(data).to(default_device(device))
    return g


def bipartite_from_scipy(sp_mat: Any, utype: str, etype: str, vtype: str, eweight_name: Optional[str] = None,
                         idtype: Optional[torch.dtype] = None, device: Any = None) -> Any:
    """A one-relation graph ``(utype, etype, vtype)`` from a scipy matrix of shape ``(num_u, num_v)``."""
    if not sp.issparse(sp_mat):
        raise DGLError(f"Expected a scipy sparse matrix, got {type(sp_mat).__name__}.")
    if utype == vtype:
        raise DGLError(f"bipartite_from_scipy needs two different node types, got {utype!r} twice.")
    n, m = sp_mat.shape
    row, col, data = _coo_parts(sp_mat)
    cet = (utype, etype, vtype)
    g = build_graph({cet: (row, col)}, {utype: n, vtype: m}, check_idtype(idtype), default_device(device))
    if eweight_name is not None:
        g.edges[cet].data[eweight_name] = torch.as_tensor(data).to(default_device(device))
    return g


def _stack(values: List[Any], what: str) -> torch.Tensor:
    if not values:
        return torch.zeros(0)
    if all(isinstance(v, torch.Tensor) for v in values):
        return torch.stack(values, 0)
    try:
        return torch.as_tensor(np.asarray(values))
    except Exception as err:  # noqa: BLE001 - report which attribute failed
        raise DGLError(f"Cannot turn attribute {what!r} into a tensor: {err}") from err


def _edge_id(value: Any, u: Any, v: Any) -> int:
    """An edge-id attribute as an int: a Python or numpy integer, or a one-element array or
    tensor (networkx attributes are often stored as ``np.array([3])``)."""
    arr = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
    if arr.size != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise DGLError(f"The edge id of edge ({u}, {v}) must be one integer, got {value!r}.")
    return int(arr.reshape(-1)[0])


def _nx_edges(nx_graph: Any, edge_id_attr_name: Optional[str]) -> List[Tuple[Any, Any, dict]]:
    if nx_graph.is_multigraph():
        edges = [(u, v, d) for u, v, _, d in nx_graph.edges(keys=True, data=True)]
    else:
        edges = list(nx_graph.edges(data=True))
    if edge_id_attr_name is not None:
        ids = []
        for u, v, d in edges:
            if edge_id_attr_name not in d:
                raise DGLError(f"Edge ({u}, {v}) has no attribute {edge_id_attr_name!r}.")
            ids.append(_edge_id(d[edge_id_attr_name], u, v))
        if sorted(ids) != list(range(len(edges))):
            raise DGLError(f"Edge attribute {edge_id_attr_name!r} must be a permutation of 0..{len(edges) - 1}.")
        ordered: List[Any] = [None] * len(edges)
        for i, e in zip(ids, edges):
            ordered[i] = e
        edges = ordered
    return edges


def from_networkx(nx_graph: Any, node_attrs: Optional[Sequence[str]] = None,
                  edge_attrs: Optional[Sequence[str]] = None, edge_id_attr_name: Optional[str] = None,
                  idtype: Optional[torch.dtype] = None, device: Any = None) -> Any:
    """A homogeneous graph from a networkx graph.

    Nodes are numbered in sorted label order. An undirected graph gives both directions of
    each edge (and then takes no edge attributes). Edges follow networkx's edge order, or
    ``edge_id_attr_name`` when given.
    ``node_attrs`` / ``edge_attrs`` name attributes to stack into features.
    """
    import networkx as nx

    if not nx_graph.is_directed():
        if edge_id_attr_name is not None or edge_attrs is not None:
            raise DGLError(
                "edge_id_attr_name and edge_attrs must be None for an undirected networkx graph, "
                f"got {edge_id_attr_name!r} and {edge_attrs!r}."
            )
        nx_graph = nx_graph.to_directed()
    try:
        nx_graph = nx.convert_node_labels_to_integers(nx_graph, ordering="sorted")
    except TypeError as err:
        raise DGLError(f"Node labels of the networkx graph cannot be sorted: {err}") from err
    edges = _nx_edges(nx_graph, edge_id_attr_name)
    src = torch.tensor([u for u, _, _ in edges], dtype=torch.int64)
    dst = torch.tensor([v for _, v, _ in edges], dtype=torch.int64)
    n = nx_graph.number_of_nodes()
    dev = default_device(device)
    g = build_graph({("_N", "_E", "_N"): (src, dst)}, {"_N": n}, check_idtype(idtype), dev)
    for attr in node_attrs or []:
        vals = []
        for i in range(n):
            if attr not in nx_graph.nodes[i]:
                raise DGLError(f"Node {i} has no attribute {attr!r}.")
            vals.append(nx_graph.nodes[i][attr])
        g.ndata[attr] = _stack(vals, attr).to(dev)
    for attr in edge_attrs or []:
        vals = []
        for u, v, d in edges:
            if attr not in d:
                raise DGLError(f"Edge ({u}, {v}) has no attribute {attr!r}.")
            vals.append(d[attr])
        g.edata[attr] = _stack(vals, attr).to(dev)
    return g


def bipartite_from_networkx(nx_graph: Any, utype: str, etype: str, vtype: str,
                            u_attrs: Optional[Sequence[str]] = None, e_attrs: Optional[Sequence[str]] = None,
                            v_attrs: Optional[Sequence[str]] = None, edge_id_attr_name: Optional[str] = None,
                            idtype: Optional[torch.dtype] = None, device: Any = None) -> Any:
    """A one-relation graph from a networkx graph whose nodes carry ``bipartite`` = 0 (sources) or 1.

    Each side is numbered in sorted label order; edges go from side 0 to side 1.
    """
    if not nx_graph.is_directed():
        raise DGLError("bipartite_from_networkx expects a directed networkx graph.")
    top, bottom = [], []
    for node, d in nx_graph.nodes(data=True):
        side = d.get("bipartite")
        if side == 0:
            top.append(node)
        elif side == 1:
            bottom.append(node)
        else:
            raise DGLError(f"Node {node!r} needs a 'bipartite' attribute of 0 or 1, got {side!r}.")
    try:
        top, bottom = sorted(top), sorted(bottom)
    except TypeError as err:
        raise DGLError(f"Node labels of the networkx graph cannot be sorted: {err}") from err
    tmap = {x: i for i, x in enumerate(top)}
    bmap = {x: i for i, x in enumerate(bottom)}
    edges = [(u, v, d) for u, v, d in _nx_edges(nx_graph, None) if u in tmap and v in bmap]
    if edge_id_attr_name is not None:
        edges.sort(key=lambda e: _edge_id(e[2][edge_id_attr_name], e[0], e[1]))
    cet = (utype, etype, vtype)
    dev = default_device(device)
    src = torch.tensor([tmap[u] for u, _, _ in edges], dtype=torch.int64)
    dst = torch.tensor([bmap[v] for _, v, _ in edges], dtype=torch.int64)
    g = build_graph({cet: (src, dst)}, {utype: len(top), vtype: len(bottom)}, check_idtype(idtype), dev)
    for attrs, nodes, nt in ((u_attrs, top, utype), (v_attrs, bottom, vtype)):
        for attr in attrs or []:
            g.nodes[nt].data[attr] = _stack([nx_graph.nodes[x][attr] for x in nodes], attr).to(dev)
    for attr in e_attrs or []:
        g.edges[cet].data[attr] = _stack([d[attr] for _, _, d in edges], attr).to(dev)
    return g


def to_networkx(g: Any, node_attrs: Optional[Sequence[str]] = None, edge_attrs: Optional[Sequence[str]] = None,
                ntype_attr: str = "ntype", etype_attr: str = "etype", eid_attr: str = "id") -> Any:
    """A ``networkx.MultiDiGraph`` with nodes ``0..N-1`` and one edge per edge of ``g``.

    Each edge carries its id under ``eid_attr``; listed node/edge features are attached as
    per-item tensors. A heterogeneous graph is flattened first (see :func:`to_homogeneous`) and
    its nodes/edges carry their type names under ``ntype_attr`` / ``etype_attr``; there a
    listed feature is attached to the items of the types that have it (shapes may differ
    between types), as DGL does.
    """
    import networkx as nx

    if getattr(g, "is_block", False):
        raise DGLError("to_networkx does not take blocks; use block_to_graph first.")
    hetero = not (len(g.ntypes) == 1 and len(g.canonical_etypes) == 1)
    if hetero:
        # per type: a type that lacks a listed feature (or stores it in another shape) is fine
        hg = g.cpu()
        g = to_homogeneous(hg)
        nfeat = [(hg.nodes[nt].data, hg.num_nodes(nt)) for nt in hg.ntypes]
        efeat = [hg.edges[c].data for c in hg.canonical_etypes]
    else:
        g = g.cpu()
        for a in node_attrs or []:
            if a not in g.ndata:
                raise DGLError(f"The graph has no node feature {a!r}.")
        for a in edge_attrs or []:
            if a not in g.edata:
                raise DGLError(f"The graph has no edge feature {a!r}.")
    adj = g._adj(g.canonical_etypes[0])
    nxg = nx.MultiDiGraph()
    n = g.num_nodes()
    ntype_ids = g.ndata[NTYPE].tolist() if hetero else None
    nids = g.ndata[NID].tolist() if hetero else None
    for i in range(n):
        if hetero:
            data = nfeat[ntype_ids[i]][0]
            attrs = {a: data[a][nids[i]] for a in node_attrs or [] if a in data}
            attrs[ntype_attr] = hg.ntypes[ntype_ids[i]]
        else:
            attrs = {a: g.ndata[a][i] for a in node_attrs or []}
        nxg.add_node(i, **attrs)
    src, dst = adj.src.tolist(), adj.dst.tolist()
    etype_ids = g.edata[ETYPE].tolist() if hetero else None
    eids = g.edata[EID].tolist() if hetero else None
    for e, (u, v) in enumerate(zip(src, dst)):
        attrs = {eid_attr: e}
        if hetero:
            data = efeat[etype_ids[e]]
            attrs.update({a: data[a][eids[e]] for a in edge_attrs or [] if a in data})
            attrs[etype_attr] = hg.canonical_etypes[etype_ids[e]]
        else:
            attrs.update({a: g.edata[a][e] for a in edge_attrs or []})
        nxg.add_edge(u, v, **attrs)
    return nxg
