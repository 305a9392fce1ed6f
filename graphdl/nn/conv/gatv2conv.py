"""GATv2: graph attention with a dynamic (query-dependent) ranking of neighbours."""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple, Union

import torch
from torch import nn

from ... import function as fn
from ... import ops
from ..utils import Identity, check_zero_in_degree, expand_as_pair

__all__ = ["GATv2Conv"]


class GATv2Conv(nn.Module):
    r"""GATv2 (`Brody et al., ICLR 2022 <https://arxiv.org/abs/2105.14491>`__).

    .. math::

        e_{ij}^{k} = a^{k\top} \mathrm{LeakyReLU}\big(W_s^k h_j + W_d^k h_i\big), \qquad
        \alpha_{ij}^{k} = \mathrm{softmax}_{j \in \mathcal{N}(i)}\, e_{ij}^{k}, \qquad
        h_i'^{k} = \sum_{j} \alpha_{ij}^{k} W_s^k h_j

    Unlike GAT the nonlinearity sits between the two linear maps, so the attention ranking can
    depend on the query node.

    Parameters
    ----------
    in_feats
        input size, or a pair ``(source size, destination size)``.
    out_feats
        output size per head.
    num_heads
        number of heads.
    feat_drop
        dropout on the input (default ``0.``).
    attn_drop
        dropout on the attention (default ``0.``).
    negative_slope
        LeakyReLU slope (default ``0.2``).
    residual
        add a residual connection (default ``False``).
    activation
        optional callable on the output (default ``None``).
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).
    bias
        give the linear maps a bias (default ``True``).
    share_weights
        use one matrix for :math:`W_s` and :math:`W_d` (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; output :math:`(N_{dst}, H, D_{out})`; attention
    :math:`(E, H, 1)` when ``get_attention=True``.

    Example
    -------
    >>> out = GATv2Conv(10, 8, num_heads=2)(graphdl.add_self_loop(g), x)
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
        share_weights: bool = False,
    ) -> None:
        super().__init__()
        self._num_heads = num_heads
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self._allow_zero_in_degree = allow_zero_in_degree
        width = out_feats * num_heads
        self.fc_src = nn.Linear(self._in_src_feats, width, bias=bias)
        if isinstance(in_feats, tuple):
            self.fc_dst = nn.Linear(self._in_dst_feats, width, bias=bias)
        elif share_weights:
            self.fc_dst = self.fc_src
        else:
            self.fc_dst = nn.Linear(self._in_src_feats, width, bias=bias)
        self.attn = nn.Parameter(torch.empty(1, num_heads, out_feats))
        self.feat_drop = nn.Dropout(feat_drop)
        self.attn_drop = nn.Dropout(attn_drop)
        self.leaky_relu = nn.LeakyReLU(negative_slope)
        if residual:
            if self._in_dst_feats != width:
                self.res_fc = nn.Linear(self._in_dst_feats, width, bias=bias)
            else:
                self.res_fc = Identity()
        else:
            self.register_buffer("res_fc", None)
        self.activation = activation
        self.share_weights = share_weights
        self.bias = bias
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-normal weights with the ReLU gain; zero biases."""
        gain = nn.init.calculate_gain("relu")
        for lin in {id(self.fc_src): self.fc_src, id(self.fc_dst): self.fc_dst}.values():
            nn.init.xavier_normal_(lin.weight, gain=gain)
            if lin.bias is not None:
                nn.init.zeros_(lin.bias)
        nn.init.xavier_normal_(self.attn, gain=gain)
        if isinstance(self.res_fc, nn.Linear):
            nn.init.xavier_normal_(self.res_fc.weight, gain=gain)
            if self.res_fc.bias is not None:
                nn.init.zeros_(self.res_fc.bias)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, graph: Any, feat: Any, get_attention: bool = False) -> Any:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            shape = (-1, self._num_heads, self._out_feats)
            if isinstance(feat, tuple):
                h_src = self.feat_drop(feat[0])
                h_dst = self.feat_drop(feat[1])
                feat_src = self.fc_src(h_src).view(shape)
                feat_dst = self.fc_dst(h_dst).view(shape)
            else:
                h_src = h_dst = self.feat_drop(feat)
                feat_src = self.fc_src(h_src).view(shape)
                feat_dst = feat_src if self.share_weights else self.fc_dst(h_src).view(shape)
                if graph.is_block:
                    n_dst = graph.num_dst_nodes()
                    feat_dst = feat_dst[:n_dst]
                    h_dst = h_dst[:n_dst]
            graph.srcdata["el"] = feat_src
            graph.dstdata["er"] = feat_dst
            graph.apply_edges(fn.u_add_v("el", "er", "e"))
            e = self.leaky_relu(graph.edata.pop("e"))
            e = (e * self.attn).sum(dim=-1, keepdim=True)
            graph.edata["a"] = self.attn_drop(ops.edge_softmax(graph, e))
            graph.update_all(fn.u_mul_e("el", "a", "m"), fn.sum("m", "ft"))
            rst = graph.dstdata["ft"]
            if self.res_fc is not None:
                # heads is given, not inferred: view(n, -1, out) is ambiguous when n == 0.
                rst = rst + self.res_fc(h_dst).view(h_dst.shape[0], self._num_heads, self._out_feats)
            if self.activation is not None:
                rst = self.activation(rst)
            if get_attention:
                return rst, graph.edata["a"]
            return rst
