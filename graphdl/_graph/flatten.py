"""Several relations of a graph seen as one: ``g['user', :, 'game']`` when the slice matches
more than one edge type.

The source node types of the chosen relations become one node type named by joining their
names with ``+`` (in node-type order), the destination node types likewise, and the relations
one edge type (``'plays+wishes'``). When the source and destination type sets are the same the
result has one node type, otherwise two. Nodes are numbered type by type, edges relation by
relation; ``ndata[NTYPE]``/``ndata[NID]`` and ``edata[ETYPE]``/``edata[EID]`` give each one's
original type id and id. A feature is kept when every merged type has it (rows concatenated),
and dropped when one lacks it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

import torch

from ..base import EID, ETYPE, NID, NTYPE, DGLError
from .frame import Frame
from .storage import SparseAdj

__all__ = ["flatten_relations"]


def _merge_frames(frames: Sequence[Frame], num_rows: int, device: torch.device, what: str) -> Frame:
    out = Frame(num_rows, device, what)
    if not frames:
        return out
    for name in frames[0]:
        cols = [f[name] for f in frames if name in f]
        if len(cols) != len(frames):
            continue
        first = cols[0]
        for c in cols[1:]:
            if c.shape[1:] != first.shape[1:] or c.dtype != first.dtype:
                raise DGLError(f"Cannot merge {what} feature {name!r}: shapes/dtypes "
                               f"{tuple(first.shape[1:])} {first.dtype} and {tuple(c.shape[1:])} {c.dtype} differ.")
        out[name] = torch.cat(cols, 0)
    return out


def _node_side(g: Any, tids: List[int]) -> Dict[str, Any]:
    """Offsets, ids and merged frame of the node types ``tids`` laid end to end."""
    idtype, device = g.idtype, g.device
    offsets, ntype_ids, nids, frames, total = {}, [], [], [], 0
    for t in tids:
        n = g._num_nodes[t]
        offsets[t] = total
        ntype_ids.append(torch.full((n,), t, dtype=torch.int64, device=device))
        nids.append(torch.arange(n, dtype=idtype, device=device))
        frames.append(g._node_frames[t])
        total += n
    return {"name": "+".join(g.ntypes[t] for t in tids), "offsets": offsets, "count": total,
            "ntype": torch.cat(ntype_ids), "nid": torch.cat(nids),
            "frame": _merge_frames(frames, total, device, "node")}


def flatten_relations(g: Any, etids: Sequence[int]) -> Any:
    """A graph of the relations ``etids`` of ``g`` (two or more) merged into one relation."""
    if g.is_block:
        raise DGLError("Slicing several edge types at once is not supported on blocks.")
    etids = sorted(etids)
    idtype, device = g.idtype, g.device
    cets = [g.canonical_etypes[i] for i in etids]
    stids = sorted({g.get_ntype_id(s) for s, _, _ in cets})
    dtids = sorted({g.get_ntype_id(d) for _, _, d in cets})
    src = _node_side(g, stids)
    dst = src if stids == dtids else _node_side(g, dtids)
    us, vs, etype_ids, eids = [], [], [], []
    for i, (s, _, d) in zip(etids, cets):
        adj = g._adjs[i]
        us.append(adj.src + src["offsets"][g.get_ntype_id(s)])
        vs.append(adj.dst + dst["offsets"][g.get_ntype_id(d)])
        etype_ids.append(torch.full((adj.num_edges,), i, dtype=torch.int64, device=device))
        eids.append(torch.arange(adj.num_edges, dtype=idtype, device=device))
    adj = SparseAdj(torch.cat(us), torch.cat(vs), src["count"], dst["count"], validate=False)
    etype = "+".join(g.canonical_etypes[i][1] for i in etids)
    eframe = _merge_frames([g._edge_frames[i] for i in etids], adj.num_edges, device, "edge")
    if dst is src:
        ntypes, counts, frames = [src["name"]], [src["count"]], [src["frame"]]
    else:
        ntypes = [src["name"], dst["name"]]
        counts, frames = [src["count"], dst["count"]], [src["frame"], dst["frame"]]
    out = type(g)._create(ntypes, ntypes, counts, [(src["name"], etype, dst["name"])], [adj],
                          idtype, device, node_frames=frames, edge_frames=[eframe])
    for side in (src, dst):
        out.nodes[side["name"]].data[NTYPE] = side["ntype"]
        out.nodes[side["name"]].data[NID] = side["nid"]
    out.edata[ETYPE] = torch.cat(etype_ids)
    out.edata[EID] = torch.cat(eids)
    return out
