"""Heterogeneous graph transformer layer."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from ... import function as fn
from ... import ops
from ...base import DGLError
from ..linear import TypedLinear

__all__ = ["HGTConv"]


class HGTConv(nn.Module):
    r"""Heterogeneous graph transformer (`Hu et al., WWW 2020 <https://arxiv.org/abs/2003.01332>`__).

    On a homogeneous graph with node types :math:`\tau(\cdot)` and edge types :math:`\phi(\cdot)`,
    per head :math:`h`:

    .. math::

        a_{ji}^h = \mathrm{softmax}_{j}\Big(\frac{K^h_{\tau(j)}(x_j)\, W^{att}_{\phi,h}\,
            Q^h_{\tau(i)}(x_i)^\top \mu_{\phi,h}}{\sqrt{d}}\Big), \qquad
        m_{ji}^h = V^h_{\tau(j)}(x_j)\, W^{msg}_{\phi,h}

    .. math::

        h_i = \sigma(s_{\tau(i)})\, A_{\tau(i)}\Big(\big\Vert_h \sum_j a_{ji}^h m_{ji}^h\Big)
              + (1 - \sigma(s_{\tau(i)}))\, x_i

    (:math:`x_i` is first projected when its size differs), optionally layer-normalised.

    Parameters
    ----------
    in_size
        input size.
    head_size
        size per head :math:`d`.
    num_heads
        number of heads.
    num_ntypes
        number of node types.
    num_etypes
        number of edge types.
    dropout
        dropout on the aggregated output (default ``0.2``).
    use_norm
        layer-normalise the output (default ``False``).

    Shapes
    ------
    ``x`` :math:`(N, D_{in})`, ``ntype`` :math:`(N,)`, ``etype`` :math:`(E,)`; output
    :math:`(N, H d)`.

    Example
    -------
    >>> out = HGTConv(8, 4, 2, num_ntypes=2, num_etypes=3)(g, x, ntype, etype)
    """

    def __init__(
        self,
        in_size: int,
        head_size: int,
        num_heads: int,
        num_ntypes: int,
        num_etypes: int,
        dropout: float = 0.2,
        use_norm: bool = False,
    ) -> None:
        super().__init__()
        self.in_size = in_size
        self.head_size = head_size
        self.num_heads = num_heads
        self.sqrt_d = math.sqrt(head_size)
        self.use_norm = use_norm
        width = head_size * num_heads
        self.linear_k = TypedLinear(in_size, width, num_ntypes)
        self.linear_q = TypedLinear(in_size, width, num_ntypes)
        self.linear_v = TypedLinear(in_size, width, num_ntypes)
        self.linear_a = TypedLinear(width, width, num_ntypes)
        self.relation_pri = nn.ParameterList([nn.Parameter(torch.ones(num_etypes)) for _ in range(num_heads)])
        self.relation_att = nn.ModuleList([TypedLinear(head_size, head_size, num_etypes) for _ in range(num_heads)])
        self.relation_msg = nn.ModuleList([TypedLinear(head_size, head_size, num_etypes) for _ in range(num_heads)])
        self.skip = nn.Parameter(torch.ones(num_ntypes))
        self.drop = nn.Dropout(dropout)
        if use_norm:
            self.norm = nn.LayerNorm(width)
        if in_size != width:
            self.residual_w = nn.Parameter(torch.empty(in_size, width))
            nn.init.xavier_uniform_(self.residual_w)

    def forward(self, g: Any, x: torch.Tensor, ntype: torch.Tensor, etype: torch.Tensor, *, presorted: bool = False) -> torch.Tensor:
        if etype.shape[0] != g.num_edges():
            raise DGLError(f"etype has {etype.shape[0]} entries but the graph has {g.num_edges()} edges.")
        if ntype.shape[0] != x.shape[0]:
            raise DGLError(f"ntype has {ntype.shape[0]} entries for {x.shape[0]} nodes.")
        with g.local_scope():
            shape = (-1, self.num_heads, self.head_size)
            k = self.linear_k(x, ntype, presorted).view(shape)
            q = self.linear_q(x, ntype, presorted).view(shape)
            v = self.linear_v(x, ntype, presorted).view(shape)
            src, dst = g.edges()
            src, dst = src.long().to(x.device), dst.long().to(x.device)
            etype = etype.to(x.device).long()
            scores, msgs = [], []
            for i in range(self.num_heads):
                kw = self.relation_att[i](k[src, i], etype, presorted)
                scores.append((kw * q[dst, i]).sum(-1) * self.relation_pri[i][etype] / self.sqrt_d)
                msgs.append(self.relation_msg[i](v[src, i], etype, presorted))
            attn = ops.edge_softmax(g, torch.stack(scores, dim=1))
            g.edata["m"] = torch.stack(msgs, dim=1) * attn.unsqueeze(-1)
            g.update_all(fn.copy_e("m", "m"), fn.sum("m", "h"))
            h = g.dstdata["h"].view(-1, self.num_heads * self.head_size)
            h = self.drop(self.linear_a(h, ntype, presorted))
            alpha = torch.sigmoid(self.skip[ntype.long()]).unsqueeze(-1)
            if x.shape != h.shape:
                h = h * alpha + (x @ self.residual_w) * (1 - alpha)
            else:
                h = h * alpha + x * (1 - alpha)
            if self.use_norm:
                h = self.norm(h)
            return h
