"""Relabelling node ids: distinct ids in first-seen order, and old-id → new-id maps.

Subgraph extraction, ``to_block``, ``compact_graphs`` and the samplers renumber the nodes
they keep; these two functions are how.
"""
from __future__ import annotations

import torch

__all__ = ["unique_first_seen", "node_map"]


def unique_first_seen(x: torch.Tensor) -> torch.Tensor:
    """Distinct values of ``x`` in the order of their first occurrence."""
    if x.numel() == 0:
        return x.clone()
    uniq, inv = torch.unique(x, return_inverse=True)
    pos = torch.arange(x.shape[0], device=x.device)
    first = torch.full((uniq.shape[0],), x.shape[0], dtype=torch.long, device=x.device)
    first = first.scatter_reduce(0, inv, pos, reduce="amin")
    return uniq[torch.argsort(first)]


def node_map(ids: torch.Tensor, num: int) -> torch.Tensor:
    """Array of length ``num`` mapping an old id to its position in ``ids`` (or -1)."""
    m = torch.full((num,), -1, dtype=torch.int64, device=ids.device)
    m[ids.long()] = torch.arange(ids.shape[0], dtype=torch.int64, device=ids.device)
    return m
