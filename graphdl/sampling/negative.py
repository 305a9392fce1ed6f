"""Uniform negative sampling over the whole graph."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np
import torch

from ..base import DGLError
from . import _rng
from ._utils import to_np

__all__ = ["global_uniform_negative_sampling"]


def global_uniform_negative_sampling(
    g: Any,
    num_samples: int,
    exclude_self_loops: bool = True,
    replace: bool = False,
    etype: Any = None,
    redundancy: Optional[float] = None,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Draw up to ``num_samples`` node pairs ``(u, v)`` uniformly among pairs that are not edges
    of relation ``etype``.

    Candidates are drawn in one round of ``num_samples * (1 + redundancy)`` pairs (redundancy
    defaults to 1.3 times the edge density, at least 0.1); pairs that are edges, self-loops
    (when ``exclude_self_loops`` and the relation is within one node type) and, without
    ``replace``, repeats are dropped, so fewer than ``num_samples`` pairs may come back.
    """
    cet = tuple(g.to_canonical_etype(etype)) if etype is not None else None
    if cet is None:
        if len(g.canonical_etypes) != 1:
            raise DGLError("The graph has several edge types; give etype.")
        cet = tuple(g.canonical_etypes[0])
    num_samples = int(num_samples)
    if num_samples < 0:
        raise DGLError(f"num_samples must be non-negative, got {num_samples}.")
    adj = g._adj(cet)
    ns, nd = adj.num_src, adj.num_dst
    empty = torch.empty(0, dtype=g.idtype)
    if num_samples == 0 or ns == 0 or nd == 0:
        return empty, empty
    density = adj.num_edges / (ns * nd)
    if redundancy is None:
        redundancy = max(0.1, 1.3 * density / max(1e-12, 1.0 - density))
    ntry = int(np.ceil(num_samples * (1.0 + float(redundancy))))
    rng = np.random.default_rng(_rng.next_seed())
    u = rng.integers(0, ns, ntry, dtype=np.int64)
    v = rng.integers(0, nd, ntry, dtype=np.int64)
    key = u * nd + v
    ekeys = np.unique(to_np(adj.src.long()) * nd + to_np(adj.dst.long()))
    keep = ~np.isin(key, ekeys, assume_unique=False)
    if exclude_self_loops and cet[0] == cet[2]:
        keep &= u != v
    idx = np.nonzero(keep)[0]
    if not replace:
        _, first = np.unique(key[idx], return_index=True)
        idx = idx[np.sort(first)]
    idx = idx[:num_samples]
    return (torch.from_numpy(u[idx]).to(g.idtype), torch.from_numpy(v[idx]).to(g.idtype))
