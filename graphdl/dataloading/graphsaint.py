"""GraphSAINT subgraph samplers (node, edge and random-walk variants)."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import torch

from ..base import DGLError
from ..sampling import _rng
from ..sampling._block import induced_subgraph
from ..sampling._utils import to_np
from ..sampling.randomwalks import random_walk
from .base import Sampler, _copy_edge_features, _copy_node_features

__all__ = ["SAINTSampler"]


class SAINTSampler(Sampler):
    """GraphSAINT (Zeng et al., 2020): each batch is the subgraph induced by a random node set.

    Modes:
        ``'node'``: ``budget`` nodes drawn with replacement, with probability proportional to
        their out-degree (at least 1);
        ``'edge'``: ``budget`` edges drawn with replacement, edge ``u -> v`` with probability
        proportional to ``1/deg_in(v) + 1/deg_out(u)``; their endpoints are kept;
        ``'walk'``: ``budget = (num_roots, walk_length)``; random walks from uniformly drawn
        roots, every visited node is kept.

    ``sample(g, indices)`` ignores ``indices``: iterate with
    ``DataLoader(g, torch.arange(num_iters), sampler)``.

    Parameters
    ----------
    mode
        ``'node'``, ``'edge'`` or ``'walk'``.
    budget
        see above.
    cache
        keep the sampling probabilities between calls.
    prefetch_ndata, prefetch_edata
        features the subgraphs must carry.
    output_device
        device of the subgraphs.
    """

    def __init__(
        self,
        mode: str,
        budget: Union[int, Tuple[int, int]],
        cache: bool = True,
        prefetch_ndata: Optional[Sequence[str]] = None,
        prefetch_edata: Optional[Sequence[str]] = None,
        output_device: Any = "cpu",
    ) -> None:
        if mode not in ("node", "edge", "walk"):
            raise DGLError(f"mode must be 'node', 'edge' or 'walk', got {mode!r}.")
        if mode == "walk":
            if not (isinstance(budget, (tuple, list)) and len(budget) == 2):
                raise DGLError(f"For mode='walk' the budget is (num_roots, walk_length), got {budget!r}.")
        elif int(budget) < 1:
            raise DGLError(f"budget must be positive, got {budget!r}.")
        self.mode = mode
        self.budget = budget
        self.cache = cache
        self.prob: Optional[torch.Tensor] = None
        self.prefetch_ndata = list(prefetch_ndata or [])
        self.prefetch_edata = list(prefetch_edata or [])
        self.output_device = output_device

    def _probabilities(self, g: Any) -> torch.Tensor:
        if self.prob is not None and self.cache:
            return self.prob
        adj = g._adj(g.canonical_etypes[0])
        out_deg = adj.out_degrees().double().clamp(min=1)
        if self.mode == "node":
            prob = out_deg
        else:
            in_deg = adj.in_degrees().double().clamp(min=1)
            prob = 1.0 / in_deg[adj.dst.long()] + 1.0 / out_deg[adj.src.long()]
        if self.cache:
            self.prob = prob
        return prob

    def node_set(self, g: Any) -> torch.Tensor:
        """The sampled node ids (sorted, distinct)."""
        gen = torch.Generator().manual_seed(_rng.next_seed())
        if self.mode == "walk":
            roots_n, length = int(self.budget[0]), int(self.budget[1])
            roots = torch.randint(0, g.num_nodes(), (roots_n,), generator=gen)
            traces, _ = random_walk(g, roots, length=length)
            nodes = traces.reshape(-1)
            return torch.unique(nodes[nodes >= 0].long())
        prob = self._probabilities(g)
        if prob.numel() == 0:
            return torch.empty(0, dtype=torch.long)
        picked = torch.multinomial(prob, int(self.budget), replacement=True, generator=gen)
        if self.mode == "node":
            return torch.unique(picked)
        adj = g._adj(g.canonical_etypes[0])
        return torch.unique(torch.cat([adj.src[picked].long(), adj.dst[picked].long()]))

    def sample(self, g: Any, indices: Any = None) -> Any:
        if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
            raise DGLError("SAINTSampler needs a homogeneous graph.")
        nodes = self.node_set(g)
        sg = induced_subgraph(g, {g.ntypes[0]: to_np(nodes.to(g.idtype))})
        _copy_node_features(g, sg, self.prefetch_ndata)
        _copy_edge_features(g, sg, self.prefetch_edata)
        return sg.to(self.output_device) if self.output_device is not None else sg
