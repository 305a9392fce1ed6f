"""Topology adaptive graph convolution."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn

from .sgconv import propagate_sym

__all__ = ["TAGConv"]


class TAGConv(nn.Module):
    r"""Topology adaptive graph convolution (`Du et al. 2017 <https://arxiv.org/abs/1710.10370>`__).

    .. math::

        H = \sum_{k=0}^{K} \big(D^{-1/2} A D^{-1/2}\big)^{k} X W_k + b

    computed as one linear map of the concatenation :math:`[X, \hat{A}X, \ldots, \hat{A}^K X]`.

    Parameters
    ----------
    in_feats
        input size.
    out_feats
        output size.
    k
        number of hops :math:`K` (default ``2``).
    bias
        learn a bias (default ``True``).
    activation
        optional callable on the output (default ``None``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})`; ``edge_weight`` :math:`(E,)`; output :math:`(N, D_{out})`.

    Example
    -------
    >>> out = TAGConv(10, 4, k=2)(g, x)
    """

    def __init__(
        self,
        in_feats: int,
        out_feats: int,
        k: int = 2,
        bias: bool = True,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
    ) -> None:
        super().__init__()
        self._in_feats = in_feats
        self._out_feats = out_feats
        self._k = k
        self._activation = activation
        self.lin = nn.Linear(in_feats * (k + 1), out_feats, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-normal weight with the ReLU gain; zero bias."""
        nn.init.xavier_normal_(self.lin.weight, gain=nn.init.calculate_gain("relu"))
        if self.lin.bias is not None:
            nn.init.zeros_(self.lin.bias)

    def forward(self, graph: Any, feat: torch.Tensor, edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        with graph.local_scope():
            hops = [feat]
            for _ in range(self._k):
                hops.append(propagate_sym(graph, hops[-1], 1, edge_weight))
            rst = self.lin(torch.cat(hops, dim=-1))
            if self._activation is not None:
                rst = self._activation(rst)
            return rst
