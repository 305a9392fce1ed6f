"""Degree encoding of Graphormer: a learned embedding per (clamped) in-/out-degree."""
from __future__ import annotations

import torch
from torch import nn

from ...base import DGLError

__all__ = ["DegreeEncoder"]


class DegreeEncoder(nn.Module):
    r"""Centrality encoding (`Ying et al., NeurIPS 2021 <https://arxiv.org/abs/2106.05234>`__).

    .. math::

        z_i = z^{-}_{\min(\deg^{-}(v_i), D)} + z^{+}_{\min(\deg^{+}(v_i), D)}

    for ``direction='both'`` (two tables, in- then out-degree); ``'in'`` or ``'out'`` uses one
    table. Index 0 is the padding entry and stays zero, so padded nodes of degree 0 add nothing.

    Parameters
    ----------
    max_degree : int
        Largest degree :math:`D` with its own embedding; larger degrees are clamped to it.
    embedding_dim : int
        Embedding size.
    direction : str
        ``'in'``, ``'out'`` or ``'both'`` (default ``'both'``).

    Shapes
    ------
    ``degrees`` :math:`(B, N)` for ``'in'``/``'out'``, :math:`(2, B, N)` (in, out) for ``'both'``;
    output :math:`(B, N, \text{embedding\_dim})`.

    Examples
    --------
    >>> enc = DegreeEncoder(5, 8)
    >>> z = enc(torch.stack([g.in_degrees(), g.out_degrees()]).unsqueeze(1))
    """

    def __init__(self, max_degree: int, embedding_dim: int, direction: str = "both") -> None:
        super().__init__()
        if direction not in ("in", "out", "both"):
            raise DGLError(f"Supported direction options: 'in', 'out' and 'both', got {direction!r}.")
        self.direction = direction
        if direction == "both":
            self.encoder1 = nn.Embedding(max_degree + 1, embedding_dim, padding_idx=0)
            self.encoder2 = nn.Embedding(max_degree + 1, embedding_dim, padding_idx=0)
        else:
            self.encoder = nn.Embedding(max_degree + 1, embedding_dim, padding_idx=0)
        self.max_degree = max_degree

    def forward(self, degrees: torch.Tensor) -> torch.Tensor:
        degrees = torch.clamp(degrees, min=0, max=self.max_degree).long()
        if self.direction == "both":
            if degrees.dim() != 3 or degrees.shape[0] != 2:
                raise DGLError(f"direction='both' expects degrees of shape (2, B, N), got {tuple(degrees.shape)}.")
            return self.encoder1(degrees[0]) + self.encoder2(degrees[1])
        if degrees.dim() != 2:
            raise DGLError(f"direction={self.direction!r} expects degrees of shape (B, N), got {tuple(degrees.shape)}.")
        return self.encoder(degrees)
