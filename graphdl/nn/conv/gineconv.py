"""GIN layer with edge features (GINE)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn
from torch.nn import functional as F

from ... import function as fn
from ...base import DGLError
from ..utils import expand_as_pair

__all__ = ["GINEConv"]


class GINEConv(nn.Module):
    r"""GIN with edge features (`Hu et al., ICLR 2020 <https://arxiv.org/abs/1905.12265>`__).

    .. math::

        h_i' = f_\Theta\Big((1 + \epsilon) h_i + \sum_{j \in \mathcal{N}(i)} \mathrm{ReLU}(h_j + e_{ji})\Big)

    Parameters
    ----------
    apply_func
        the network :math:`f_\Theta`, or ``None`` for the identity.
    init_eps
        initial :math:`\epsilon` (default ``0``).
    learn_eps
        learn :math:`\epsilon` (default ``False``).

    Shapes
    ------
    ``node_feat`` :math:`(N, D)` or a pair; ``edge_feat`` :math:`(E, D)`; output
    :math:`(N_{dst}, D_{out})`.

    Example
    -------
    >>> out = GINEConv(torch.nn.Linear(8, 4))(g, x, e)
    """

    def __init__(
        self,
        apply_func: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        init_eps: float = 0,
        learn_eps: bool = False,
    ) -> None:
        super().__init__()
        self.apply_func = apply_func
        if learn_eps:
            self.eps = nn.Parameter(torch.tensor([float(init_eps)]))
        else:
            self.register_buffer("eps", torch.tensor([float(init_eps)]))

    def reset_parameters(self) -> None:
        if isinstance(self.apply_func, nn.Module) and hasattr(self.apply_func, "reset_parameters"):
            self.apply_func.reset_parameters()

    def forward(self, graph: Any, node_feat: Any, edge_feat: torch.Tensor) -> torch.Tensor:
        with graph.local_scope():
            feat_src, feat_dst = expand_as_pair(node_feat, graph)
            if edge_feat.shape[0] != graph.num_edges():
                raise DGLError(f"edge_feat has {edge_feat.shape[0]} rows but the graph has {graph.num_edges()} edges.")
            if edge_feat.shape[-1] != feat_src.shape[-1]:
                raise DGLError(
                    f"GINEConv needs edge features as wide as node features: {edge_feat.shape[-1]} vs {feat_src.shape[-1]}."
                )
            graph.srcdata["hn"] = feat_src
            graph.edata["he"] = edge_feat
            graph.apply_edges(fn.u_add_e("hn", "he", "m"))
            graph.edata["m"] = F.relu(graph.edata["m"])
            graph.update_all(fn.copy_e("m", "m"), fn.sum("m", "neigh"))
            rst = (1 + self.eps) * feat_dst + graph.dstdata["neigh"]
            if self.apply_func is not None:
                rst = self.apply_func(rst)
            return rst
