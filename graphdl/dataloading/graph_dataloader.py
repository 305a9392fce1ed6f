"""Mini-batches of whole graphs for graph-level tasks (``GraphDataLoader``).

Also importable from :mod:`graphdl.data`, as in DGL.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, List

import numpy as np
import torch

from ..base import DGLError
from ..batch import batch as batch_graphs
from ..heterograph import DGLGraph

__all__ = ["GraphDataLoader", "GraphCollator"]


class GraphCollator:
    """Collate items into a batch: graphs with ``graphdl.batch``, tensors and numbers stacked,
    tuples and dicts position by position or key by key."""

    def collate(self, items: List[Any]) -> Any:
        first = items[0]
        if isinstance(first, DGLGraph):
            return batch_graphs(items)
        if isinstance(first, torch.Tensor):
            return torch.stack(items, 0)
        if isinstance(first, np.ndarray):
            return torch.from_numpy(np.stack(items, 0))
        if isinstance(first, (bool, int, float)) and not isinstance(first, str):
            return torch.tensor(items)
        if isinstance(first, str):
            return list(items)
        if isinstance(first, Mapping):
            return {key: self.collate([item[key] for item in items]) for key in first}
        if isinstance(first, tuple) and hasattr(first, "_fields"):
            return type(first)(*(self.collate(list(column)) for column in zip(*items)))
        if isinstance(first, Sequence):
            if any(len(item) != len(first) for item in items):
                raise DGLError("Items of one batch must have the same number of elements.")
            return [self.collate(list(column)) for column in zip(*items)]
        raise DGLError(f"Cannot batch items of type {type(first).__name__}.")


class GraphDataLoader(torch.utils.data.DataLoader):
    """A :class:`torch.utils.data.DataLoader` that batches graphs with ``graphdl.batch``.

    Takes the same arguments as the PyTorch loader (``batch_size``, ``shuffle``,
    ``drop_last``, ``sampler``, ``num_workers``, ...); ``collate_fn`` defaults to
    :class:`GraphCollator`, except with ``batch_size=None``: then items come one at a time,
    unbatched, as from the PyTorch loader (a label stays a 0-d tensor).
    """

    def __init__(self, dataset, collate_fn=None, use_ddp: bool = False, ddp_seed: int = 0, **kwargs) -> None:
        if use_ddp:
            raise DGLError("GraphDataLoader(use_ddp=True) is not supported; pass a DistributedSampler instead.")
        if collate_fn is None and kwargs.get("batch_size", 1) is not None:
            collate_fn = GraphCollator().collate
        super().__init__(dataset, collate_fn=collate_fn, **kwargs)
