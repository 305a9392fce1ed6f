"""Multi-head attention with an additive or multiplicative bias per pair of nodes (Graphormer)."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from ...base import DGLError
from ._attention import biased_attention

__all__ = ["BiasedMHA"]


class BiasedMHA(nn.Module):
    r"""Dense multi-head attention with a bias on the attention scores
    (`Ying et al., NeurIPS 2021 <https://arxiv.org/abs/2106.05234>`__).

    For each head :math:`h` with :math:`d = \text{feat\_size} / H`:

    .. math::

        A^h = \operatorname{softmax}\Big(\frac{(XW_Q^h)(XW_K^h)^\top}{\sqrt{d}} \circ B^h\Big), \qquad
        \operatorname{MHA}(X) = \big\Vert_{h} \big(\operatorname{dropout}(A^h)\, X W_V^h\big) W_O

    where :math:`\circ` is ``+`` (``attn_bias_type='add'``) or ``*`` (``'mul'``), and the masked
    pairs get the score :math:`-\infty` before the softmax.

    Parameters
    ----------
    feat_size : int
        Node feature size; a multiple of ``num_heads``.
    num_heads : int
        Number of heads :math:`H`.
    bias : bool
        Biases in the four projections (default ``True``).
    attn_bias_type : str
        ``'add'`` or ``'mul'`` (default ``'add'``).
    attn_drop : float
        Dropout on the attention weights (default ``0.1``).

    Shapes
    ------
    ``ndata`` :math:`(B, N, D)`; ``attn_bias`` :math:`(B, N, N, H)`; ``attn_mask`` :math:`(B, N, N)`,
    ``True`` where node :math:`i` may not attend to node :math:`j` (padding); output :math:`(B, N, D)`.
    A row that is masked everywhere has no defined softmax: keep at least one entry per row
    (:func:`graphdl.nn.gt.attention_mask` does).

    Examples
    --------
    >>> mha = BiasedMHA(feat_size=16, num_heads=4)
    >>> out = mha(torch.rand(2, 5, 16), torch.rand(2, 5, 5, 4))
    """

    def __init__(self, feat_size: int, num_heads: int, bias: bool = True, attn_bias_type: str = "add",
                 attn_drop: float = 0.1) -> None:
        super().__init__()
        if feat_size % num_heads:
            raise DGLError(f"feat_size={feat_size} must be divisible by num_heads={num_heads}.")
        if attn_bias_type not in ("add", "mul"):
            raise DGLError(f"attn_bias_type must be 'add' or 'mul', got {attn_bias_type!r}.")
        self.feat_size = feat_size
        self.num_heads = num_heads
        self.head_dim = feat_size // num_heads
        self.scaling = self.head_dim ** -0.5
        self.attn_bias_type = attn_bias_type
        self.q_proj = nn.Linear(feat_size, feat_size, bias=bias)
        self.k_proj = nn.Linear(feat_size, feat_size, bias=bias)
        self.v_proj = nn.Linear(feat_size, feat_size, bias=bias)
        self.out_proj = nn.Linear(feat_size, feat_size, bias=bias)
        self.dropout = nn.Dropout(p=attn_drop)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform projections (gain :math:`2^{-1/2}` for Q, K, V), zero output bias."""
        for proj in (self.q_proj, self.k_proj, self.v_proj):
            nn.init.xavier_uniform_(proj.weight, gain=2 ** -0.5)
        nn.init.xavier_uniform_(self.out_proj.weight)
        if self.out_proj.bias is not None:
            nn.init.zeros_(self.out_proj.bias)

    def forward(self, ndata: torch.Tensor, attn_bias: Optional[torch.Tensor] = None,
                attn_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if ndata.dim() != 3 or ndata.shape[-1] != self.feat_size:
            raise DGLError(f"BiasedMHA expects ndata of shape (B, N, {self.feat_size}), got {tuple(ndata.shape)}.")
        bsz, n, _ = ndata.shape
        if attn_bias is not None and attn_bias.shape != (bsz, n, n, self.num_heads):
            raise DGLError(f"attn_bias must have shape {(bsz, n, n, self.num_heads)}, got {tuple(attn_bias.shape)}.")
        if attn_mask is not None and attn_mask.shape != (bsz, n, n):
            raise DGLError(f"attn_mask must have shape {(bsz, n, n)}, got {tuple(attn_mask.shape)}.")

        h, d = self.num_heads, self.head_dim
        mask = None if attn_mask is None else attn_mask.to(torch.bool).unsqueeze(1)
        if self.attn_bias_type == "add":
            # one product for the three projections, then one copy into (3, B, H, N, d)
            weight = torch.cat([self.q_proj.weight, self.k_proj.weight, self.v_proj.weight])
            bias = None
            if self.q_proj.bias is not None:
                bias = torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias])
            qkv = F.linear(ndata, weight, bias).view(bsz, n, 3, h, d).permute(2, 0, 3, 1, 4).contiguous()
            pair_bias = None if attn_bias is None else attn_bias.permute(0, 3, 1, 2).contiguous()
            p = self.dropout.p if self.training else 0.0
            q, k, v = qkv.unbind(0)  # (its backward stacks the three gradients; indexing would zero-fill)
            out = biased_attention(q, k, v, pair_bias, mask, p, self.scaling)
        else:
            def heads(x: torch.Tensor) -> torch.Tensor:  # (B, N, D) -> (B, H, N, d)
                return x.view(bsz, n, h, d).transpose(1, 2)

            q, k, v = heads(self.q_proj(ndata)), heads(self.k_proj(ndata)), heads(self.v_proj(ndata))
            scores = torch.matmul(q * self.scaling, k.transpose(-1, -2))
            if attn_bias is not None:
                scores = scores * attn_bias.permute(0, 3, 1, 2)
            if mask is not None:
                scores = scores.masked_fill(mask, float("-inf"))
            out = torch.matmul(self.dropout(torch.softmax(scores, dim=-1)), v)
        return self.out_proj(out.transpose(1, 2).reshape(bsz, n, self.feat_size))
