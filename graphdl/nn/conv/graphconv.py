"""Graph convolution of Kipf & Welling, and the edge-weight normaliser that goes with it."""
from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError
from ...ops.spmm import copy_u_sum_scaled
from ..utils import as_edge_field, check_zero_in_degree, expand_as_pair

__all__ = ["GraphConv", "EdgeWeightNorm"]

_NORMS = ("none", "both", "right", "left")


def _degree_norm(graph: Any, norm: str, side: str) -> Optional[torch.Tensor]:
    """Per-node scale for ``side`` ("src" or "dst") under normalisation ``norm``, or None.

    It depends on the structure alone, so it is computed once per graph and cached there.
    """
    if side == "src" and norm in ("left", "both"):
        power = -0.5 if norm == "both" else -1.0
    elif side == "dst" and norm in ("right", "both"):
        power = -0.5 if norm == "both" else -1.0
    else:
        return None
    adj = graph._adj()
    degrees = adj.out_degrees if side == "src" else adj.in_degrees
    return adj.derived(("degree_norm", side, power), lambda: degrees().float().clamp(min=1).pow(power))


def _broadcast_rows(scale: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return scale.to(like.device).reshape(scale.shape + (1,) * (like.dim() - 1))


class GraphConv(nn.Module):
    r"""Graph convolution (`Kipf & Welling, ICLR 2017 <https://arxiv.org/abs/1609.02907>`__).

    .. math::

        h_i^{(l+1)} = \sigma\Big(b^{(l)} + \sum_{j \in \mathcal{N}(i)}
            \frac{e_{ji}}{c_{ji}} h_j^{(l)} W^{(l)}\Big)

    with :math:`e_{ji}` the optional edge weight (1 without one) and :math:`c_{ji}` set by ``norm``:
    ``'both'`` gives :math:`\sqrt{d^{out}_j}\sqrt{d^{in}_i}`, ``'right'`` :math:`d^{in}_i`,
    ``'left'`` :math:`d^{out}_j` and ``'none'`` 1 (degrees clamped to at least 1).

    Parameters
    ----------
    in_feats
        input feature size (the source size for bipartite inputs).
    out_feats
        output feature size.
    norm
        ``'both'`` (default), ``'right'``, ``'left'`` or ``'none'``.
    weight
        learn a weight matrix (default ``True``); without one, pass ``weight`` to forward
        or use the layer as pure propagation (``in_feats`` must then equal ``out_feats``).
    bias
        add a learnable bias (default ``True``).
    activation
        callable applied to the output (default ``None``).
    allow_zero_in_degree
        skip the check that every destination node has an in-edge
        (default ``False``).

    Shapes
    ------
    ``feat`` :math:`(N_{src}, *, D_{in})` or a pair ``(src, dst)``; ``edge_weight`` :math:`(E,)`
    or :math:`(E, 1)`; output :math:`(N_{dst}, *, D_{out})`.

    Example
    -------
    >>> conv = GraphConv(10, 2)
    >>> out = conv(graphdl.add_self_loop(g), torch.randn(g.num_nodes(), 10))
    """

    def __init__(
        self,
        in_feats: int,
        out_feats: int,
        norm: str = "both",
        weight: bool = True,
        bias: bool = True,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        allow_zero_in_degree: bool = False,
    ) -> None:
        super().__init__()
        if norm not in _NORMS:
            raise DGLError(f"norm must be one of 'none', 'both', 'right', 'left'; got {norm!r}.")
        self._in_feats = in_feats
        self._out_feats = out_feats
        self._norm = norm
        self._allow_zero_in_degree = allow_zero_in_degree
        if weight:
            self.weight = nn.Parameter(torch.empty(in_feats, out_feats))
        else:
            self.register_parameter("weight", None)
        if bias:
            self.bias = nn.Parameter(torch.empty(out_feats))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()
        self._activation = activation

    def reset_parameters(self) -> None:
        """Xavier-uniform weight, zero bias."""
        if self.weight is not None:
            nn.init.xavier_uniform_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def set_allow_zero_in_degree(self, set_value: bool) -> None:
        self._allow_zero_in_degree = set_value

    def forward(
        self,
        graph: Any,
        feat: Any,
        weight: Optional[torch.Tensor] = None,
        edge_weight: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        with graph.local_scope():
            check_zero_in_degree(graph, self._allow_zero_in_degree)
            feat_src, feat_dst = expand_as_pair(feat, graph)
            if weight is not None:
                if self.weight is not None:
                    raise DGLError(
                        "A weight was passed to forward but the module owns a weight parameter; "
                        "construct it with weight=False to supply the weight externally."
                    )
            else:
                weight = self.weight
            src_norm = _degree_norm(graph, self._norm, "src")
            dst_norm = _degree_norm(graph, self._norm, "dst")
            # Shrink the features before moving them along edges.
            weight_first = weight is not None and self._in_feats > self._out_feats
            if edge_weight is None:
                # Degree norms and bias are folded into the propagation kernel.
                if weight_first:
                    feat_src = torch.matmul(feat_src, weight)
                fuse_bias = self.bias is not None and (weight is None or weight_first) and feat_src.dim() == 2
                rst = copy_u_sum_scaled(graph, feat_src, src_norm, dst_norm, self.bias if fuse_bias else None)
                if weight is not None and not weight_first:
                    rst = torch.matmul(rst, weight)
                if self.bias is not None and not fuse_bias:
                    rst = rst + self.bias
            else:
                dim = feat_src.dim()
                graph.edata["_edge_weight"] = as_edge_field(graph, edge_weight, dim)
                if src_norm is not None:
                    feat_src = feat_src * _broadcast_rows(src_norm, feat_src)
                if weight_first:
                    feat_src = torch.matmul(feat_src, weight)
                graph.srcdata["h"] = feat_src
                graph.update_all(fn.u_mul_e("h", "_edge_weight", "m"), fn.sum("m", "h"))
                rst = graph.dstdata["h"]
                if weight is not None and not weight_first:
                    rst = torch.matmul(rst, weight)
                if dst_norm is not None:
                    rst = rst * _broadcast_rows(dst_norm, rst)
                if self.bias is not None:
                    rst = rst + self.bias
            if self._activation is not None:
                rst = self._activation(rst)
            return rst

    def extra_repr(self) -> str:
        summary = f"in={self._in_feats}, out={self._out_feats}, normalization={self._norm}"
        if self._activation is not None:
            summary += f", activation={self._activation}"
        return summary


class EdgeWeightNorm(nn.Module):
    r"""Normalise scalar edge weights the way :class:`GraphConv` normalises by degree.

    .. math::

        c_{ji} = \Big(\sum_{k \in \mathcal{N}^{out}(j)} e_{jk}\Big)^{1/2}
                 \Big(\sum_{k \in \mathcal{N}^{in}(i)} e_{ki}\Big)^{1/2}, \qquad
        \tilde{e}_{ji} = e_{ji} / c_{ji}

    for ``norm='both'``; ``'left'`` keeps only the source factor (power 1), ``'right'`` only the
    destination factor (power 1), ``'none'`` returns the weights unchanged. ``eps`` is added to
    each weighted degree before the power.

    Parameters
    ----------
    norm
        ``'both'`` (default), ``'right'``, ``'left'`` or ``'none'``.
    eps
        small constant added to the weighted degrees (default ``0.``).

    Shapes
    ------
    ``edge_weight`` :math:`(E,)`; output :math:`(E,)`.

    Example
    -------
    >>> w = EdgeWeightNorm(norm='both')(g, torch.rand(g.num_edges()))
    >>> out = GraphConv(10, 2, norm='none')(g, x, edge_weight=w)
    """

    def __init__(self, norm: str = "both", eps: float = 0.0) -> None:
        super().__init__()
        if norm not in _NORMS:
            raise DGLError(f"norm must be one of 'none', 'both', 'right', 'left'; got {norm!r}.")
        self._norm = norm
        self._eps = eps

    def forward(self, graph: Any, edge_weight: torch.Tensor) -> torch.Tensor:
        if edge_weight.dim() > 1 and edge_weight.shape[1] > 1:
            raise DGLError("EdgeWeightNorm needs one scalar weight per edge; got shape "
                           f"{tuple(edge_weight.shape)}.")
        if self._norm == "none":
            return edge_weight
        if self._norm == "both" and bool((edge_weight < 0).any()):
            raise DGLError("norm='both' needs non-negative edge weights: a negative weight "
                           "would make the square root of a weighted degree undefined.")
        w = edge_weight.reshape(-1)
        src, dst = graph.edges()
        src, dst = src.long().to(w.device), dst.long().to(w.device)
        out = w
        if self._norm in ("left", "both"):
            out_w = torch.zeros(graph.num_src_nodes(), dtype=w.dtype, device=w.device).index_add_(0, src, w)
            power = -0.5 if self._norm == "both" else -1.0
            out = out * (out_w + self._eps).pow(power)[src]
        if self._norm in ("right", "both"):
            in_w = torch.zeros(graph.num_dst_nodes(), dtype=w.dtype, device=w.device).index_add_(0, dst, w)
            power = -0.5 if self._norm == "both" else -1.0
            out = out * (in_w + self._eps).pow(power)[dst]
        return out.reshape(edge_weight.shape)
