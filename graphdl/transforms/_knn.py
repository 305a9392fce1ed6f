"""Point-cloud graphs: k nearest neighbours and fixed radius, computed by brute force with torch."""
from __future__ import annotations

from typing import Any, List, Sequence

import torch

from .._result_graph import build_graph
from ..base import DGLError, DGLWarning, dgl_warning

__all__ = ["knn_graph", "segmented_knn_graph", "radius_graph"]

_ALGORITHMS = ("bruteforce-blas", "bruteforce", "bruteforce-sharemem", "kd-tree", "nn-descent")


def _check(k: int, algorithm: str, dist: str) -> int:
    if algorithm not in _ALGORITHMS:
        raise DGLError(f"Unknown algorithm {algorithm!r}; use one of {list(_ALGORITHMS)}.")
    if dist not in ("euclidean", "cosine"):
        raise DGLError(f"dist must be 'euclidean' or 'cosine', got {dist!r}.")
    k = int(k)
    if k <= 0:
        raise DGLError(f"k must be positive, got {k}.")
    return k


def _distances(x: torch.Tensor, dist: str) -> torch.Tensor:
    x = x.float() if not x.is_floating_point() else x
    if dist == "cosine":
        xn = torch.nn.functional.normalize(x, dim=1)
        return 1.0 - xn @ xn.t()
    sq = (x * x).sum(1)
    return (sq[:, None] + sq[None, :] - 2.0 * (x @ x.t())).clamp(min=0)


def _fit_k(k: int, sizes: Sequence[int], exclude_self: bool) -> int:
    """``k``, lowered (with a :class:`DGLWarning`) to the candidate count of the smallest set, as DGL does."""
    n = min(sizes) if sizes else 0
    avail = n - 1 if exclude_self else n
    if k <= avail:
        return k
    if avail <= 0:
        raise DGLError(f"A point set of {n} points has no candidate neighbours (exclude_self={exclude_self}).")
    dgl_warning(f"k={k} is larger than the {avail} candidate neighbours of the smallest point set "
                f"({n} points); using k={avail} for every set.", DGLWarning)
    return avail


def _segment_edges(x: torch.Tensor, k: int, dist: str, exclude_self: bool, offset: int):
    n = x.shape[0]
    d = _distances(x.detach(), dist)
    if exclude_self:
        d.fill_diagonal_(float("inf"))
    else:
        # a point is its own nearest neighbour even when another point coincides with it
        d.fill_diagonal_(-1.0)
    nbr = torch.topk(d, k, dim=1, largest=False, sorted=True).indices  # (n, k)
    dst = torch.arange(n, device=x.device).repeat_interleave(k)
    src = nbr.reshape(-1)
    return src + offset, dst + offset


def _assemble(pairs: List, sizes: List[int], device: torch.device, batched: bool) -> Any:
    if pairs:
        src = torch.cat([p[0] for p in pairs])
        dst = torch.cat([p[1] for p in pairs])
    else:
        src = dst = torch.zeros(0, dtype=torch.int64, device=device)
    g = build_graph({("_N", "_E", "_N"): (src, dst)}, {"_N": int(sum(sizes))}, torch.int64, device)
    if batched:
        g.set_batch_num_nodes(torch.tensor(sizes, dtype=torch.int64))
        g.set_batch_num_edges(torch.tensor([p[0].shape[0] for p in pairs], dtype=torch.int64))
    return g


def knn_graph(x: torch.Tensor, k: int, algorithm: str = "bruteforce-blas", dist: str = "euclidean",
              exclude_self: bool = False) -> Any:
    """The k-nearest-neighbour graph of the points ``x``.

    Each point receives an edge from each of its ``k`` nearest points (itself included unless
    ``exclude_self``). ``x`` of shape ``(N, D)`` gives one point set; ``(B, N, D)`` gives a
    batched graph of ``B`` sets, point ``j`` of set ``b`` being node ``b * N + j``. Edges come
    grouped by destination, nearest source first. Every ``algorithm`` name is accepted; all
    compute exact neighbours by brute force. A ``k`` above the number of candidates is
    lowered to it, with a :class:`~graphdl.base.DGLWarning`.
    """
    k = _check(k, algorithm, dist)
    if x.dim() in (2, 3):
        k = _fit_k(k, [x.shape[-2]], exclude_self)
    if x.dim() == 2:
        return _assemble([_segment_edges(x, k, dist, exclude_self, 0)], [x.shape[0]], x.device, False)
    if x.dim() == 3:
        b, n = x.shape[0], x.shape[1]
        pairs = [_segment_edges(x[i], k, dist, exclude_self, i * n) for i in range(b)]
        return _assemble(pairs, [n] * b, x.device, True)
    raise DGLError(f"knn_graph expects points of shape (N, D) or (B, N, D), got {tuple(x.shape)}.")


def segmented_knn_graph(x: torch.Tensor, k: int, segs: Sequence[int], algorithm: str = "bruteforce-blas",
                        dist: str = "euclidean", exclude_self: bool = False) -> Any:
    """k-nearest-neighbour graphs of consecutive point sets of sizes ``segs`` of ``x`` (``(N, D)``),
    as one batched graph (see :func:`knn_graph`; a ``k`` above the candidates of the smallest
    set is lowered to them for every set).
    """
    k = _check(k, algorithm, dist)
    if x.dim() != 2:
        raise DGLError(f"segmented_knn_graph expects points of shape (N, D), got {tuple(x.shape)}.")
    segs = [int(s) for s in (segs.tolist() if isinstance(segs, torch.Tensor) else segs)]
    if sum(segs) != x.shape[0]:
        raise DGLError(f"Segment sizes sum to {sum(segs)} but there are {x.shape[0]} points.")
    k = _fit_k(k, segs, exclude_self)
    pairs, off = [], 0
    for s in segs:
        pairs.append(_segment_edges(x[off : off + s], k, dist, exclude_self, off))
        off += s
    return _assemble(pairs, segs, x.device, True)


def radius_graph(x: torch.Tensor, r: float, p: float = 2, self_loop: bool = False,
                 compute_mode: str = "donot_use_mm_for_euclid_dist", get_distances: bool = False) -> Any:
    """The graph joining every pair of points of ``x`` (shape ``(N, D)``) at most ``r`` apart.

    Distances are Minkowski ``p``-norms. Edges come in row-major order of the pairs; with
    ``self_loop`` every point also links to itself. With ``get_distances`` the ``(E, 1)``
    edge lengths are returned too.
    """
    if x.dim() != 2:
        raise DGLError(f"radius_graph expects points of shape (N, D), got {tuple(x.shape)}.")
    d = torch.cdist(x.detach(), x.detach(), p=p, compute_mode=compute_mode)
    close = d <= r
    if not self_loop:
        close.fill_diagonal_(False)
    src, dst = torch.nonzero(close, as_tuple=True)
    g = build_graph({("_N", "_E", "_N"): (src, dst)}, {"_N": x.shape[0]}, torch.int64, x.device)
    if get_distances:
        return g, d[src, dst].unsqueeze(-1)
    return g
