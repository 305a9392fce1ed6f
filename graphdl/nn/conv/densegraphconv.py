"""GCN layer on a dense adjacency matrix."""
from __future__ import annotations

from typing import Callable, Optional

import torch
from torch import nn

from ...base import DGLError

__all__ = ["DenseGraphConv"]


class DenseGraphConv(nn.Module):
    r"""Graph convolution on a dense adjacency (`Kipf and Welling, ICLR 2017
    <https://arxiv.org/abs/1609.02907>`__); :class:`GraphConv` for graphs given as a matrix.

    .. math::

        H' = \sigma\big(D_{in}^{-a} A D_{out}^{-b} X W + b\big)

    with ``A[i, j]`` the weight of the edge from source :math:`j` to destination :math:`i`,
    degrees clamped to at least one, :math:`(a, b) = (1/2, 1/2)` for ``norm='both'``,
    :math:`(1, 0)` for ``'right'``, :math:`(0, 1)` for ``'left'``, :math:`(0, 0)` for ``'none'``.

    Parameters
    ----------
    in_feats : int
        Input size.
    out_feats : int
        Output size.
    norm : str
        ``'both'``, ``'right'``, ``'left'`` or ``'none'`` (default ``'both'``).
    bias : bool
        Learnable bias (default ``True``).
    activation : callable, optional
        Applied to the output.

    Shapes
    ------
    ``adj`` :math:`(N_{dst}, N_{src})` (as ``g.adj_external(transpose=True).to_dense()``);
    ``feat`` :math:`(N_{src}, D_{in})`; output :math:`(N_{dst}, D_{out})`.

    Examples
    --------
    >>> out = DenseGraphConv(5, 2)(adj, feat)
    """

    def __init__(self, in_feats: int, out_feats: int, norm: str = "both", bias: bool = True,
                 activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None) -> None:
        super().__init__()
        if norm not in ("both", "right", "left", "none"):
            raise DGLError(f"norm must be 'both', 'right', 'left' or 'none', got {norm!r}.")
        self._in_feats = in_feats
        self._out_feats = out_feats
        self._norm = norm
        self.weight = nn.Parameter(torch.empty(in_feats, out_feats))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_feats))
        else:
            self.register_buffer("bias", None)
        self._activation = activation
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform weight, zero bias."""
        nn.init.xavier_uniform_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, adj: torch.Tensor, feat: torch.Tensor) -> torch.Tensor:
        adj = adj.to(feat)
        if adj.dim() != 2 or adj.shape[1] != feat.shape[0]:
            raise DGLError(f"adj must be (N_dst, N_src) with N_src = {feat.shape[0]} feature rows, "
                           f"got {tuple(adj.shape)}.")
        shape = (-1,) + (1,) * (feat.dim() - 1)
        if self._norm in ("both", "left"):
            out_deg = adj.sum(dim=0).clamp(min=1)
            feat = feat * out_deg.pow(-0.5 if self._norm == "both" else -1.0).view(shape)
        # multiply by the smaller of W's two sides first
        if self._in_feats > self._out_feats:
            rst = adj @ torch.matmul(feat, self.weight)
        else:
            rst = torch.matmul(adj @ feat, self.weight)
        if self._norm in ("both", "right"):
            in_deg = adj.sum(dim=1).clamp(min=1)
            rst = rst * in_deg.pow(-0.5 if self._norm == "both" else -1.0).view(shape)
        if self.bias is not None:
            rst = rst + self.bias
        if self._activation is not None:
            rst = self._activation(rst)
        return rst
