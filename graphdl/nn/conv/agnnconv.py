"""Attention-based graph neural network layer (AGNN)."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from ... import function as fn
from ... import ops
from ..utils import check_zero_in_degree, expand_as_pair

__all__ = ["AGNNConv"]


class AGNNConv(nn.Module):
    r"""Attention by cosine similarity (`Thekumparampil et al. 2018 <https://arxiv.org/abs/1803.03735>`__).

    .. math::

        P_{ij} = \mathrm{softmax}_{j \in \mathcal{N}(i)}\big(\beta \cos(h_i, h_j)\big), \qquad
        h_i' = \sum_{j \in \mathcal{N}(i)} P_{ij} h_j

    Parameters
    ----------
    init_beta
        initial :math:`\beta` (default ``1.``).
    learn_beta
        learn :math:`\beta` (default ``True``).
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N, *)` or a pair; output :math:`(N_{dst}, *)`.

    Example
    -------
    >>> out = AGNNConv()(graphdl.add_self_loop(g), x)
    """

    def __init__(self, init_beta: float = 1.0, learn_beta: bool = True, allow_zero_in_degree: bool = False) -> None:
        super().__init__()
        self._allow_zero_in_degree = allow_zero_in_degree
        if learn_beta:
            self.beta = nn.Parameter(torch.tensor([float(init_beta)]))
        else:
            self.register_buffer("beta", torch.tensor([float(init_beta)]))

    def reset_parameters(self) -> None:
        """Nothing to reset: :math:`\\beta` keeps its value."""

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, graph: Any, feat: Any) -> torch.Tensor:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            feat_src, feat_dst = expand_as_pair(feat, graph)
            graph.srcdata["h"] = feat_src
            graph.srcdata["norm_h"] = F.normalize(feat_src, p=2, dim=-1)
            graph.dstdata["norm_h"] = F.normalize(feat_dst, p=2, dim=-1)
            graph.apply_edges(fn.u_dot_v("norm_h", "norm_h", "cos"))
            score = self.beta * graph.edata.pop("cos")
            graph.edata["p"] = ops.edge_softmax(graph, score)
            graph.update_all(fn.u_mul_e("h", "p", "m"), fn.sum("m", "h"))
            return graph.dstdata.pop("h")
