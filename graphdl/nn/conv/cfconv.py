"""Continuous-filter convolution of SchNet."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError

__all__ = ["CFConv", "ShiftedSoftplus"]


class ShiftedSoftplus(nn.Module):
    r""":math:`\operatorname{ssp}(x) = \frac{1}{\beta}\log(1 + e^{\beta x}) - \log(\text{shift})`.

    Parameters
    ----------
    beta : float
        Softplus :math:`\beta` (default ``1``).
    shift : float
        Subtracted as :math:`\log(\text{shift})` (default ``2``, so that ``ssp(0) = 0``).
    threshold : float
        Softplus linear threshold (default ``20``).
    """

    def __init__(self, beta: float = 1, shift: float = 2, threshold: float = 20) -> None:
        super().__init__()
        self.shift = shift
        self.softplus = nn.Softplus(beta=beta, threshold=threshold)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.softplus(inputs) - math.log(float(self.shift))


class CFConv(nn.Module):
    r"""SchNet's continuous-filter convolution (`Schütt et al., NeurIPS 2017
    <https://arxiv.org/abs/1706.08566>`__).

    .. math::

        h_i' = \operatorname{ssp}\Big(W_{out} \sum_{j \in \mathcal{N}(i)} (W_{node} h_j + b_{node})
        \odot \operatorname{ssp}\big(W_2\,\operatorname{ssp}(W_1 e_{ji} + b_1) + b_2\big) + b_{out}\Big)

    with :math:`\operatorname{ssp}` the shifted softplus :math:`\log(1 + e^x) - \log 2`.

    Parameters
    ----------
    node_in_feats : int
        Node feature size.
    edge_in_feats : int
        Edge feature size (e.g. an expansion of distances in radial basis functions).
    hidden_feats : int
        Size of the filters.
    out_feats : int
        Output size.

    Shapes
    ------
    ``node_feats`` :math:`(N_{src}, D)` or a pair (only the source part is used);
    ``edge_feats`` :math:`(E, D_e)`; output :math:`(N_{dst}, D_{out})`.

    Examples
    --------
    >>> out = CFConv(2, 3, 8, 4)(g, x, rbf)
    """

    def __init__(self, node_in_feats: int, edge_in_feats: int, hidden_feats: int, out_feats: int) -> None:
        super().__init__()
        self.project_edge = nn.Sequential(
            nn.Linear(edge_in_feats, hidden_feats), ShiftedSoftplus(),
            nn.Linear(hidden_feats, hidden_feats), ShiftedSoftplus(),
        )
        self.project_node = nn.Linear(node_in_feats, hidden_feats)
        self.project_out = nn.Sequential(nn.Linear(hidden_feats, out_feats), ShiftedSoftplus())

    def forward(self, g: Any, node_feats: Any, edge_feats: torch.Tensor) -> torch.Tensor:
        src_feats = node_feats[0] if isinstance(node_feats, tuple) else node_feats
        if edge_feats.shape[0] != g.num_edges():
            raise DGLError(f"edge_feats has {edge_feats.shape[0]} rows but the graph has {g.num_edges()} edges.")
        with g.local_scope():
            g.srcdata["hv"] = self.project_node(src_feats)
            g.edata["he"] = self.project_edge(edge_feats)
            g.update_all(fn.u_mul_e("hv", "he", "m"), fn.sum("m", "h"))
            return self.project_out(g.dstdata["h"])
