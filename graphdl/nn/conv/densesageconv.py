"""GraphSAGE (GCN aggregator) on a dense adjacency matrix."""
from __future__ import annotations

from typing import Callable, Optional, Tuple, Union

import torch
from torch import nn

from ...base import DGLError

__all__ = ["DenseSAGEConv"]


class DenseSAGEConv(nn.Module):
    r"""GraphSAGE with the ``'gcn'`` aggregator on a dense adjacency (`Hamilton et al., NeurIPS
    2017 <https://arxiv.org/abs/1706.02216>`__); :class:`SAGEConv` ``(aggregator_type='gcn')``
    for graphs given as a matrix.

    .. math::

        h_i' = \operatorname{norm}\Big(\sigma\Big(W \frac{\sum_j A_{ij} x_j + x_i}{\sum_j A_{ij} + 1} + b\Big)\Big)

    Parameters
    ----------
    in_feats : int
        Input size.
    out_feats : int
        Output size.
    feat_drop : float
        Dropout on the input features (default ``0``).
    bias : bool
        Bias of the linear layer (default ``True``).
    norm : callable, optional
        Applied last (e.g. a normalisation layer).
    activation : callable, optional
        Applied before ``norm``.

    Shapes
    ------
    ``adj`` :math:`(N_{dst}, N_{src})`; ``feat`` :math:`(N, D_{in})` or a pair
    ``(N_{src}, D_{in}), (N_{dst}, D_{in})``; output :math:`(N_{dst}, D_{out})`.

    Examples
    --------
    >>> out = DenseSAGEConv(5, 2)(adj, feat)
    """

    def __init__(self, in_feats: int, out_feats: int, feat_drop: float = 0.0, bias: bool = True,
                 norm: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
                 activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None) -> None:
        super().__init__()
        self._in_feats = in_feats
        self._out_feats = out_feats
        self._norm = norm
        self.feat_drop = nn.Dropout(feat_drop)
        self.activation = activation
        self.fc = nn.Linear(in_feats, out_feats, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform weight with the ReLU gain."""
        nn.init.xavier_uniform_(self.fc.weight, gain=nn.init.calculate_gain("relu"))

    def forward(self, adj: torch.Tensor, feat: Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor:
        if isinstance(feat, tuple):
            if feat[0].shape[1:] != feat[1].shape[1:]:
                raise DGLError(f"source and destination features differ in shape: {tuple(feat[0].shape)} "
                               f"and {tuple(feat[1].shape)}.")
            feat_src, feat_dst = self.feat_drop(feat[0]), self.feat_drop(feat[1])
        else:
            feat_src = self.feat_drop(feat)
            feat_dst = feat_src[: adj.shape[0]]
        adj = adj.to(feat_src)
        if adj.shape != (feat_dst.shape[0], feat_src.shape[0]):
            raise DGLError(f"adj must be (N_dst, N_src) = {(feat_dst.shape[0], feat_src.shape[0])}, "
                           f"got {tuple(adj.shape)}.")
        h = (adj @ feat_src + feat_dst) / (adj.sum(dim=1, keepdim=True) + 1)
        rst = self.fc(h)
        if self.activation is not None:
            rst = self.activation(rst)
        if self._norm is not None:
            rst = self._norm(rst)
        return rst
