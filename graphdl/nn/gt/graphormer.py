"""The Graphormer transformer layer: biased self-attention and a feed-forward block."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
from torch import nn

from .biased_mha import BiasedMHA

__all__ = ["GraphormerLayer"]


class _ReluDropout(torch.autograd.Function):
    """``dropout(relu(x))`` keeping one boolean per element for the backward pass (instead of the
    ReLU output plus the dropout mask)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, p: float) -> torch.Tensor:
        keep = torch.rand_like(x) >= p
        keep &= x > 0
        ctx.save_for_backward(keep)
        ctx.scale = 1.0 / (1.0 - p)
        return x.mul(keep).mul_(ctx.scale)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], None]:
        (keep,) = ctx.saved_tensors
        return grad.mul(keep).mul_(ctx.scale), None


class GraphormerLayer(nn.Module):
    r"""One Graphormer layer (`Ying et al., NeurIPS 2021 <https://arxiv.org/abs/2106.05234>`__).

    Post-norm (``norm_first=False``):

    .. math::

        H' = \operatorname{LN}\big(H + \operatorname{dropout}(\operatorname{MHA}(H, B, M))\big),
        \qquad
        H'' = \operatorname{LN}\big(H' + \operatorname{FFN}(H')\big)

    with :math:`\operatorname{FFN}(x) = \operatorname{dropout}(W_2\,\operatorname{dropout}(\sigma(W_1 x)))`;
    pre-norm (``norm_first=True``) applies each LayerNorm to the input of its block instead:
    :math:`H' = H + \operatorname{dropout}(\operatorname{MHA}(\operatorname{LN}(H)))`,
    :math:`H'' = H' + \operatorname{FFN}(\operatorname{LN}(H'))`. MHA is :class:`BiasedMHA`.

    Parameters
    ----------
    feat_size : int
        Node feature size.
    hidden_size : int
        Hidden size of the feed-forward block.
    num_heads : int
        Number of attention heads.
    attn_bias_type : str
        ``'add'`` or ``'mul'`` (default ``'add'``).
    norm_first : bool
        Pre-norm instead of post-norm (default ``False``).
    dropout : float
        Dropout after the attention and in the feed-forward block (default ``0.1``).
    attn_dropout : float
        Dropout on the attention weights (default ``0.1``).
    activation : torch.nn.Module
        Activation of the feed-forward block (default ``nn.ReLU()``).

    Shapes
    ------
    ``nfeat`` :math:`(B, N, D)`; ``attn_bias`` :math:`(B, N, N, H)`; ``attn_mask`` :math:`(B, N, N)`
    boolean, ``True`` where attention is not allowed; output :math:`(B, N, D)`.

    Examples
    --------
    >>> layer = GraphormerLayer(feat_size=16, hidden_size=32, num_heads=4)
    >>> out = layer(torch.rand(2, 5, 16), torch.rand(2, 5, 5, 4))
    """

    def __init__(self, feat_size: int, hidden_size: int, num_heads: int, attn_bias_type: str = "add",
                 norm_first: bool = False, dropout: float = 0.1, attn_dropout: float = 0.1,
                 activation: Optional[nn.Module] = None) -> None:
        super().__init__()
        activation = nn.ReLU() if activation is None else activation
        self.norm_first = norm_first
        self.attn = BiasedMHA(feat_size=feat_size, num_heads=num_heads, attn_bias_type=attn_bias_type,
                              attn_drop=attn_dropout)
        self.ffn = nn.Sequential(
            nn.Linear(feat_size, hidden_size), activation, nn.Dropout(p=dropout),
            nn.Linear(hidden_size, feat_size), nn.Dropout(p=dropout),
        )
        self.dropout = nn.Dropout(p=dropout)
        self.attn_layer_norm = nn.LayerNorm(feat_size)
        self.ffn_layer_norm = nn.LayerNorm(feat_size)

    def _ffn(self, x: torch.Tensor) -> torch.Tensor:
        first, act, drop = self.ffn[0], self.ffn[1], self.ffn[2]
        p = drop.p
        if self.training and 0.0 < p < 1.0 and type(act) is nn.ReLU and torch.is_grad_enabled():
            h = _ReluDropout.apply(first(x), p)
            return self.ffn[4](self.ffn[3](h))
        return self.ffn(x)

    def forward(self, nfeat: torch.Tensor, attn_bias: Optional[torch.Tensor] = None,
                attn_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        residual = nfeat
        h = self.attn_layer_norm(nfeat) if self.norm_first else nfeat
        h = residual + self.dropout(self.attn(h, attn_bias, attn_mask))
        if not self.norm_first:
            h = self.attn_layer_norm(h)
        residual = h
        if self.norm_first:
            h = self.ffn_layer_norm(h)
        h = residual + self._ffn(h)
        if not self.norm_first:
            h = self.ffn_layer_norm(h)
        return h
