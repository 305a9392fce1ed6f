"""Splitting a graph's nodes into ``k`` parts, shared by Cluster-GCN and METIS assignment.

:class:`graphdl.dataloading.ClusterGCNSampler` and
:func:`graphdl.transforms.metis_partition_assignment` both call :func:`partition_nodes`; it
lives below both so that ``transforms`` need not import ``dataloading``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from .base import DGLError

__all__ = ["partition_nodes"]


def _sym_adjacency(g: Any) -> sp.csr_matrix:
    adj = g._adj(g.canonical_etypes[0])
    n = g.num_nodes()
    u, v = adj.src.long().cpu().numpy(), adj.dst.long().cpu().numpy()
    keep = u != v
    a = sp.coo_matrix((np.ones(int(keep.sum()), np.int8), (u[keep], v[keep])), shape=(n, n)).tocsr()
    a = ((a + a.T) > 0).astype(np.int8).tocsr()
    a.sort_indices()
    return a


def partition_nodes(g: Any, k: int, recursive: bool = False) -> np.ndarray:
    """Partition id of every node of a homogeneous graph into ``k`` parts.

    Uses METIS (through the ``pymetis`` package) on the symmetrised graph when it is
    installed. Otherwise nodes are ordered by reverse Cuthill-McKee, which keeps neighbours
    close, and cut into ``k`` contiguous parts of equal size.
    """
    n = g.num_nodes()
    if k < 1 or k > max(n, 1):
        raise DGLError(f"Cannot split {n} nodes into k={k} partitions.")
    if k == 1:
        return np.zeros(n, np.int64)
    a = _sym_adjacency(g)
    try:
        import pymetis  # optional dependency
    except ImportError:
        pymetis = None
    if pymetis is not None and a.nnz > 0:
        xadj, adjncy = a.indptr.astype(np.int64), a.indices.astype(np.int64)
        if hasattr(pymetis, "CSRAdjacency"):
            res = pymetis.part_graph(k, adjacency=pymetis.CSRAdjacency(adj_starts=xadj, adjacent=adjncy),
                                     recursive=recursive)
        else:
            res = pymetis.part_graph(k, xadj=xadj, adjncy=adjncy, recursive=recursive)
        return np.asarray(res[1], np.int64)
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    order = reverse_cuthill_mckee(a, symmetric_mode=True)
    parts = np.empty(n, np.int64)
    parts[order] = np.arange(n) * k // n
    return parts
