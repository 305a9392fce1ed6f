"""Batching several graphs into one disjoint union, and splitting a batched graph again.

A batched graph is an ordinary graph whose per-type node and edge counts of every member are
remembered (``batch_num_nodes`` / ``batch_num_edges``), so that readout functions can reduce
per member and :func:`unbatch` can restore the members. Node ids of member ``i`` are shifted by
the number of nodes (of the same type) of members ``0..i-1``; edges keep their member order.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

import torch

from ._graph.ids import CanonicalEType, canonical
from ._result_graph import build_graph
from .base import ALL, EID, NID, DGLError, is_all

__all__ = ["batch", "unbatch", "slice_batch"]


def _select_names(frames: List[Any], which: Any, where: str) -> List[str]:
    """Feature names to batch from ``frames``, checking every frame has the same names."""
    if which is None:
        return []
    if not frames:
        return []
    key_sets = [set(f.keys()) for f in frames]
    if is_all(which):
        first = key_sets[0]
        for i, ks in enumerate(key_sets[1:], start=1):
            if ks != first:
                raise DGLError(
                    f"Cannot batch {where}: the graphs have different feature names "
                    f"({sorted(first)} vs {sorted(ks)} in graph {i})."
                )
        return list(frames[0].keys())
    names = [which] if isinstance(which, str) else list(which)
    for name in names:
        for i, ks in enumerate(key_sets):
            if name not in ks:
                raise DGLError(f"Cannot batch {where}: graph {i} has no feature {name!r}.")
    return names


def _concat_feats(frames: List[Any], names: List[str], where: str) -> Dict[str, torch.Tensor]:
    out = {}
    for name in names:
        parts = [f[name] for f in frames]
        tail = parts[0].shape[1:]
        for p in parts[1:]:
            if p.shape[1:] != tail or p.dtype != parts[0].dtype:
                raise DGLError(
                    f"Cannot batch feature {name!r} of {where}: shapes/dtypes differ "
                    f"({tuple(tail)}, {parts[0].dtype} vs {tuple(p.shape[1:])}, {p.dtype})."
                )
        out[name] = torch.cat(parts, 0)
    return out


def batch(graphs: Sequence[Any], ndata: Any = ALL, edata: Any = ALL) -> Any:
    """Combine ``graphs`` into one batched graph (their disjoint union).

    Parameters
    ----------
    graphs
        Graphs with the same node and edge types, id type and device. A batched graph
        among them contributes all its members.
    ndata
        Node feature names to batch: ``ALL`` (default) for all, None for none, or a list.
    edata
        Edge feature names to batch, likewise.

    Returns
    -------
    DGLGraph
        The batched graph; ``batch_size`` is the total number of members.
    """
    graphs = list(graphs)
    if len(graphs) == 0:
        raise DGLError("The input list of graphs to batch cannot be empty.")
    g0 = graphs[0]
    if any(getattr(g, "is_block", False) for g in graphs):
        raise DGLError("Batching blocks is not supported; batch the graphs before converting to blocks.")
    for i, g in enumerate(graphs[1:], start=1):
        if sorted(g.ntypes) != sorted(g0.ntypes) or sorted(g.canonical_etypes) != sorted(g0.canonical_etypes):
            raise DGLError(
                f"Cannot batch graphs with different types: graph 0 has {list(g0.canonical_etypes)}, "
                f"graph {i} has {list(g.canonical_etypes)}."
            )
        if g.idtype != g0.idtype:
            raise DGLError(f"Cannot batch graphs with id types {g0.idtype} and {g.idtype} (graph {i}).")
        if g.device != g0.device:
            raise DGLError(f"Cannot batch graphs on devices {g0.device} and {g.device} (graph {i}).")
    idtype, device = g0.idtype, g0.device
    # the result lists node and edge types sorted, whatever order the inputs keep
    ntypes, cets = sorted(g0.ntypes), sorted(g0.canonical_etypes)

    num_nodes = {nt: sum(g.num_nodes(nt) for g in graphs) for nt in ntypes}
    offsets = {}
    for nt in ntypes:
        counts = torch.tensor([0] + [g.num_nodes(nt) for g in graphs[:-1]], dtype=torch.int64)
        offsets[nt] = torch.cumsum(counts, 0).tolist()
    data = {}
    for cet in cets:
        s, _, d = cet
        us, vs = [], []
        for i, g in enumerate(graphs):
            adj = g._adj(cet)
            us.append(adj.src + offsets[s][i])
            vs.append(adj.dst + offsets[d][i])
        data[cet] = (torch.cat(us), torch.cat(vs))
    bg = build_graph(data, num_nodes, idtype, device)

    bnn = {nt: torch.cat([g.batch_num_nodes(nt).to(device).long() for g in graphs]) for nt in ntypes}
    bne = {cet: torch.cat([g.batch_num_edges(cet).to(device).long() for g in graphs]) for cet in cets}
    bg.set_batch_num_nodes({nt: t.to(idtype) for nt, t in bnn.items()})
    bg.set_batch_num_edges({cet: t.to(idtype) for cet, t in bne.items()})

    for nt in ntypes:
        all_empty = all(g.num_nodes(nt) == 0 for g in graphs)
        frames = [g.nodes[nt].data for g in graphs if all_empty or g.num_nodes(nt) > 0]
        names = _select_names(frames, ndata, f"nodes of type {nt!r}")
        for k, v in _concat_feats(frames, names, f"node type {nt!r}").items():
            bg.nodes[nt].data[k] = v
    for cet in cets:
        all_empty = all(g.num_edges(cet) == 0 for g in graphs)
        frames = [g.edges[cet].data for g in graphs if all_empty or g.num_edges(cet) > 0]
        names = _select_names(frames, edata, f"edges of type {cet}")
        for k, v in _concat_feats(frames, names, f"edge type {cet}").items():
            bg.edges[cet].data[k] = v
    return bg


def _split_counts(g: Any, split: Any, by_node: bool) -> Dict[Any, List[int]]:
    types = list(g.ntypes) if by_node else list(g.canonical_etypes)
    if split is None:
        if by_node:
            return {t: [int(x) for x in g.batch_num_nodes(t).tolist()] for t in types}
        return {t: [int(x) for x in g.batch_num_edges(t).tolist()] for t in types}
    if isinstance(split, dict):
        out = {}
        for key, val in split.items():
            t = key if by_node else canonical(g, key)
            if by_node and t not in types:
                raise DGLError(f"Unknown node type {key!r} in node_split; the graph has {types}.")
            out[t] = [int(x) for x in torch.as_tensor(val).tolist()]
        missing = [t for t in types if t not in out]
        if missing:
            raise DGLError(f"The split does not give counts for types {missing}.")
        return out
    if len(types) != 1:
        raise DGLError(f"The graph has several types {types}; give the split as a dict.")
    return {types[0]: [int(x) for x in torch.as_tensor(split).tolist()]}


def unbatch(g: Any, node_split: Any = None, edge_split: Any = None) -> List[Any]:
    """Split a batched graph into its members (features split too).

    Parameters
    ----------
    g
        The batched graph.
    node_split
        Optional number of nodes of each member (tensor, or dict by node type);
        by default the graph's ``batch_num_nodes``.
    edge_split
        Optional number of edges of each member, likewise.
    """
    if (node_split is None) != (edge_split is None):
        raise DGLError("node_split and edge_split must be given together.")
    ncounts = _split_counts(g, node_split, True)
    ecounts = _split_counts(g, edge_split, False)
    sizes = {len(v) for v in ncounts.values()} | {len(v) for v in ecounts.values()}
    if len(sizes) != 1:
        raise DGLError(f"The splits disagree on the number of graphs: {sorted(sizes)}.")
    bsz = sizes.pop()
    for nt, c in ncounts.items():
        if sum(c) != g.num_nodes(nt):
            raise DGLError(f"node_split for {nt!r} sums to {sum(c)} but the graph has {g.num_nodes(nt)} nodes.")
    for cet, c in ecounts.items():
        if sum(c) != g.num_edges(cet):
            raise DGLError(f"edge_split for {cet} sums to {sum(c)} but the graph has {g.num_edges(cet)} edges.")
    noff = {nt: _prefix(c) for nt, c in ncounts.items()}
    eoff = {cet: _prefix(c) for cet, c in ecounts.items()}
    return [_member(g, i, ncounts, noff, ecounts, eoff, False) for i in range(bsz)]


def _prefix(counts: List[int]) -> List[int]:
    out, acc = [], 0
    for c in counts:
        out.append(acc)
        acc += c
    return out


def _member(
    g: Any,
    i: int,
    ncounts: Dict[str, List[int]],
    noff: Dict[str, List[int]],
    ecounts: Dict[CanonicalEType, List[int]],
    eoff: Dict[CanonicalEType, List[int]],
    store_ids: bool,
) -> Any:
    data = {}
    for cet in g.canonical_etypes:
        s, _, d = cet
        lo, n = eoff[cet][i], ecounts[cet][i]
        adj = g._adj(cet)
        u = adj.src[lo : lo + n] - noff[s][i]
        v = adj.dst[lo : lo + n] - noff[d][i]
        for ids, nt, what in ((u, s, "source"), (v, d, "destination")):
            if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= ncounts[nt][i]):
                raise DGLError(
                    f"Edges of graph {i} of type {cet} have {what} nodes outside that graph; "
                    "the node and edge splits do not match the batch."
                )
        data[cet] = (u, v)
    num_nodes = {nt: ncounts[nt][i] for nt in g.ntypes}
    sg = build_graph(data, num_nodes, g.idtype, g.device)
    for nt in g.ntypes:
        lo, n = noff[nt][i], ncounts[nt][i]
        for k, val in g.nodes[nt].data.items():
            sg.nodes[nt].data[k] = val[lo : lo + n]
        if store_ids:
            sg.nodes[nt].data[NID] = torch.arange(lo, lo + n, dtype=g.idtype, device=g.device)
    for cet in g.canonical_etypes:
        lo, n = eoff[cet][i], ecounts[cet][i]
        for k, val in g.edges[cet].data.items():
            sg.edges[cet].data[k] = val[lo : lo + n]
        if store_ids:
            sg.edges[cet].data[EID] = torch.arange(lo, lo + n, dtype=g.idtype, device=g.device)
    return sg


def slice_batch(g: Any, gid: int, store_ids: bool = False) -> Any:
    """Member ``gid`` of the batched graph ``g``.

    With ``store_ids`` the ids of its nodes and edges in ``g`` are stored under ``NID``/``EID``.
    """
    bsz = g.batch_size
    gid = int(gid)
    if gid < 0 or gid >= bsz:
        raise DGLError(f"Invalid graph index {gid}: the batch has {bsz} graphs.")
    ncounts = _split_counts(g, None, True)
    ecounts = _split_counts(g, None, False)
    noff = {nt: _prefix(c) for nt, c in ncounts.items()}
    eoff = {cet: _prefix(c) for cet, c in ecounts.items()}
    return _member(g, gid, ncounts, noff, ecounts, eoff, store_ids)
