"""Layer-neighbour sampler (LABOR-0)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Sequence, Union

from ..base import DGLError
from ..sampling import _rng
from ..sampling._utils import check_fanouts
from ..sampling.labor import labor_pick
from .base import BlockSampler, FeatSpec
from .neighbor_sampler import blocks_by_layers

__all__ = ["LaborSampler"]


class LaborSampler(BlockSampler):
    """Layer-neighbour sampling (Balin and Catalyurek, 2023), variant LABOR-0.

    Each node keeps ``fanouts[i]`` in-edges on average, but the random draws belong to the
    source nodes and are shared by all seeds of a layer, so far fewer distinct source nodes
    are sampled than with :class:`NeighborSampler` for the same fan-out.

    Parameters
    ----------
    fanouts
        fan-out per layer, input layer first (int or ``{etype: int}``).
    edge_dir
        ``'in'`` only.
    prob
        an edge feature of non-negative sampling weights (see
        :func:`~graphdl.sampling.sample_labors`).
    importance_sampling
        only 0 (LABOR-0) is supported.
    layer_dependency
        use the same draws in every layer of a batch.
    batch_dependency
        accepted for compatibility; draws are fresh per batch.
    prefetch_node_feats, prefetch_labels, prefetch_edge_feats, output_device
        as in
        :class:`NeighborSampler`.
    """

    def __init__(
        self,
        fanouts: Sequence[Union[int, Mapping]],
        edge_dir: str = "in",
        prob: Optional[str] = None,
        importance_sampling: int = 0,
        layer_dependency: bool = False,
        batch_dependency: int = 1,
        prefetch_node_feats: FeatSpec = None,
        prefetch_labels: FeatSpec = None,
        prefetch_edge_feats: FeatSpec = None,
        output_device: Any = None,
    ) -> None:
        super().__init__(prefetch_node_feats, prefetch_labels, prefetch_edge_feats, output_device)
        if edge_dir != "in":
            raise DGLError(f"LaborSampler supports edge_dir='in' only, got {edge_dir!r}.")
        if importance_sampling != 0:
            raise DGLError("LaborSampler supports importance_sampling=0 (LABOR-0) only.")
        self.prob = prob
        self.fanouts = list(fanouts)
        self.edge_dir = edge_dir
        self.layer_dependency = layer_dependency
        self.batch_dependency = batch_dependency

    def sample_blocks(self, g: Any, seed_nodes: Any, exclude_eids: Any = None):
        base = _rng.next_seed()
        layer_ix = iter(range(len(self.fanouts)))

        def pick(g, seeds, fanout, exclude):
            i = next(layer_ix)
            rs = base if self.layer_dependency else (base + 7919 * (i + 1)) % (2**63)
            return labor_pick(g, seeds, check_fanouts(g, fanout), "in", exclude, rs, self.prob)

        return blocks_by_layers(g, seed_nodes, self.fanouts, pick, exclude_eids)
