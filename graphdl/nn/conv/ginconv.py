"""Graph isomorphism network layer."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError
from ..utils import as_edge_field, expand_as_pair

__all__ = ["GINConv"]

# looked up when called, so that importing this module needs no kernels
_REDUCERS = {
    "sum": lambda msg, out: fn.sum(msg, out),
    "max": lambda msg, out: fn.max(msg, out),
    "mean": lambda msg, out: fn.mean(msg, out),
}


class GINConv(nn.Module):
    r"""Graph isomorphism network layer (`Xu et al., ICLR 2019 <https://arxiv.org/abs/1810.00826>`__).

    .. math::

        h_i' = f_\Theta\Big((1 + \epsilon) h_i + \mathrm{aggregate}\big(\{e_{ji} h_j, j \in \mathcal{N}(i)\}\big)\Big)

    Parameters
    ----------
    apply_func
        the network :math:`f_\Theta` (e.g. an MLP), or ``None`` for the identity.
    aggregator_type
        ``'sum'`` (default), ``'max'`` or ``'mean'``.
    init_eps
        initial :math:`\epsilon` (default ``0``).
    learn_eps
        make :math:`\epsilon` a learnable parameter (default ``False``).
    activation
        optional callable applied last (default ``None``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; ``edge_weight`` :math:`(E,)`; output
    :math:`(N_{dst}, D_{out})` where :math:`D_{out}` is what ``apply_func`` returns.

    Example
    -------
    >>> conv = GINConv(torch.nn.Linear(10, 4), 'sum')
    >>> out = conv(g, x)
    """

    def __init__(
        self,
        apply_func: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        aggregator_type: str = "sum",
        init_eps: float = 0,
        learn_eps: bool = False,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
    ) -> None:
        super().__init__()
        if aggregator_type not in _REDUCERS:
            raise DGLError(f"Invalid aggregator_type {aggregator_type!r}; must be one of {list(_REDUCERS)}.")
        self.apply_func = apply_func
        self._aggregator_type = aggregator_type
        self.activation = activation
        if learn_eps:
            self.eps = nn.Parameter(torch.tensor([float(init_eps)]))
        else:
            self.register_buffer("eps", torch.tensor([float(init_eps)]))

    def reset_parameters(self) -> None:
        if isinstance(self.apply_func, nn.Module) and hasattr(self.apply_func, "reset_parameters"):
            self.apply_func.reset_parameters()

    def forward(self, graph: Any, feat: Any, edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        with graph.local_scope():
            feat_src, feat_dst = expand_as_pair(feat, graph)
            message = fn.copy_u("h", "m")
            if edge_weight is not None:
                graph.edata["_edge_weight"] = as_edge_field(graph, edge_weight, feat_src.dim())
                message = fn.u_mul_e("h", "_edge_weight", "m")
            graph.srcdata["h"] = feat_src
            graph.update_all(message, _REDUCERS[self._aggregator_type]("m", "neigh"))
            rst = (1 + self.eps) * feat_dst + graph.dstdata["neigh"]
            if self.apply_func is not None:
                rst = self.apply_func(rst)
            if self.activation is not None:
                rst = self.activation(rst)
            return rst
