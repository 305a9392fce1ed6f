"""Graph transforms as functions: each returns a new graph and leaves its input unchanged.

Node features are kept whenever a transform keeps the nodes; edge features follow their edges
where the transform says so. As in DGL, results carry no batch information (except
:func:`remove_self_loop`, which only removes edges), and node and edge types keep the order of
the input graph.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp
import torch

from .._graph.ids import CanonicalEType, canonical, nodes_by_type, to_id_tensor
from .._graph.frame import copy_frame
from .._graph.relabel import node_map, unique_first_seen
from .._result_graph import build_block, build_graph
from .._partition_utils import partition_nodes
from ..base import EID, NID, DGLError, dgl_warning
from .. import subgraph as _subgraph
from ._blocks import to_block
from ..partition import metis_partition, metis_partition_assignment, partition_graph_with_halo
from ._knn import knn_graph, radius_graph, segmented_knn_graph
from ._positional import (
    double_radius_node_labeling,
    lap_pe,
    laplacian_pe,
    random_walk_pe,
    shortest_dist,
    svd_pe,
)
from ..batch import unbatch

__all__ = [
    "add_self_loop",
    "remove_self_loop",
    "to_bidirected",
    "add_reverse_edges",
    "reverse",
    "to_simple",
    "compact_graphs",
    "line_graph",
    "khop_graph",
    "khop_adj",
    "metapath_reachable_graph",
    "adj_product_graph",
    "to_block",
    "norm_by_dst",
    "reorder_graph",
    "laplacian_lambda_max",
    "knn_graph",
    "segmented_knn_graph",
    "radius_graph",
    "random_walk_pe",
    "lap_pe",
    "laplacian_pe",
    "svd_pe",
    "shortest_dist",
    "double_radius_node_labeling",
    "to_bfloat16",
    "to_simple_graph",
    "adj_sum_graph",
    "metis_partition",
    "metis_partition_assignment",
    "partition_graph_with_halo",
    "to_float",
    "to_double",
    "to_half",
    "add_nodes",
    "add_edges",
    "remove_nodes",
    "remove_edges",
]

Edges = Dict[CanonicalEType, Tuple[torch.Tensor, torch.Tensor]]


# ----------------------------------------------------------------------------------------
# shared helpers
# ----------------------------------------------------------------------------------------
def _relations(g: Any) -> Edges:
    return {cet: (g._adj(cet).src, g._adj(cet).dst) for cet in g.canonical_etypes}


def _node_counts(g: Any) -> Dict[str, int]:
    return {nt: g.num_nodes(nt) for nt in g.ntypes}


def _no_blocks(g: Any, name: str) -> None:
    if getattr(g, "is_block", False):
        raise DGLError(f"{name} does not support blocks; convert with graphdl.block_to_graph first.")


def _copy_ndata(g: Any, ng: Any) -> None:
    for nt in g.ntypes:
        copy_frame(g.nodes[nt].data, ng.nodes[nt].data)


def _same_type_etype(g: Any, etype: Any, name: str) -> CanonicalEType:
    cet = canonical(g, etype)
    if cet[0] != cet[2]:
        raise DGLError(f"{name} needs an edge type whose source and destination types agree, got {cet}.")
    return cet


# ----------------------------------------------------------------------------------------
# self-loops
# ----------------------------------------------------------------------------------------
_FILL_REDUCERS = ("sum", "mean", "max", "min")


def _aggregate_in(feat: torch.Tensor, dst: torch.Tensor, n: int, how: str) -> torch.Tensor:
    out = feat.new_zeros((n,) + tuple(feat.shape[1:]))
    if feat.shape[0] == 0:
        return out
    idx = dst.long().reshape((-1,) + (1,) * (feat.dim() - 1)).expand_as(feat)
    if how in ("sum", "mean"):
        out = out.index_add(0, dst.long(), feat)
        if how == "mean":
            deg = torch.bincount(dst.long(), minlength=n).clamp(min=1).to(feat.dtype)
            out = out / deg.reshape((n,) + (1,) * (feat.dim() - 1))
        return out
    return out.scatter_reduce(0, idx, feat, reduce="amax" if how == "max" else "amin", include_self=False)


def add_self_loop(g: Any, edge_feat_names: Optional[Sequence[str]] = None, fill_data: Any = 1.0,
                  etype: Any = None) -> Any:
    """Append a self-loop ``i -> i`` for every node of the relation ``etype``.

    Existing self-loops are kept. Features of the new edges: for the names in
    ``edge_feat_names`` (default: all), ``fill_data`` if it is a number, or the ``'sum'``,
    ``'mean'``, ``'max'`` or ``'min'`` of the features of the node's incoming edges if it is a
    string; other features are zero.
    """
    _no_blocks(g, "add_self_loop")
    cet = _same_type_etype(g, etype, "add_self_loop")
    if isinstance(fill_data, str) and fill_data not in _FILL_REDUCERS:
        raise DGLError(f"fill_data must be a number or one of {list(_FILL_REDUCERS)}, got {fill_data!r}.")
    n = g.num_nodes(cet[0])
    loops = torch.arange(n, dtype=g.idtype, device=g.device)
    data = _relations(g)
    u, v = data[cet]
    data[cet] = (torch.cat([u, loops]), torch.cat([v, loops]))
    ng = build_graph(data, _node_counts(g), g.idtype, g.device)
    _copy_ndata(g, ng)
    for c in g.canonical_etypes:
        if c != cet:
            copy_frame(g.edges[c].data, ng.edges[c].data)
    frame = g.edges[cet].data
    names = list(frame.keys()) if edge_feat_names is None else list(edge_feat_names)
    for name in names:
        if name not in frame:
            raise DGLError(f"Edge type {cet} has no feature {name!r}.")
    for name, x in frame.items():
        if name not in names:
            new = x.new_zeros((n,) + tuple(x.shape[1:]))
        elif isinstance(fill_data, str):
            new = _aggregate_in(x, v, n, fill_data)
        else:
            new = x.new_full((n,) + tuple(x.shape[1:]), fill_data)
        ng.edges[cet].data[name] = torch.cat([x, new], 0)
    return ng


def remove_self_loop(g: Any, etype: Any = None) -> Any:
    """Remove every edge ``i -> i`` of the relation ``etype`` (other edges keep their features).

    A batched graph stays batched, with its members' edge counts updated.
    """
    _no_blocks(g, "remove_self_loop")
    cet = _same_type_etype(g, etype, "remove_self_loop")
    data = _relations(g)
    u, v = data[cet]
    keep = torch.nonzero(u != v, as_tuple=False).reshape(-1)
    data[cet] = (u[keep], v[keep])
    ng = build_graph(data, _node_counts(g), g.idtype, g.device)
    _copy_ndata(g, ng)
    for c in g.canonical_etypes:
        copy_frame(g.edges[c].data, ng.edges[c].data, keep if c == cet else None)
    if getattr(g, "_batch_num_nodes", None) is not None:
        # removing edges keeps the batch: count the remaining edges of each member
        ng.set_batch_num_nodes({nt: g.batch_num_nodes(nt) for nt in g.ntypes})
        bne = {c: g.batch_num_edges(c) for c in g.canonical_etypes}
        counts = bne[cet].long()
        member = torch.repeat_interleave(torch.arange(counts.shape[0], device=counts.device), counts)
        bne[cet] = torch.bincount(member[keep.to(member.device)], minlength=counts.shape[0])
        ng.set_batch_num_edges(bne)
    return ng


# ----------------------------------------------------------------------------------------
# reversing and symmetrising
# ----------------------------------------------------------------------------------------
def reverse(g: Any, copy_ndata: bool = True, copy_edata: bool = False, *,
            share_ndata: Optional[bool] = None, share_edata: Optional[bool] = None) -> Any:
    """The graph with every edge reversed: relation ``(s, e, d)`` becomes ``(d, e, s)``.

    Edge ``i`` of the result is the reverse of edge ``i`` of ``g``. For a block, source and
    destination nodes swap roles.
    """
    if share_ndata is not None:
        copy_ndata = share_ndata
    if share_edata is not None:
        copy_edata = share_edata
    if getattr(g, "is_block", False):
        data = {}
        for cet in g.canonical_etypes:
            adj = g._adj(cet)
            data[(cet[2], cet[1], cet[0])] = (adj.dst, adj.src)
        nsrc = {nt: g.num_dst_nodes(nt) for nt in g.dsttypes}
        ndst = {nt: g.num_src_nodes(nt) for nt in g.srctypes}
        ng = build_block(data, nsrc, ndst, g.idtype, g.device)
        if copy_ndata:
            for nt in g.dsttypes:
                copy_frame(g.dstnodes[nt].data, ng.srcnodes[nt].data)
            for nt in g.srctypes:
                copy_frame(g.srcnodes[nt].data, ng.dstnodes[nt].data)
    else:
        data = {}
        for cet in g.canonical_etypes:
            adj = g._adj(cet)
            data[(cet[2], cet[1], cet[0])] = (adj.dst, adj.src)
        ng = build_graph(data, _node_counts(g), g.idtype, g.device)
        if copy_ndata:
            _copy_ndata(g, ng)
    if copy_edata:
        for cet in g.canonical_etypes:
            copy_frame(g.edges[cet].data, ng.edges[(cet[2], cet[1], cet[0])].data)
    return ng


def add_reverse_edges(g: Any, readonly: Any = None, copy_ndata: bool = True, copy_edata: bool = False,
                      ignore_bipartite: bool = False, exclude_self: bool = True) -> Any:
    """Append, for every relation whose end types agree, the reverse of each of its edges.

    The reverse of edge ``i`` comes after all original edges. With ``exclude_self`` self-loops
    are not duplicated. Relations between different types raise unless ``ignore_bipartite``, in
    which case they are kept unchanged. With ``copy_edata`` a reverse edge gets the features of
    its original edge and ``edata[EID]`` holds, for every edge, the id of the edge it copies;
    otherwise the result has no edge features.
    """
    _no_blocks(g, "add_reverse_edges")
    data: Edges = {}
    picks: Dict[CanonicalEType, Optional[torch.Tensor]] = {}
    for cet in g.canonical_etypes:
        adj = g._adj(cet)
        u, v = adj.src, adj.dst
        if cet[0] != cet[2]:
            if not ignore_bipartite:
                raise DGLError(
                    f"add_reverse_edges: relation {cet} joins different node types; "
                    "pass ignore_bipartite=True to keep it unchanged."
                )
            data[cet] = (u, v)
            picks[cet] = None
            continue
        if exclude_self:
            sel = torch.nonzero(u != v, as_tuple=False).reshape(-1)
        else:
            sel = torch.arange(u.shape[0], device=u.device)
        data[cet] = (torch.cat([u, v[sel]]), torch.cat([v, u[sel]]))
        picks[cet] = sel
    ng = build_graph(data, _node_counts(g), g.idtype, g.device)
    if copy_ndata:
        _copy_ndata(g, ng)
    if copy_edata:
        for cet, sel in picks.items():
            for name, x in g.edges[cet].data.items():
                ng.edges[cet].data[name] = x if sel is None else torch.cat([x, x[sel.to(x.device)]], 0)
            ids = torch.arange(g.num_edges(cet), dtype=torch.int64, device=g.device)
            ng.edges[cet].data[EID] = ids if sel is None else torch.cat([ids, sel.to(torch.int64)])
    return ng


def to_simple(g: Any, return_counts: Optional[str] = "count", writeback_mapping: bool = False,
              copy_ndata: bool = True, copy_edata: bool = False, aggregator: str = "arbitrary") -> Any:
    """Merge parallel edges: one edge per distinct ``(u, v)`` pair, sorted by ``(u, v)``.

    Parameters
    ----------
    return_counts
        Edge feature name for the multiplicity of each kept edge (None: none).
    writeback_mapping
        Also return, per original edge, the id of the edge it merged into.
    copy_ndata
        Copy node features.
    copy_edata
        Combine edge features of merged edges with ``aggregator``
        (``'arbitrary'`` keeps those of the first merged edge, whose id goes to
        ``edata[EID]``; ``'sum'``; ``'mean'``).
    """
    _no_blocks(g, "to_simple")
    if aggregator not in ("arbitrary", "sum", "mean"):
        raise DGLError(f"aggregator must be 'arbitrary', 'sum' or 'mean', got {aggregator!r}.")
    data: Edges = {}
    inverse: Dict[CanonicalEType, torch.Tensor] = {}
    counts: Dict[CanonicalEType, torch.Tensor] = {}
    for cet in g.canonical_etypes:
        adj = g._adj(cet)
        nd = max(adj.num_dst, 1)
        key = adj.src.long() * nd + adj.dst.long()
        uniq, inv, cnt = torch.unique(key, return_inverse=True, return_counts=True)
        data[cet] = ((uniq // nd).to(g.idtype), (uniq % nd).to(g.idtype))
        inverse[cet] = inv.reshape(-1)
        counts[cet] = cnt
    ng = build_graph(data, _node_counts(g), g.idtype, g.device)
    if copy_ndata:
        _copy_ndata(g, ng)
    for cet in g.canonical_etypes:
        m = data[cet][0].shape[0]
        inv = inverse[cet]
        if copy_edata and aggregator == "arbitrary":
            # the first of the merged edges represents them
            pos = torch.arange(inv.shape[0], device=inv.device)
            first = torch.full((m,), inv.shape[0], dtype=torch.long, device=inv.device)
            first = first.scatter_reduce(0, inv, pos, reduce="amin")
            ng.edges[cet].data[EID] = first.to(g.idtype)
        if copy_edata:
            for name, x in g.edges[cet].data.items():
                if aggregator == "arbitrary":
                    ng.edges[cet].data[name] = x[first.to(x.device)]
                else:
                    s = x.new_zeros((m,) + tuple(x.shape[1:])).index_add(0, inv.to(x.device), x)
                    if aggregator == "mean":
                        c = counts[cet].to(device=x.device, dtype=s.dtype)
                        s = s / c.reshape((m,) + (1,) * (x.dim() - 1))
                    ng.edges[cet].data[name] = s
        if return_counts:
            ng.edges[cet].data[return_counts] = counts[cet].to(g.idtype)
    if writeback_mapping:
        wm = {cet: t.to(g.idtype) for cet, t in inverse.items()}
        return ng, (next(iter(wm.values())) if len(wm) == 1 else wm)
    return ng


def to_bidirected(g: Any, copy_ndata: bool = False, readonly: Any = None) -> Any:
    """The simple graph with an edge ``v -> u`` for every edge ``u -> v`` (and the edge itself).

    Every relation must join a node type to itself. Edges come sorted by ``(u, v)``; edge
    features are dropped.
    """
    _no_blocks(g, "to_bidirected")
    for cet in g.canonical_etypes:
        if cet[0] != cet[2]:
            raise DGLError(f"to_bidirected needs relations within one node type, got {cet}.")
    both = add_reverse_edges(g, copy_ndata=copy_ndata, copy_edata=False, exclude_self=False)
    return to_simple(both, return_counts=None, copy_ndata=copy_ndata, copy_edata=False)


# ----------------------------------------------------------------------------------------
# compaction
# ----------------------------------------------------------------------------------------
def compact_graphs(graphs: Any, always_preserve: Any = None, copy_ndata: bool = True,
                   copy_edata: bool = True) -> Any:
    """Drop the nodes that no edge of any of ``graphs`` touches, relabelling the rest.

    All graphs share one node numbering per type: first ``always_preserve`` (in the given
    order), then nodes in order of first appearance (per graph, per relation, sources then
    destinations). The original ids are stored in ``ndata[NID]``.

    Returns a graph for a graph, a list for a list.
    """
    single = not isinstance(graphs, (list, tuple))
    glist = [graphs] if single else list(graphs)
    if not glist:
        return []
    g0 = glist[0]
    for g in glist:
        _no_blocks(g, "compact_graphs")
        if list(g.ntypes) != list(g0.ntypes):
            raise DGLError("compact_graphs needs graphs with the same node types.")
        if g.idtype != g0.idtype or g.device != g0.device:
            raise DGLError("compact_graphs needs graphs with the same id type and device.")
        for nt in g.ntypes:
            if g.num_nodes(nt) != g0.num_nodes(nt):
                raise DGLError(f"compact_graphs needs graphs with the same number of {nt!r} nodes.")
    pieces: Dict[str, List[torch.Tensor]] = {nt: [] for nt in g0.ntypes}
    if always_preserve is not None:
        for nt, ids in nodes_by_type(g0, always_preserve).items():
            pieces[nt].append(ids)
    for g in glist:
        for cet in g.canonical_etypes:
            adj = g._adj(cet)
            pieces[cet[0]].append(adj.src)
            pieces[cet[2]].append(adj.dst)
    empty = torch.zeros(0, dtype=g0.idtype, device=g0.device)
    induced = {nt: unique_first_seen(torch.cat(p)) if p else empty for nt, p in pieces.items()}
    maps = {nt: node_map(ids, g0.num_nodes(nt)) for nt, ids in induced.items()}
    out = []
    for g in glist:
        data = {}
        for cet in g.canonical_etypes:
            adj = g._adj(cet)
            data[cet] = (maps[cet[0]][adj.src.long()], maps[cet[2]][adj.dst.long()])
        ng = build_graph(data, {nt: int(ids.shape[0]) for nt, ids in induced.items()}, g.idtype, g.device)
        for nt in g.ntypes:
            if copy_ndata:
                copy_frame(g.nodes[nt].data, ng.nodes[nt].data, induced[nt], skip=(NID,))
            ng.nodes[nt].data[NID] = induced[nt]
        if copy_edata:
            for cet in g.canonical_etypes:
                copy_frame(g.edges[cet].data, ng.edges[cet].data)
        out.append(ng)
    return out[0] if single else out


# ----------------------------------------------------------------------------------------
# derived graphs
# ----------------------------------------------------------------------------------------
def _homogeneous_relation(g: Any, name: str) -> CanonicalEType:
    if len(g.canonical_etypes) != 1 or len(g.ntypes) != 1:
        raise DGLError(f"{name} needs a homogeneous graph, got edge types {list(g.canonical_etypes)}.")
    return g.canonical_etypes[0]


def line_graph(g: Any, backtracking: bool = True, shared: bool = False) -> Any:
    """The line graph: one node per edge of ``g``; ``e1 -> e2`` when ``e1`` ends where ``e2`` starts
    (and ``e1 != e2``). Pairs come ordered by ``e1``, then by ``e2``.

    Without ``backtracking`` the pair is skipped when ``e2`` leads back to the start of ``e1``.
    With ``shared`` node features of the result are the edge features of ``g``.
    """
    _no_blocks(g, "line_graph")
    cet = _homogeneous_relation(g, "line_graph")
    adj = g._adj(cet)
    indptr, _, perm = adj.csr()
    ne = adj.num_edges
    ip = indptr.long()
    dstl = adj.dst.long()
    cnt = ip[dstl + 1] - ip[dstl]
    first = torch.repeat_interleave(torch.arange(ne, device=g.device), cnt)
    pos = _subgraph._gather_rows(indptr, adj.dst)
    second = perm[pos].long()
    keep = first != second  # an edge is never adjacent to itself
    if not backtracking:
        keep &= adj.dst[second] != adj.src[first]  # e2 would lead back to the start of e1
    first, second = first[keep], second[keep]
    lg = build_graph({cet: (first, second)}, {cet[0]: ne}, g.idtype, g.device)
    if shared:
        copy_frame(g.edges[cet].data, lg.nodes[cet[0]].data)
    return lg


def _scipy_adj(g: Any, cet: CanonicalEType, weight: Optional[torch.Tensor] = None) -> sp.csr_matrix:
    adj = g._adj(cet)
    val = np.ones(adj.num_edges) if weight is None else weight.detach().cpu().numpy()
    return sp.coo_matrix(
        (val, (adj.src.cpu().numpy(), adj.dst.cpu().numpy())), shape=(adj.num_src, adj.num_dst)
    ).tocsr()


def _sorted_coo(m: sp.spmatrix) -> sp.coo_matrix:
    m = sp.csr_matrix(m)
    m.sum_duplicates()
    m.sort_indices()
    m.eliminate_zeros()
    return m.tocoo()


def khop_graph(g: Any, k: int, copy_ndata: bool = True) -> Any:
    """The graph with one edge ``u -> v`` per walk of length ``k`` from ``u`` to ``v`` in ``g``.

    Edges are grouped by ``u``; the order of ``v`` within a group is that of the sparse
    matrix power ``A^k`` computed by scipy.
    """
    _no_blocks(g, "khop_graph")
    cet = _homogeneous_relation(g, "khop_graph")
    k = int(k)
    if k < 0:
        raise DGLError(f"k must be non-negative, got {k}.")
    n = g.num_nodes()
    adj = g._adj(cet)
    a = sp.coo_matrix(
        (np.ones(adj.num_edges, dtype=np.int64), (adj.src.cpu().numpy(), adj.dst.cpu().numpy())), shape=(n, n)
    )
    ak = sp.coo_matrix(sp.identity(n, dtype=np.int64, format="csr") if k == 0 else a ** k)
    mult = ak.data.astype(np.int64)
    row = np.repeat(ak.row.astype(np.int64), mult)
    col = np.repeat(ak.col.astype(np.int64), mult)
    ng = build_graph({cet: (torch.from_numpy(row), torch.from_numpy(col))}, {cet[0]: n}, g.idtype, g.device)
    if copy_ndata:
        _copy_ndata(g, ng)
    return ng


def khop_adj(g: Any, k: int) -> torch.Tensor:
    """Dense ``(N, N)`` float32 CPU matrix ``A^k``: entry ``(u, v)`` counts the length-``k`` walks ``u -> v``."""
    cet = _homogeneous_relation(g, "khop_adj")
    adj = g._adj(cet)
    n = g.num_nodes()
    a = torch.zeros((n, n), dtype=torch.float64)
    a.index_put_((adj.src.long().cpu(), adj.dst.long().cpu()), torch.ones(adj.num_edges, dtype=torch.float64),
                 accumulate=True)
    return torch.linalg.matrix_power(a, int(k)).to(torch.float32)


def metapath_reachable_graph(g: Any, metapath: Sequence[Any]) -> Any:
    """The graph with an edge ``u -> v`` whenever ``v`` is reachable from ``u`` along ``metapath``.

    The result has one relation ``(first source type, '_E', last destination type)`` (no
    parallel edges, sorted by ``(u, v)``) and carries the node features of both end types.
    """
    _no_blocks(g, "metapath_reachable_graph")
    if len(metapath) == 0:
        raise DGLError("The metapath must contain at least one edge type.")
    cets = [canonical(g, et) for et in metapath]
    for a_, b_ in zip(cets[:-1], cets[1:]):
        if a_[2] != b_[0]:
            raise DGLError(f"Metapath is broken: {a_} ends at {a_[2]!r} but {b_} starts at {b_[0]!r}.")
    m = _scipy_adj(g, cets[0])
    for cet in cets[1:]:
        m = (m @ _scipy_adj(g, cet)).astype(bool).astype(np.float64)
    coo = _sorted_coo(m)
    stype, dtype_ = cets[0][0], cets[-1][2]
    rel = (stype, "_E", dtype_)
    num = {stype: g.num_nodes(stype), dtype_: g.num_nodes(dtype_)}
    ng = build_graph(
        {rel: (torch.from_numpy(coo.row.astype(np.int64)), torch.from_numpy(coo.col.astype(np.int64)))},
        num, g.idtype, g.device, sort=True,
    )
    for nt in {stype, dtype_}:
        copy_frame(g.nodes[nt].data, ng.nodes[nt].data)
    return ng


def adj_product_graph(A: Any, B: Any, weight_name: str, etype: str = "_E") -> Any:
    """The graph of the product of the weighted adjacency matrices of ``A`` and ``B``.

    ``A`` (types ``s -> m``) and ``B`` (types ``m -> d``) each have one relation with edge
    weights in ``edata[weight_name]``; the result has relation ``(s, etype, d)`` with the
    product entries as weights (duplicate-free, sorted by ``(u, v)``).
    """
    ca = _homogeneous_or_single(A)
    cb = _homogeneous_or_single(B)
    if ca[2] != cb[0] or A.num_nodes(ca[2]) != B.num_nodes(cb[0]):
        raise DGLError(f"Cannot multiply adjacency of {ca} by {cb}: inner node sets differ.")
    for gr, c in ((A, ca), (B, cb)):
        if weight_name not in gr.edges[c].data:
            raise DGLError(f"Edge type {c} has no weight feature {weight_name!r}.")
    wa = A.edges[ca].data[weight_name]
    wb = B.edges[cb].data[weight_name]
    if wa.dim() != 1 or wb.dim() != 1:
        raise DGLError("adj_product_graph needs scalar edge weights.")
    prod = _scipy_adj(A, ca, wa) @ _scipy_adj(B, cb, wb)
    coo = _sorted_coo(prod)
    rel = (ca[0], etype, cb[2])
    num = {ca[0]: A.num_nodes(ca[0]), cb[2]: B.num_nodes(cb[2])}
    ng = build_graph(
        {rel: (torch.from_numpy(coo.row.astype(np.int64)), torch.from_numpy(coo.col.astype(np.int64)))},
        num, A.idtype, A.device, sort=True,
    )
    ng.edges[rel].data[weight_name] = torch.from_numpy(coo.data).to(dtype=wa.dtype, device=A.device)
    return ng


def _homogeneous_or_single(g: Any) -> CanonicalEType:
    if len(g.canonical_etypes) != 1:
        raise DGLError(f"Expected a graph with one edge type, got {list(g.canonical_etypes)}.")
    return g.canonical_etypes[0]


def norm_by_dst(g: Any, etype: Any = None) -> torch.Tensor:
    """For each edge, ``1 / in-degree`` of its destination (float32, shape ``(E,)``)."""
    cet = canonical(g, etype)
    adj = g._adj(cet)
    deg = adj.in_degrees().float()
    return 1.0 / deg[adj.dst.long()]


# ----------------------------------------------------------------------------------------
# reordering
# ----------------------------------------------------------------------------------------
def reorder_graph(g: Any, node_permute_algo: Optional[str] = None, edge_permute_algo: str = "src",
                  store_ids: bool = True, permute_config: Optional[Dict[str, Any]] = None) -> Any:
    """Renumber the nodes and/or reorder the edges of a homogeneous graph.

    Parameters
    ----------
    node_permute_algo
        None (keep), ``'rcmk'`` (reverse Cuthill-McKee) or ``'custom'``
        (``permute_config['nodes_perm']``: new node ``i`` is old node ``perm[i]``).
    edge_permute_algo
        ``'src'`` (edges grouped by new source id, by edge id within a
        source), ``'dst'`` (stably sorted by new destination id) or ``'custom'``
        (``permute_config['edges_perm']``).
    store_ids
        Keep original ids in ``ndata[NID]`` and ``edata[EID]``.
    """
    _no_blocks(g, "reorder_graph")
    cet = _homogeneous_relation(g, "reorder_graph")
    config = permute_config or {}
    n = g.num_nodes()
    if node_permute_algo is None:
        nperm = torch.arange(n, dtype=g.idtype, device=g.device)
    elif node_permute_algo == "rcmk":
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        indptr, indices, _ = g._adj(cet).csr()
        csr = sp.csr_matrix(
            (np.ones(indices.shape[0]), indices.cpu().numpy(), indptr.cpu().numpy()), shape=(n, n)
        )
        perm = reverse_cuthill_mckee(csr, symmetric_mode=False)
        nperm = torch.from_numpy(np.ascontiguousarray(perm).astype(np.int64)).to(g.device, g.idtype)
    elif node_permute_algo == "custom":
        if "nodes_perm" not in config:
            raise DGLError("node_permute_algo='custom' needs permute_config['nodes_perm'].")
        nperm = _check_perm(config["nodes_perm"], n, g, "nodes_perm")
    elif node_permute_algo == "metis":
        if "k" not in config:
            raise DGLError("node_permute_algo='metis' needs permute_config['k'], the number of parts.")
        # Nodes grouped by METIS part, in id order within a part.
        parts = metis_partition_assignment(g, int(config["k"]))
        nperm = torch.sort(parts.cpu(), stable=True)[1].to(g.device, g.idtype)
    else:
        raise DGLError(f"Unknown node_permute_algo {node_permute_algo!r}.")
    rg = _subgraph.node_subgraph(g, nperm, store_ids=True)
    adj = rg._adj(cet)
    if edge_permute_algo == "src":
        # node_subgraph already groups the edges by source
        eperm = torch.arange(adj.num_edges, dtype=g.idtype, device=g.device)
    elif edge_permute_algo == "dst":
        eperm = torch.sort(adj.dst.long(), stable=True)[1].to(g.idtype)
    elif edge_permute_algo == "custom":
        if "edges_perm" not in config:
            raise DGLError("edge_permute_algo='custom' needs permute_config['edges_perm'].")
        # edges_perm names edges of the input graph (new edge i is input edge edges_perm[i]),
        # not of the node-reordered graph, whose edges are grouped by source.
        custom = _check_perm(config["edges_perm"], adj.num_edges, g, "edges_perm")
        pos_of_input = torch.argsort(rg.edges[cet].data[EID].long())
        eperm = pos_of_input[custom.long()].to(g.idtype)
    else:
        raise DGLError(f"Unknown edge_permute_algo {edge_permute_algo!r}.")
    out = _subgraph.edge_subgraph(rg, eperm, relabel_nodes=False, store_ids=False)
    out.edges[cet].data[EID] = rg.edges[cet].data[EID][eperm.long()]
    if not store_ids:
        del out.ndata[NID]
        del out.edata[EID]
    return out


def _check_perm(p: Any, n: int, g: Any, what: str) -> torch.Tensor:
    t = to_id_tensor(p, g.idtype, g.device, what, bound=n, allow_mask=True, move=True)
    if t.shape[0] != n or torch.unique(t).shape[0] != n:
        raise DGLError(f"{what} must be a permutation of 0..{n - 1}.")
    return t


# ----------------------------------------------------------------------------------------
# spectra
# ----------------------------------------------------------------------------------------
def laplacian_lambda_max(g: Any) -> List[float]:
    """Largest eigenvalue of the normalised Laplacian ``I - D^-1/2 A D^-1/2`` of each graph in the batch.

    ``A`` is the (transposed) adjacency and ``D`` the in-degrees, clamped below at 1.
    """
    cet = _homogeneous_relation(g, "laplacian_lambda_max")
    members = unbatch(g) if g.batch_size > 1 else [g]
    out = []
    for m in members:
        n = m.num_nodes()
        if n == 0:
            out.append(0.0)
            continue
        a = _scipy_adj(m, cet).T.tocsr()
        deg = np.clip(m._adj(cet).in_degrees().cpu().numpy().astype(np.float64), 1, None)
        d = sp.diags(deg ** -0.5)
        lap = sp.identity(n) - d @ a @ d
        if n < 64:
            vals = np.linalg.eigvals(lap.toarray())
            out.append(float(vals[np.argmax(np.abs(vals))].real))
        else:
            from scipy.sparse.linalg import eigs

            out.append(float(eigs(lap, 1, which="LM", return_eigenvectors=False)[0].real))
    return out


# ----------------------------------------------------------------------------------------
# functional forms of mutation
# ----------------------------------------------------------------------------------------
def add_nodes(g: Any, num: int, data: Optional[Dict[str, torch.Tensor]] = None, ntype: Optional[str] = None) -> Any:
    """A copy of ``g`` with ``num`` more nodes of type ``ntype`` (see ``DGLGraph.add_nodes``)."""
    out = g.clone()
    out.add_nodes(num, data=data, ntype=ntype)
    return out


def add_edges(g: Any, u: Any, v: Any, data: Optional[Dict[str, torch.Tensor]] = None, etype: Any = None) -> Any:
    """A copy of ``g`` with the edges ``u -> v`` appended (see ``DGLGraph.add_edges``)."""
    out = g.clone()
    out.add_edges(u, v, data=data, etype=etype)
    return out


def remove_nodes(g: Any, nids: Any, ntype: Optional[str] = None, store_ids: bool = False) -> Any:
    """A copy of ``g`` without the nodes ``nids`` and their edges (see ``DGLGraph.remove_nodes``)."""
    out = g.clone()
    out.remove_nodes(nids, ntype=ntype, store_ids=store_ids)
    return out


def remove_edges(g: Any, eids: Any, etype: Any = None, store_ids: bool = False) -> Any:
    """A copy of ``g`` without the edges ``eids`` (see ``DGLGraph.remove_edges``)."""
    out = g.clone()
    out.remove_edges(eids, etype=etype, store_ids=store_ids)
    return out


# ----------------------------------------------------------------------------------------
# feature precision
# ----------------------------------------------------------------------------------------
def _cast_features(g: Any, dtype: torch.dtype) -> Any:
    out = g.clone()
    frames = []
    if getattr(g, "is_block", False):
        frames += [out.srcnodes[nt].data for nt in g.srctypes] + [out.dstnodes[nt].data for nt in g.dsttypes]
    else:
        frames += [out.nodes[nt].data for nt in g.ntypes]
    frames += [out.edges[cet].data for cet in g.canonical_etypes]
    for frame in frames:
        for name in list(frame.keys()):
            x = frame[name]
            if x.is_floating_point():
                frame[name] = x.to(dtype)
    return out


def to_float(g: Any) -> Any:
    """A copy of ``g`` whose floating-point node and edge features are float32."""
    return _cast_features(g, torch.float32)


def to_double(g: Any) -> Any:
    """A copy of ``g`` whose floating-point node and edge features are float64."""
    return _cast_features(g, torch.float64)


def to_half(g: Any) -> Any:
    """A copy of ``g`` whose floating-point node and edge features are float16."""
    return _cast_features(g, torch.float16)


def to_bfloat16(g: Any) -> Any:
    """A copy of ``g`` whose floating-point node and edge features are bfloat16."""
    return _cast_features(g, torch.bfloat16)


def to_simple_graph(g: Any) -> Any:
    """Deprecated name of :func:`to_simple`."""
    dgl_warning("to_simple_graph is deprecated; use to_simple.")
    return to_simple(g)


def adj_sum_graph(graphs: Sequence[Any], weight_name: str) -> Any:
    """The graph of the sum of the weighted adjacency matrices of ``graphs``.

    All graphs have one relation with the same node types and counts, with scalar weights in
    ``edata[weight_name]``. Edges come grouped by source; within a source, pairs appear in
    order of first appearance (graph by graph, edge id by edge id), with summed weights.
    """
    graphs = list(graphs)
    if not graphs:
        raise DGLError("adj_sum_graph needs at least one graph.")
    g0 = graphs[0]
    cet = _homogeneous_or_single(g0)
    num = {nt: g0.num_nodes(nt) for nt in g0.ntypes}
    us, vs, ws = [], [], []
    for i, g in enumerate(graphs):
        c = _homogeneous_or_single(g)
        if c != cet or {nt: g.num_nodes(nt) for nt in g.ntypes} != num:
            raise DGLError(f"Graph {i} differs from graph 0 in its relation or node counts.")
        if weight_name not in g.edges[c].data:
            raise DGLError(f"Graph {i} has no edge weight {weight_name!r}.")
        adj = g._adj(c)
        us.append(adj.src.long())
        vs.append(adj.dst.long())
        ws.append(g.edges[c].data[weight_name].reshape(-1))
    u, v, w = torch.cat(us), torch.cat(vs), torch.cat(ws)
    nd = max(g0.num_nodes(cet[2]), 1)
    order = torch.sort(u, stable=True)[1]
    key = (u * nd + v)[order]
    uniq, inv = torch.unique(key, return_inverse=True)
    pos = torch.arange(key.shape[0], device=key.device)
    first = torch.full((uniq.shape[0],), key.shape[0], dtype=torch.long, device=key.device)
    first = first.scatter_reduce(0, inv, pos, reduce="amin")
    rank = torch.argsort(first)  # distinct pairs in order of first appearance (sources grouped)
    summed = w.new_zeros(uniq.shape[0]).index_add(0, inv, w[order.to(w.device)])
    pairs = uniq[rank]
    out = build_graph({cet: (pairs // nd, pairs % nd)}, num, g0.idtype, g0.device)
    out.edges[cet].data[weight_name] = summed[rank.to(summed.device)]
    return out
