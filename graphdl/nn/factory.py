"""Modules that build graphs from point sets: k nearest neighbours and radius graphs."""
from __future__ import annotations

from typing import Any, Sequence

import torch
from torch import nn

from ..transforms import functional as _tf

__all__ = ["KNNGraph", "SegmentedKNNGraph", "RadiusGraph", "pairwise_squared_distance"]


def pairwise_squared_distance(x: torch.Tensor) -> torch.Tensor:
    r""":math:`D_{ij} = \lVert x_i - x_j \rVert^2 = \lVert x_i \rVert^2 + \lVert x_j \rVert^2 - 2 x_i^\top x_j`
    over the last two dimensions (:math:`(*, N, D) \to (*, N, N)`).

    Examples
    --------
    >>> pairwise_squared_distance(torch.rand(5, 3)).shape
    torch.Size([5, 5])
    """
    sq = (x * x).sum(-1, keepdim=True)
    return sq + sq.transpose(-1, -2) - 2 * x @ x.transpose(-1, -2)


class KNNGraph(nn.Module):
    r"""The graph from each point to its ``k`` nearest points (an edge :math:`j \to i` for each
    neighbour :math:`j` of :math:`i`); a module around :func:`graphdl.knn_graph`.

    Parameters
    ----------
    k : int
        Neighbours per point.

    Examples
    --------
    >>> g = KNNGraph(3)(torch.rand(10, 2))
    """

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k

    def forward(self, x: torch.Tensor, algorithm: str = "bruteforce-blas", dist: str = "euclidean",
                exclude_self: bool = False) -> Any:
        return _tf.knn_graph(x, self.k, algorithm=algorithm, dist=dist, exclude_self=exclude_self)


class SegmentedKNNGraph(nn.Module):
    r"""k-nearest-neighbour graphs of consecutive segments of points, as one batched graph; a
    module around :func:`graphdl.segmented_knn_graph`.

    Parameters
    ----------
    k : int
        Neighbours per point.

    Examples
    --------
    >>> g = SegmentedKNNGraph(2)(torch.rand(7, 3), [3, 4])
    """

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k

    def forward(self, x: torch.Tensor, segs: Sequence[int], algorithm: str = "bruteforce-blas",
                dist: str = "euclidean", exclude_self: bool = False) -> Any:
        return _tf.segmented_knn_graph(x, self.k, segs, algorithm=algorithm, dist=dist, exclude_self=exclude_self)


class RadiusGraph(nn.Module):
    r"""The graph joining every two points within distance ``r``; a module around
    :func:`graphdl.radius_graph`.

    Parameters
    ----------
    r : float
        Radius.
    p : float
        Minkowski norm of the distance (default ``2``).
    self_loop : bool
        Join each point to itself (default ``False``).
    compute_mode : str
        Passed to :func:`torch.cdist` (default ``'donot_use_mm_for_euclid_dist'``).

    Examples
    --------
    >>> g, dist = RadiusGraph(0.5)(torch.rand(10, 2), get_distances=True)
    """

    def __init__(self, r: float, p: float = 2, self_loop: bool = False,
                 compute_mode: str = "donot_use_mm_for_euclid_dist") -> None:
        super().__init__()
        self.r, self.p, self.self_loop, self.compute_mode = r, p, self_loop, compute_mode

    def forward(self, x: torch.Tensor, get_distances: bool = False) -> Any:
        return _tf.radius_graph(x, self.r, self.p, self.self_loop, self.compute_mode, get_distances)
