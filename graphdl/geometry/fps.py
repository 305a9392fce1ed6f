"""Farthest point sampling of point clouds.

Starting from one point per cloud, each step adds the point whose squared Euclidean
distance to the chosen set, :math:`\\min_{s \\in S} \\lVert x - x_s \\rVert^2`, is largest (the
lowest index among ties).
"""
from __future__ import annotations

from typing import Optional

import torch

from ..base import DGLError

__all__ = ["farthest_point_sampler"]


def farthest_point_sampler(pos: torch.Tensor, npoints: int, start_idx: Optional[int] = None) -> torch.Tensor:
    """Pick ``npoints`` well-spread points of each point cloud.

    Parameters
    ----------
    pos : Tensor
        Point coordinates of shape ``(B, N, C)``.
    npoints : int
        Points to pick per cloud, at most ``N``.
    start_idx : int, optional
        The first point of every cloud; drawn at random per cloud when omitted.

    Returns
    -------
    Tensor
        ``int64`` indices of shape ``(B, npoints)``, in the order they were picked.

    Examples
    --------
    >>> pos = torch.tensor([[[0.0], [1.0], [10.0]]])
    >>> graphdl.geometry.farthest_point_sampler(pos, 2, start_idx=0)
    tensor([[0, 2]])
    """
    if not isinstance(pos, torch.Tensor) or pos.dim() != 3:
        raise DGLError(f"pos must be a tensor of shape (B, N, C), got {getattr(pos, 'shape', type(pos))}.")
    b, n, _ = pos.shape
    npoints = int(npoints)
    if npoints < 0 or npoints > n:
        raise DGLError(f"Cannot pick {npoints} points from clouds of {n} points.")
    out = torch.zeros(b, npoints, dtype=torch.int64, device=pos.device)
    if npoints == 0:
        return out
    if start_idx is None:
        cur = torch.randint(0, n, (b,), device=pos.device)
    else:
        if not 0 <= int(start_idx) < n:
            raise DGLError(f"start_idx must lie in [0, {n}), got {start_idx}.")
        cur = torch.full((b,), int(start_idx), dtype=torch.int64, device=pos.device)
    x = pos.detach()
    dist = torch.full((b, n), float("inf"), dtype=x.dtype if x.is_floating_point() else torch.float32,
                      device=pos.device)
    rows = torch.arange(b, device=pos.device)
    for i in range(npoints):
        out[:, i] = cur
        d = ((x - x[rows, cur].unsqueeze(1)) ** 2).sum(-1).to(dist.dtype)
        dist = torch.minimum(dist, d)
        cur = dist.argmax(1)
    return out
