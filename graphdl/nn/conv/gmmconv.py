"""Gaussian mixture model convolution (MoNet)."""
from __future__ import annotations

from typing import Any, Tuple, Union

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError
from ..utils import add_residual_and_bias, check_zero_in_degree, expand_as_pair

__all__ = ["GMMConv"]

# looked up when called, so that importing this module needs no kernels
_REDUCERS = {
    "sum": lambda msg, out: fn.sum(msg, out),
    "max": lambda msg, out: fn.max(msg, out),
    "mean": lambda msg, out: fn.mean(msg, out),
}


class GMMConv(nn.Module):
    r"""MoNet layer with Gaussian kernels (`Monti et al., CVPR 2017 <https://arxiv.org/abs/1611.08402>`__).

    .. math::

        w_k(u) = \exp\Big(-\tfrac{1}{2} \sum_d \sigma_{k,d}^{-2} (u_d - \mu_{k,d})^2\Big), \qquad
        h_i' = \mathrm{aggregate}_{j \in \mathcal{N}(i)} \sum_{k=1}^{K} w_k(u_{ji}) \, W_k h_j

    with pseudo-coordinates :math:`u_{ji}` per edge, plus an optional residual and bias.

    Parameters
    ----------
    in_feats
        input size, or a pair.
    out_feats
        output size.
    dim
        pseudo-coordinate size.
    n_kernels
        number of kernels :math:`K`.
    aggregator_type
        ``'sum'`` (default), ``'mean'`` or ``'max'``.
    residual
        add a residual connection (default ``False``).
    bias
        learn a bias (default ``True``).
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; ``pseudo`` :math:`(E, dim)`; output :math:`(N_{dst}, D_{out})`.

    Example
    -------
    >>> out = GMMConv(8, 4, dim=2, n_kernels=3)(g, x, pseudo)
    """

    def __init__(
        self,
        in_feats: Union[int, Tuple[int, int]],
        out_feats: int,
        dim: int,
        n_kernels: int,
        aggregator_type: str = "sum",
        residual: bool = False,
        bias: bool = True,
        allow_zero_in_degree: bool = False,
    ) -> None:
        super().__init__()
        if aggregator_type not in _REDUCERS:
            raise DGLError(f"Invalid aggregator_type {aggregator_type!r}; must be one of {list(_REDUCERS)}.")
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self._dim = dim
        self._n_kernels = n_kernels
        self._allow_zero_in_degree = allow_zero_in_degree
        self._aggre_type = aggregator_type
        self.mu = nn.Parameter(torch.empty(n_kernels, dim))
        self.inv_sigma = nn.Parameter(torch.empty(n_kernels, dim))
        self.fc = nn.Linear(self._in_src_feats, n_kernels * out_feats, bias=False)
        add_residual_and_bias(self, self._in_dst_feats, out_feats, residual, bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        gain = nn.init.calculate_gain("relu")
        nn.init.xavier_normal_(self.fc.weight, gain=gain)
        if isinstance(self.res_fc, nn.Linear):
            nn.init.xavier_normal_(self.res_fc.weight, gain=gain)
        nn.init.normal_(self.mu.data, 0, 0.1)
        nn.init.constant_(self.inv_sigma.data, 1)
        if self.bias is not None:
            nn.init.zeros_(self.bias.data)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, graph: Any, feat: Any, pseudo: torch.Tensor) -> torch.Tensor:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            feat_src, feat_dst = expand_as_pair(feat, graph)
            n_edges = graph.num_edges()
            if pseudo.shape[0] != n_edges:
                raise DGLError(f"pseudo has {pseudo.shape[0]} rows but the graph has {n_edges} edges.")
            graph.srcdata["h"] = self.fc(feat_src).view(-1, self._n_kernels, self._out_feats)
            diff = pseudo.view(n_edges, 1, self._dim) - self.mu.view(1, self._n_kernels, self._dim)
            gauss = -0.5 * (diff ** 2 * self.inv_sigma.view(1, self._n_kernels, self._dim) ** 2).sum(-1)
            graph.edata["w"] = torch.exp(gauss).view(n_edges, self._n_kernels, 1)
            graph.update_all(fn.u_mul_e("h", "w", "m"), _REDUCERS[self._aggre_type]("m", "h"))
            rst = graph.dstdata["h"].sum(1)
            if self.res_fc is not None:
                rst = rst + self.res_fc(feat_dst)
            if self.bias is not None:
                rst = rst + self.bias
            return rst
