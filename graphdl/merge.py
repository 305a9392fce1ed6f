"""Merge graphs with the same types into one graph (DGL's ``dgl.merge``).

The merged graph has the node and edge types of the first graph. Node ``i`` of type ``t``
exists if it exists in any input (``num_nodes(t)`` is the maximum over the inputs); the edges
of every relation are the inputs' edges, concatenated in input order, with their features
concatenated (every input must carry the first graph's edge features). Node features are
written input after input, so where inputs overlap the later one wins; rows no input
covers are zero.
"""
from __future__ import annotations

from typing import Any, Dict, Sequence

import torch

from .base import DGLError
from .convert import heterograph

__all__ = ["merge"]


def merge(graphs: Sequence[Any]) -> Any:
    """Merge a sequence of graphs into one.

    Parameters
    ----------
    graphs : list of DGLGraph
        Graphs with (at least) the node and edge types of the first one.

    Returns
    -------
    DGLGraph
        The merged graph, with the first graph's id type and device.

    Examples
    --------
    >>> g1 = graphdl.graph(([0, 1], [1, 2]))
    >>> g2 = graphdl.graph(([0], [4]))
    >>> m = graphdl.merge([g1, g2])
    >>> m.num_nodes(), m.edges()
    (5, (tensor([0, 1, 0]), tensor([1, 2, 4])))
    """
    graphs = list(graphs)
    if not graphs:
        raise DGLError("merge needs at least one graph.")
    ref = graphs[0]
    for g in graphs[1:]:
        missing = [c for c in ref.canonical_etypes if c not in g.canonical_etypes]
        missing += [t for t in ref.ntypes if t not in g.ntypes]
        if missing:
            raise DGLError(f"merge: a graph lacks the types {missing} of the first graph.")
    num_nodes = {t: max(g.num_nodes(t) for g in graphs) for t in ref.ntypes}
    data: Dict[Any, Any] = {}
    for cet in ref.canonical_etypes:
        us, vs = zip(*(g.edges(etype=cet) for g in graphs))
        data[cet] = (torch.cat([u.to(ref.idtype).to(ref.device) for u in us]),
                     torch.cat([v.to(ref.idtype).to(ref.device) for v in vs]))
    out = heterograph(data, num_nodes, idtype=ref.idtype, device=ref.device)
    for cet in ref.canonical_etypes:
        for name in ref.edges[cet].data.keys():
            parts = []
            for i, g in enumerate(graphs):
                if name not in g.edges[cet].data:
                    raise DGLError(f"merge: graph {i} lacks the edge feature {name!r} of relation {cet}.")
                parts.append(g.edges[cet].data[name].to(ref.device))
            out.edges[cet].data[name] = torch.cat(parts)
    for t in ref.ntypes:
        cols: Dict[str, torch.Tensor] = {}
        for g in graphs:
            for name, val in g.nodes[t].data.items():
                if name not in cols:
                    cols[name] = torch.zeros((num_nodes[t],) + tuple(val.shape[1:]), dtype=val.dtype,
                                             device=ref.device)
                if tuple(val.shape[1:]) != tuple(cols[name].shape[1:]):
                    raise DGLError(f"merge: node feature {name!r} of type {t!r} has shape "
                                   f"{tuple(val.shape[1:])} in one graph and {tuple(cols[name].shape[1:])} in another.")
                cols[name] = cols[name].clone()
                cols[name][: val.shape[0]] = val.to(ref.device, cols[name].dtype)
        for name, col in cols.items():
            out.nodes[t].data[name] = col
    return out
