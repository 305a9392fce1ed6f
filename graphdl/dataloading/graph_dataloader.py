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

    With ``use_ddp=True`` (inside an initialised ``torch.distributed`` group) each process
    loads its share of the data set through a
    :class:`torch.utils.data.distributed.DistributedSampler` built from ``shuffle``,
    ``drop_last`` and ``ddp_seed``; call :meth:`set_epoch` at the start of each epoch for a
    new order.
    """

    def __init__(self, dataset, collate_fn=None, use_ddp: bool = False, ddp_seed: int = 0, **kwargs) -> None:
        self.dist_sampler = None
        if use_ddp:
            if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
                raise DGLError("GraphDataLoader(use_ddp=True) needs an initialised torch.distributed "
                               "process group.")
            if kwargs.get("sampler") is not None:
                raise DGLError("GraphDataLoader(use_ddp=True) builds its own sampler; do not pass sampler=.")
            self.dist_sampler = torch.utils.data.distributed.DistributedSampler(
                dataset, shuffle=bool(kwargs.pop("shuffle", False)),
                drop_last=bool(kwargs.get("drop_last", False)), seed=ddp_seed)
            kwargs["sampler"] = self.dist_sampler
        if collate_fn is None and kwargs.get("batch_size", 1) is not None:
            collate_fn = GraphCollator().collate
        super().__init__(dataset, collate_fn=collate_fn, **kwargs)

    def set_epoch(self, epoch: int) -> None:
        """Give the distributed sampler the epoch number (a new shuffle per epoch).

        Parameters
        ----------
        epoch : int
            The epoch about to start.
        """
        if self.dist_sampler is None:
            raise DGLError("set_epoch is only for GraphDataLoader(use_ddp=True).")
        self.dist_sampler.set_epoch(epoch)
