"""GCNII: graph convolution with initial residual and identity mapping."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import torch
from torch import nn

from ..utils import check_zero_in_degree
from .sgconv import propagate_sym

__all__ = ["GCN2Conv"]


class GCN2Conv(nn.Module):
    r"""GCNII layer (`Chen et al., ICML 2020 <https://arxiv.org/abs/2007.02133>`__).

    .. math::

        H' = \sigma\Big(\big((1-\alpha)\hat{P} H + \alpha H^{(0)}\big)
             \big((1-\beta) I + \beta W\big)\Big), \qquad \beta = \log(\lambda / l + 1)

    with :math:`\hat{P} = D^{-1/2} A D^{-1/2}`. Without ``project_initial_features`` the
    initial term gets its own matrix :math:`W_2`.

    Parameters
    ----------
    in_feats
        feature size (input and output).
    layer
        the layer index :math:`l` (from 1).
    alpha
        weight of the initial features (default ``0.1``).
    lambda_
        :math:`\lambda` (default ``1``).
    project_initial_features
        share :math:`W` between both terms (default ``True``).
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).
    bias
        learn a bias (default ``True``).
    activation
        optional callable on the output (default ``None``).

    Shapes
    ------
    ``feat`` and ``feat_0`` :math:`(N, D)`; output :math:`(N, D)`.

    Example
    -------
    >>> out = GCN2Conv(16, layer=1)(graphdl.add_self_loop(g), h, h0)
    """

    def __init__(
        self,
        in_feats: int,
        layer: int,
        alpha: float = 0.1,
        lambda_: float = 1,
        project_initial_features: bool = True,
        allow_zero_in_degree: bool = False,
        bias: bool = True,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
    ) -> None:
        super().__init__()
        self._in_feats = in_feats
        self._project_initial_features = project_initial_features
        self.alpha = alpha
        self.beta = math.log(lambda_ / layer + 1)
        self._bias = bias
        self._activation = activation
        self._allow_zero_in_degree = allow_zero_in_degree
        self.weight1 = nn.Parameter(torch.empty(in_feats, in_feats))
        if project_initial_features:
            self.register_parameter("weight2", None)
        else:
            self.weight2 = nn.Parameter(torch.empty(in_feats, in_feats))
        if bias:
            self.bias = nn.Parameter(torch.empty(in_feats))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        """``in=..., alpha=..., beta=...`` (with the bias and activation when set), as DGL prints it."""
        text = f"in={self._in_feats}, alpha={self.alpha}, beta={self.beta}"
        if not self._bias:
            text += ", bias=False"
        if self._activation is not None:
            text += f", activation={self._activation}"
        return text

    def reset_parameters(self) -> None:
        nn.init.normal_(self.weight1)
        if self.weight2 is not None:
            nn.init.normal_(self.weight2)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(
        self, graph: Any, feat: torch.Tensor, feat_0: torch.Tensor, edge_weight: Optional[torch.Tensor] = None
    ) -> torch.Tensor:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            h = propagate_sym(graph, feat, 1, edge_weight) * (1 - self.alpha)
            h0 = feat_0[: h.shape[0]] * self.alpha
            if self._project_initial_features:
                rst = h + h0
                rst = torch.addmm(rst, rst, self.weight1, beta=1 - self.beta, alpha=self.beta)
            else:
                rst = torch.addmm(h, h, self.weight1, beta=1 - self.beta, alpha=self.beta)
                rst = rst + torch.addmm(h0, h0, self.weight2, beta=1 - self.beta, alpha=self.beta)
            if self.bias is not None:
                rst = rst + self.bias
            if self._activation is not None:
                rst = self._activation(rst)
            return rst
