"""EdgeConv of dynamic graph CNNs."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ... import function as fn
from ..utils import check_zero_in_degree, expand_as_pair

__all__ = ["EdgeConv"]


class EdgeConv(nn.Module):
    r"""EdgeConv (`Wang et al., "Dynamic Graph CNN", 2019 <https://arxiv.org/abs/1801.07829>`__).

    .. math::

        h_i' = \max_{j \in \mathcal{N}(i)} \big(\Theta (h_i - h_j) + \Phi h_i\big)

    where :math:`j` runs over the sources of the in-edges of :math:`i`. With ``batch_norm`` the
    per-edge values are batch-normalised before the max.

    Parameters
    ----------
    in_feat
        input size.
    out_feat
        output size.
    batch_norm
        batch-normalise the edge values (default ``False``).
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; output :math:`(N_{dst}, D_{out})`.

    Example
    -------
    >>> out = EdgeConv(3, 8)(knn_graph, points)
    """

    def __init__(self, in_feat: int, out_feat: int, batch_norm: bool = False, allow_zero_in_degree: bool = False) -> None:
        super().__init__()
        self.batch_norm = batch_norm
        self._allow_zero_in_degree = allow_zero_in_degree
        self.theta = nn.Linear(in_feat, out_feat)
        self.phi = nn.Linear(in_feat, out_feat)
        if batch_norm:
            self.bn = nn.BatchNorm1d(out_feat)

    def reset_parameters(self) -> None:
        self.theta.reset_parameters()
        self.phi.reset_parameters()
        if self.batch_norm:
            self.bn.reset_parameters()

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, g: Any, feat: Any) -> torch.Tensor:
        with g.local_scope():
            check_zero_in_degree(g, self._allow_zero_in_degree)
            h_src, h_dst = expand_as_pair(feat, g)
            g.srcdata["x"] = h_src
            g.dstdata["x"] = h_dst
            g.apply_edges(fn.v_sub_u("x", "x", "theta"))
            g.edata["theta"] = self.theta(g.edata["theta"])
            g.dstdata["phi_x"] = self.phi(h_dst)
            if self.batch_norm:
                g.apply_edges(fn.e_add_v("theta", "phi_x", "e"))
                g.edata["e"] = self.bn(g.edata["e"])
                g.update_all(fn.copy_e("e", "e"), fn.max("e", "x"))
            else:
                g.update_all(fn.e_add_v("theta", "phi_x", "e"), fn.max("e", "x"))
            return g.dstdata["x"]
