"""Simplified graph convolution: K propagation steps then one linear map."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn

from ... import function as fn
from ..utils import as_edge_field, check_zero_in_degree
from .graphconv import EdgeWeightNorm

__all__ = ["SGConv"]


def propagate_sym(graph: Any, feat: torch.Tensor, k: int, edge_weight: Optional[torch.Tensor]) -> torch.Tensor:
    """Apply :math:`(D^{-1/2} A D^{-1/2})^k` (in-degrees on both sides), or the weighted version."""
    if edge_weight is not None:
        w = EdgeWeightNorm("both")(graph, as_edge_field(graph, edge_weight, 1))
        graph.edata["_edge_weight"] = as_edge_field(graph, w, feat.dim())
        for _ in range(k):
            graph.ndata["h"] = feat
            graph.update_all(fn.u_mul_e("h", "_edge_weight", "m"), fn.sum("m", "h"))
            feat = graph.ndata.pop("h")
        return feat
    norm = graph.in_degrees().to(feat.device).float().clamp(min=1).pow(-0.5)
    norm = norm.view((-1,) + (1,) * (feat.dim() - 1))
    for _ in range(k):
        graph.ndata["h"] = feat * norm
        graph.update_all(fn.copy_u("h", "m"), fn.sum("m", "h"))
        feat = graph.ndata.pop("h") * norm
    return feat


class SGConv(nn.Module):
    r"""Simplified graph convolution (`Wu et al., ICML 2019 <https://arxiv.org/abs/1902.07153>`__).

    .. math::

        H = \big(\hat{D}^{-1/2} \hat{A} \hat{D}^{-1/2}\big)^{K} X W + b

    Parameters
    ----------
    in_feats
        input size.
    out_feats
        output size.
    k
        number of hops :math:`K` (default ``1``).
    cached
        keep the propagated features from the first call and reuse them (default
        ``False``; only for transductive training on one fixed graph).
    bias
        learn a bias (default ``True``).
    norm
        optional callable applied to the propagated features before the linear map.
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})`; ``edge_weight`` :math:`(E,)`; output :math:`(N, D_{out})`.

    Example
    -------
    >>> out = SGConv(10, 3, k=2)(graphdl.add_self_loop(g), x)
    """

    def __init__(
        self,
        in_feats: int,
        out_feats: int,
        k: int = 1,
        cached: bool = False,
        bias: bool = True,
        norm: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        allow_zero_in_degree: bool = False,
    ) -> None:
        super().__init__()
        self.fc = nn.Linear(in_feats, out_feats, bias=bias)
        self._cached = cached
        self._cached_h: Optional[torch.Tensor] = None
        self._k = k
        self.norm = norm
        self._allow_zero_in_degree = allow_zero_in_degree
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform weight, zero bias."""
        nn.init.xavier_uniform_(self.fc.weight)
        if self.fc.bias is not None:
            nn.init.zeros_(self.fc.bias)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, graph: Any, feat: torch.Tensor, edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            if self._cached_h is not None:
                feat = self._cached_h
            else:
                feat = propagate_sym(graph, feat, self._k, edge_weight)
                if self.norm is not None:
                    feat = self.norm(feat)
                if self._cached:
                    self._cached_h = feat
            return self.fc(feat)
