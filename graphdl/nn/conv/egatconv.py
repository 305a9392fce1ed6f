"""Graph attention that also updates edge features (EGAT)."""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ... import function as fn
from ... import ops
from ..utils import check_zero_in_degree, expand_as_pair

__all__ = ["EGATConv"]


class EGATConv(nn.Module):
    r"""Graph attention with edge features (`Kamiński et al. 2021 <https://doi.org/10.1101/2021.01.03.425122>`__).

    .. math::

        f_{ij}' = \mathrm{LeakyReLU}\big(A [h_i \Vert f_{ij} \Vert h_j] + b\big), \qquad
        \alpha_{ij} = \mathrm{softmax}_{i \in \mathcal{N}(j)}\big(a^\top f_{ij}'\big), \qquad
        h_j' = \sum_{i \in \mathcal{N}(j)} \alpha_{ij} W h_i

    per head, where :math:`A` is split into three maps (``fc_ni`` on the source, ``fc_fij`` on the
    edge, ``fc_nj`` on the destination). Returns the new node and edge features.

    Parameters
    ----------
    in_node_feats
        node input size, or a pair.
    in_edge_feats
        edge input size.
    out_node_feats
        node output size per head.
    out_edge_feats
        edge output size per head.
    num_heads
        number of heads.
    bias
        learn the bias :math:`b` (default ``True``).

    Shapes
    ------
    output nodes :math:`(N_{dst}, H, D_{node})`, edges :math:`(E, H, D_{edge})`, and the
    attention :math:`(E, H, 1)` with ``get_attention=True``.

    Example
    -------
    >>> h, f = EGATConv(4, 3, 6, 5, num_heads=2)(g, nfeat, efeat)
    """

    def __init__(
        self,
        in_node_feats: Union[int, Tuple[int, int]],
        in_edge_feats: int,
        out_node_feats: int,
        out_edge_feats: int,
        num_heads: int,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self._num_heads = num_heads
        self._in_src_node_feats, self._in_dst_node_feats = expand_as_pair(in_node_feats)
        self._out_node_feats = out_node_feats
        self._out_edge_feats = out_edge_feats
        self.fc_node_src = nn.Linear(self._in_src_node_feats, out_node_feats * num_heads, bias=False)
        self.fc_ni = nn.Linear(self._in_src_node_feats, out_edge_feats * num_heads, bias=False)
        self.fc_nj = nn.Linear(self._in_dst_node_feats, out_edge_feats * num_heads, bias=False)
        self.fc_fij = nn.Linear(in_edge_feats, out_edge_feats * num_heads, bias=False)
        self.attn = nn.Parameter(torch.empty(1, num_heads, out_edge_feats))
        if bias:
            self.bias = nn.Parameter(torch.empty(num_heads * out_edge_feats))
        else:
            self.register_buffer("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        gain = nn.init.calculate_gain("relu")
        for lin in (self.fc_node_src, self.fc_ni, self.fc_fij, self.fc_nj):
            nn.init.xavier_normal_(lin.weight, gain=gain)
        nn.init.xavier_normal_(self.attn, gain=gain)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(
        self,
        graph: Any,
        nfeats: Any,
        efeats: torch.Tensor,
        edge_weight: Optional[torch.Tensor] = None,
        get_attention: bool = False,
    ) -> Any:
        with graph.local_scope():
            check_zero_in_degree(graph, False)
            nfeats_src, nfeats_dst = expand_as_pair(nfeats, graph)
            graph.srcdata["f_ni"] = self.fc_ni(nfeats_src)
            graph.dstdata["f_nj"] = self.fc_nj(nfeats_dst)
            graph.apply_edges(fn.u_add_v("f_ni", "f_nj", "f_tmp"))
            f_out = graph.edata.pop("f_tmp") + self.fc_fij(efeats)
            if self.bias is not None:
                f_out = f_out + self.bias
            f_out = F.leaky_relu(f_out).view(-1, self._num_heads, self._out_edge_feats)
            score = (f_out * self.attn).sum(dim=-1, keepdim=True)
            a = ops.edge_softmax(graph, score)
            if edge_weight is not None:
                a = a * edge_weight.reshape(-1, 1, 1)
            graph.edata["a"] = a
            graph.srcdata["h_out"] = self.fc_node_src(nfeats_src).view(-1, self._num_heads, self._out_node_feats)
            graph.update_all(fn.u_mul_e("h_out", "a", "m"), fn.sum("m", "h_out"))
            h_out = graph.dstdata["h_out"].view(-1, self._num_heads, self._out_node_feats)
            if get_attention:
                return h_out, f_out, a
            return h_out, f_out
