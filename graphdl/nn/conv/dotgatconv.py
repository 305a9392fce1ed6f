"""Graph attention with scaled dot-product scores."""
from __future__ import annotations

import math
from typing import Any, Tuple, Union

from torch import nn

from ... import function as fn
from ... import ops
from ..utils import check_zero_in_degree, expand_as_pair

__all__ = ["DotGatConv"]


class DotGatConv(nn.Module):
    r"""Dot-product attention over neighbours (`Vaswani et al. 2017 <https://arxiv.org/abs/1706.03762>`__ style).

    .. math::

        \alpha_{ij}^{k} = \mathrm{softmax}_{j \in \mathcal{N}(i)}
            \frac{(W^k h_i)^\top (W^k h_j)}{\sqrt{d}}, \qquad
        h_i'^{k} = \sum_{j} \alpha_{ij}^{k} W^k h_j

    Parameters
    ----------
    in_feats
        input size, or a pair ``(source size, destination size)``.
    out_feats
        output size per head (:math:`d`).
    num_heads
        number of heads.
    allow_zero_in_degree
        skip the zero in-degree check (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; output :math:`(N_{dst}, H, D_{out})`; attention
    :math:`(E, H, 1)` when ``get_attention=True``.

    Example
    -------
    >>> out = DotGatConv(10, 4, num_heads=2)(graphdl.add_self_loop(g), x)
    """

    def __init__(
        self,
        in_feats: Union[int, Tuple[int, int]],
        out_feats: int,
        num_heads: int,
        allow_zero_in_degree: bool = False,
    ) -> None:
        super().__init__()
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self._allow_zero_in_degree = allow_zero_in_degree
        self._num_heads = num_heads
        if isinstance(in_feats, tuple):
            self.fc_src = nn.Linear(self._in_src_feats, num_heads * out_feats, bias=False)
            self.fc_dst = nn.Linear(self._in_dst_feats, num_heads * out_feats, bias=False)
        else:
            self.fc = nn.Linear(self._in_src_feats, num_heads * out_feats, bias=False)

    def reset_parameters(self) -> None:
        for lin in (getattr(self, n) for n in ("fc", "fc_src", "fc_dst") if hasattr(self, n)):
            lin.reset_parameters()

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(self, graph: Any, feat: Any, get_attention: bool = False) -> Any:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            shape = (-1, self._num_heads, self._out_feats)
            if isinstance(feat, tuple):
                if hasattr(self, "fc_src"):
                    h_src = self.fc_src(feat[0]).view(shape)
                    h_dst = self.fc_dst(feat[1]).view(shape)
                else:
                    h_src = self.fc(feat[0]).view(shape)
                    h_dst = self.fc(feat[1]).view(shape)
            else:
                h_src = h_dst = self.fc(feat).view(shape)
                if graph.is_block:
                    h_dst = h_src[: graph.num_dst_nodes()]
            graph.srcdata["ft"] = h_src
            graph.dstdata["ft"] = h_dst
            graph.apply_edges(fn.u_dot_v("ft", "ft", "a"))
            score = graph.edata.pop("a") / math.sqrt(self._out_feats)
            graph.edata["sa"] = ops.edge_softmax(graph, score)
            graph.update_all(fn.u_mul_e("ft", "sa", "attn"), fn.sum("attn", "agg_u"))
            rst = graph.dstdata["agg_u"]
            if get_attention:
                return rst, graph.edata["sa"]
            return rst
