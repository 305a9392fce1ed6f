"""GraphSAGE layer with mean, gcn, pool and lstm aggregators."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn
from torch.nn import functional as F

from ... import function as fn
from ...base import DGLError
from ...ops.spmm import copy_u_sum_scaled
from ..utils import as_edge_field, expand_as_pair

__all__ = ["SAGEConv"]

_AGGREGATORS = ("mean", "gcn", "pool", "lstm")


class SAGEConv(nn.Module):
    r"""GraphSAGE layer (`Hamilton et al., NeurIPS 2017 <https://arxiv.org/abs/1706.02216>`__).

    .. math::

        h_{\mathcal{N}(i)} = \mathrm{aggregate}\big(\{e_{ji} h_j, j \in \mathcal{N}(i)\}\big), \qquad
        h_i' = \sigma\big(W_{self} h_i + W_{neigh} h_{\mathcal{N}(i)} + b\big)

    ``mean`` averages the neighbours; ``pool`` takes the element-wise max of
    :math:`\mathrm{ReLU}(W_{pool} h_j + b_{pool})`; ``lstm`` runs an LSTM over the neighbours (in
    edge-id order) and keeps its last hidden state; ``gcn`` uses
    :math:`h_i' = \sigma(W_{neigh} \frac{h_i + \sum_j e_{ji} h_j}{d_i + 1} + b)` without a self term.
    :math:`e_{ji}` is the optional edge weight.

    Parameters
    ----------
    in_feats
        input size, or a pair ``(source size, destination size)``.
    out_feats
        output size.
    aggregator_type
        ``'mean'``, ``'gcn'``, ``'pool'`` or ``'lstm'``.
    feat_drop
        dropout rate on the input features (default ``0.``).
    bias
        learn an additive bias (default ``True``).
    norm
        optional callable applied to the output last (default ``None``).
    activation
        optional callable applied to the output (default ``None``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair :math:`((N_{src}, D_{src}), (N_{dst}, D_{dst}))`;
    ``edge_weight`` :math:`(E, 1)` or :math:`(E,)`; output :math:`(N_{dst}, D_{out})`.

    Example
    -------
    >>> conv = SAGEConv(10, 4, 'mean')
    >>> out = conv(g, torch.randn(g.num_nodes(), 10))
    """

    def __init__(
        self,
        in_feats: Any,
        out_feats: int,
        aggregator_type: str,
        feat_drop: float = 0.0,
        bias: bool = True,
        norm: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
    ) -> None:
        super().__init__()
        if aggregator_type not in _AGGREGATORS:
            raise DGLError(f"Invalid aggregator_type {aggregator_type!r}; must be one of {list(_AGGREGATORS)}.")
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self._aggre_type = aggregator_type
        self.norm = norm
        self.feat_drop = nn.Dropout(feat_drop)
        self.activation = activation
        if aggregator_type == "pool":
            self.fc_pool = nn.Linear(self._in_src_feats, self._in_src_feats)
        if aggregator_type == "lstm":
            self.lstm = nn.LSTM(self._in_src_feats, self._in_src_feats, batch_first=True)
        self.fc_neigh = nn.Linear(self._in_src_feats, out_feats, bias=False)
        if aggregator_type != "gcn":
            self.fc_self = nn.Linear(self._in_dst_feats, out_feats, bias=bias)
        elif bias:
            self.bias = nn.Parameter(torch.zeros(self._out_feats))
        else:
            self.register_buffer("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform weights with the ReLU gain; the self bias as ``nn.Linear`` sets it."""
        gain = nn.init.calculate_gain("relu")
        if self._aggre_type == "pool":
            nn.init.xavier_uniform_(self.fc_pool.weight, gain=gain)
        if self._aggre_type == "lstm":
            self.lstm.reset_parameters()
        if self._aggre_type != "gcn":
            self.fc_self.reset_parameters()
            nn.init.xavier_uniform_(self.fc_self.weight, gain=gain)
        elif self.bias is not None:
            nn.init.zeros_(self.bias)
        nn.init.xavier_uniform_(self.fc_neigh.weight, gain=gain)

    def _lstm_aggregate(self, graph: Any, feat_src: torch.Tensor, edge_weight: Optional[torch.Tensor]) -> torch.Tensor:
        """Run the LSTM over each destination's in-neighbours, one degree bucket at a time."""
        src, dst = graph.edges()
        src, dst = src.long().to(feat_src.device), dst.long().to(feat_src.device)
        n_dst = graph.num_dst_nodes()
        out = feat_src.new_zeros(n_dst, self._in_src_feats)
        if src.numel() == 0:
            return out
        order = torch.sort(dst, stable=True)[1]
        msgs = feat_src[src[order]]
        if edge_weight is not None:
            w = edge_weight[order.to(edge_weight.device)]
            msgs = msgs * w.reshape(w.shape[0], *([1] * (msgs.dim() - 1)))
        deg = torch.bincount(dst, minlength=n_dst)
        start = torch.cumsum(deg, 0) - deg
        for d in torch.unique(deg).tolist():
            if d == 0:
                continue
            nodes = torch.nonzero(deg == d).squeeze(1)
            idx = start[nodes].unsqueeze(1) + torch.arange(d, device=deg.device)
            _, (h_last, _) = self.lstm(msgs[idx])
            out = out.index_copy(0, nodes, h_last.squeeze(0))
        return out

    def forward(self, graph: Any, feat: Any, edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        with graph.local_scope():
            if isinstance(feat, tuple):
                feat_src = self.feat_drop(feat[0])
                feat_dst = self.feat_drop(feat[1])
            else:
                feat_src = feat_dst = self.feat_drop(feat)
                if graph.is_block:
                    feat_dst = feat_src[: graph.num_dst_nodes()]
            message = fn.copy_u("h", "m")
            if edge_weight is not None:
                graph.edata["_edge_weight"] = as_edge_field(graph, edge_weight, feat_src.dim())
                message = fn.u_mul_e("h", "_edge_weight", "m")
            shrink_first = self._in_src_feats > self._out_feats

            rst = None
            if self._aggre_type == "mean" and shrink_first and edge_weight is None and feat_src.dim() == 2:
                # Mean of the projected neighbours plus the self branch, in one kernel pass.
                rst = copy_u_sum_scaled(graph, self.fc_neigh(feat_src), bias=self.fc_self(feat_dst), mean=True)
            elif self._aggre_type == "mean":
                graph.srcdata["h"] = self.fc_neigh(feat_src) if shrink_first else feat_src
                graph.update_all(message, fn.mean("m", "neigh"))
                h_neigh = graph.dstdata["neigh"]
                if not shrink_first:
                    h_neigh = self.fc_neigh(h_neigh)
            elif self._aggre_type == "gcn":
                if feat_src.shape[-1] != feat_dst.shape[-1]:
                    raise DGLError(
                        f"The gcn aggregator needs equal source and destination feature sizes, got "
                        f"{feat_src.shape[-1]} and {feat_dst.shape[-1]}."
                    )
                graph.srcdata["h"] = self.fc_neigh(feat_src) if shrink_first else feat_src
                if isinstance(feat, tuple):
                    graph.dstdata["h"] = self.fc_neigh(feat_dst) if shrink_first else feat_dst
                elif graph.is_block:
                    graph.dstdata["h"] = graph.srcdata["h"][: graph.num_dst_nodes()]
                else:
                    graph.dstdata["h"] = graph.srcdata["h"]
                graph.update_all(message, fn.sum("m", "neigh"))
                degs = graph.in_degrees().to(feat_dst)
                h_neigh = (graph.dstdata["neigh"] + graph.dstdata["h"]) / (degs.unsqueeze(-1) + 1)
                if not shrink_first:
                    h_neigh = self.fc_neigh(h_neigh)
            elif self._aggre_type == "pool":
                graph.srcdata["h"] = F.relu(self.fc_pool(feat_src))
                graph.update_all(message, fn.max("m", "neigh"))
                h_neigh = self.fc_neigh(graph.dstdata["neigh"])
            else:
                h_neigh = self.fc_neigh(self._lstm_aggregate(graph, feat_src, edge_weight))

            if rst is None:
                if self._aggre_type == "gcn":
                    rst = h_neigh if self.bias is None else h_neigh + self.bias
                else:
                    rst = self.fc_self(feat_dst) + h_neigh
            if self.activation is not None:
                rst = self.activation(rst)
            if self.norm is not None:
                rst = self.norm(rst)
            return rst
