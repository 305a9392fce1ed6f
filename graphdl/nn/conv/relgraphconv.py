"""Relational graph convolution (R-GCN)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError
from ..linear import TypedLinear

__all__ = ["RelGraphConv"]


class RelGraphConv(nn.Module):
    r"""Relational graph convolution (`Schlichtkrull et al., ESWC 2018 <https://arxiv.org/abs/1703.06103>`__).

    .. math::

        h_i' = \sigma\Big(\sum_{r} \sum_{j \in \mathcal{N}^r(i)} c_{ji}\, h_j W_r + h_i W_0 + b\Big)

    on a homogeneous graph whose edges carry a relation id; :math:`c_{ji}` is the optional
    ``norm``. ``regularizer`` chooses how :math:`W_r` is parameterised (see :class:`TypedLinear`).

    Parameters
    ----------
    in_feat
        input size.
    out_feat
        output size.
    num_rels
        number of relations.
    regularizer
        ``None`` (default), ``'basis'`` or ``'bdd'``.
    num_bases
        number of bases or blocks (defaults to ``num_rels`` with a regularizer).
    bias
        learn a bias (default ``True``).
    activation
        optional callable (default ``None``).
    self_loop
        add the self term :math:`h_i W_0` (default ``True``).
    dropout
        dropout on the output (default ``0.``).
    layer_norm
        layer-normalise before the bias (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N_{src}, D_{in})`; ``etypes`` :math:`(E,)`; ``norm`` :math:`(E, 1)`;
    output :math:`(N_{dst}, D_{out})`.

    Example
    -------
    >>> conv = RelGraphConv(8, 4, num_rels=3, regularizer='basis', num_bases=2)
    >>> out = conv(g, x, etypes)
    """

    def __init__(
        self,
        in_feat: int,
        out_feat: int,
        num_rels: int,
        regularizer: Optional[str] = None,
        num_bases: Optional[int] = None,
        bias: bool = True,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        self_loop: bool = True,
        dropout: float = 0.0,
        layer_norm: bool = False,
    ) -> None:
        super().__init__()
        if regularizer is not None and num_bases is None:
            num_bases = num_rels
        self.linear_r = TypedLinear(in_feat, out_feat, num_rels, regularizer, num_bases)
        self.bias = bias
        self.activation = activation
        self.self_loop = self_loop
        self.layer_norm = layer_norm
        if bias:
            self.h_bias = nn.Parameter(torch.zeros(out_feat))
        if layer_norm:
            self.layer_norm_weight = nn.LayerNorm(out_feat, elementwise_affine=True)
        if self_loop:
            self.loop_weight = nn.Parameter(torch.empty(in_feat, out_feat))
        self.dropout = nn.Dropout(dropout)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.linear_r.reset_parameters()
        if self.bias:
            nn.init.zeros_(self.h_bias)
        if self.layer_norm:
            self.layer_norm_weight.reset_parameters()
        if self.self_loop:
            nn.init.xavier_uniform_(self.loop_weight, gain=nn.init.calculate_gain("relu"))

    def forward(
        self,
        g: Any,
        feat: torch.Tensor,
        etypes: Any,
        norm: Optional[torch.Tensor] = None,
        *,
        presorted: bool = False,
    ) -> torch.Tensor:
        with g.local_scope():
            etypes = torch.as_tensor(etypes, device=feat.device)
            if etypes.shape[0] != g.num_edges():
                raise DGLError(f"etypes has {etypes.shape[0]} entries but the graph has {g.num_edges()} edges.")
            src = g.edges()[0].long().to(feat.device)
            msg = self.linear_r(feat[src], etypes, presorted)
            if norm is not None:
                msg = msg * norm.reshape(msg.shape[0], -1)
            g.edata["m"] = msg
            g.update_all(fn.copy_e("m", "m"), fn.sum("m", "h"))
            h = g.dstdata["h"]
            if self.layer_norm:
                h = self.layer_norm_weight(h)
            if self.bias:
                h = h + self.h_bias
            if self.self_loop:
                h = h + feat[: g.num_dst_nodes()] @ self.loop_weight
            if self.activation is not None:
                h = self.activation(h)
            return self.dropout(h)
