"""Negative samplers for link prediction: ``sampler(g, eids)`` gives non-edges per seed edge."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Tuple

import numpy as np
import torch

from .._graph.ids import to_id_tensor
from ..base import DGLError
from ..sampling import _rng
from ..sampling._utils import resolve_etype
from ..sampling.negative import global_uniform_negative_sampling

__all__ = ["PerSourceUniform", "Uniform", "GlobalUniform"]


class _BaseNegativeSampler:
    def _generate(self, g: Any, eids: torch.Tensor, cet: Tuple[str, str, str]):
        raise NotImplementedError

    def __call__(self, g: Any, eids: Any):
        """Negative pairs ``(src, dst)`` for the seed edges ``eids`` (a dict per edge type for
        dict input)."""
        if isinstance(eids, Mapping):
            return {resolve_etype(g, k): self._generate(g, to_id_tensor(v, g.idtype, "cpu", "edge", allow_float=True, move=True), resolve_etype(g, k))
                    for k, v in eids.items()}
        if len(g.canonical_etypes) != 1:
            raise DGLError("The graph has several edge types; give the seed edges as a dict.")
        return self._generate(g, to_id_tensor(eids, g.idtype, "cpu", "edge", allow_float=True, move=True), tuple(g.canonical_etypes[0]))


class PerSourceUniform(_BaseNegativeSampler):
    """``k`` negatives per seed edge ``u -> v``: pairs ``u -> v'`` with ``v'`` uniform over all
    nodes of the destination type (true edges are not filtered out)."""

    def __init__(self, k: int) -> None:
        if int(k) < 1:
            raise DGLError(f"k must be positive, got {k}.")
        self.k = int(k)

    def _generate(self, g: Any, eids: torch.Tensor, cet):
        adj = g._adj(cet)
        if eids.numel() and (int(eids.min()) < 0 or int(eids.max()) >= adj.num_edges):
            raise DGLError(f"Invalid edge id {int(eids.max())} of type {cet}.")
        src = adj.src[eids.long()].repeat_interleave(self.k)
        rng = np.random.default_rng(_rng.next_seed())
        dst = torch.from_numpy(rng.integers(0, max(adj.num_dst, 1), src.shape[0], dtype=np.int64))
        return src, dst.to(g.idtype)


Uniform = PerSourceUniform


class GlobalUniform(_BaseNegativeSampler):
    """``k * len(eids)`` negative pairs drawn uniformly among all non-edges
    (see :func:`graphdl.sampling.global_uniform_negative_sampling`); may return fewer."""

    def __init__(self, k: int, exclude_self_loops: bool = True, replace: bool = False) -> None:
        if int(k) < 1:
            raise DGLError(f"k must be positive, got {k}.")
        self.k = int(k)
        self.exclude_self_loops = exclude_self_loops
        self.replace = replace

    def _generate(self, g: Any, eids: torch.Tensor, cet):
        return global_uniform_negative_sampling(
            g, eids.shape[0] * self.k, self.exclude_self_loops, self.replace, cet
        )
