"""APPNP: propagation of predictions by personalised PageRank."""
from __future__ import annotations

from typing import Any, Optional

import torch
from torch import nn

from ... import function as fn
from ..utils import as_edge_field
from .graphconv import EdgeWeightNorm

__all__ = ["APPNPConv"]


class APPNPConv(nn.Module):
    r"""Approximate personalised PageRank propagation (`Klicpera et al., ICLR 2019 <https://arxiv.org/abs/1810.05997>`__).

    .. math::

        H^{0} = X, \qquad
        H^{l+1} = (1 - \alpha) \hat{D}^{-1/2} \hat{A} \hat{D}^{-1/2} H^{l} + \alpha H^{0}

    repeated ``k`` times. With an ``edge_weight`` the adjacency is weighted and normalised by
    :class:`EdgeWeightNorm` (``norm='both'``) instead of by degree.

    Parameters
    ----------
    k
        number of propagation steps.
    alpha
        teleport probability :math:`\alpha`.
    edge_drop
        dropout on the edges at each step (default ``0.``).

    Shapes
    ------
    ``feat`` :math:`(N, *)`; ``edge_weight`` :math:`(E,)`; output :math:`(N_{dst}, *)`.

    Example
    -------
    >>> out = APPNPConv(k=10, alpha=0.1)(g, logits)
    """

    def __init__(self, k: int, alpha: float, edge_drop: float = 0.0) -> None:
        super().__init__()
        self._k = k
        self._alpha = alpha
        self.edge_drop = nn.Dropout(edge_drop)

    def reset_parameters(self) -> None:
        """No learnable parameters."""

    def forward(self, graph: Any, feat: torch.Tensor, edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        with graph.local_scope():
            if edge_weight is None:
                src_norm = graph.out_degrees().to(feat.device).float().clamp(min=1).pow(-0.5)
                dst_norm = graph.in_degrees().to(feat.device).float().clamp(min=1).pow(-0.5)
                src_norm = src_norm.view((-1,) + (1,) * (feat.dim() - 1))
                dst_norm = dst_norm.view((-1,) + (1,) * (feat.dim() - 1))
                weights = torch.ones((graph.num_edges(),) + (1,) * (feat.dim() - 1), device=feat.device, dtype=feat.dtype)
            else:
                weights = EdgeWeightNorm("both")(graph, as_edge_field(graph, edge_weight, 1))
                weights = as_edge_field(graph, weights, feat.dim())
            feat_0 = feat[: graph.num_dst_nodes()]
            use_drop = self.training and self.edge_drop.p > 0
            for _ in range(self._k):
                if edge_weight is None:
                    feat = feat * src_norm
                graph.srcdata["h"] = feat
                if edge_weight is None and not use_drop:
                    graph.update_all(fn.copy_u("h", "m"), fn.sum("m", "h"))
                else:
                    graph.edata["w"] = self.edge_drop(weights)
                    graph.update_all(fn.u_mul_e("h", "w", "m"), fn.sum("m", "h"))
                feat = graph.dstdata.pop("h")
                if edge_weight is None:
                    feat = feat * dst_norm
                feat = (1 - self._alpha) * feat + self._alpha * feat_0
            return feat
