"""Graph attention layer of Veličković et al."""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple, Union

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError
from ... import ops
from ..utils import Identity, check_zero_in_degree, expand_as_pair

__all__ = ["GATConv"]


class GATConv(nn.Module):
    r"""Graph attention (`Veličković et al., ICLR 2018 <https://arxiv.org/abs/1710.10903>`__).

    .. math::

        e_{ij}^{k} = \mathrm{LeakyReLU}\big(a_l^{k\top} W^k h_j + a_r^{k\top} W^k h_i\big), \qquad
        \alpha_{ij}^{k} = \mathrm{softmax}_{j \in \mathcal{N}(i)}\, e_{ij}^{k}, \qquad
        h_i'^{k} = \sum_{j \in \mathcal{N}(i)} \alpha_{ij}^{k} W^k h_j

    for each head :math:`k`; an optional edge weight multiplies :math:`\alpha_{ij}` after the
    softmax, an optional residual adds :math:`W_{res} h_i`, then the bias and activation.

    Parameters
    ----------
    in_feats
        input size, or a pair ``(source size, destination size)``.
    out_feats
        output size per head.
    num_heads
        number of attention heads.
    feat_drop
        dropout on the input features (default ``0.``).
    attn_drop
        dropout on the attention weights (default ``0.``).
    negative_slope
        slope of the LeakyReLU (default ``0.2``).
    residual
        add a residual connection (default ``False``).
    activation
        optional callable applied to the output (default ``None``).
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).
    bias
        learn an additive bias (default ``True``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; output :math:`(N_{dst}, H, D_{out})`; with
    ``get_attention=True`` also the attention :math:`(E, H, 1)`.

    Example
    -------
    >>> conv = GATConv(10, 8, num_heads=4)
    >>> out = conv(graphdl.add_self_loop(g), x)   # (N, 4, 8)
    """

    def __init__(
        self,
        in_feats: Union[int, Tuple[int, int]],
        out_feats: int,
        num_heads: int,
        feat_drop: float = 0.0,
        attn_drop: float = 0.0,
        negative_slope: float = 0.2,
        residual: bool = False,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        allow_zero_in_degree: bool = False,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self._num_heads = num_heads
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self._allow_zero_in_degree = allow_zero_in_degree
        if isinstance(in_feats, tuple):
            self.fc_src = nn.Linear(self._in_src_feats, out_feats * num_heads, bias=False)
            self.fc_dst = nn.Linear(self._in_dst_feats, out_feats * num_heads, bias=False)
        else:
            self.fc = nn.Linear(self._in_src_feats, out_feats * num_heads, bias=False)
        self.attn_l = nn.Parameter(torch.empty(1, num_heads, out_feats))
        self.attn_r = nn.Parameter(torch.empty(1, num_heads, out_feats))
        self.feat_drop = nn.Dropout(feat_drop)
        self.attn_drop = nn.Dropout(attn_drop)
        self.leaky_relu = nn.LeakyReLU(negative_slope)
        self.has_linear_res = False
        self.has_explicit_bias = False
        if residual:
            if self._in_dst_feats != out_feats * num_heads:
                self.res_fc = nn.Linear(self._in_dst_feats, num_heads * out_feats, bias=bias)
                self.has_linear_res = True
            else:
                self.res_fc = Identity()
        else:
            self.register_buffer("res_fc", None)
        if bias and not self.has_linear_res:
            self.bias = nn.Parameter(torch.empty(num_heads * out_feats))
            self.has_explicit_bias = True
        else:
            self.register_buffer("bias", None)
        self.reset_parameters()
        self.activation = activation

    def reset_parameters(self) -> None:
        """Xavier-normal weights and attention vectors with the ReLU gain; zero biases."""
        gain = nn.init.calculate_gain("relu")
        if hasattr(self, "fc"):
            nn.init.xavier_normal_(self.fc.weight, gain=gain)
        else:
            nn.init.xavier_normal_(self.fc_src.weight, gain=gain)
            nn.init.xavier_normal_(self.fc_dst.weight, gain=gain)
        nn.init.xavier_normal_(self.attn_l, gain=gain)
        nn.init.xavier_normal_(self.attn_r, gain=gain)
        if self.has_explicit_bias:
            nn.init.zeros_(self.bias)
        if isinstance(self.res_fc, nn.Linear):
            nn.init.xavier_normal_(self.res_fc.weight, gain=gain)
            if self.res_fc.bias is not None:
                nn.init.zeros_(self.res_fc.bias)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(
        self,
        graph: Any,
        feat: Any,
        edge_weight: Optional[torch.Tensor] = None,
        get_attention: bool = False,
    ) -> Any:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            heads, out = self._num_heads, self._out_feats
            if isinstance(feat, tuple):
                h_src = self.feat_drop(feat[0])
                h_dst = self.feat_drop(feat[1])
                if not hasattr(self, "fc_src"):
                    feat_src = self.fc(h_src).view(-1, heads, out)
                    feat_dst = self.fc(h_dst).view(-1, heads, out)
                else:
                    feat_src = self.fc_src(h_src).view(-1, heads, out)
                    feat_dst = self.fc_dst(h_dst).view(-1, heads, out)
            else:
                h_src = h_dst = self.feat_drop(feat)
                feat_src = feat_dst = self.fc(h_src).view(-1, heads, out)
                if graph.is_block:
                    n_dst = graph.num_dst_nodes()
                    feat_dst = feat_src[:n_dst]
                    h_dst = h_dst[:n_dst]
            # Attention logits split into a source part and a destination part, so the
            # per-edge score is a sum of two node scalars per head.
            el = (feat_src * self.attn_l).sum(dim=-1, keepdim=True)
            er = (feat_dst * self.attn_r).sum(dim=-1, keepdim=True)
            graph.srcdata.update({"ft": feat_src, "el": el})
            graph.dstdata["er"] = er
            graph.apply_edges(fn.u_add_v("el", "er", "e"))
            e = self.leaky_relu(graph.edata.pop("e"))
            a = self.attn_drop(ops.edge_softmax(graph, e))
            if edge_weight is not None:
                if edge_weight.shape[0] != graph.num_edges():
                    raise DGLError(
                        f"edge_weight has {edge_weight.shape[0]} entries but the graph has {graph.num_edges()} edges."
                    )
                a = a * edge_weight.reshape(-1, 1, 1)
            graph.edata["a"] = a
            graph.update_all(fn.u_mul_e("ft", "a", "m"), fn.sum("m", "ft"))
            rst = graph.dstdata["ft"]
            if self.res_fc is not None:
                # heads is given, not inferred: view(n, -1, out) is ambiguous when n == 0.
                rst = rst + self.res_fc(h_dst).view(h_dst.shape[0], heads, out)
            if self.has_explicit_bias:
                rst = rst + self.bias.view(1, heads, out)
            if self.activation is not None:
                rst = self.activation(rst)
            if get_attention:
                return rst, graph.edata["a"]
            return rst
