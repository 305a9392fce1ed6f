"""E(n)-equivariant graph convolution: node features and coordinates updated together."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError

__all__ = ["EGNNConv"]


class EGNNConv(nn.Module):
    r"""E(n) equivariant graph layer (`Satorras et al., ICML 2021 <https://arxiv.org/abs/2102.09844>`__).

    .. math::

        m_{ij} = \phi_e\big(h_i, h_j, \lVert x_i - x_j \rVert^2, a_{ij}\big), \qquad
        x_i' = x_i + \frac{1}{|\mathcal{N}(i)|} \sum_{j \in \mathcal{N}(i)}
        \frac{x_j - x_i}{\lVert x_j - x_i \rVert + 10^{-30}}\, \phi_x(m_{ij})

    .. math::

        h_i' = \phi_h\Big(h_i, \sum_{j \in \mathcal{N}(i)} m_{ij}\Big)

    where :math:`j \to i` are the edges (so the difference is source minus destination) and the
    :math:`\phi` are SiLU MLPs.

    Parameters
    ----------
    in_size : int
        Node feature size.
    hidden_size : int
        Hidden size of the MLPs.
    out_size : int
        Output node feature size.
    edge_feat_size : int
        Edge feature size, ``0`` for none (default ``0``).

    Shapes
    ------
    ``node_feat`` :math:`(N, D_{in})`; ``coord_feat`` :math:`(N, 3)` (any dimension);
    ``edge_feat`` :math:`(E, D_e)`; outputs :math:`(N, D_{out})` and :math:`(N, 3)`.

    Examples
    --------
    >>> h, x = EGNNConv(10, 16, 10)(g, h, x)
    """

    def __init__(self, in_size: int, hidden_size: int, out_size: int, edge_feat_size: int = 0) -> None:
        super().__init__()
        self.in_size = in_size
        self.hidden_size = hidden_size
        self.out_size = out_size
        self.edge_feat_size = edge_feat_size
        act = nn.SiLU()
        self.edge_mlp = nn.Sequential(
            nn.Linear(in_size * 2 + edge_feat_size + 1, hidden_size), act, nn.Linear(hidden_size, hidden_size), act)
        self.node_mlp = nn.Sequential(nn.Linear(in_size + hidden_size, hidden_size), act, nn.Linear(hidden_size, out_size))
        self.coord_mlp = nn.Sequential(nn.Linear(hidden_size, hidden_size), act, nn.Linear(hidden_size, 1, bias=False))

    def forward(self, graph: Any, node_feat: torch.Tensor, coord_feat: torch.Tensor,
                edge_feat: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        if self.edge_feat_size > 0 and edge_feat is None:
            raise DGLError(f"This EGNNConv was built with edge_feat_size={self.edge_feat_size}: pass edge_feat.")
        with graph.local_scope():
            graph.ndata["x"] = coord_feat
            graph.apply_edges(fn.u_sub_v("x", "x", "d"))
            diff = graph.edata.pop("d")
            radial = diff.square().sum(dim=1, keepdim=True)
            direction = diff / (radial.sqrt() + 1e-30)
            src, dst = graph.edges()
            parts = [node_feat[src.long()], node_feat[dst.long()], radial]
            if self.edge_feat_size > 0:
                parts.append(edge_feat)
            msg_h = self.edge_mlp(torch.cat(parts, dim=-1))
            graph.edata["mx"] = self.coord_mlp(msg_h) * direction
            graph.edata["mh"] = msg_h
            graph.update_all(fn.copy_e("mx", "m"), fn.mean("m", "x_neigh"))
            graph.update_all(fn.copy_e("mh", "m"), fn.sum("m", "h_neigh"))
            h = self.node_mlp(torch.cat([node_feat, graph.ndata["h_neigh"]], dim=-1))
            return h, coord_feat + graph.ndata["x_neigh"]
