r"""Scaled dot-product attention with an additive bias, a boolean mask and dropout, that keeps
only the attention probabilities and a one-byte dropout mask for the backward pass.

Autograd through ``softmax -> dropout -> matmul`` keeps three tensors of shape
``(B, H, N, N)`` (the probabilities, the dropout mask and the dropped probabilities); this
function keeps the first two and recomputes the third, which is what makes a Graphormer layer
on a batch of padded graphs fit in less memory. The gradients are the textbook ones:

.. math::

    S = s\,QK^\top + B,\quad P = \operatorname{softmax}(S),\quad \tilde P = P \odot M / (1 - p),
    \quad O = \tilde P V \\
    dV = \tilde P^\top dO,\quad d\tilde P = dO\,V^\top,\quad dP = d\tilde P \odot M / (1 - p),\quad
    dS = P \odot (dP - \textstyle\sum_j dP \odot P),\quad dQ = s\,dS\,K,\quad dK = s\,dS^\top Q,
    \quad dB = dS.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

__all__ = ["biased_attention"]


class _BiasedAttention(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: Optional[torch.Tensor],
                mask: Optional[torch.Tensor], p: float, scaling: float) -> torch.Tensor:
        shape = q.shape  # (B, H, N, d)
        q3, k3, v3 = (t.reshape(-1, t.shape[-2], t.shape[-1]) for t in (q, k, v))
        if bias is not None:
            # the scaling and the bias fused into the product
            bias3 = bias.expand(shape[:-1] + (k.shape[-2],)).reshape(-1, q.shape[-2], k.shape[-2])
            scores = torch.baddbmm(bias3, q3, k3.transpose(1, 2), alpha=scaling)
        else:
            scores = torch.bmm(q3, k3.transpose(1, 2)).mul_(scaling)
        if mask is not None:
            scores.view(shape[:-1] + (k.shape[-2],)).masked_fill_(mask, float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        del scores
        keep = None
        if p > 0.0:
            keep = torch.rand_like(probs) >= p  # one byte per weight, faster than bernoulli_ on CPU
            out = torch.bmm(probs.mul(keep).mul_(1.0 / (1.0 - p)), v3)
        else:
            out = torch.bmm(probs, v3)
        ctx.save_for_backward(q3, k3, v3, probs, keep)
        ctx.p, ctx.scaling, ctx.shape = p, scaling, shape
        ctx.bias_shape = None if bias is None else bias.shape
        return out.view(shape[:-1] + (v.shape[-1],))

    @staticmethod
    def backward(ctx: Any, grad_out: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        q, k, v, probs, keep = ctx.saved_tensors
        p, scaling, shape = ctx.p, ctx.scaling, ctx.shape
        grad_out = grad_out.reshape(-1, grad_out.shape[-2], grad_out.shape[-1])
        if keep is not None:
            dropped = probs.mul(keep).mul_(1.0 / (1.0 - p))
            grad_v = torch.bmm(dropped.transpose(1, 2), grad_out)
            del dropped
            grad_probs = torch.bmm(grad_out, v.transpose(1, 2))
            grad_probs.mul_(keep).mul_(1.0 / (1.0 - p))
        else:
            grad_v = torch.bmm(probs.transpose(1, 2), grad_out)
            grad_probs = torch.bmm(grad_out, v.transpose(1, 2))
        # dS = P * (dP - sum_j dP * P), computed in place in grad_probs
        row = (grad_probs * probs).sum(-1, keepdim=True)
        grad_scores = grad_probs.sub_(row).mul_(probs)
        grad_q = torch.bmm(grad_scores, k).mul_(scaling)
        grad_k = torch.bmm(grad_scores.transpose(1, 2), q).mul_(scaling)
        grad_bias = None
        if ctx.bias_shape is not None and ctx.needs_input_grad[3]:
            grad_bias = grad_scores.view(shape[:-1] + (k.shape[-2],)).sum_to_size(ctx.bias_shape)
        return (grad_q.view(shape), grad_k.view(shape[:-2] + k.shape[-2:]),
                grad_v.view(shape[:-2] + v.shape[-2:]), grad_bias, None, None, None)


def biased_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: Optional[torch.Tensor] = None,
                     mask: Optional[torch.Tensor] = None, p: float = 0.0, scaling: float = 1.0) -> torch.Tensor:
    r"""``dropout(softmax(scaling * q @ k^T + bias, masked)) @ v`` over the last two dimensions.

    Parameters
    ----------
    q, k, v : torch.Tensor
        Shape :math:`(B, H, N, d)`.
    bias : torch.Tensor, optional
        Broadcastable to :math:`(B, H, N, N)`; added to the scores.
    mask : torch.Tensor, optional
        Boolean, broadcastable to :math:`(B, H, N, N)`; ``True`` entries get :math:`-\infty`.
    p : float
        Dropout probability on the attention weights (``0`` in evaluation).
    scaling : float
        Factor on the dot products.

    Returns
    -------
    torch.Tensor
        Shape :math:`(B, H, N, d)`.
    """
    return _BiasedAttention.apply(q, k, v, bias, mask, float(p), float(scaling))
