"""Scoring functions for link prediction."""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F

from ..base import DGLError

__all__ = ["EdgePredictor", "TransE", "TransR"]


class EdgePredictor(nn.Module):
    r"""Score an edge from its two endpoint representations.

    .. math::

        \text{dot}: h_s^\top h_d, \quad \text{cos}: \frac{h_s^\top h_d}{\|h_s\| \|h_d\|}, \quad
        \text{ele}: h_s \odot h_d, \quad \text{cat}: [h_s \Vert h_d]

    optionally followed by a linear layer (when both ``in_feats`` and ``out_feats`` are given).

    Parameters
    ----------
    op
        ``'dot'``, ``'cos'``, ``'ele'`` or ``'cat'``.
    in_feats
        size of each endpoint representation (default ``None``).
    out_feats
        output size of the linear layer (default ``None``).
    bias
        bias of the linear layer (default ``False``).

    Shapes
    ------
    ``h_src``, ``h_dst`` :math:`(E, D)`; output :math:`(E, 1)` for dot/cos, :math:`(E, D)` for
    ele, :math:`(E, 2D)` for cat, or :math:`(E, D_{out})` with the linear layer.
    """

    def __init__(self, op: str, in_feats: Optional[int] = None, out_feats: Optional[int] = None, bias: bool = False) -> None:
        super().__init__()
        if op not in ("dot", "cos", "ele", "cat"):
            raise DGLError(f"EdgePredictor op must be dot, cos, ele or cat; got {op!r}.")
        self.op = op
        if in_feats is not None and out_feats is not None:
            width = {"dot": 1, "cos": 1, "ele": in_feats, "cat": 2 * in_feats}[op]
            self.linear = nn.Linear(width, out_feats, bias=bias)
        else:
            self.linear = None

    def reset_parameters(self) -> None:
        if self.linear is not None:
            self.linear.reset_parameters()

    def forward(self, h_src: torch.Tensor, h_dst: torch.Tensor) -> torch.Tensor:
        if self.op == "dot":
            score = (h_src * h_dst).sum(dim=-1, keepdim=True)
        elif self.op == "cos":
            score = F.cosine_similarity(h_src, h_dst, dim=-1).unsqueeze(-1)
        elif self.op == "ele":
            score = h_src * h_dst
        else:
            score = torch.cat([h_src, h_dst], dim=-1)
        if self.linear is not None:
            score = self.linear(score)
        return score


class TransE(nn.Module):
    r"""TransE score (`Bordes et al., NeurIPS 2013 <https://papers.nips.cc/paper/5071>`__).

    .. math::

        \psi(h, r, t) = -\| h + r - t \|_p

    Parameters
    ----------
    num_rels
        number of relation types.
    feats
        embedding size.
    p
        norm order (default ``1``).

    Shapes
    ------
    ``h_head``, ``h_tail`` :math:`(E, D)`, ``rels`` :math:`(E,)`; output :math:`(E,)`.
    """

    def __init__(self, num_rels: int, feats: int, p: int = 1) -> None:
        super().__init__()
        self.rel_emb = nn.Embedding(num_rels, feats)
        self.p = p

    def reset_parameters(self) -> None:
        self.rel_emb.reset_parameters()

    def forward(self, h_head: torch.Tensor, h_tail: torch.Tensor, rels: torch.Tensor) -> torch.Tensor:
        h_rel = self.rel_emb(rels.long())
        return -torch.norm(h_head + h_rel - h_tail, p=self.p, dim=-1)


class TransR(nn.Module):
    r"""TransR score of a knowledge-graph triple (`Lin et al., AAAI 2015
    <https://ojs.aaai.org/index.php/AAAI/article/view/9491>`__): entities projected into the
    relation's space by its own matrix :math:`M_r`.

    .. math::

        f(h, r, t) = -\lVert h M_r + r - t M_r \rVert_p

    Parameters
    ----------
    num_rels : int
        Number of relation types.
    rfeats : int
        Relation embedding size.
    nfeats : int
        Entity embedding size.
    p : int
        Norm order (default ``1``).

    Shapes
    ------
    ``h_head``, ``h_tail`` :math:`(E, \text{nfeats})`; ``rels`` :math:`(E,)`; output :math:`(E,)`.

    Examples
    --------
    >>> score = TransR(num_rels=3, rfeats=2, nfeats=5)(h, t, torch.tensor([0, 2]))
    """

    def __init__(self, num_rels: int, rfeats: int, nfeats: int, p: int = 1) -> None:
        super().__init__()
        self.rel_emb = nn.Embedding(num_rels, rfeats)
        self.rel_project = nn.Embedding(num_rels, nfeats * rfeats)
        self.rfeats = rfeats
        self.nfeats = nfeats
        self.p = p

    def reset_parameters(self) -> None:
        self.rel_emb.reset_parameters()
        self.rel_project.reset_parameters()

    def forward(self, h_head: torch.Tensor, h_tail: torch.Tensor, rels: torch.Tensor) -> torch.Tensor:
        if h_head.shape != h_tail.shape or h_head.shape[-1] != self.nfeats:
            raise DGLError(f"h_head and h_tail must both be (E, {self.nfeats}), got {tuple(h_head.shape)} "
                           f"and {tuple(h_tail.shape)}.")
        proj = self.rel_project(rels).view(-1, self.nfeats, self.rfeats)
        head = torch.bmm(h_head.unsqueeze(1), proj).squeeze(1)
        tail = torch.bmm(h_tail.unsqueeze(1), proj).squeeze(1)
        return -torch.norm(head + self.rel_emb(rels) - tail, p=self.p, dim=-1)
