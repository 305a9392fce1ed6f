"""Gated graph convolution with edge features (residual gated graph ConvNets)."""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from ... import function as fn

__all__ = ["GatedGCNConv"]


class GatedGCNConv(nn.Module):
    r"""Gated GCN (`Bresson and Laurent, 2017 <https://arxiv.org/abs/1711.07553>`__, as in
    `Dwivedi et al., 2020 <https://arxiv.org/abs/2003.00982>`__).

    .. math::

        \hat e_{ij} = D h_i + E h_j + C e_{ij}, \qquad \sigma_{ij} = \operatorname{sigmoid}(\hat e_{ij}),
        \qquad \hat h_i = A h_i + \frac{\sum_{j \to i} \sigma_{ij} \odot B h_j}{\sum_{j \to i} \sigma_{ij} + 10^{-6}}

    then, on both :math:`\hat h` and :math:`\hat e`: batch norm (``batch_norm``), the
    activation, the residual input (``residual``, only when all sizes agree) and dropout. Here
    :math:`i` is the source and :math:`j` the destination of each edge in :math:`\hat e`.

    Parameters
    ----------
    input_feats : int
        Node feature size.
    edge_feats : int
        Edge feature size.
    output_feats : int
        Output size (nodes and edges).
    dropout : float
        Dropout on the outputs (default ``0``).
    batch_norm : bool
        Batch-normalise the outputs (default ``True``).
    residual : bool
        Add the inputs to the outputs when the sizes agree (default ``True``).
    activation : callable
        Default ``F.relu``.

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})`; ``edge_feat`` :math:`(E, D_e)`; outputs :math:`(N, D_{out})`
    and :math:`(E, D_{out})`.

    Examples
    --------
    >>> h, e = GatedGCNConv(10, 10, 10)(g, h, e)
    """

    def __init__(self, input_feats: int, edge_feats: int, output_feats: int, dropout: float = 0.0,
                 batch_norm: bool = True, residual: bool = True,
                 activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = F.relu) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.batch_norm = batch_norm
        self.residual = residual and input_feats == output_feats and edge_feats == output_feats
        self.A = nn.Linear(input_feats, output_feats)
        self.B = nn.Linear(input_feats, output_feats)
        self.D = nn.Linear(input_feats, output_feats)
        self.E = nn.Linear(input_feats, output_feats)
        self.C = nn.Linear(edge_feats, output_feats)
        self.bn_node = nn.BatchNorm1d(output_feats)
        self.bn_edge = nn.BatchNorm1d(output_feats)
        self.activation = activation

    def forward(self, graph: Any, feat: torch.Tensor, edge_feat: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        with graph.local_scope():
            graph.ndata.update({"Bh": self.B(feat), "Dh": self.D(feat), "Eh": self.E(feat)})
            graph.apply_edges(fn.u_add_v("Dh", "Eh", "DEh"))
            e = graph.edata.pop("DEh") + self.C(edge_feat)
            graph.edata["sigma"] = torch.sigmoid(e)
            graph.update_all(fn.u_mul_e("Bh", "sigma", "m"), fn.sum("m", "sum_sigma_h"))
            graph.update_all(fn.copy_e("sigma", "m"), fn.sum("m", "sum_sigma"))
            h = self.A(feat) + graph.ndata["sum_sigma_h"] / (graph.ndata["sum_sigma"] + 1e-6)
            if self.batch_norm:
                h, e = self.bn_node(h), self.bn_edge(e)
            if self.activation is not None:
                h, e = self.activation(h), self.activation(e)
            if self.residual:
                h, e = feat + h, edge_feat + e
            return self.dropout(h), self.dropout(e)
