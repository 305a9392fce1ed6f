"""Conversions between graphs and other representations (scipy, networkx), random graphs,
blocks to graphs, and heterogeneous <-> homogeneous graphs.

Re-exported by :mod:`graphdl.convert`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp
import torch

from ._graph.ids import CanonicalEType
from ._build import build_graph, copy_frame
from .base import EID, ETYPE, NID, NTYPE, DGLError

__all__ = [
    "from_scipy",
    "bipartite_from_scipy",
    "from_networkx",
    "bipartite_from_networkx",
    "to_networkx",
    "rand_graph",
    "rand_bipartite",
    "block_to_graph",
    "to_homogeneous",
    "to_heterogeneous",
]


def _idtype(idtype: Optional[torch.dtype]) -> torch.dtype:
    if idtype is None:
        return torch.int64
    if idtype not in (torch.int32, torch.int64):
        raise DGLError(f"idtype must be torch.int32 or torch.int64, got {idtype}.")
    return idtype


def _device(device: Any) -> torch.device:
    return torch.device("cpu") if device is None else torch.device(device)


# ----------------------------------------------------------------------------------------
# scipy
# ----------------------------------------------------------------------------------------
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
    g = build_graph({("_N", "_E", "_N"): (row, col)}, {"_N": n}, _idtype(idtype), _device(device))
    if eweight_name is not None:
        g.edata[eweight_name] = torch.as_tensor(data).to(_device(device))
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
    g = build_graph({cet: (row, col)}, {utype: n, vtype: m}, _idtype(idtype), _device(device))
    if eweight_name is not None:
        g.edges[cet].data[eweight_name] = torch.as_tensor(data).to(_device(device))
    return g


# ----------------------------------------------------------------------------------------
# networkx
# ----------------------------------------------------------------------------------------
def _stack(values: List[Any], what: str) -> torch.Tensor:
    if not values:
        return torch.zeros(0)
    if all(isinstance(v, torch.Tensor) for v in values):
        return torch.stack(values, 0)
    try:
        return torch.as_tensor(np.asarray(values))
    except Exception as err:  # noqa: BLE001 - report which attribute failed
        raise DGLError(f"Cannot turn attribute {what!r} into a tensor: {err}") from err


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
            ids.append(int(d[edge_id_attr_name]))
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
    dev = _device(device)
    g = build_graph({("_N", "_E", "_N"): (src, dst)}, {"_N": n}, _idtype(idtype), dev)
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
        edges.sort(key=lambda e: int(e[2][edge_id_attr_name]))
    cet = (utype, etype, vtype)
    dev = _device(device)
    src = torch.tensor([tmap[u] for u, _, _ in edges], dtype=torch.int64)
    dst = torch.tensor([bmap[v] for _, v, _ in edges], dtype=torch.int64)
    g = build_graph({cet: (src, dst)}, {utype: len(top), vtype: len(bottom)}, _idtype(idtype), dev)
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
    its nodes/edges carry their type names under ``ntype_attr`` / ``etype_attr``.
    """
    import networkx as nx

    if getattr(g, "is_block", False):
        raise DGLError("to_networkx does not take blocks; use block_to_graph first.")
    hetero = not (len(g.ntypes) == 1 and len(g.canonical_etypes) == 1)
    if hetero:
        hg = g
        g = to_homogeneous(hg, ndata=node_attrs, edata=edge_attrs)
    g = g.cpu()
    adj = g._adj(g.canonical_etypes[0])
    nxg = nx.MultiDiGraph()
    n = g.num_nodes()
    for i in range(n):
        attrs = {a: g.ndata[a][i] for a in node_attrs or []}
        if hetero:
            attrs[ntype_attr] = hg.ntypes[int(g.ndata[NTYPE][i])]
        nxg.add_node(i, **attrs)
    src, dst = adj.src.tolist(), adj.dst.tolist()
    for e, (u, v) in enumerate(zip(src, dst)):
        attrs = {eid_attr: e}
        for a in edge_attrs or []:
            attrs[a] = g.edata[a][e]
        if hetero:
            attrs[etype_attr] = hg.canonical_etypes[int(g.edata[ETYPE][e])]
        nxg.add_edge(u, v, **attrs)
    return nxg


# ----------------------------------------------------------------------------------------
# random graphs
# ----------------------------------------------------------------------------------------
def _sample_pairs(num_rows: int, num_cols: int, num_edges: int) -> Tuple[torch.Tensor, torch.Tensor]:
    total = num_rows * num_cols
    num_edges = int(num_edges)
    if num_edges < 0:
        raise DGLError(f"num_edges must be non-negative, got {num_edges}.")
    if num_edges > total:
        raise DGLError(f"Cannot place {num_edges} distinct edges among {total} node pairs.")
    if num_edges == 0:
        z = torch.zeros(0, dtype=torch.int64)
        return z, z
    if num_edges * 4 >= total:
        keys = np.random.permutation(total)[:num_edges]
    else:
        keys = np.zeros(0, dtype=np.int64)
        while keys.shape[0] < num_edges:
            draw = np.random.randint(0, total, size=2 * (num_edges - keys.shape[0]), dtype=np.int64)
            keys = np.concatenate([keys, draw])
            _, first = np.unique(keys, return_index=True)
            keys = keys[np.sort(first)]
        keys = keys[:num_edges]
    keys = torch.from_numpy(keys.astype(np.int64))
    return keys // num_cols, keys % num_cols


def rand_graph(num_nodes: int, num_edges: int, idtype: torch.dtype = torch.int64,
               device: Any = torch.device("cpu")) -> Any:
    """A homogeneous graph with ``num_edges`` distinct edges drawn uniformly among node pairs."""
    num_nodes = int(num_nodes)
    if num_nodes < 0:
        raise DGLError(f"num_nodes must be non-negative, got {num_nodes}.")
    u, v = _sample_pairs(num_nodes, num_nodes, num_edges)
    return build_graph({("_N", "_E", "_N"): (u, v)}, {"_N": num_nodes}, _idtype(idtype), _device(device))


def rand_bipartite(utype: str, etype: str, vtype: str, num_src_nodes: int, num_dst_nodes: int,
                   num_edges: int, idtype: torch.dtype = torch.int64, device: Any = torch.device("cpu")) -> Any:
    """A one-relation graph ``(utype, etype, vtype)`` with ``num_edges`` distinct random edges."""
    if utype == vtype:
        raise DGLError(f"rand_bipartite needs two different node types, got {utype!r} twice.")
    u, v = _sample_pairs(int(num_src_nodes), int(num_dst_nodes), num_edges)
    return build_graph({(utype, etype, vtype): (u, v)}, {utype: int(num_src_nodes), vtype: int(num_dst_nodes)},
                       _idtype(idtype), _device(device))


# ----------------------------------------------------------------------------------------
# blocks and type flattening
# ----------------------------------------------------------------------------------------
def block_to_graph(block: Any) -> Any:
    """A graph from a block: source type ``T`` becomes ``T_src``, destination type ``T_dst``.

    Features of both sides and of the edges are carried over.
    """
    if not getattr(block, "is_block", False):
        raise DGLError("block_to_graph expects a block.")
    data = {}
    for s, e, d in block.canonical_etypes:
        adj = block._adj((s, e, d))
        data[(s + "_src", e, d + "_dst")] = (adj.src, adj.dst)
    num = {nt + "_src": block.num_src_nodes(nt) for nt in block.srctypes}
    num.update({nt + "_dst": block.num_dst_nodes(nt) for nt in block.dsttypes})
    g = build_graph(data, num, block.idtype, block.device)
    for nt in block.srctypes:
        copy_frame(block.srcnodes[nt].data, g.nodes[nt + "_src"].data)
    for nt in block.dsttypes:
        copy_frame(block.dstnodes[nt].data, g.nodes[nt + "_dst"].data)
    for s, e, d in block.canonical_etypes:
        copy_frame(block.edges[(s, e, d)].data, g.edges[(s + "_src", e, d + "_dst")].data)
    return g


def _combine(frames: List[Any], names: Optional[Sequence[str]], where: str) -> Dict[str, torch.Tensor]:
    out = {}
    for name in names or []:
        parts = []
        for label, f in frames:
            if name not in f:
                raise DGLError(f"Cannot combine feature {name!r}: {where} {label!r} does not have it.")
            parts.append(f[name])
        tail = parts[0].shape[1:]
        for (label, _), p in zip(frames, parts):
            if p.shape[1:] != tail or p.dtype != parts[0].dtype:
                raise DGLError(
                    f"Cannot combine feature {name!r}: {where} {label!r} has shape {tuple(p.shape[1:])} "
                    f"and dtype {p.dtype}, expected {tuple(tail)} and {parts[0].dtype}."
                )
        out[name] = torch.cat(parts, 0)
    return out


def to_homogeneous(G: Any, ndata: Optional[Sequence[str]] = None, edata: Optional[Sequence[str]] = None,
                   store_type: bool = True, return_count: bool = False) -> Any:
    """Flatten a heterogeneous graph into a homogeneous one.

    Nodes are numbered type by type (in ``G.ntypes`` order) and edges relation by relation
    (in ``G.canonical_etypes`` order). ``ndata[NID]`` / ``edata[EID]`` hold the per-type ids;
    with ``store_type`` ``ndata[NTYPE]`` / ``edata[ETYPE]`` hold the type ids. Features named
    in ``ndata`` / ``edata`` must exist, with equal shapes, for every type and are concatenated.

    With ``return_count`` also returns the per-type node and edge counts.
    """
    if getattr(G, "is_block", False):
        raise DGLError("to_homogeneous does not take blocks.")
    idtype, device = G.idtype, G.device
    counts = [G.num_nodes(nt) for nt in G.ntypes]
    offsets = dict(zip(G.ntypes, np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()))
    us, vs, etids, eids = [], [], [], []
    ecounts = []
    for i, cet in enumerate(G.canonical_etypes):
        adj = G._adj(cet)
        us.append(adj.src + int(offsets[cet[0]]))
        vs.append(adj.dst + int(offsets[cet[2]]))
        etids.append(torch.full((adj.num_edges,), i, dtype=torch.int64, device=device))
        eids.append(torch.arange(adj.num_edges, dtype=idtype, device=device))
        ecounts.append(adj.num_edges)
    empty = torch.zeros(0, dtype=idtype, device=device)
    u = torch.cat(us) if us else empty
    v = torch.cat(vs) if vs else empty
    g = build_graph({("_N", "_E", "_N"): (u, v)}, {"_N": int(sum(counts))}, idtype, device)
    for k, val in _combine([(nt, G.nodes[nt].data) for nt in G.ntypes], ndata, "node type").items():
        g.ndata[k] = val
    for k, val in _combine([(c, G.edges[c].data) for c in G.canonical_etypes], edata, "edge type").items():
        g.edata[k] = val
    g.ndata[NID] = torch.cat([torch.arange(c, dtype=idtype, device=device) for c in counts]) if counts else empty
    g.edata[EID] = torch.cat(eids) if eids else empty
    if store_type:
        g.ndata[NTYPE] = torch.cat(
            [torch.full((c,), i, dtype=torch.int64, device=device) for i, c in enumerate(counts)]
        )
        g.edata[ETYPE] = torch.cat(etids) if etids else torch.zeros(0, dtype=torch.int64, device=device)
    if return_count:
        return g, counts, ecounts
    return g


def to_heterogeneous(G: Any, ntypes: Sequence[str], etypes: Sequence[str], ntype_field: str = NTYPE,
                     etype_field: str = ETYPE, metagraph: Any = None) -> Any:
    """Split a homogeneous graph into typed node sets and relations.

    ``G.ndata[ntype_field]`` indexes ``ntypes`` and ``G.edata[etype_field]`` indexes ``etypes``.
    Within a type, nodes and edges keep their order in ``G``; the result stores the ids in ``G``
    under ``ndata[NID]`` / ``edata[EID]``, and the other features are split by type. Node types
    keep the order of ``ntypes``; relations are the ``(src type, etype, dst type)`` combinations
    present (plus those of ``metagraph``, a networkx multigraph whose edge keys are edge type
    names), ordered by edge type id, then source and destination type ids.
    """
    if len(G.ntypes) != 1 or len(G.canonical_etypes) != 1:
        raise DGLError("to_heterogeneous expects a homogeneous graph.")
    if ntype_field not in G.ndata:
        raise DGLError(f"The graph has no node feature {ntype_field!r} with node type ids.")
    if etype_field not in G.edata:
        raise DGLError(f"The graph has no edge feature {etype_field!r} with edge type ids.")
    idtype, device = G.idtype, G.device
    ntypes, etypes = list(ntypes), list(etypes)
    nt_ids = G.ndata[ntype_field].long()
    et_ids = G.edata[etype_field].long()
    for ids, names, what in ((nt_ids, ntypes, "node"), (et_ids, etypes, "edge")):
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= len(names)):
            bad = int(ids.min()) if int(ids.min()) < 0 else int(ids.max())
            raise DGLError(f"{what.capitalize()} type id {bad} is out of range for {len(names)} {what} types.")
    n = G.num_nodes()
    # position of every node within its type
    local = torch.zeros(n, dtype=torch.int64, device=device)
    members = []
    for t in range(len(ntypes)):
        idx = torch.nonzero(nt_ids == t, as_tuple=False).reshape(-1)
        local[idx] = torch.arange(idx.shape[0], device=device)
        members.append(idx)
    adj = G._adj(G.canonical_etypes[0])
    src, dst = adj.src.long(), adj.dst.long()
    st, dt = nt_ids[src], nt_ids[dst]
    nn_ = len(ntypes)
    # relation key: edge type first, then source type, then destination type
    key = (et_ids * nn_ + st) * nn_ + dt
    keys = set(torch.unique(key).tolist())
    if metagraph is not None:
        for s, d, e in metagraph.edges(keys=True):
            for name, names in ((s, ntypes), (d, ntypes), (e, etypes)):
                if name not in names:
                    raise DGLError(f"The metagraph names type {name!r}, which is not in {names}.")
            keys.add((etypes.index(e) * nn_ + ntypes.index(s)) * nn_ + ntypes.index(d))
    rels: List[Tuple[CanonicalEType, int]] = []
    for k in sorted(keys):
        rest, d = divmod(k, nn_)
        e, s = divmod(rest, nn_)
        rels.append(((ntypes[s], etypes[e], ntypes[d]), k))
    data, picked = {}, {}
    for c, k in rels:
        sel = torch.nonzero(key == k, as_tuple=False).reshape(-1)
        picked[c] = sel
        data[c] = (local[src[sel]], local[dst[sel]])
    hg = build_graph(data, {nt: int(m.shape[0]) for nt, m in zip(ntypes, members)}, idtype, device)
    for nt, m in zip(ntypes, members):
        copy_frame(G.ndata, hg.nodes[nt].data, m, skip=(ntype_field, NID))
        hg.nodes[nt].data[NID] = m.to(idtype)
    for c, sel in picked.items():
        copy_frame(G.edata, hg.edges[c].data, sel, skip=(etype_field, EID))
        hg.edges[c].data[EID] = sel.to(idtype)
    return hg
