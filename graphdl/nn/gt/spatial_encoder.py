"""Spatial encodings of Graphormer: by shortest-path distance (2D) and by Gaussian kernels of
Euclidean distance (3D)."""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from ...base import DGLError

__all__ = ["SpatialEncoder", "SpatialEncoder3d"]


class SpatialEncoder(nn.Module):
    r"""Shortest-path-distance attention bias (`Ying et al., NeurIPS 2021 <https://arxiv.org/abs/2106.05234>`__).

    .. math::

        b^h_{ij} = w^h_{\min(\phi(v_i, v_j), D) + 1}

    where :math:`\phi` is the shortest-path distance, ``-1`` for unreachable or padded pairs;
    index 0 (distance ``-1``) is the padding entry and stays zero.

    Parameters
    ----------
    max_dist : int
        Largest distance :math:`D` with its own bias; longer ones are clamped.
    num_heads : int
        Number of attention heads (default ``1``).

    Shapes
    ------
    ``dist`` :math:`(B, N, N)` integer; output :math:`(B, N, N, H)`.

    Examples
    --------
    >>> bias = SpatialEncoder(max_dist=4, num_heads=8)(graphdl.shortest_dist(g).unsqueeze(0))
    """

    def __init__(self, max_dist: int, num_heads: int = 1) -> None:
        super().__init__()
        self.max_dist = max_dist
        self.num_heads = num_heads
        self.embedding_table = nn.Embedding(max_dist + 2, num_heads, padding_idx=0)

    def forward(self, dist: torch.Tensor) -> torch.Tensor:
        return self.embedding_table(torch.clamp(dist.long(), min=-1, max=self.max_dist) + 1)


def _gaussian(x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    return torch.exp(-0.5 * ((x - mean) / std) ** 2) / (math.sqrt(2 * math.pi) * std)


class SpatialEncoder3d(nn.Module):
    r"""3D spatial attention bias from atom coordinates
    (`Shi et al., 2022 <https://arxiv.org/abs/2203.04810>`__).

    .. math::

        \psi_{ij} = \gamma_{t_i t_j} \lVert r_i - r_j \rVert + \beta_{t_i t_j}, \qquad
        b_{ij} = W_2\,\operatorname{GELU}\big(W_1 [\mathcal{N}(\psi_{ij}; \mu_k, |\sigma_k| + 0.01)]_{k=1}^{K}\big)

    where :math:`\gamma_{t_i t_j}` (:math:`\beta`) is the sum of a learned scale (shift) for the
    source type and one for the target type, and :math:`\mathcal{N}` the Gaussian density.

    Parameters
    ----------
    num_kernels : int
        Number of Gaussian kernels :math:`K`.
    num_heads : int
        Number of attention heads (default ``1``).
    max_node_type : int
        Number of node types; types lie in ``[0, max_node_type)`` (default ``100``).

    Shapes
    ------
    ``coord`` :math:`(B, N, 3)`; ``node_type`` :math:`(B, N)` integer or ``None`` (one type);
    output :math:`(B, N, N, H)`.

    Examples
    --------
    >>> bias = SpatialEncoder3d(num_kernels=8, num_heads=4)(torch.rand(2, 5, 3))
    """

    def __init__(self, num_kernels: int, num_heads: int = 1, max_node_type: int = 100) -> None:
        super().__init__()
        self.num_kernels = num_kernels
        self.num_heads = num_heads
        self.max_node_type = max_node_type
        self.means = nn.Parameter(torch.empty(num_kernels))
        self.stds = nn.Parameter(torch.empty(num_kernels))
        self.linear_layer_1 = nn.Linear(num_kernels, num_kernels)
        self.linear_layer_2 = nn.Linear(num_kernels, num_heads)
        self.gamma = nn.Embedding(2 * max_node_type + 3, 1, padding_idx=0)
        self.beta = nn.Embedding(2 * max_node_type + 3, 1, padding_idx=0)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Means and standard deviations uniform on ``[0, 3]``; scales one, shifts zero."""
        nn.init.uniform_(self.means, 0, 3)
        nn.init.uniform_(self.stds, 0, 3)
        nn.init.constant_(self.gamma.weight, 1)
        nn.init.constant_(self.beta.weight, 0)
        self.linear_layer_1.reset_parameters()
        self.linear_layer_2.reset_parameters()

    def forward(self, coord: torch.Tensor, node_type: Optional[torch.Tensor] = None) -> torch.Tensor:
        if coord.dim() != 3:
            raise DGLError(f"SpatialEncoder3d expects coord of shape (B, N, 3), got {tuple(coord.shape)}.")
        bsz, n = coord.shape[:2]
        dist = torch.cdist(coord, coord, p=2.0).unsqueeze(-1)
        if node_type is None:
            # no types: both ends use row 0 of the tables (fixed, as a padding row)
            types = torch.zeros(bsz, n, n, 2, dtype=torch.long, device=coord.device)
        else:
            node_type = node_type.long()
            if node_type.numel() and (int(node_type.min()) < 0 or int(node_type.max()) >= self.max_node_type):
                raise DGLError(f"node types must lie in [0, max_node_type={self.max_node_type}), got "
                               f"[{int(node_type.min())}, {int(node_type.max())}].")
            src = node_type.unsqueeze(-1).expand(bsz, n, n)
            dst = node_type.unsqueeze(1).expand(bsz, n, n)
            types = torch.stack([src + 2, dst + self.max_node_type + 3], dim=-1)
        gamma = self.gamma(types).sum(dim=-2)
        beta = self.beta(types).sum(dim=-2)
        scaled = (gamma * dist + beta).expand(-1, -1, -1, self.num_kernels)
        kernels = _gaussian(scaled, self.means, self.stds.abs() + 0.01)
        return self.linear_layer_2(F.gelu(self.linear_layer_1(kernels)))
