"""Heavy-edge neighbour matching for graph coarsening (as in Graclus).

Nodes are visited in a random order; an unmatched node is paired with its unmatched
neighbour of largest edge weight (random weights when none are given), or stays alone when
every neighbour is taken. Both nodes of a pair get the smaller of their ids as cluster id;
``relabel_idx`` renumbers the cluster ids ``0 .. C - 1`` in increasing order.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import torch

from ..base import DGLError

__all__ = ["neighbor_matching"]


def neighbor_matching(graph: Any, e_weights: Optional[torch.Tensor] = None, relabel_idx: bool = True) -> torch.Tensor:
    """Pair every node with at most one neighbour, preferring heavy edges.

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous undirected graph (every edge present in both directions).
    e_weights : Tensor, optional
        Non-negative edge weights of shape ``(E,)``.
    relabel_idx : bool
        Number the clusters consecutively from 0 (else a cluster is named by its smaller node id).

    Returns
    -------
    Tensor
        The cluster id of every node, shape ``(N,)``, with the graph's id type.

    Examples
    --------
    >>> g = graphdl.to_bidirected(graphdl.graph(([0, 2], [1, 3])))
    >>> graphdl.geometry.neighbor_matching(g)
    tensor([0, 0, 1, 1])
    """
    if len(graph.ntypes) != 1 or len(graph.canonical_etypes) != 1:
        raise DGLError("neighbor_matching needs a homogeneous graph.")
    n = graph.num_nodes()
    indptr, nbr, eid = (t.cpu().numpy().astype(np.int64) for t in graph.adj_tensors("csr"))
    if e_weights is None:
        w = torch.rand(graph.num_edges()).numpy()
    else:
        e_weights = torch.as_tensor(e_weights)
        if e_weights.shape != (graph.num_edges(),):
            raise DGLError(f"e_weights must have shape ({graph.num_edges()},), got {tuple(e_weights.shape)}.")
        w = e_weights.detach().cpu().double().numpy()
    w = w[eid]  # weights in CSR order
    label = np.full(n, -1, dtype=np.int64)
    for u in torch.randperm(n).numpy():
        if label[u] >= 0:
            continue
        a, b = indptr[u], indptr[u + 1]
        cand = nbr[a:b]
        ok = (label[cand] < 0) & (cand != u)
        if ok.any():
            v = int(cand[ok][np.argmax(w[a:b][ok])])
            label[u] = label[v] = min(u, v)
        else:
            label[u] = u
    if relabel_idx:
        label = np.unique(label, return_inverse=True)[1].reshape(-1)
    return torch.from_numpy(label).to(graph.idtype).to(graph.device)
