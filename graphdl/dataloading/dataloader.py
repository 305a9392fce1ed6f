"""``DataLoader``: mini-batches of seed nodes or edges sampled by a graph sampler.

Reproducibility: when iteration starts, an epoch seed is drawn from graphdl's sampler
stream (set by ``graphdl.seed``); the shuffling order and every batch's sampler stream are
derived from it and the batch index. Batches are therefore the same with any number of
worker processes.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import numpy as np
import torch
import torch.utils.data as tud

from .._graph.ids import to_id_tensor
from ..base import DGLError
from ..sampling import _rng
from .lazy_features import resolve_lazy_features

__all__ = ["DataLoader", "to_device"]


def to_device(obj: Any, device: Any) -> Any:
    """Move tensors and graphs inside nested tuples, lists and dicts to ``device``."""
    if device is None:
        return obj
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, tuple):
        return tuple(to_device(x, device) for x in obj)
    if isinstance(obj, list):
        return [to_device(x, device) for x in obj]
    if isinstance(obj, Mapping):
        return {k: to_device(v, device) for k, v in obj.items()}
    if hasattr(obj, "to") and hasattr(obj, "canonical_etypes"):
        return obj.to(device)
    return obj


def _identity(x: Any) -> Any:
    return x


class _BatchSet(tud.Dataset):
    """Batch ``i`` of an epoch, sampled under a stream fixed by (epoch seed, ``i``)."""

    def __init__(self, graph: Any, ids: torch.Tensor, types: Optional[torch.Tensor], keys: Optional[list],
                 sampler: Any, batch_size: int, drop_last: bool) -> None:
        self.graph = graph
        self.ids = ids
        self.types = types
        self.keys = keys
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.order = torch.arange(ids.shape[0])
        self.epoch_seed = 0

    def __len__(self) -> int:
        n = self.order.shape[0]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def batch_ids(self, i: int) -> Any:
        sel = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        ids = self.ids[sel]
        if self.keys is None:
            return ids
        tp = self.types[sel]
        return {k: ids[tp == j] for j, k in enumerate(self.keys)}

    def __getitem__(self, key: Any) -> Any:
        """``key`` is ``(epoch seed, batch index, seed ids)`` as made by :class:`_BatchKeys`."""
        epoch_seed, i, ids = key
        with _rng.batch_state(epoch_seed, i):
            return resolve_lazy_features(self.graph, self.sampler.sample(self.graph, ids))


class _BatchKeys(tud.Sampler):
    """Keys of the batches of the current epoch, made in the main process (so worker
    processes, persistent or not, need no per-epoch state)."""

    def __init__(self, batches: _BatchSet) -> None:
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        b = self.batches
        for i in range(len(b)):
            yield (b.epoch_seed, i, b.batch_ids(i))


class DataLoader(tud.DataLoader):
    """Iterates over mini-batches of ``indices`` (node or edge ids, or ``{type: ids}``), each
    turned into a sample by ``graph_sampler.sample(graph, batch)``.

    With :class:`NeighborSampler` a batch is ``(input_nodes, output_nodes, blocks)``; with an
    edge-prediction sampler ``(input_nodes, pair_graph, neg_pair_graph, blocks)``.

    Parameters
    ----------
    graph
        the graph.
    indices
        ids to iterate over (tensor) or ``{type: ids}``.
    graph_sampler
        an object with ``sample(graph, ids)``.
    device
        where batches are moved (default: left where sampled, the CPU).
    use_ddp
        split the ids among the processes of ``torch.distributed``.
    ddp_seed
        seed of the shuffling order shared by those processes.
    batch_size, drop_last, shuffle
        as in ``torch.utils.data.DataLoader``.
    use_prefetch_thread, use_alternate_streams, pin_prefetcher, use_uva, gpu_cache
        accepted for compatibility (no effect on CPU).
    kwargs
        passed to ``torch.utils.data.DataLoader`` (``num_workers``, ``worker_init_fn``,
        ``persistent_workers`` ...).
    """

    def __init__(
        self,
        graph: Any,
        indices: Any,
        graph_sampler: Any,
        device: Any = None,
        use_ddp: bool = False,
        ddp_seed: int = 0,
        batch_size: int = 1,
        drop_last: bool = False,
        shuffle: bool = False,
        use_prefetch_thread: Optional[bool] = None,
        use_alternate_streams: Optional[bool] = None,
        pin_prefetcher: Optional[bool] = None,
        use_uva: bool = False,
        gpu_cache: Any = None,
        **kwargs: Any,
    ) -> None:
        if int(batch_size) < 1:
            raise DGLError(f"batch_size must be positive, got {batch_size}.")
        if not hasattr(graph_sampler, "sample"):
            raise DGLError("graph_sampler must have a sample(graph, indices) method.")
        for bad in ("batch_size", "sampler", "batch_sampler", "collate_fn"):
            kwargs.pop(bad, None)
        if isinstance(indices, Mapping):
            keys = list(indices)
            parts = [to_id_tensor(indices[k], torch.int64, "cpu", allow_float=True, move=True) for k in keys]
            ids = torch.cat(parts) if parts else torch.empty(0, dtype=torch.int64)
            types = torch.cat([torch.full((p.shape[0],), j, dtype=torch.int64) for j, p in enumerate(parts)]) \
                if parts else torch.empty(0, dtype=torch.int64)
            ids = ids.to(graph.idtype)
        else:
            if isinstance(indices, torch.Tensor) and indices.dtype == torch.bool:
                indices = torch.nonzero(indices).squeeze(1)
            keys, types = None, None
            ids = to_id_tensor(indices, graph.idtype, "cpu", allow_float=True, move=True)
        self.graph = graph
        self.indices = indices
        self.graph_sampler = graph_sampler
        self.device = torch.device(device) if device is not None else None
        self.shuffle = shuffle
        self.use_ddp = use_ddp
        self.ddp_seed = ddp_seed
        self._epoch = 0
        self._user_init = kwargs.pop("worker_init_fn", None)
        dataset = _BatchSet(graph, ids, types, keys, graph_sampler, int(batch_size), drop_last)
        self._batches = dataset
        self._all = torch.arange(ids.shape[0])
        if use_ddp:
            self._all = self._ddp_share(torch.arange(ids.shape[0]))
            dataset.order = self._all
        super().__init__(dataset, batch_size=None, sampler=_BatchKeys(dataset), collate_fn=_identity,
                         worker_init_fn=self._worker_init, **kwargs)

    def _ddp_share(self, order: torch.Tensor) -> torch.Tensor:
        import torch.distributed as dist

        if not dist.is_initialized():
            raise DGLError("use_ddp=True needs torch.distributed to be initialised.")
        world, rank = dist.get_world_size(), dist.get_rank()
        per = -(-order.shape[0] // world)
        padded = torch.cat([order, order[: per * world - order.shape[0]]]) if order.numel() else order
        return padded[rank::world]

    def _worker_init(self, worker_id: int) -> None:
        seed = (self._batches.epoch_seed + 1000003 * (worker_id + 1)) % (2**63)
        _rng.reseed(seed)
        np.random.seed(seed % (2**32))
        torch.manual_seed(seed)
        if self._user_init is not None:
            self._user_init(worker_id)

    def set_epoch(self, epoch: int) -> None:
        """With ``use_ddp``, choose the epoch whose shuffling order the processes share."""
        self._epoch = int(epoch)

    def __iter__(self):
        ds = self._batches
        ds.epoch_seed = _rng.next_seed()
        n = ds.ids.shape[0]
        if self.shuffle:
            if self.use_ddp:
                gen = torch.Generator().manual_seed(int(self.ddp_seed) + self._epoch)
                ds.order = self._ddp_share(torch.randperm(n, generator=gen))
                self._epoch += 1
            else:
                gen = torch.Generator().manual_seed(ds.epoch_seed)
                ds.order = torch.randperm(n, generator=gen)
        for batch in super().__iter__():
            yield to_device(batch, self.device) if self.device is not None else batch
