"""Between graph shapes: a block as an ordinary graph, heterogeneous ↔ homogeneous.

``block_to_graph`` renames a block's source and destination node types (``<type>_src``,
``<type>_dst``); ``to_homogeneous`` flattens every node and edge type into one, recording the
types in ``ndata[NTYPE]``/``edata[ETYPE]`` and the per-type ids in ``ndata[NID]``/
``edata[EID]``; ``to_heterogeneous`` inverts it. Re-exported by :mod:`graphdl.convert`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from ._graph.frame import copy_frame
from ._graph.ids import CanonicalEType
from ._result_graph import build_graph
from .base import EID, ETYPE, NID, NTYPE, DGLError

__all__ = ["block_to_graph", "to_homogeneous", "to_heterogeneous"]


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
    """Concatenate the features ``names`` over ``frames`` (``(label, frame, rows)`` triples).

    A type with no rows may lack a feature (it adds no rows); any other type must have it.
    """
    out = {}
    for name in names or []:
        parts, present = [], []
        for label, f, rows in frames:
            if name not in f:
                if rows == 0:
                    continue
                raise DGLError(f"Cannot combine feature {name!r}: {where} {label!r} does not have it.")
            parts.append(f[name])
            present.append((label, f))
        if not parts:
            continue
        tail = parts[0].shape[1:]
        for (label, _), p in zip(present, parts):
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
    in ``ndata`` / ``edata`` must exist, with equal shapes, for every type and are concatenated
    (a type without nodes, or without edges, may lack them).

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
    for k, val in _combine([(nt, G.nodes[nt].data, G.num_nodes(nt)) for nt in G.ntypes], ndata,
                             "node type").items():
        g.ndata[k] = val
    for k, val in _combine([(c, G.edges[c].data, G.num_edges(c)) for c in G.canonical_etypes],
                             edata, "edge type").items():
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
