"""Skip-gram node embeddings from random walks: DeepWalk and metapath2vec."""
from __future__ import annotations

from typing import Any, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from ..base import DGLError

__all__ = ["DeepWalk", "MetaPath2Vec"]


def _random_walk(*args: Any, **kwargs: Any) -> Any:
    from ..sampling import random_walk  # the sampling package imports graph machinery; load it on use

    return random_walk(*args, **kwargs)


class DeepWalk(nn.Module):
    r"""DeepWalk (`Perozzi et al., KDD 2014 <https://arxiv.org/abs/1403.6652>`__): skip-gram with
    negative sampling over uniform random walks.

    For a walk :math:`v_1, \ldots, v_L`, every pair :math:`(v_j, v_i)` with
    :math:`0 < |i - j| \le w` is a positive pair and each position gets ``negative_size``
    random negatives :math:`n`:

    .. math::

        \mathcal{L} = \operatorname{mean}\big[-\log\sigma(z_{v_j}^\top c_{v_i})\big]
        + \lambda K\, \operatorname{mean}\big[-\log\sigma(-z_{v_i}^\top c_{n})\big]

    with node embeddings :math:`z`, context embeddings :math:`c`, scores clipped to
    :math:`[-6, 6]`, :math:`\lambda` = ``neg_weight`` and :math:`K` = ``negative_size``.
    Negatives are other positions of the batch (``fast_neg``) or nodes drawn with probability
    :math:`\propto \deg^{0.75}`.

    Parameters
    ----------
    g : DGLGraph
        Homogeneous graph.
    emb_dim : int
        Embedding size (default ``128``).
    walk_length : int
        Nodes per walk (default ``40``).
    window_size : int
        Context window :math:`w` (default ``5``).
    neg_weight : float
        Weight of the negative term (default ``1``).
    negative_size : int
        Negatives per positive (default ``5``).
    fast_neg : bool
        Draw negatives from the batch (default ``True``).
    sparse : bool
        Sparse embedding gradients (default ``True``).

    Examples
    --------
    >>> model = DeepWalk(g, emb_dim=16, walk_length=5, window_size=2)
    >>> loss = model(model.sample(torch.arange(g.num_nodes())))
    """

    def __init__(self, g: Any, emb_dim: int = 128, walk_length: int = 40, window_size: int = 5,
                 neg_weight: float = 1, negative_size: int = 5, fast_neg: bool = True, sparse: bool = True) -> None:
        super().__init__()
        if walk_length < window_size + 1:
            raise DGLError(f"Expect walk_length >= window_size + 1, got {walk_length} and {window_size + 1}.")
        self.g = g
        self.emb_dim = emb_dim
        self.window_size = window_size
        self.walk_length = walk_length
        self.neg_weight = neg_weight
        self.negative_size = negative_size
        self.fast_neg = fast_neg
        n = g.num_nodes()
        self.node_embed = nn.Embedding(n, emb_dim, sparse=sparse)
        self.context_embed = nn.Embedding(n, emb_dim, sparse=sparse)
        self.reset_parameters()
        if not fast_neg:
            prob = g.out_degrees().double().pow(0.75)
            self.neg_prob = prob / prob.sum()
        src: List[int] = []
        dst: List[int] = []
        for i in range(walk_length):
            for j in range(max(0, i - window_size), min(walk_length, i + 1 + window_size)):
                if j != i:
                    src.append(j)
                    dst.append(i)
        self.idx_list_src = torch.tensor(src, dtype=torch.long)
        self.idx_list_dst = torch.tensor(dst, dtype=torch.long)

    def reset_parameters(self) -> None:
        """Node embeddings uniform on :math:`\\pm 1/\\text{emb\\_dim}`, context embeddings zero."""
        r = 1.0 / self.emb_dim
        nn.init.uniform_(self.node_embed.weight, -r, r)
        nn.init.zeros_(self.context_embed.weight)

    def sample(self, indices: Any) -> torch.Tensor:
        """One walk of ``walk_length`` nodes from each start node; use as a data loader's ``collate_fn``."""
        return _random_walk(self.g, torch.as_tensor(indices), length=self.walk_length - 1)[0]

    def forward(self, batch_walk: torch.Tensor) -> torch.Tensor:
        b = batch_walk.shape[0]
        device = batch_walk.device
        if (batch_walk < 0).any():
            raise DGLError("batch_walk holds -1 (walks that stopped at a node without out-edges); "
                           "DeepWalk needs full-length walks.")
        z = self.node_embed(batch_walk).view(-1, self.emb_dim)
        c = self.context_embed(batch_walk).view(-1, self.emb_dim)
        offset = (torch.arange(b, device=device) * self.walk_length).unsqueeze(1)
        src = (offset + self.idx_list_src.to(device).unsqueeze(0)).view(-1)
        dst = (offset + self.idx_list_dst.to(device).unsqueeze(0)).view(-1)
        pos = torch.clamp((z[src] * c[dst]).sum(1), min=-6, max=6)
        pos_loss = (-F.logsigmoid(pos)).mean()
        neg_src = z[dst.repeat_interleave(self.negative_size)]
        if self.fast_neg:
            picks = torch.randint(0, b * self.walk_length, (neg_src.shape[0],), device=device)
            neg_dst = c[picks]
        else:
            picks = torch.multinomial(self.neg_prob, neg_src.shape[0], replacement=True).to(device)
            neg_dst = self.context_embed(picks)
        neg = torch.clamp((neg_src * neg_dst).sum(1), min=-6, max=6)
        neg_loss = (-F.logsigmoid(-neg)).mean() * self.negative_size * self.neg_weight
        return pos_loss + neg_loss


class MetaPath2Vec(nn.Module):
    r"""metapath2vec (`Dong et al., KDD 2017 <https://ericdongyx.github.io/papers/KDD17-dong-chawla-swami-metapath2vec.pdf>`__):
    skip-gram with negative sampling over random walks that follow a metapath of a heterograph.

    Nodes get global ids, type after type in ``g.ntypes`` order. For a positive pair
    :math:`(u, v)` within ``window_size`` positions of a walk and negatives :math:`n_1..n_K`
    drawn with probability :math:`\propto f^{0.75}` (:math:`f` = visits in one walk per start node):

    .. math::

        \mathcal{L} = \operatorname{mean}\Big[-\log\sigma(z_u^\top c_v) - \sum_k \log\sigma(-z_u^\top c_{n_k})\Big]

    with scores clipped to :math:`[-10, 10]`.

    Parameters
    ----------
    g : DGLGraph
        Heterograph.
    metapath : list of str
        Edge types of one walk; it must start and end at the same node type to repeat.
    window_size : int
        Context window.
    emb_dim : int
        Embedding size (default ``128``).
    negative_size : int
        Negatives per positive pair (default ``5``).
    sparse : bool
        Sparse embedding gradients (default ``True``).

    Examples
    --------
    >>> model = MetaPath2Vec(hg, ['uc', 'cu'], window_size=1)
    >>> pos_u, pos_v, neg_v = model.sample(torch.arange(hg.num_nodes('user')))
    >>> loss = model(pos_u, pos_v, neg_v)
    """

    def __init__(self, g: Any, metapath: Sequence[str], window_size: int, emb_dim: int = 128,
                 negative_size: int = 5, sparse: bool = True) -> None:
        super().__init__()
        if len(metapath) + 1 < window_size:
            raise DGLError(f"Expect len(metapath) >= window_size - 1, got {list(metapath)} and {window_size}.")
        self.hg = g
        self.emb_dim = emb_dim
        self.metapath = list(metapath)
        self.window_size = window_size
        self.negative_size = negative_size
        node_metapath = [g.to_canonical_etype(metapath[0])[0]]
        for etype in metapath:
            node_metapath.append(g.to_canonical_etype(etype)[2])
        self.node_metapath = node_metapath
        offsets, total = {}, 0
        for ntype in g.ntypes:
            offsets[ntype] = total
            total += g.num_nodes(ntype)
        self._offset = torch.tensor([offsets[t] for t in node_metapath], dtype=torch.long)
        traces = self._walk(torch.arange(g.num_nodes(node_metapath[0])))
        freq = torch.zeros(total, dtype=torch.float64)
        valid = traces >= 0
        freq.index_add_(0, traces[valid], torch.ones(int(valid.sum()), dtype=torch.float64))
        prob = freq.pow(0.75)
        self.neg_prob = prob / prob.sum()
        self.node_embed = nn.Embedding(total, emb_dim, sparse=sparse)
        self.context_embed = nn.Embedding(total, emb_dim, sparse=sparse)
        self.reset_parameters()

    def _walk(self, nodes: torch.Tensor) -> torch.Tensor:
        """Walks as global ids, ``-1`` past the end of a walk that stopped."""
        traces = _random_walk(self.hg, nodes.to(self.hg.idtype), metapath=self.metapath)[0].long()
        return torch.where(traces >= 0, traces + self._offset.unsqueeze(0), traces)

    def reset_parameters(self) -> None:
        """Node embeddings uniform on :math:`\\pm 1/\\text{emb\\_dim}`, context embeddings zero."""
        r = 1.0 / self.emb_dim
        nn.init.uniform_(self.node_embed.weight, -r, r)
        nn.init.zeros_(self.context_embed.weight)

    def sample(self, indices: Any) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Positive pairs ``(pos_u, pos_v)`` and negatives ``neg_v`` (one row of ``negative_size``
        per pair) from one walk per start node; use as a data loader's ``collate_fn``."""
        traces = self._walk(torch.as_tensor(indices).long())
        length = traces.shape[1]
        us, vs = [], []
        for i in range(length):
            for j in range(max(i - self.window_size, 0), min(i + self.window_size + 1, length)):
                if i != j:
                    ok = (traces[:, i] >= 0) & (traces[:, j] >= 0)
                    us.append(traces[ok, i])
                    vs.append(traces[ok, j])
        pos_u = torch.cat(us) if us else torch.zeros(0, dtype=torch.long)
        pos_v = torch.cat(vs) if vs else torch.zeros(0, dtype=torch.long)
        neg_v = torch.multinomial(self.neg_prob, max(1, pos_u.shape[0] * self.negative_size), replacement=True)
        return pos_u, pos_v, neg_v[: pos_u.shape[0] * self.negative_size].view(pos_u.shape[0], self.negative_size)

    def forward(self, pos_u: torch.Tensor, pos_v: torch.Tensor, neg_v: torch.Tensor) -> torch.Tensor:
        emb_u = self.node_embed(pos_u)
        emb_v = self.context_embed(pos_v)
        emb_neg = self.context_embed(neg_v)
        score = -F.logsigmoid(torch.clamp((emb_u * emb_v).sum(1), min=-10, max=10))
        neg = torch.clamp(torch.bmm(emb_neg, emb_u.unsqueeze(2)).squeeze(2), min=-10, max=10)
        neg_score = -F.logsigmoid(-neg).sum(1)
        return (score + neg_score).mean()
