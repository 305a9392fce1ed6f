"""DGL's collator classes: a ``torch.utils.data.DataLoader`` over seed ids, with the
collator's ``collate`` as ``collate_fn``, yields the samples of a graph sampler.

``NodeCollator(g, nids, sampler)`` yields ``sampler.sample(g, batch)``, e.g.
``(input_nodes, output_nodes, blocks)`` for a block sampler. ``EdgeCollator`` wraps the
block sampler into an :class:`~graphdl.dataloading.EdgePredictionSampler` and yields
``(input_nodes, pair_graph, blocks)``, or ``(input_nodes, pair_graph, neg_pair_graph, blocks)``
with a negative sampler. With ``{type: ids}`` seeds the data set holds ``(type, id)`` pairs,
which ``collate`` groups back into a dict.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import torch

from ..base import DGLError
from .graph_dataloader import GraphCollator
from .base import as_edge_prediction_sampler
from .lazy_features import resolve_lazy_features

__all__ = ["NodeCollator", "EdgeCollator", "GraphCollator"]


class _FlatPairs(torch.utils.data.Dataset):
    """The ``(type, id)`` pairs of ``{type: ids}``, type after type."""

    def __init__(self, ids: Mapping) -> None:
        self._types = list(ids.keys())
        self._ids = [torch.as_tensor(v).reshape(-1) for v in ids.values()]
        self._ends = torch.cumsum(torch.tensor([len(v) for v in self._ids], dtype=torch.int64), 0)

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def __getitem__(self, i: int):
        t = int(torch.searchsorted(self._ends, torch.tensor(int(i)), right=True))
        start = int(self._ends[t - 1]) if t else 0
        return self._types[t], self._ids[t][int(i) - start]


def _group(items: Sequence[Any], idtype: torch.dtype, typed: bool) -> Any:
    if not typed:
        if len(items) and isinstance(items[0], torch.Tensor) and items[0].dim() > 0:
            return torch.cat([torch.as_tensor(x).reshape(-1) for x in items]).to(idtype)
        return torch.as_tensor([int(x) for x in items], dtype=idtype)
    out: Dict[Any, List[int]] = {}
    for t, i in items:
        out.setdefault(t, []).append(int(i))
    return {t: torch.tensor(v, dtype=idtype) for t, v in out.items()}


class _SeedCollator:
    """What the node and edge collators share: the seed ids as a data set, grouped back by
    type in ``collate``."""

    g: Any
    _typed: bool
    _dataset: Any

    def _keep_seeds(self, ids: Any) -> Any:
        """``ids`` as tensors (a dict of them for typed seeds); sets :attr:`dataset`."""
        self._typed = isinstance(ids, Mapping)
        if self._typed:
            kept: Any = {k: torch.as_tensor(v) for k, v in ids.items()}
            self._dataset = _FlatPairs(kept)
        else:
            kept = torch.as_tensor(ids)
            self._dataset = kept
        return kept

    @property
    def dataset(self) -> Any:
        """What the ``torch.utils.data.DataLoader`` iterates over."""
        return self._dataset

    def _sample(self, sampler: Any, items: Sequence[Any]) -> Any:
        return resolve_lazy_features(self.g, sampler.sample(self.g, _group(items, self.g.idtype, self._typed)))


class NodeCollator(_SeedCollator):
    """Turns batches of seed nodes into samples of ``graph_sampler``.

    Parameters
    ----------
    g : DGLGraph
        The graph.
    nids : Tensor or dict[str, Tensor]
        The seed nodes (per type for a heterogeneous graph).
    graph_sampler : Sampler
        Any object with ``sample(g, seed_nodes)``.

    Examples
    --------
    >>> sampler = graphdl.dataloading.MultiLayerFullNeighborSampler(2)
    >>> collator = graphdl.dataloading.NodeCollator(g, train_nids, sampler)
    >>> loader = torch.utils.data.DataLoader(collator.dataset, batch_size=64, collate_fn=collator.collate)
    >>> for input_nodes, output_nodes, blocks in loader:
    ...     pass
    """

    def __init__(self, g: Any, nids: Any, graph_sampler: Any) -> None:
        if not hasattr(graph_sampler, "sample"):
            raise DGLError("graph_sampler must have a sample(g, seed_nodes) method.")
        self.g = g
        self.graph_sampler = graph_sampler
        self.nids = self._keep_seeds(nids)

    def collate(self, items: Sequence[Any]) -> Any:
        """The sample of one batch of seed nodes.

        Parameters
        ----------
        items : list
            Node ids, or ``(ntype, id)`` pairs for typed seeds.

        Returns
        -------
        Any
            ``graph_sampler.sample(g, seed_nodes)``.
        """
        return self._sample(self.graph_sampler, items)


class _OnGraph:
    """A block sampler that samples on a fixed graph whatever graph it is handed."""

    def __init__(self, sampler: Any, g: Any) -> None:
        self.sampler, self.g = sampler, g
        self.output_device = getattr(sampler, "output_device", None)

    def sample(self, _g: Any, seed_nodes: Any, exclude_eids: Any = None) -> Any:
        return self.sampler.sample(self.g, seed_nodes, exclude_eids)


class EdgeCollator(_SeedCollator):
    """Turns batches of seed edges into link-prediction samples.

    Parameters
    ----------
    g : DGLGraph
        The graph the seed edges (and the pair graphs) come from.
    eids : Tensor or dict
        The seed edges (per edge type for a heterogeneous graph).
    graph_sampler : BlockSampler
        The node-wise sampler computing the blocks.
    g_sampling : DGLGraph, optional
        The graph blocks are sampled on (default ``g``); must have ``g``'s nodes.
    exclude : None, str or callable
        Edges kept out of the blocks: ``'self'``, ``'reverse_id'``, ``'reverse_types'`` or a
        callable (see :func:`~graphdl.dataloading.find_exclude_eids`).
    reverse_eids : Tensor or dict, optional
        For ``exclude='reverse_id'``.
    reverse_etypes : dict, optional
        For ``exclude='reverse_types'``.
    negative_sampler : callable, optional
        Makes the negative pairs.

    Examples
    --------
    >>> sampler = graphdl.dataloading.MultiLayerFullNeighborSampler(1)
    >>> collator = graphdl.dataloading.EdgeCollator(g, train_eids, sampler, exclude="self")
    >>> loader = torch.utils.data.DataLoader(collator.dataset, batch_size=64, collate_fn=collator.collate)
    >>> for input_nodes, pair_graph, blocks in loader:
    ...     pass
    """

    def __init__(self, g: Any, eids: Any, graph_sampler: Any, g_sampling: Any = None,
                 exclude: Union[None, str, Callable] = None, reverse_eids: Any = None,
                 reverse_etypes: Optional[Mapping] = None, negative_sampler: Optional[Callable] = None) -> None:
        if not hasattr(graph_sampler, "sample"):
            raise DGLError("graph_sampler must have a sample(g, seed_nodes, exclude_eids) method.")
        self.g = g
        self.g_sampling = g_sampling
        self.graph_sampler = graph_sampler
        self.negative_sampler = negative_sampler
        inner = graph_sampler if g_sampling is None or g_sampling is g else _OnGraph(graph_sampler, g_sampling)
        self._sampler = as_edge_prediction_sampler(inner, exclude=exclude, reverse_eids=reverse_eids,
                                                   reverse_etypes=reverse_etypes, negative_sampler=negative_sampler)
        self.eids = self._keep_seeds(eids)

    def collate(self, items: Sequence[Any]) -> Any:
        """The sample of one batch of seed edges.

        Parameters
        ----------
        items : list
            Edge ids, or ``(etype, id)`` pairs for typed seeds.

        Returns
        -------
        tuple
            ``(input_nodes, pair_graph, blocks)`` or, with a negative sampler,
            ``(input_nodes, pair_graph, neg_pair_graph, blocks)``.
        """
        return self._sample(self._sampler, items)
