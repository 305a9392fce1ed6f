"""Losses and negative sampling for the training workflows.

- ``focal``: :math:`-\\alpha_y (1 - p_y)^\\gamma \\log p_y` (Lin et al., 2017) over softmax
  probabilities; :math:`\\gamma = 0` with :math:`\\alpha` = class weights is weighted cross-entropy.
- link prediction, with :math:`s^+` the positive pair's score and :math:`s^-_j` its negatives':
  ``bpr`` :math:`-\\log\\sigma(s^+ - s^-_j)`; ``cross_entropy``
  :math:`-\\log\\sigma(s^+) - \\log(1 - \\sigma(s^-_j))`; ``contrastive`` (InfoNCE)
  :math:`-\\log \\frac{e^{s^+/\\tau}}{e^{s^+/\\tau} + \\sum_j e^{s^-_j/\\tau}}`.
- negatives: ``uniform`` over destination nodes, ``popularity`` proportional to
  :math:`\\deg^{0.75}` (word2vec's smoothing), ``in_batch`` the other positives of the batch;
  hard negatives (dynamic negative sampling, Zhang et al., 2013): of :math:`m k` sampled
  candidates per positive, the :math:`k` the current model scores highest.
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from ..base import DGLError

__all__ = ["focal_loss", "class_weights", "link_loss", "sample_negatives", "hardest_negatives", "LINK_LOSSES",
           "NEGATIVES"]

LINK_LOSSES = ("bpr", "cross_entropy", "contrastive")
NEGATIVES = ("uniform", "popularity", "in_batch")


def class_weights(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """'Balanced' weights :math:`n / (C \\cdot n_c)` (a class absent from ``labels`` gets 0)."""
    counts = torch.bincount(labels, minlength=num_classes).float()
    w = labels.numel() / (num_classes * counts.clamp(min=1))
    return torch.where(counts > 0, w, torch.zeros_like(w))


def focal_loss(logits: torch.Tensor, y: torch.Tensor, gamma: float = 2.0,
               alpha: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Mean focal loss over a batch of (B, C) logits and (B,) class labels."""
    logp = F.log_softmax(logits, -1).gather(1, y.unsqueeze(1)).squeeze(1)
    loss = -((1 - logp.exp()) ** gamma) * logp
    if alpha is not None:
        loss = loss * alpha[y]
    return loss.mean()


def link_loss(kind: str, pos: torch.Tensor, neg: torch.Tensor, neg_mask: Optional[torch.Tensor] = None,
              temperature: float = 0.1) -> torch.Tensor:
    """Loss of (B,) positive scores against (B, K) negative scores; ``neg_mask`` (B, K) marks
    the negatives to use (in-batch negatives exclude the pair itself)."""
    if neg_mask is None:
        neg_mask = torch.ones_like(neg, dtype=torch.bool)
    if kind == "bpr":
        loss = -F.logsigmoid(pos.unsqueeze(1) - neg)
        return (loss * neg_mask).sum() / neg_mask.sum().clamp(min=1)
    if kind == "cross_entropy":
        lp = F.binary_cross_entropy_with_logits(pos, torch.ones_like(pos))
        ln = F.binary_cross_entropy_with_logits(neg, torch.zeros_like(neg), reduction="none")
        return lp + (ln * neg_mask).sum() / neg_mask.sum().clamp(min=1)
    if kind == "contrastive":
        logits = torch.cat([pos.unsqueeze(1), neg.masked_fill(~neg_mask, float("-inf"))], 1) / temperature
        return F.cross_entropy(logits, torch.zeros(len(pos), dtype=torch.long, device=pos.device))
    raise DGLError(f"unknown link-prediction loss {kind!r}; use {', '.join(LINK_LOSSES)}")


def sample_negatives(kind: str, batch: int, k: int, num_dst: int,
                     popularity: Optional[torch.Tensor] = None, generator=None) -> torch.Tensor:
    """(batch, k) negative destination ids (``uniform`` or ``popularity``)."""
    if kind == "uniform":
        return torch.randint(num_dst, (batch, k), generator=generator)
    if kind == "popularity":
        return torch.multinomial(popularity, batch * k, replacement=True, generator=generator).view(batch, k)
    raise DGLError(f"unknown negative sampler {kind!r}; use {', '.join(NEGATIVES)}")


def hardest_negatives(scores: torch.Tensor, candidates: torch.Tensor, positive: torch.Tensor, k: int) -> torch.Tensor:
    """Column indices (B, k) of the ``k`` highest ``scores`` (B, C) per row, a candidate equal
    to the row's ``positive`` id never chosen unless fewer than ``k`` others remain."""
    if k > scores.shape[1]:
        raise DGLError(f"cannot keep {k} hard negatives out of {scores.shape[1]} candidates")
    masked = scores.detach().masked_fill(candidates == positive.unsqueeze(1), float("-inf"))
    return masked.topk(k, dim=1).indices
