"""Mini-batches over a :class:`DistGraph`: seeds split by rank, neighbours sampled by owners."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

import torch

from ..base import EID, NID, DGLError
from ..convert import graph as make_graph
from ..dataloading.negative_sampler import PerSourceUniform
from ..sampling._block import block_from_picked, relabel_first_seen
from . import _comm
from .dist_graph import DistGraph

__all__ = ["DistNodeDataLoader", "DistEdgeDataLoader", "sample_neighbors"]


def sample_neighbors(g: DistGraph, nodes: Any, fanout: int, edge_dir: str = "in",
                     prob: Optional[str] = None, exclude_edges: Any = None,
                     replace: bool = False, etype_sorted: bool = True,
                     output_device: Any = None, use_graphbolt: bool = False):
    """Sample up to ``fanout`` in-edges of each seed across partitions (a collective).

    Returns a graph over all ``g.num_nodes()`` nodes holding the sampled edges, with the
    original edge ids in ``edata[graphdl.EID]`` (DGL's distributed ``sample_neighbors``).
    """
    if edge_dir != "in":
        raise DGLError("Distributed sampling supports edge_dir='in' only.")
    if prob is not None or exclude_edges is not None:
        raise DGLError("Distributed sampling does not support prob or exclude_edges yet.")
    seeds = torch.as_tensor(nodes).reshape(-1).to(torch.int64)
    counts, (nbrs, eids) = g.sample_in_edges(seeds, int(fanout), replace)
    dst = torch.repeat_interleave(seeds, counts)
    frontier = make_graph((nbrs, dst), num_nodes=g.num_nodes(), idtype=torch.int64)
    frontier.edata[EID] = eids
    return frontier


class _LockstepLoader:
    """Batches of this rank's seed ids, the same number on every rank (see the subclasses)."""

    def __init__(self, g: DistGraph, ids: Any, fanouts: Any, device: Any, batch_size: int,
                 shuffle: bool, drop_last: bool, seed: int) -> None:
        if not isinstance(g, DistGraph):
            raise DGLError(f"Distributed data loaders take a DistGraph, got {type(g).__name__}.")
        if isinstance(ids, dict):
            if len(ids) != 1:
                raise DGLError("Distributed mini-batches of several types are not supported yet.")
            ids = next(iter(ids.values()))
        if fanouts is None or any(not isinstance(f, int) for f in fanouts):
            raise DGLError("Distributed data loaders need a NeighborSampler with one integer "
                           "fanout per layer.")
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

    def _generator(self) -> torch.Generator:
        return torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch * 7919 + _comm.get_rank())

    def _order(self) -> torch.Tensor:
        if not self.shuffle:
            return self.ids
        return self.ids[torch.randperm(self.ids.numel(), generator=self._generator())]

    def _blocks(self, seeds: torch.Tensor):
        if self._skeleton is None:  # ids only: the block builder needs the node count and types
            self._skeleton = make_graph((torch.zeros(0, dtype=torch.int64),
                                         torch.zeros(0, dtype=torch.int64)),
                                        num_nodes=self.g.num_nodes(), idtype=torch.int64)
        cet = self._skeleton.canonical_etypes[0]
        blocks: List[Any] = []
        cur = seeds
        for fanout in reversed(self.fanouts):
            counts, (nbrs, eids) = self.g.sample_in_edges(cur, fanout)
            picked = {cet: (cur.numpy(), counts.numpy(), nbrs.numpy(), eids.numpy())}
            block = block_from_picked(self._skeleton, {cet[2]: cur.numpy()}, picked,
                                      copy_ndata=False, copy_edata=False)
            cur = block.srcdata[NID].to(torch.int64)
            blocks.insert(0, block.to(self.device) if self.device.type != "cpu" else block)
        return cur, blocks

    def _batches(self) -> Iterator[torch.Tensor]:
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
            yield batch
        self._position = 0
        self.epoch += 1


class DistNodeDataLoader(_LockstepLoader):
    """Iterate over mini-batches of seed nodes of a :class:`DistGraph` (DGL's
    ``DistNodeDataLoader``), yielding ``(input_nodes, output_nodes, blocks)``.

    Every rank must iterate the same number of batches, since sampling is a collective: the
    number of batches is the largest over the ranks, and a rank with fewer seeds wraps around
    its own (as ``torch.utils.data.DistributedSampler`` pads). ``graph_sampler`` is a
    :class:`~graphdl.dataloading.NeighborSampler` (its ``fanouts`` are used). Node features are
    not gathered: read them with ``g.ndata[name][input_nodes]``, as DGL's examples do.

    ``state_dict()`` / ``load_state_dict()`` save and restore the epoch and the position inside
    it, so a restarted job resumes at the next batch.
    """

    def __init__(self, g: DistGraph, nids: Any, graph_sampler: Any, device: Any = None,
                 batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 seed: int = 0, **kwargs: Any) -> None:
        super().__init__(g, nids, getattr(graph_sampler, "fanouts", None), device, batch_size,
                         shuffle, drop_last, seed)

    @property
    def nids(self) -> torch.Tensor:
        return self.ids

    def __iter__(self) -> Iterator:
        for seeds in self._batches():
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
        super().__init__(g, eids, getattr(node_sampler, "fanouts", None), device, batch_size,
                         shuffle, drop_last, seed)

    def __iter__(self) -> Iterator:
        negatives = torch.Generator().manual_seed(
            (self.seed + 1) * 1_000_003 + self.epoch * 7919 + _comm.get_rank())
        for eids in self._batches():
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
            input_nodes, blocks = self._blocks(nodes)
            if self.k:
                negg = make_graph((loc[2], loc[3]), num_nodes=nodes.numel(), idtype=torch.int64)
                negg.ndata[NID] = nodes
                yield input_nodes, pair, negg, blocks
            else:
                yield input_nodes, pair, blocks
