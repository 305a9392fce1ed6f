"""Graph attention whose scores and messages both see edge features."""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple, Union

import torch
from torch import nn

from ... import function as fn
from ... import ops
from ...base import DGLError
from ..utils import check_zero_in_degree, expand_as_pair

__all__ = ["EdgeGATConv"]


class EdgeGATConv(nn.Module):
    r"""GAT with edge features (`Veličković et al., ICLR 2018 <https://arxiv.org/abs/1710.10903>`__,
    with the edge terms of `Chen and Chen, 2021 <https://arxiv.org/abs/2112.11085>`__).

    Per head, with :math:`W` the node projection and :math:`W_e` the edge projection:

    .. math::

        e_{ij} = \operatorname{LeakyReLU}\big(a_l^\top W h_j + a_r^\top W h_i + a_e^\top W_e f_{ij}\big),
        \quad \alpha_{ij} = \operatorname{softmax}_{j \in \mathcal{N}(i)} e_{ij}

    .. math::

        h_i' = \sigma\Big(\sum_{j \in \mathcal{N}(i)} \alpha_{ij} \big(W h_j + W_e f_{ij}\big)
        + W_{res} h_i + b\Big)

    Parameters
    ----------
    in_feats : int or (int, int)
        Input size, or (source, destination) sizes for a bipartite graph.
    edge_feats : int
        Edge feature size.
    out_feats : int
        Output size per head.
    num_heads : int
        Number of heads.
    feat_drop, attn_drop : float
        Dropout on the input features and on the attention weights (default ``0``).
    negative_slope : float
        LeakyReLU slope (default ``0.2``).
    residual : bool
        Add a linear projection of the destination input (default ``True``).
    activation : callable, optional
        Applied to the output.
    allow_zero_in_degree : bool
        Skip the check for destination nodes without in-edges (default ``False``).
    bias : bool
        Learnable bias (default ``True``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; ``edge_feat`` :math:`(E, D_e)`; output
    :math:`(N_{dst}, H, D_{out})`; with ``get_attention=True`` also :math:`\alpha` of shape
    :math:`(E, H, 1)`.

    Examples
    --------
    >>> conv = EdgeGATConv(10, 3, 4, num_heads=2)
    >>> out = conv(g, x, efeat)
    """

    def __init__(self, in_feats: Union[int, Tuple[int, int]], edge_feats: int, out_feats: int, num_heads: int,
                 feat_drop: float = 0.0, attn_drop: float = 0.0, negative_slope: float = 0.2,
                 residual: bool = True, activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
                 allow_zero_in_degree: bool = False, bias: bool = True) -> None:
        super().__init__()
        self._num_heads = num_heads
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self._edge_feats = edge_feats
        self._allow_zero_in_degree = allow_zero_in_degree
        width = out_feats * num_heads
        if isinstance(in_feats, tuple):
            self.fc_src = nn.Linear(self._in_src_feats, width, bias=False)
            self.fc_dst = nn.Linear(self._in_dst_feats, width, bias=False)
        else:
            self.fc = nn.Linear(self._in_src_feats, width, bias=False)
        self.attn_l = nn.Parameter(torch.empty(1, num_heads, out_feats))
        self.attn_r = nn.Parameter(torch.empty(1, num_heads, out_feats))
        self.feat_drop = nn.Dropout(feat_drop)
        self.attn_drop = nn.Dropout(attn_drop)
        self.leaky_relu = nn.LeakyReLU(negative_slope)
        if bias:
            self.bias = nn.Parameter(torch.empty(width))
        else:
            self.register_buffer("bias", None)
        if residual:
            self.res_fc = nn.Linear(self._in_dst_feats, width, bias=False)
        else:
            self.register_buffer("res_fc", None)
        self.fc_edge = nn.Linear(edge_feats, width, bias=False)
        self.attn_edge = nn.Parameter(torch.empty(1, num_heads, out_feats))
        self.activation = activation
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-normal weights (ReLU gain), zero bias."""
        gain = nn.init.calculate_gain("relu")
        for name in ("fc", "fc_src", "fc_dst", "fc_edge"):
            if hasattr(self, name):
                nn.init.xavier_normal_(getattr(self, name).weight, gain=gain)
        for attn in (self.attn_l, self.attn_r, self.attn_edge):
            nn.init.xavier_normal_(attn, gain=gain)
        if self.bias is not None:
            nn.init.zeros_(self.bias)
        if isinstance(self.res_fc, nn.Linear):
            nn.init.xavier_normal_(self.res_fc.weight, gain=gain)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, graph: Any, feat: Any, edge_feat: torch.Tensor, get_attention: bool = False) -> Any:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            heads, out = self._num_heads, self._out_feats
            if edge_feat.shape[0] != graph.num_edges():
                raise DGLError(f"edge_feat has {edge_feat.shape[0]} rows but the graph has {graph.num_edges()} edges.")
            if isinstance(feat, tuple):
                h_src, h_dst = self.feat_drop(feat[0]), self.feat_drop(feat[1])
                fc_src = getattr(self, "fc_src", None) or self.fc
                fc_dst = getattr(self, "fc_dst", None) or self.fc
                feat_src = fc_src(h_src).view(-1, heads, out)
                feat_dst = fc_dst(h_dst).view(-1, heads, out)
            else:
                h_src = h_dst = self.feat_drop(feat)
                feat_src = feat_dst = self.fc(h_src).view(-1, heads, out)
                if graph.is_block:
                    n_dst = graph.num_dst_nodes()
                    feat_dst, h_dst = feat_src[:n_dst], h_dst[:n_dst]
            feat_edge = self.fc_edge(edge_feat).view(-1, heads, out)
            graph.srcdata.update({"ft": feat_src, "el": (feat_src * self.attn_l).sum(-1, keepdim=True)})
            graph.dstdata["er"] = (feat_dst * self.attn_r).sum(-1, keepdim=True)
            graph.apply_edges(fn.u_add_v("el", "er", "e"))
            e = self.leaky_relu(graph.edata.pop("e") + (feat_edge * self.attn_edge).sum(-1, keepdim=True))
            a = self.attn_drop(ops.edge_softmax(graph, e))
            graph.edata["fe"] = feat_edge
            graph.apply_edges(fn.u_add_e("ft", "fe", "m"))
            graph.edata["m"] = graph.edata["m"] * a
            graph.update_all(fn.copy_e("m", "m"), fn.sum("m", "ft"))
            rst = graph.dstdata["ft"]
            if self.res_fc is not None:
                rst = rst + self.res_fc(h_dst).view(h_dst.shape[0], heads, out)
            if self.bias is not None:
                rst = rst + self.bias.view(1, heads, out)
            if self.activation is not None:
                rst = self.activation(rst)
            if get_attention:
                return rst, a
            return rst
