"""Split a graph into partitions on disk, in DGL's layout, and read them back.

Layout written by :func:`partition_graph` (the same as DGL 2.1's, so either library reads the
other's files)::

    out_path/
        <graph_name>.json          node_map / edge_map id ranges, ntypes, etypes, part paths
        part0/graph.dgl            the partition's local graph (save_graphs format)
        part0/node_feat.dgl        features of the nodes it owns, keys "ntype/name"
        part0/edge_feat.dgl        features of the edges it owns, keys "src:edge:dst/name"
        part1/...

Rules (checked against DGL 2.1's output):

* Every node belongs to one partition (METIS or random). Nodes are relabelled so that each
  partition owns one contiguous range of *homogeneous* ids per node type, partitions in order
  and, inside a partition, node types in order; inside a (partition, type) block the original
  order is kept. Per-type ids follow the same order.
* An edge belongs to the partition of its destination; edge ids are relabelled the same way.
* A partition's local graph holds its own (inner) nodes first, in id order, then its halo: with
  ``num_hops = h``, the edges touching the node set grown ``h - 1`` times by one hop in either
  direction, and their endpoints. ``ndata``: ``inner_node`` (uint8), ``part_id`` (owner,
  int64), ``_ID`` (homogeneous id, int64); ``edata``: ``inner_edge`` (uint8, the destination is
  inner), ``_ID``; heterogeneous graphs add ``_TYPE`` (int32) to both. The local graph is
  stored homogeneous with int64 ids, as DGL stores it.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from ..base import DGLError
from .partition_book import (
    DEFAULT_ETYPE,
    DEFAULT_NTYPE,
    RangePartitionBook,
    etype_str_to_tuple,
    etype_tuple_to_str,
)
from ..data.graph_serialize import load_graphs
from ..data.graph_serialize import save_graphs
from ..data.utils import load_tensors
from ..data.utils import save_tensors

__all__ = ["partition_graph", "load_partition", "load_partition_feats", "load_partition_book"]

NTYPE_FIELD = "_TYPE"
ID_FIELD = "_ID"


class _Flat:
    """The graph as one homogeneous id space: node type blocks in ``g.ntypes`` order."""

    def __init__(self, g: Any) -> None:
        self.ntypes: List[str] = list(g.ntypes)
        self.cetypes: List[Tuple[str, str, str]] = list(g.canonical_etypes)
        counts = [g.num_nodes(t) for t in self.ntypes]
        self.noff = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.num_nodes = int(self.noff[-1])
        self.ntype = torch.repeat_interleave(torch.arange(len(self.ntypes)), torch.tensor(counts))
        us, vs, ets = [], [], []
        for i, c in enumerate(self.cetypes):
            u, v = g.edges(etype=c)
            us.append(u.to("cpu", torch.int64) + int(self.noff[self.ntypes.index(c[0])]))
            vs.append(v.to("cpu", torch.int64) + int(self.noff[self.ntypes.index(c[2])]))
            ets.append(torch.full((u.shape[0],), i, dtype=torch.int64))
        self.U = torch.cat(us) if us else torch.zeros(0, dtype=torch.int64)
        self.V = torch.cat(vs) if vs else torch.zeros(0, dtype=torch.int64)
        self.etype = torch.cat(ets) if ets else torch.zeros(0, dtype=torch.int64)
        ecounts = [g.num_edges(c) for c in self.cetypes]
        self.eoff = np.concatenate([[0], np.cumsum(ecounts)]).astype(np.int64)
        self.num_edges = int(self.eoff[-1])

    @property
    def homogeneous(self) -> bool:
        return len(self.ntypes) == 1 and len(self.cetypes) == 1


def _balance_categories(flat: _Flat, g: Any, balance_ntypes: Any) -> Optional[torch.Tensor]:
    """One category id per node: (node type, value of ``balance_ntypes``) pairs, or None."""
    values = None
    if balance_ntypes is not None:
        if isinstance(balance_ntypes, Mapping):
            values = torch.zeros(flat.num_nodes, dtype=torch.int64)
            for ntype, vals in balance_ntypes.items():
                if ntype not in flat.ntypes:
                    raise DGLError(f"balance_ntypes names unknown node type {ntype!r}; "
                                   f"known: {flat.ntypes}.")
                t = flat.ntypes.index(ntype)
                vals = torch.as_tensor(vals).reshape(-1).to(torch.int64)
                if vals.shape[0] != g.num_nodes(ntype):
                    raise DGLError(f"balance_ntypes[{ntype!r}] has {vals.shape[0]} entries; the "
                                   f"graph has {g.num_nodes(ntype)} {ntype!r} nodes.")
                values[int(flat.noff[t]):int(flat.noff[t + 1])] = vals
        else:
            values = torch.as_tensor(balance_ntypes).reshape(-1).to(torch.int64)
            if values.shape[0] != flat.num_nodes:
                raise DGLError(f"balance_ntypes has {values.shape[0]} entries; the graph has "
                               f"{flat.num_nodes} nodes.")
    if values is None and len(flat.ntypes) == 1:
        return None
    if values is None:
        return flat.ntype.clone()
    _, cat = torch.unique(flat.ntype * (int(values.max()) + 1 if values.numel() else 1)
                          + (values - int(values.min()) if values.numel() else values),
                          return_inverse=True)
    return cat


def _metis_parts(flat: _Flat, k: int, balance_edges: bool, objtype: str) -> torch.Tensor:
    import pymetis  # a declared dependency; imported here to keep `import graphdl` light
    import scipy.sparse as sp

    n = flat.num_nodes
    keep = flat.U != flat.V
    u, v = flat.U[keep].numpy(), flat.V[keep].numpy()
    a = sp.coo_matrix((np.ones(u.shape[0], np.int8), (u, v)), shape=(n, n)).tocsr()
    a = ((a + a.T) > 0).astype(np.int8).tocsr()
    a.sort_indices()
    if a.nnz == 0:
        return torch.arange(n, dtype=torch.int64) * k // max(n, 1)
    vweights = None
    if balance_edges:
        vweights = (1 + torch.bincount(flat.V, minlength=n)).tolist()
    opts = pymetis.Options()
    if objtype == "vol":
        opts.objtype = 1
    res = pymetis.part_graph(k, adjacency=pymetis.CSRAdjacency(adj_starts=a.indptr.astype(np.int64),
                                                               adjacent=a.indices.astype(np.int64)),
                             vweights=vweights, options=opts)
    return torch.as_tensor(np.asarray(res[1], dtype=np.int64))


def _rebalance(parts: torch.Tensor, cats: torch.Tensor, k: int, U: torch.Tensor,
               V: torch.Tensor) -> torch.Tensor:
    """Move nodes so that every category is spread evenly (within one node) over partitions.

    pymetis exposes METIS with one balance constraint; DGL balances node types and training
    nodes with METIS's multi-constraint mode. This greedy pass gives the same guarantee: the
    nodes moved out of an over-full partition are those with the fewest neighbours inside it.
    """
    parts = parts.clone()
    same = parts[U] == parts[V]
    inside = torch.bincount(U[same], minlength=parts.shape[0]) + torch.bincount(
        V[same], minlength=parts.shape[0])
    for c in torch.unique(cats).tolist():
        members = torch.nonzero(cats == c).reshape(-1)
        counts = torch.bincount(parts[members], minlength=k)
        total = members.numel()
        quota = torch.full((k,), total // k, dtype=torch.int64)
        quota[: total % k] += 1
        # Give the extra slots to the partitions that already hold the most, to move fewer.
        order = torch.argsort(counts, descending=True, stable=True)
        quota = quota[torch.argsort(order)]
        excess = counts - quota
        movers: List[torch.Tensor] = []
        for p in torch.nonzero(excess > 0).reshape(-1).tolist():
            mine = members[parts[members] == p]
            pick = mine[torch.argsort(inside[mine], stable=True)[: int(excess[p])]]
            movers.append(pick)
        if not movers:
            continue
        moving = torch.cat(movers)
        slots = torch.repeat_interleave(torch.arange(k), torch.clamp(-excess, min=0))
        parts[moving] = slots[: moving.numel()]
    return parts


def _assign(flat: _Flat, g: Any, num_parts: int, part_method: str, balance_ntypes: Any,
            balance_edges: bool, objtype: str) -> torch.Tensor:
    n = flat.num_nodes
    if num_parts == 1:
        return torch.zeros(n, dtype=torch.int64)
    if part_method == "random":
        return torch.randint(num_parts, (n,), dtype=torch.int64)
    parts = _metis_parts(flat, num_parts, balance_edges, objtype)
    cats = _balance_categories(flat, g, balance_ntypes)
    if cats is not None:
        parts = _rebalance(parts, cats, num_parts, flat.U, flat.V)
    return parts


def _ranges(key: torch.Tensor, num_parts: int, num_types: int) -> np.ndarray:
    """(num_types, num_parts, 2) [start, end) of each (part, type) block of the sorted key."""
    counts = torch.bincount(key, minlength=num_parts * num_types).reshape(num_parts, num_types)
    ends = torch.cumsum(counts.reshape(-1), 0).reshape(num_parts, num_types)
    starts = ends - counts
    return torch.stack([starts, ends], dim=-1).permute(1, 0, 2).numpy()


def partition_graph(g: Any, graph_name: str, num_parts: int, out_path: str, num_hops: int = 1,
                    part_method: str = "metis", balance_ntypes: Any = None,
                    balance_edges: bool = False, return_mapping: bool = False,
                    num_trainers_per_machine: int = 1, objtype: str = "cut",
                    graph_formats: Optional[Union[str, Sequence[str]]] = None,
                    use_graphbolt: bool = False, **kwargs: Any):
    """Split ``g`` into ``num_parts`` partitions and write them under ``out_path``.

    Parameters
    ----------
    g : DGLGraph
        A homogeneous or heterogeneous graph on the CPU; its node and edge features are
        written with the partition that owns each node or edge.
    graph_name : str
        Name of the graph; the configuration file is ``out_path/<graph_name>.json``.
    num_parts : int
        Number of partitions.
    out_path : str
        Folder to write into (created if missing).
    num_hops : int
        Hops of halo kept around each partition's own nodes (default 1).
    part_method : str
        ``"metis"`` (fewest cut edges) or ``"random"``.
    balance_ntypes : Tensor or dict of str to Tensor, optional
        A category per node (for example the training mask) to spread evenly over the
        partitions; node types of a heterogeneous graph are always balanced.
    balance_edges : bool
        Balance the number of edges (in-degrees) per partition as well as nodes.
    return_mapping : bool
        Also return the original ids of the relabelled nodes and edges.
    num_trainers_per_machine, objtype, graph_formats
        As in DGL: trainers per machine (only 1 is supported), METIS objective (``"cut"`` or
        ``"vol"``) and the sparse formats stored in each ``graph.dgl``.
    use_graphbolt : bool
        GraphBolt partitions are not supported yet (raises).

    Returns
    -------
    None, or (orig_nids, orig_eids) when ``return_mapping``
        ``orig_nids[i]`` is the original id of the node whose new id is ``i`` (per node type,
        as dicts, for heterogeneous graphs); likewise for edges.

    Examples
    --------
    >>> g = graphdl.rand_graph(100, 500)
    >>> g.ndata["feat"] = torch.randn(100, 8)
    >>> partition_graph(g, "toy", 2, "/tmp/toy_parts", part_method="random")
    >>> gl, nfeat, efeat, gpb, *_ = load_partition("/tmp/toy_parts/toy.json", 0)
    """
    if use_graphbolt:
        raise DGLError("GraphBolt partitions are not supported yet; call partition_graph with "
                       "use_graphbolt=False.")
    if part_method not in ("metis", "random"):
        raise DGLError(f"part_method must be 'metis' or 'random', got {part_method!r}.")
    if objtype not in ("cut", "vol"):
        raise DGLError(f"objtype must be 'cut' or 'vol', got {objtype!r}.")
    if not isinstance(num_parts, int) or num_parts < 1:
        raise DGLError(f"num_parts must be a positive integer, got {num_parts!r}.")
    if not isinstance(num_hops, int) or num_hops < 0:
        raise DGLError(f"num_hops must be a non-negative integer, got {num_hops!r}.")
    if num_trainers_per_machine != 1:
        raise DGLError("num_trainers_per_machine > 1 (sub-partitions per trainer) is not supported;"
                       " run one trainer per partition.")
    if g.device.type != "cpu":
        raise DGLError("partition_graph needs a graph on the CPU; call g.cpu() first.")
    flat = _Flat(g)
    if flat.num_nodes < num_parts:
        raise DGLError(f"Cannot split {flat.num_nodes} nodes into {num_parts} partitions.")
    T, R = len(flat.ntypes), len(flat.cetypes)
    parts = _assign(flat, g, num_parts, part_method, balance_ntypes, balance_edges, objtype)

    # Relabel nodes: partition-major, type-minor, original order inside a block.
    nkey = parts * T + flat.ntype
    norder = torch.argsort(nkey, stable=True)  # new id -> old homogeneous id
    new_nid = torch.empty_like(norder)
    new_nid[norder] = torch.arange(flat.num_nodes)
    node_ranges = _ranges(nkey, num_parts, T)
    # Edges belong to their destination's partition.
    eparts = parts[flat.V]
    ekey = eparts * R + flat.etype
    eorder = torch.argsort(ekey, stable=True)
    new_eid = torch.empty_like(eorder)
    new_eid[eorder] = torch.arange(flat.num_edges)
    edge_ranges = _ranges(ekey, num_parts, R)

    U_new, V_new = new_nid[flat.U], new_nid[flat.V]
    # In new ids, arrays indexed by new id:
    part_of = parts[norder]
    ntype_of = flat.ntype[norder]
    per_type_old = norder - torch.as_tensor(flat.noff)[ntype_of]  # original per-type id
    # Edge arrays in new edge-id order.
    U_e, V_e = U_new[eorder], V_new[eorder]
    etype_e = flat.etype[eorder]
    per_type_old_e = eorder - torch.as_tensor(flat.eoff)[etype_e]

    os.makedirs(out_path, exist_ok=True)
    from ..convert import graph as make_graph  # graphdl.distributed is imported by graphdl

    hetero = not flat.homogeneous
    part_meta: Dict[str, Any] = {}
    lookup = torch.full((flat.num_nodes,), -1, dtype=torch.int64)
    for p in range(num_parts):
        start = int(node_ranges[0, p, 0]) if T else 0
        end = int(node_ranges[T - 1, p, 1]) if T else 0
        inner = torch.zeros(flat.num_nodes, dtype=torch.bool)
        inner[start:end] = True
        nodes = inner.clone()
        if num_hops == 0:  # only the edges into the partition, and their sources
            sel = inner[V_e]
            nodes[U_e[sel]] = True
        for _ in range(num_hops):
            sel = nodes[U_e] | nodes[V_e]
            nodes[U_e[sel]] = True
            nodes[V_e[sel]] = True
        halo = torch.nonzero(nodes & ~inner).reshape(-1)
        local_nodes = torch.cat([torch.arange(start, end), halo])
        lookup[local_nodes] = torch.arange(local_nodes.numel())
        eids = torch.nonzero(sel).reshape(-1)
        e_inner = inner[V_e[eids]]
        eids = torch.cat([eids[e_inner], eids[~e_inner]])
        lg = make_graph((lookup[U_e[eids]], lookup[V_e[eids]]), num_nodes=local_nodes.numel(),
                        idtype=torch.int64)
        lookup[local_nodes] = -1
        if hetero:
            lg.ndata[NTYPE_FIELD] = ntype_of[local_nodes].to(torch.int32)
        lg.ndata["part_id"] = part_of[local_nodes]
        lg.ndata["inner_node"] = inner[local_nodes].to(torch.uint8)
        lg.ndata[ID_FIELD] = local_nodes
        if hetero:
            lg.edata[NTYPE_FIELD] = etype_e[eids].to(torch.int32)
        lg.edata["inner_edge"] = inner[V_e[eids]].to(torch.uint8)
        lg.edata[ID_FIELD] = eids

        node_feats: Dict[str, torch.Tensor] = {}
        for t, ntype in enumerate(flat.ntypes):
            s, e = int(node_ranges[t, p, 0]), int(node_ranges[t, p, 1])
            rows = per_type_old[s:e]
            for name, value in g.nodes[ntype].data.items():
                node_feats[f"{ntype}/{name}"] = value[rows]
        edge_feats: Dict[str, torch.Tensor] = {}
        for r, c in enumerate(flat.cetypes):
            s, e = int(edge_ranges[r, p, 0]), int(edge_ranges[r, p, 1])
            rows = per_type_old_e[s:e]
            for name, value in g.edges[c].data.items():
                edge_feats[f"{etype_tuple_to_str(c)}/{name}"] = value[rows]
        pdir = os.path.join(out_path, f"part{p}")
        os.makedirs(pdir, exist_ok=True)
        save_tensors(os.path.join(pdir, "node_feat.dgl"), node_feats)
        save_tensors(os.path.join(pdir, "edge_feat.dgl"), edge_feats)
        save_graphs(os.path.join(pdir, "graph.dgl"), [lg], formats=graph_formats)
        part_meta[f"part-{p}"] = {
            "node_feats": f"part{p}/node_feat.dgl",
            "edge_feats": f"part{p}/edge_feat.dgl",
            "part_graph": f"part{p}/graph.dgl",
        }

    config = {
        "graph_name": graph_name,
        "num_nodes": flat.num_nodes,
        "num_edges": flat.num_edges,
        "part_method": part_method,
        "num_parts": num_parts,
        "halo_hops": num_hops,
        "node_map": {nt: node_ranges[t].tolist() for t, nt in enumerate(flat.ntypes)},
        "edge_map": {etype_tuple_to_str(c): edge_ranges[r].tolist()
                     for r, c in enumerate(flat.cetypes)},
        "ntypes": {nt: t for t, nt in enumerate(flat.ntypes)},
        "etypes": {etype_tuple_to_str(c): r for r, c in enumerate(flat.cetypes)},
        **part_meta,
    }
    with open(os.path.join(out_path, f"{graph_name}.json"), "w") as f:
        json.dump(config, f, indent=4)

    if not return_mapping:
        return None
    orig_nids = {nt: per_type_old[ntype_of == t] for t, nt in enumerate(flat.ntypes)}
    orig_eids = {c: per_type_old_e[etype_e == r] for r, c in enumerate(flat.cetypes)}
    if flat.homogeneous:
        return orig_nids[flat.ntypes[0]], orig_eids[flat.cetypes[0]]
    return orig_nids, orig_eids


# ---------------------------------------------------------------------------- reading
def _read_config(part_config: str) -> Dict[str, Any]:
    if not os.path.isfile(part_config):
        raise DGLError(f"Partition configuration {part_config} does not exist.")
    try:
        with open(part_config) as f:
            config = json.load(f)
    except json.JSONDecodeError as err:
        raise DGLError(f"Partition configuration {part_config} is not valid JSON: {err}.") from None
    for key in ("graph_name", "num_parts", "node_map", "edge_map"):
        if key not in config:
            raise DGLError(f"Partition configuration {part_config} has no {key!r} entry.")
    return config


def _type_maps(config: Dict[str, Any]) -> Tuple[Dict[str, int], Dict[Tuple[str, str, str], int]]:
    ntypes = config.get("ntypes", {DEFAULT_NTYPE: 0})
    etypes_raw = config.get("etypes", {etype_tuple_to_str(DEFAULT_ETYPE): 0})
    etypes: Dict[Tuple[str, str, str], int] = {}
    for key, tid in etypes_raw.items():
        if ":" in key:
            etypes[etype_str_to_tuple(key)] = tid
        elif len(ntypes) == 1:  # files from older DGL name edge types without their node types
            nt = next(iter(ntypes))
            etypes[(nt, key, nt)] = tid
        else:
            raise DGLError(f"Edge type {key!r} in the partition configuration is not canonical "
                           "('src:edge:dst'); this file is from a DGL too old to be read.")
    return ntypes, etypes


def _range_map(raw: Any, num_parts: int, what: str, single_key: str) -> Dict[str, Any]:
    if isinstance(raw, dict):
        out = {}
        for key, ranges in raw.items():
            arr = np.asarray(ranges, dtype=np.int64)
            if arr.shape != (num_parts, 2):
                raise DGLError(f"{what}[{key!r}] has shape {arr.shape}; expected ({num_parts}, 2).")
            out[key] = arr
        return out
    if isinstance(raw, list) and len(raw) == num_parts and all(isinstance(x, int) for x in raw):
        ends = np.asarray(raw, dtype=np.int64)  # an older layout: one end per partition
        return {single_key: np.stack([np.concatenate([[0], ends[:-1]]), ends], axis=1)}
    raise DGLError(f"{what} in the partition configuration is in a layout graphdl does not read "
                   "(id ranges per type are expected).")


def load_partition_book(part_config: str, part_id: int):
    """Read the partition book of ``part_id``.

    Returns
    -------
    (RangePartitionBook, str, dict, dict)
        The book, the graph name, node type ids and canonical edge type ids.
    """
    config = _read_config(part_config)
    num_parts = int(config["num_parts"])
    if not 0 <= part_id < num_parts:
        raise DGLError(f"part_id {part_id} is not in [0, {num_parts}) for {part_config}.")
    ntypes, etypes = _type_maps(config)
    node_map = _range_map(config["node_map"], num_parts, "node_map", DEFAULT_NTYPE)
    edge_map = _range_map(config["edge_map"], num_parts, "edge_map",
                          etype_tuple_to_str(next(iter(etypes))))
    gpb = RangePartitionBook(part_id, num_parts, node_map, edge_map, ntypes,
                             {etype_tuple_to_str(k): v for k, v in etypes.items()})
    return gpb, config["graph_name"], ntypes, etypes


def _part_files(part_config: str, config: Dict[str, Any], part_id: int) -> Dict[str, str]:
    key = f"part-{part_id}"
    if key not in config:
        raise DGLError(f"Partition configuration {part_config} has no entry {key!r}.")
    base = os.path.dirname(os.path.abspath(part_config))
    out = {}
    for name, rel in config[key].items():
        path = rel if os.path.isabs(rel) else os.path.join(base, rel)
        out[name] = path
    return out


def load_partition_feats(part_config: str, part_id: int, load_nodes: bool = True,
                         load_edges: bool = True):
    """Node and edge features owned by ``part_id`` (``None`` for the ones not asked for)."""
    config = _read_config(part_config)
    files = _part_files(part_config, config, part_id)
    nf = load_tensors(files["node_feats"]) if load_nodes else None
    ef = load_tensors(files["edge_feats"]) if load_edges else None
    return nf, ef


def load_partition(part_config: str, part_id: int, load_feats: bool = True,
                   use_graphbolt: bool = False):
    """Load partition ``part_id``: its local graph, features and partition book.

    Returns
    -------
    (DGLGraph, dict, dict, RangePartitionBook, str, list, list)
        The local graph (``inner_node``, ``part_id``, ``_ID`` in ``ndata``; ``inner_edge``,
        ``_ID`` in ``edata``), node features, edge features (empty dicts when ``load_feats`` is
        False), the partition book, the graph name, node types and canonical edge types.
    """
    if use_graphbolt:
        raise DGLError("GraphBolt partitions are not supported yet; use use_graphbolt=False.")

    config = _read_config(part_config)
    files = _part_files(part_config, config, part_id)
    if not os.path.isfile(files["part_graph"]):
        raise DGLError(f"Partition graph file {files['part_graph']} does not exist.")
    graphs, _ = load_graphs(files["part_graph"])
    local = graphs[0]
    for field in ("inner_node", ID_FIELD):
        if field not in local.ndata:
            raise DGLError(f"{files['part_graph']} is not a partition: its nodes have no "
                           f"{field!r} field.")
    gpb, name, ntypes, etypes = load_partition_book(part_config, part_id)
    nf: Dict[str, torch.Tensor] = {}
    ef: Dict[str, torch.Tensor] = {}
    if load_feats:
        nf, ef = load_partition_feats(part_config, part_id)
    ntype_list = sorted(ntypes, key=ntypes.get)
    etype_list = sorted(etypes, key=etypes.get)
    return local, nf, ef, gpb, name, ntype_list, etype_list
