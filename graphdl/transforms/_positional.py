"""Positional encodings and distances on homogeneous graphs: random-walk and Laplacian
encodings, all-pairs shortest paths."""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np
import torch

from ..base import DGLError, dgl_warning

__all__ = [
    "random_walk_pe",
    "lap_pe",
    "laplacian_pe",
    "svd_pe",
    "shortest_dist",
    "double_radius_node_labeling",
]


def _relation(g: Any, name: str):
    if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
        raise DGLError(f"{name} needs a homogeneous graph, got edge types {list(g.canonical_etypes)}.")
    return g._adj(g.canonical_etypes[0])


def random_walk_pe(g: Any, k: int, eweight_name: Optional[str] = None) -> torch.Tensor:
    """Landing probabilities of random walks returning to their start.

    .. math::
        \\mathrm{PE}_{i,t} = (P^{t})_{ii}, \\quad t = 1..k, \\qquad P = D^{-1} A

    where ``A`` holds the edge weights ``edata[eweight_name]`` (ones by default) and ``D`` the
    weighted out-degrees; nodes without out-edges have a zero row.

    Returns
    -------
    torch.Tensor
        Float tensor of shape ``(N, k)``.
    """
    adj = _relation(g, "random_walk_pe")
    k = int(k)
    if k <= 0:
        raise DGLError(f"k must be positive, got {k}.")
    n = g.num_nodes()
    if eweight_name is None:
        w = torch.ones(adj.num_edges, dtype=torch.float32)
    else:
        if eweight_name not in g.edata:
            raise DGLError(f"The graph has no edge feature {eweight_name!r}.")
        w = g.edata[eweight_name].detach().reshape(-1).float().cpu()
    a = torch.zeros((n, n), dtype=torch.float32)
    a.index_put_((adj.src.long().cpu(), adj.dst.long().cpu()), w, accumulate=True)
    rowsum = a.sum(1, keepdim=True)
    p = torch.where(rowsum > 0, a / torch.where(rowsum > 0, rowsum, torch.ones_like(rowsum)), torch.zeros_like(a))
    out = torch.zeros((n, k), dtype=torch.float32)
    cur = p
    for t in range(k):
        out[:, t] = torch.diagonal(cur)
        cur = cur @ p
    return out.to(g.device)


def lap_pe(g: Any, k: int, padding: bool = False, return_eigval: bool = False
           ) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
    """Laplacian positional encoding: the eigenvectors of the ``k`` smallest non-trivial eigenvalues.

    .. math::
        L = I - D^{-1/2} A D^{-1/2}

    with ``D`` the in-degrees (at least 1). Eigenvalues are sorted by real part; the first
    (trivial) one is skipped. Eigenvector signs are arbitrary.

    Parameters
    ----------
    k
        Number of eigenvectors.
    padding
        If the graph has ``N <= k`` nodes, pad with zero columns (and NaN eigenvalues)
        instead of raising.
    return_eigval
        Also return the ``k`` eigenvalues.

    Returns
    -------
    torch.Tensor or tuple of torch.Tensor
        ``(N, k)`` float tensor, and the ``(k,)`` eigenvalues when ``return_eigval``.
    """
    adj = _relation(g, "lap_pe")
    n = g.num_nodes()
    k = int(k)
    if k <= 0:
        raise DGLError(f"k must be positive, got {k}.")
    if n <= k and not padding:
        raise DGLError(f"lap_pe needs k < number of nodes ({n}), got k={k}; pass padding=True to pad.")
    a = np.zeros((n, n))
    np.add.at(a, (adj.src.cpu().numpy(), adj.dst.cpu().numpy()), 1.0)
    deg = np.clip(np.bincount(adj.dst.cpu().numpy(), minlength=n), 1, None).astype(np.float64)
    d = np.diag(deg ** -0.5)
    lap = np.eye(n) - d @ a @ d
    if np.allclose(lap, lap.T):
        vals, vecs = np.linalg.eigh(lap)
    else:
        vals, vecs = np.linalg.eig(lap)
        order = np.argsort(vals.real, kind="stable")
        vals, vecs = vals[order], vecs[:, order]
    vals, vecs = vals.real, vecs.real
    m = min(k, n - 1) if n > 0 else 0
    pe = np.zeros((n, k))
    ev = np.full(k, np.nan)
    if m > 0:
        pe[:, :m] = vecs[:, 1 : m + 1]
        ev[:m] = vals[1 : m + 1]
    pe_t = torch.from_numpy(pe).float().to(g.device)
    if return_eigval:
        return pe_t, torch.from_numpy(ev).float().to(g.device)
    return pe_t


def svd_pe(g: Any, k: int, padding: bool = False, random_flip: bool = True) -> torch.Tensor:
    """SVD positional encoding of the (unweighted) adjacency ``A = U S V^T``.

    .. math::
        \\mathrm{PE} = [\\, U_{:, :k} \\sqrt{S_{:k}} \\;\\|\\; V_{:, :k} \\sqrt{S_{:k}} \\,]

    Parameters
    ----------
    k
        Number of singular components (at most the number of nodes).
    padding
        If ``k`` exceeds the number of nodes ``N``, use all ``N`` components and
        append zero columns up to ``2k``, instead of raising.
    random_flip
        Flip the sign of each component (in both halves) at random.

    Returns
    -------
    torch.Tensor
        Float tensor of shape ``(N, 2k)``.
    """
    adj = _relation(g, "svd_pe")
    n = g.num_nodes()
    k = int(k)
    if k > n and not padding:
        raise DGLError(f"svd_pe needs k <= number of nodes ({n}), got k={k}; pass padding=True to pad.")
    a = np.zeros((n, n))
    np.add.at(a, (adj.src.cpu().numpy(), adj.dst.cpu().numpy()), 1.0)
    u, s, vh = np.linalg.svd(a)
    m = min(k, n)
    root = np.sqrt(s[:m])
    left, right = u[:, :m] * root, vh[:m].T * root
    if random_flip:
        sign = np.where(np.random.rand(m) > 0.5, 1.0, -1.0)
        left, right = left * sign, right * sign
    pe = np.concatenate([left, right], axis=1)
    if pe.shape[1] < 2 * k:
        pe = np.concatenate([pe, np.zeros((n, 2 * k - pe.shape[1]))], axis=1)
    return torch.from_numpy(pe).float().to(g.device)


def laplacian_pe(g: Any, k: int, padding: bool = False, return_eigval: bool = False):
    """Deprecated name of :func:`lap_pe`."""
    dgl_warning("laplacian_pe is deprecated; use lap_pe.")
    return lap_pe(g, k, padding=padding, return_eigval=return_eigval)


def shortest_dist(g: Any, root: Optional[int] = None, return_paths: bool = False):
    """Hop counts of shortest directed paths (``-1`` when unreachable).

    Parameters
    ----------
    root
        Source node; None for all pairs.
    return_paths
        Also return the edge ids along one shortest path per pair, padded with
        ``-1`` to the longest distance found. Paths follow the predecessors of scipy's
        Floyd-Warshall search (Dijkstra's from ``root`` when given); between two
        consecutive nodes the lowest edge id is used.

    Returns
    -------
    torch.Tensor or tuple of torch.Tensor
        ``dist`` of shape ``(N, N)`` (or ``(N,)`` with ``root``), int64; with ``return_paths``
        also ``paths`` of shape ``(N, N, L)`` (or ``(N, L)``).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    adj = _relation(g, "shortest_dist")
    n = g.num_nodes()
    if root is not None and not (0 <= int(root) < n):
        raise DGLError(f"Invalid root node {root}: the graph has {n} nodes.")
    src = adj.src.cpu().numpy().astype(np.int64)
    dst = adj.dst.cpu().numpy().astype(np.int64)
    if n == 0:
        dist = np.zeros((0, 0))
        pred = np.zeros((0, 0), dtype=np.int64)
    else:
        m = csr_matrix((np.ones(src.shape[0]), (src, dst)), shape=(n, n))
        if root is None:
            dist, pred = shortest_path(m, method="FW", directed=True, unweighted=True, return_predecessors=True)
        else:
            dist, pred = shortest_path(m, method="D", directed=True, unweighted=True, return_predecessors=True,
                                       indices=int(root))
            dist, pred = dist[None, :], pred[None, :]
    reach = np.isfinite(dist)
    dist_i = np.where(reach, dist, -1).astype(np.int64)
    rows = range(n) if root is None else [int(root)]
    dist_t = torch.from_numpy(dist_i if root is None else dist_i[0]).to(g.device)
    if not return_paths:
        return dist_t
    first_eid: dict = {}
    for i, key in enumerate(zip(src.tolist(), dst.tolist())):
        first_eid.setdefault(key, i)
    longest = max(int(dist_i.max()) if dist_i.size else 0, 0)
    paths = np.full((len(rows), n, longest), -1, dtype=np.int64)
    for r, s_ in enumerate(rows):
        for t in range(n):
            length = dist_i[r, t]
            cur = t
            for pos in range(length - 1, -1, -1):
                p = int(pred[r, cur])
                paths[r, t, pos] = first_eid[(p, cur)]
                cur = p
    paths_t = torch.from_numpy(paths if root is None else paths[0]).to(g.device)
    return dist_t, paths_t


def double_radius_node_labeling(g: Any, src: int, dst: int) -> torch.Tensor:
    """Double-radius node labels (SEAL) of every node relative to the pair ``(src, dst)``.

    .. math::
        z = 1 + \\min(d_s, d_t) + \\lfloor d/2 \\rfloor
            \\left(\\lfloor d/2 \\rfloor + (d \\bmod 2) - 1\\right), \\qquad d = d_s + d_t

    where ``d_s`` is the hop distance to ``src`` in the graph without ``dst`` and ``d_t`` the
    distance to ``dst`` without ``src`` (edges taken as undirected). ``src`` and ``dst`` get 1;
    nodes that cannot reach both get 0.

    Returns
    -------
    torch.Tensor
        int64 tensor of shape ``(N,)``.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    adj = _relation(g, "double_radius_node_labeling")
    n = g.num_nodes()
    src, dst = int(src), int(dst)
    for name, v in (("src", src), ("dst", dst)):
        if not 0 <= v < n:
            raise DGLError(f"Invalid {name} node {v}: the graph has {n} nodes.")
    u, v = adj.src.cpu().numpy(), adj.dst.cpu().numpy()

    def dist_without(removed: int, start: int) -> np.ndarray:
        keep = (u != removed) & (v != removed)
        m = csr_matrix((np.ones(int(keep.sum())), (u[keep], v[keep])), shape=(n, n))
        return shortest_path(m, directed=False, unweighted=True, indices=start)

    ds = dist_without(dst, src)
    dt = dist_without(src, dst)
    ds[dst] = 0.0
    dt[src] = 0.0
    z = np.zeros(n, dtype=np.int64)
    ok = np.isfinite(ds) & np.isfinite(dt)
    a, b = ds[ok].astype(np.int64), dt[ok].astype(np.int64)
    d = a + b
    z[ok] = 1 + np.minimum(a, b) + (d // 2) * ((d // 2) + (d % 2) - 1)
    z[src] = 1
    z[dst] = 1
    return torch.from_numpy(z).to(g.device)
