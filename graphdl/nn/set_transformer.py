"""Set Transformer readout: attention blocks over the node sets of a batched graph."""
from __future__ import annotations

import math
import warnings
from typing import Any, List, Optional, Sequence

import torch
from torch import nn

from ..base import DGLError

__all__ = ["SetTransformerEncoder", "SetTransformerDecoder", "MultiHeadAttention", "SetAttentionBlock",
           "InducedSetAttentionBlock", "PMALayer"]


def _pad(x: torch.Tensor, lengths: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    out = x.new_zeros((lengths.shape[0], valid.shape[1]) + tuple(x.shape[1:]))
    out[valid] = x
    return out


def _valid(lengths: torch.Tensor) -> torch.Tensor:
    n_max = int(lengths.max()) if lengths.numel() else 0
    return torch.arange(n_max, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)


class MultiHeadAttention(nn.Module):
    r"""Multi-head attention of a packed query set over a packed memory set, then a residual
    feed-forward block (the building block of the Set Transformer):

    .. math::

        O = \operatorname{LN}\big(X + W_O \Vert_h \operatorname{softmax}(Q_h K_h^\top / \sqrt{d_h}) V_h\big),
        \qquad \operatorname{out} = \operatorname{LN}(O + \operatorname{FFN}(O))

    with attention only within each set (``lengths_x`` and ``lengths_mem`` give the set sizes).
    """

    def __init__(self, d_model: int, num_heads: int, d_head: int, d_ff: int, dropouth: float = 0.0,
                 dropouta: float = 0.0) -> None:
        super().__init__()
        self.d_model, self.num_heads, self.d_head, self.d_ff = d_model, num_heads, d_head, d_ff
        self.proj_q = nn.Linear(d_model, num_heads * d_head, bias=False)
        self.proj_k = nn.Linear(d_model, num_heads * d_head, bias=False)
        self.proj_v = nn.Linear(d_model, num_heads * d_head, bias=False)
        self.proj_o = nn.Linear(num_heads * d_head, d_model, bias=False)
        self.ffn = nn.Sequential(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Dropout(dropouth), nn.Linear(d_ff, d_model))
        self.droph = nn.Dropout(dropouth)
        self.dropa = nn.Dropout(dropouta)
        self.norm_in = nn.LayerNorm(d_model)
        self.norm_inter = nn.LayerNorm(d_model)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, x: torch.Tensor, mem: torch.Tensor, lengths_x: Sequence[int], lengths_mem: Sequence[int]
                ) -> torch.Tensor:
        lx = torch.as_tensor(lengths_x, dtype=torch.int64, device=x.device)
        lm = torch.as_tensor(lengths_mem, dtype=torch.int64, device=x.device)
        if int(lx.sum()) != x.shape[0] or int(lm.sum()) != mem.shape[0]:
            raise DGLError(f"set sizes {lx.tolist()} / {lm.tolist()} do not add up to {x.shape[0]} / {mem.shape[0]} rows.")
        vx, vm = _valid(lx), _valid(lm)
        h, d = self.num_heads, self.d_head
        q = _pad(self.proj_q(x).view(-1, h, d), lx, vx)
        k = _pad(self.proj_k(mem).view(-1, h, d), lm, vm)
        v = _pad(self.proj_v(mem).view(-1, h, d), lm, vm)
        scores = torch.einsum("bxhd,byhd->bhxy", q, k) / math.sqrt(d)
        mask = (vx.unsqueeze(-1) & vm.unsqueeze(-2)).unsqueeze(1)
        alpha = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1).masked_fill(~mask, 0.0)
        out = torch.einsum("bhxy,byhd->bxhd", self.dropa(alpha), v).reshape(lx.shape[0], vx.shape[1], h * d)
        out = self.proj_o(out)[vx]
        x = self.norm_in(x + self.droph(out))
        return self.norm_inter(x + self.ffn(x))


class SetAttentionBlock(nn.Module):
    r"""SAB: :class:`MultiHeadAttention` of a set over itself."""

    def __init__(self, d_model: int, num_heads: int, d_head: int, d_ff: int, dropouth: float = 0.0,
                 dropouta: float = 0.0) -> None:
        super().__init__()
        self.mha = MultiHeadAttention(d_model, num_heads, d_head, d_ff, dropouth=dropouth, dropouta=dropouta)

    def forward(self, feat: torch.Tensor, lengths: Sequence[int]) -> torch.Tensor:
        return self.mha(feat, feat, lengths, lengths)


class InducedSetAttentionBlock(nn.Module):
    r"""ISAB: :math:`H = \operatorname{MHA}(I, X)`, :math:`\operatorname{out} = \operatorname{MHA}(X, H)`
    with :math:`m` learned inducing points :math:`I`."""

    def __init__(self, m: int, d_model: int, num_heads: int, d_head: int, d_ff: int, dropouth: float = 0.0,
                 dropouta: float = 0.0) -> None:
        super().__init__()
        if m == 1:
            warnings.warn("With m=1 the query and key projections of the first attention get no gradient.")
        self.m = m
        self.d_model = d_model
        self.inducing_points = nn.Parameter(torch.empty(m, d_model))
        self.mha = nn.ModuleList([MultiHeadAttention(d_model, num_heads, d_head, d_ff, dropouth=dropouth,
                                                     dropouta=dropouta) for _ in range(2)])
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.xavier_uniform_(self.inducing_points)

    def forward(self, feat: torch.Tensor, lengths: Sequence[int]) -> torch.Tensor:
        b = len(lengths)
        memory = self.mha[0](self.inducing_points.repeat(b, 1), feat, [self.m] * b, lengths)
        return self.mha[1](feat, memory, lengths, [self.m] * b)


class PMALayer(nn.Module):
    r"""PMA: :math:`\operatorname{MHA}(S, \operatorname{FFN}(X))` with :math:`k` learned seed vectors :math:`S`."""

    def __init__(self, k: int, d_model: int, num_heads: int, d_head: int, d_ff: int, dropouth: float = 0.0,
                 dropouta: float = 0.0) -> None:
        super().__init__()
        if k == 1:
            warnings.warn("With k=1 the query and key projections of the attention get no gradient.")
        self.k = k
        self.d_model = d_model
        self.seed_vectors = nn.Parameter(torch.empty(k, d_model))
        self.mha = MultiHeadAttention(d_model, num_heads, d_head, d_ff, dropouth=dropouth, dropouta=dropouta)
        self.ffn = nn.Sequential(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Dropout(dropouth), nn.Linear(d_ff, d_model))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.xavier_uniform_(self.seed_vectors)

    def forward(self, feat: torch.Tensor, lengths: Sequence[int]) -> torch.Tensor:
        b = len(lengths)
        return self.mha(self.seed_vectors.repeat(b, 1), self.ffn(feat), [self.k] * b, lengths)


def _lengths(graph: Any) -> List[int]:
    return [int(s) for s in graph.batch_num_nodes()]


class SetTransformerEncoder(nn.Module):
    r"""Set Transformer encoder (`Lee et al., ICML 2019 <https://arxiv.org/abs/1810.00825>`__):
    ``n_layers`` SAB or ISAB blocks over the nodes of each graph of a batch.

    Parameters
    ----------
    d_model : int
        Feature size.
    n_heads : int
        Heads.
    d_head : int
        Size per head.
    d_ff : int
        Feed-forward size.
    n_layers : int
        Number of blocks (default ``1``).
    block_type : str
        ``'sab'`` or ``'isab'`` (default ``'sab'``).
    m : int, optional
        Inducing points of ISAB.
    dropouth, dropouta : float
        Dropout in the feed-forward / after attention, and on the attention weights (default ``0``).

    Shapes
    ------
    ``feat`` :math:`(N, D)`; output :math:`(N, D)`.

    Examples
    --------
    >>> h = SetTransformerEncoder(8, 2, 4, 16)(bg, x)
    """

    def __init__(self, d_model: int, n_heads: int, d_head: int, d_ff: int, n_layers: int = 1,
                 block_type: str = "sab", m: Optional[int] = None, dropouth: float = 0.0, dropouta: float = 0.0) -> None:
        super().__init__()
        if block_type not in ("sab", "isab"):
            raise KeyError(f"Unrecognized block type {block_type!r}: choose 'sab' or 'isab'.")
        if block_type == "isab" and m is None:
            raise KeyError("The number of inducing points m is not specified for the ISAB block.")
        self.n_layers, self.block_type, self.m = n_layers, block_type, m
        self.layers = nn.ModuleList([
            SetAttentionBlock(d_model, n_heads, d_head, d_ff, dropouth=dropouth, dropouta=dropouta)
            if block_type == "sab" else
            InducedSetAttentionBlock(m, d_model, n_heads, d_head, d_ff, dropouth=dropouth, dropouta=dropouta)
            for _ in range(n_layers)
        ])

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        lengths = _lengths(graph)
        for layer in self.layers:
            feat = layer(feat, lengths)
        return feat


class SetTransformerDecoder(nn.Module):
    r"""Set Transformer decoder: PMA with :math:`k` seeds, then ``n_layers`` SAB blocks over the
    seeds; one row of size :math:`k \cdot D` per graph.

    Parameters
    ----------
    d_model, num_heads, d_head, d_ff : int
        As for :class:`SetTransformerEncoder`.
    n_layers : int
        SAB blocks after PMA.
    k : int
        Number of seed vectors.
    dropouth, dropouta : float
        Dropouts (default ``0``).

    Shapes
    ------
    ``feat`` :math:`(N, D)`; output :math:`(B, k D)`.

    Examples
    --------
    >>> readout = SetTransformerDecoder(8, 2, 4, 16, n_layers=1, k=2)(bg, x)
    """

    def __init__(self, d_model: int, num_heads: int, d_head: int, d_ff: int, n_layers: int, k: int,
                 dropouth: float = 0.0, dropouta: float = 0.0) -> None:
        super().__init__()
        self.n_layers, self.k, self.d_model = n_layers, k, d_model
        self.pma = PMALayer(k, d_model, num_heads, d_head, d_ff, dropouth=dropouth, dropouta=dropouta)
        self.layers = nn.ModuleList([SetAttentionBlock(d_model, num_heads, d_head, d_ff, dropouth=dropouth,
                                                       dropouta=dropouta) for _ in range(n_layers)])

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        feat = self.pma(feat, _lengths(graph))
        for layer in self.layers:
            feat = layer(feat, [self.k] * graph.batch_size)
        return feat.view(graph.batch_size, self.k * self.d_model)
