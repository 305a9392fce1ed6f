"""Graph-level readout modules: pool the node features of each graph of a batch."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
from torch import nn

from ..base import DGLError

__all__ = [
    "SumPooling",
    "AvgPooling",
    "MaxPooling",
    "SortPooling",
    "GlobalAttentionPooling",
    "Set2Set",
    "WeightAndSum",
    "SetTransformerEncoder",
    "SetTransformerDecoder",
]


def _segments(graph: Any, feat: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """(graph id of every node, node count per graph), on ``feat``'s device."""
    counts = graph.batch_num_nodes().to(feat.device).long()
    if int(counts.sum()) != feat.shape[0]:
        raise DGLError(f"Features have {feat.shape[0]} rows but the graph has {int(counts.sum())} nodes.")
    seg = torch.repeat_interleave(torch.arange(counts.shape[0], device=feat.device), counts)
    return seg, counts


def _seg_sum(feat: torch.Tensor, seg: torch.Tensor, n: int) -> torch.Tensor:
    return feat.new_zeros((n,) + feat.shape[1:]).index_add(0, seg, feat)


def _seg_max(feat: torch.Tensor, seg: torch.Tensor, n: int) -> torch.Tensor:
    idx = seg.view(-1, *([1] * (feat.dim() - 1))).expand_as(feat)
    return feat.new_zeros((n,) + feat.shape[1:]).scatter_reduce(0, idx, feat, "amax", include_self=False)


def _seg_softmax(score: torch.Tensor, seg: torch.Tensor, n: int) -> torch.Tensor:
    top = _seg_max(score, seg, n).detach()
    ex = torch.exp(score - top[seg])
    return ex / _seg_sum(ex, seg, n)[seg]


class SumPooling(nn.Module):
    r"""Sum of the node features of each graph: :math:`r^{(i)} = \sum_{k=1}^{N_i} x_k^{(i)}`.

    Shapes
    ------
    ``feat`` :math:`(N, *)`; output :math:`(B, *)` for a batch of :math:`B` graphs.

    Example
    -------
    >>> hg = SumPooling()(batched_graph, h)
    """

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        seg, counts = _segments(graph, feat)
        return _seg_sum(feat, seg, counts.shape[0])


class AvgPooling(nn.Module):
    r"""Mean of the node features of each graph: :math:`r^{(i)} = \frac{1}{N_i}\sum_k x_k^{(i)}`.

    Shapes
    ------
    ``feat`` :math:`(N, *)`; output :math:`(B, *)` (zeros for an empty graph).
    """

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        seg, counts = _segments(graph, feat)
        total = _seg_sum(feat, seg, counts.shape[0])
        denom = counts.clamp(min=1).to(feat.dtype).view(-1, *([1] * (feat.dim() - 1)))
        return total / denom


class MaxPooling(nn.Module):
    r"""Element-wise max of the node features of each graph: :math:`r^{(i)} = \max_k x_k^{(i)}`.

    Shapes
    ------
    ``feat`` :math:`(N, *)`; output :math:`(B, *)` (zeros for an empty graph).
    """

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        seg, counts = _segments(graph, feat)
        return _seg_max(feat, seg, counts.shape[0])


class SortPooling(nn.Module):
    r"""Sort pooling (`Zhang et al., AAAI 2018 <https://www.cse.wustl.edu/~muhan/papers/AAAI_2018_DGCNN.pdf>`__).

    Each node's features are sorted in ascending order; the ``k`` nodes with the largest last
    value are kept (zero rows pad smaller graphs) and flattened.

    .. math::

        r^{(i)} = \mathrm{flatten}\big(\mathrm{top}_k(\mathrm{sort}(x^{(i)}))\big)

    Parameters
    ----------
    k
        number of nodes kept per graph.

    Shapes
    ------
    ``feat`` :math:`(N, D)`; output :math:`(B, kD)`.
    """

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        feat = feat.sort(dim=-1)[0]
        seg, counts = _segments(graph, feat)
        out = feat.new_zeros(counts.shape[0], self.k, feat.shape[-1])
        start = 0
        for b, n in enumerate(counts.tolist()):
            if n > 0:
                rows = feat[start:start + n]
                order = torch.argsort(rows[:, -1], descending=True, stable=True)[: self.k]
                out[b, : order.shape[0]] = rows[order]
            start += n
        return out.view(counts.shape[0], -1)


class GlobalAttentionPooling(nn.Module):
    r"""Attention-weighted sum (`Li et al., ICLR 2016 <https://arxiv.org/abs/1511.05493>`__).

    .. math::

        r^{(i)} = \sum_{k=1}^{N_i} \mathrm{softmax}_k\big(f_{gate}(x_k^{(i)})\big)\, f_{feat}(x_k^{(i)})

    Parameters
    ----------
    gate_nn
        maps :math:`(N, D)` to one score per node :math:`(N, 1)`.
    feat_nn
        optional map applied to the features before the sum (default ``None``).

    Shapes
    ------
    ``feat`` :math:`(N, D)`; output :math:`(B, D')`; with ``get_attention`` also the
    weights :math:`(N, 1)`.
    """

    def __init__(self, gate_nn: nn.Module, feat_nn: Optional[nn.Module] = None) -> None:
        super().__init__()
        self.gate_nn = gate_nn
        self.feat_nn = feat_nn

    def forward(self, graph: Any, feat: torch.Tensor, get_attention: bool = False) -> Any:
        gate = self.gate_nn(feat)
        if gate.dim() != 2 or gate.shape[-1] != 1:
            raise DGLError(f"gate_nn must return one score per node, shape (N, 1); got {tuple(gate.shape)}.")
        values = self.feat_nn(feat) if self.feat_nn is not None else feat
        seg, counts = _segments(graph, feat)
        gate = _seg_softmax(gate, seg, counts.shape[0])
        readout = _seg_sum(values * gate, seg, counts.shape[0])
        if get_attention:
            return readout, gate
        return readout


class Set2Set(nn.Module):
    r"""Set2Set readout (`Vinyals et al., ICLR 2016 <https://arxiv.org/abs/1511.06391>`__).

    .. math::

        q_t = \mathrm{LSTM}(q^*_{t-1}), \quad
        \alpha_{k} = \mathrm{softmax}_k(x_k \cdot q_t), \quad
        r_t = \sum_k \alpha_k x_k, \quad q^*_t = [q_t \Vert r_t]

    Parameters
    ----------
    input_dim
        node feature size :math:`D`.
    n_iters
        number of steps.
    n_layers
        number of LSTM layers.

    Shapes
    ------
    ``feat`` :math:`(N, D)`; output :math:`(B, 2D)`.
    """

    def __init__(self, input_dim: int, n_iters: int, n_layers: int) -> None:
        super().__init__()
        self.input_dim = input_dim
        self.output_dim = 2 * input_dim
        self.n_iters = n_iters
        self.n_layers = n_layers
        self.lstm = nn.LSTM(self.output_dim, self.input_dim, n_layers)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lstm.reset_parameters()

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        seg, counts = _segments(graph, feat)
        batch = counts.shape[0]
        state = (feat.new_zeros(self.n_layers, batch, self.input_dim), feat.new_zeros(self.n_layers, batch, self.input_dim))
        q_star = feat.new_zeros(batch, self.output_dim)
        for _ in range(self.n_iters):
            q, state = self.lstm(q_star.unsqueeze(0), state)
            q = q.view(batch, self.input_dim)
            score = (feat * q[seg]).sum(dim=-1, keepdim=True)
            alpha = _seg_softmax(score, seg, batch)
            readout = _seg_sum(feat * alpha, seg, batch)
            q_star = torch.cat([q, readout], dim=-1)
        return q_star

    def extra_repr(self) -> str:
        return f"n_iters={self.n_iters}, input_dim={self.input_dim}, n_layers={self.n_layers}"


class WeightAndSum(nn.Module):
    r"""Sum of node features weighted by a learned gate in :math:`(0, 1)`.

    .. math::

        r^{(i)} = \sum_k \sigma(w^\top x_k^{(i)} + b)\, x_k^{(i)}

    Parameters
    ----------
    in_feats
        node feature size.

    Shapes
    ------
    ``feats`` :math:`(N, D)`; output :math:`(B, D)`.
    """

    def __init__(self, in_feats: int) -> None:
        super().__init__()
        self.in_feats = in_feats
        self.atom_weighting = nn.Sequential(nn.Linear(in_feats, 1), nn.Sigmoid())

    def reset_parameters(self) -> None:
        self.atom_weighting[0].reset_parameters()

    def forward(self, g: Any, feats: torch.Tensor) -> torch.Tensor:
        weights = self.atom_weighting(feats)
        seg, counts = _segments(g, feats)
        return _seg_sum(feats * weights, seg, counts.shape[0])


# DGL lists the Set Transformer readouts among its global pooling modules
from .set_transformer import SetTransformerDecoder, SetTransformerEncoder  # noqa: E402
