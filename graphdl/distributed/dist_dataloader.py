"""Mini-batches over a :class:`DistGraph`: seeds split by rank, neighbours sampled by owners."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, Iterator, List, Optional, Tuple

import torch

from ..base import EID, NID, DGLError
from ..convert import graph as make_graph
from ..convert import heterograph
from ..dataloading.negative_sampler import PerSourceUniform
from ..dataloading.neighbor_sampler import blocks_by_layers
from ..sampling import _rng
from ..sampling._block import relabel_first_seen
from ..sampling._utils import check_fanouts
from . import _comm
from .dist_graph import DistGraph
from .graph_services import pick_per_etype

__all__ = ["DistNodeDataLoader", "DistEdgeDataLoader"]


class _LockstepLoader:
    """Batches of this rank's seed ids, the same number on every rank (see the subclasses)."""

    def __init__(self, g: DistGraph, ids: Any, fanouts: Any, device: Any, batch_size: int,
                 shuffle: bool, drop_last: bool, seed: int, sampler: Any = None) -> None:
        if not isinstance(g, DistGraph):
            raise DGLError(f"Distributed data loaders take a DistGraph, got {type(g).__name__}.")
        if isinstance(ids, Mapping):
            self.id_types: Optional[List[str]] = [g._ntype(nt) for nt in ids]
            per = [torch.as_tensor(v).reshape(-1).to(torch.int64) for v in ids.values()]
            type_of = [torch.full((t.numel(),), i, dtype=torch.int64) for i, t in enumerate(per)]
            ids = torch.cat(per) if per else torch.zeros(0, dtype=torch.int64)
            self._type_of = torch.cat(type_of) if type_of else torch.zeros(0, dtype=torch.int64)
        else:
            self.id_types = None
            self._type_of = None
        if fanouts is None or any(not isinstance(f, (int, Mapping)) for f in fanouts):
            raise DGLError("Distributed data loaders need a NeighborSampler with one fanout "
                           "(an int or {etype: int}) per layer.")
        if batch_size < 1:
            raise DGLError(f"batch_size must be positive, got {batch_size}.")
        self.g = g
        self.ids = torch.as_tensor(ids).reshape(-1).to(torch.int64)
        self.fanouts = list(fanouts)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.seed = int(seed)
        if getattr(sampler, "prob", None) is not None:
            raise DGLError("Distributed sampling does not support prob or mask yet.")
        self.replace = bool(getattr(sampler, "replace", False))
        self.epoch = 0
        self._position = 0
        n = self.ids.numel()
        mine = n // self.batch_size if drop_last else -(-n // self.batch_size)
        self._num_batches = _comm.all_reduce_max(mine)
        self._skeleton = None

    def __len__(self) -> int:
        return self._num_batches

    def state_dict(self) -> Dict[str, int]:
        """Epoch and position inside it, to resume a restarted job at the next batch."""
        return {"epoch": self.epoch, "position": self._position}

    def load_state_dict(self, state: Dict[str, int]) -> None:
        self.epoch, self._position = int(state["epoch"]), int(state["position"])

    def _epoch_seed(self) -> int:
        """Seed of this rank's epoch: batch ``b`` samples under ``batch_state(seed, b)``."""
        return (self.seed * 1_000_003 + self.epoch * 7919 + _comm.get_rank()) % (2**63)

    def _order(self) -> torch.Tensor:
        if not self.shuffle:
            return torch.arange(self.ids.numel())
        gen = torch.Generator().manual_seed(self._epoch_seed())
        return torch.randperm(self.ids.numel(), generator=gen)

    def _seed_dict(self, pos: torch.Tensor) -> Any:
        if self.id_types is None:
            return self.ids[pos]
        t = self._type_of[pos]
        return {nt: self.ids[pos[t == i]] for i, nt in enumerate(self.id_types)}

    def _blocks(self, seeds: Any) -> Tuple[Any, List[Any]]:
        """Blocks of the sampled layers, built as graphdl's NeighborSampler builds them."""
        if self._skeleton is None:  # ids only: the block builder needs node counts and types
            g, e = self.g, torch.zeros(0, dtype=torch.int64)
            self._skeleton = heterograph({c: (e, e) for c in g.canonical_etypes},
                                         num_nodes_dict={nt: g.num_nodes(nt) for nt in g.ntypes},
                                         idtype=torch.int64)
        g = self.g

        def pick(skeleton, layer_seeds, fanout, exclude):
            return pick_per_etype(g, layer_seeds, check_fanouts(skeleton, fanout), self.replace)

        input_nodes, _, blocks = blocks_by_layers(self._skeleton, seeds, self.fanouts, pick, None)
        if self.device.type != "cpu":
            blocks = [b.to(self.device) for b in blocks]
        return input_nodes, blocks

    def _batches(self) -> Iterator[Tuple[int, Any]]:
        order = self._order()
        n = order.numel()
        for b in range(self._position, self._num_batches):
            lo = b * self.batch_size
            if n == 0:
                batch = order
            elif lo + self.batch_size <= n or (not self.drop_last and lo < n):
                batch = order[lo:lo + self.batch_size]
            else:  # wrap around so that every rank runs the same number of batches
                batch = order[torch.arange(lo, lo + self.batch_size) % n]
            self._position = b + 1
            yield b, self._seed_dict(batch)
        self._position = 0
        self.epoch += 1


class DistNodeDataLoader(_LockstepLoader):
    """Iterate over mini-batches of seed nodes of a :class:`DistGraph` (DGL's
    ``DistNodeDataLoader``), yielding ``(input_nodes, output_nodes, blocks)``.

    Every rank must iterate the same number of batches, since sampling is a collective: the
    number of batches is the largest over the ranks, and a rank with fewer seeds wraps around
    its own (as ``torch.utils.data.DistributedSampler`` pads). ``graph_sampler`` is a
    :class:`~graphdl.dataloading.NeighborSampler` (its ``fanouts``, per layer an int or
    ``{etype: int}``, and ``replace`` are used). On a heterogeneous graph ``nids`` is
    ``{ntype: ids}``; the types are shuffled together and every batch is a dict, as are
    ``input_nodes``. Node features are not gathered: read them with
    ``g.ndata[name][input_nodes]`` (``g.nodes[nt].data[name]``), as DGL's examples do.

    Random streams: batch ``b`` of an epoch samples inside
    ``graphdl.sampling._rng.batch_state(epoch_seed, b)``, where ``epoch_seed`` is fixed by
    ``seed``, the epoch and the rank; the blocks are then those that
    ``NeighborSampler.sample_blocks`` makes in one process on the whole partitioned graph
    inside the same ``batch_state``.

    ``state_dict()`` / ``load_state_dict()`` save and restore the epoch and the position inside
    it, so a restarted job resumes at the next batch.
    """

    def __init__(self, g: DistGraph, nids: Any, graph_sampler: Any, device: Any = None,
                 batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 seed: int = 0, **kwargs: Any) -> None:
        super().__init__(g, nids, getattr(graph_sampler, "fanouts", None), device, batch_size,
                         shuffle, drop_last, seed, graph_sampler)

    @property
    def nids(self) -> torch.Tensor:
        return self.ids

    def __iter__(self) -> Iterator:
        for b, seeds in self._batches():
            with _rng.batch_state(self._epoch_seed(), b):
                input_nodes, blocks = self._blocks(seeds)
            yield input_nodes, seeds, blocks


class DistEdgeDataLoader(_LockstepLoader):
    """Mini-batches of seed edges of a :class:`DistGraph` for link prediction (DGL's
    ``DistEdgeDataLoader``), yielding ``(input_nodes, pair_graph, neg_pair_graph, blocks)``
    (``neg_pair_graph`` only with a negative sampler), as the single-machine
    :class:`~graphdl.dataloading.DataLoader` does with an edge-prediction sampler.

    ``graph_sampler`` is ``as_edge_prediction_sampler(NeighborSampler(...),
    negative_sampler=Uniform(k))``; ``pair_graph`` and ``neg_pair_graph`` share one compacted node
    set with the original ids in ``ndata[NID]``; ``pair_graph.edata[EID]`` holds the seed edges.
    Negatives keep each seed's source and draw ``k`` destinations uniformly over all nodes.
    """

    def __init__(self, g: DistGraph, eids: Any, graph_sampler: Any, device: Any = None,
                 batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 seed: int = 0, **kwargs: Any) -> None:
        node_sampler = getattr(graph_sampler, "sampler", graph_sampler)
        neg = getattr(graph_sampler, "negative_sampler", None)
        if neg is not None and not isinstance(neg, PerSourceUniform):
            raise DGLError(f"Distributed link prediction supports the Uniform negative sampler, "
                           f"not {type(neg).__name__}.")
        if getattr(graph_sampler, "exclude", None) is not None:
            raise DGLError("Distributed link prediction does not support exclude= yet.")
        self.k = neg.k if neg is not None else 0
        if isinstance(eids, Mapping) or not g.is_homogeneous():
            raise DGLError("DistEdgeDataLoader supports homogeneous graphs so far.")
        super().__init__(g, eids, getattr(node_sampler, "fanouts", None), device, batch_size,
                         shuffle, drop_last, seed, node_sampler)

    def __iter__(self) -> Iterator:
        negatives = torch.Generator().manual_seed(
            (self.seed + 1) * 1_000_003 + self.epoch * 7919 + _comm.get_rank())
        for b, eids in self._batches():
            src, dst = self.g.find_edges(eids)
            parts = [src.numpy(), dst.numpy()]
            if self.k:
                nsrc = src.repeat_interleave(self.k)
                ndst = torch.randint(self.g.num_nodes(), (nsrc.numel(),), generator=negatives)
                parts += [nsrc.numpy(), ndst.numpy()]
            uniq, local = relabel_first_seen(self.g.num_nodes(), parts)
            nodes = torch.from_numpy(uniq).to(torch.int64)
            loc = [torch.from_numpy(x).to(torch.int64) for x in local]
            pair = make_graph((loc[0], loc[1]), num_nodes=nodes.numel(), idtype=torch.int64)
            pair.ndata[NID] = nodes
            pair.edata[EID] = eids
            with _rng.batch_state(self._epoch_seed(), b):
                input_nodes, blocks = self._blocks(nodes)
            if self.k:
                negg = make_graph((loc[2], loc[3]), num_nodes=nodes.numel(), idtype=torch.int64)
                negg.ndata[NID] = nodes
                yield input_nodes, pair, negg, blocks
            else:
                yield input_nodes, pair, blocks
