"""Edge encoding of Graphormer: an average of edge features along each shortest path."""
from __future__ import annotations

import torch
from torch import nn

from ...base import DGLError

__all__ = ["PathEncoder"]


class PathEncoder(nn.Module):
    r"""Path (edge) encoding (`Ying et al., NeurIPS 2021 <https://arxiv.org/abs/2106.05234>`__).

    .. math::

        c^h_{ij} = \frac{1}{\max(1, \min(\phi_{ij}, L))} \sum_{n=1}^{L} x_{e_n}^\top w^h_n

    where :math:`e_1, \ldots` are the edges of the shortest path from :math:`v_i` to
    :math:`v_j` (zero features past its end) and :math:`w^h_n` a learned vector per position
    and head.

    Parameters
    ----------
    max_len : int
        Number of path positions :math:`L` encoded.
    feat_dim : int
        Edge feature size.
    num_heads : int
        Number of attention heads (default ``1``).

    Shapes
    ------
    ``dist`` :math:`(B, N, N)`; ``path_data`` :math:`(B, N, N, L', d)` with :math:`L' \le L`
    (e.g. ``efeat[paths[..., :max_len]]`` with :func:`graphdl.shortest_dist` paths and a zero
    row appended to ``efeat`` for the ``-1`` entries); output :math:`(B, N, N, H)`.

    Examples
    --------
    >>> dist, paths = graphdl.shortest_dist(g, return_paths=True)
    >>> bias = PathEncoder(2, 16, 4)(dist.unsqueeze(0), efeat_padded[paths[..., :2]].unsqueeze(0))
    """

    def __init__(self, max_len: int, feat_dim: int, num_heads: int = 1) -> None:
        super().__init__()
        self.max_len = max_len
        self.feat_dim = feat_dim
        self.num_heads = num_heads
        self.embedding_table = nn.Embedding(max_len * num_heads, feat_dim)

    def forward(self, dist: torch.Tensor, path_data: torch.Tensor) -> torch.Tensor:
        if path_data.dim() != 5 or path_data.shape[-1] != self.feat_dim or path_data.shape[-2] > self.max_len:
            raise DGLError(f"path_data must have shape (B, N, N, L <= {self.max_len}, {self.feat_dim}), "
                           f"got {tuple(path_data.shape)}.")
        length = path_data.shape[-2]
        table = self.embedding_table.weight.view(self.max_len, self.num_heads, self.feat_dim)[:length]
        encoding = torch.einsum("bxyld,lhd->bxyh", path_data, table)
        return encoding / torch.clamp(dist, min=1, max=self.max_len).unsqueeze(-1).to(encoding.dtype)
