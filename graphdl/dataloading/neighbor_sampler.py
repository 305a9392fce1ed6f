"""Node-wise neighbour samplers producing blocks for multi-layer GNNs."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional, Sequence, Union

from ..base import NID, DGLError
from ..sampling._block import block_from_picked
from ..sampling._utils import check_fanouts, exclude_per_etype, nodes_per_type, to_np
from ..sampling.neighbor import pick_edges
from .base import BlockSampler, FeatSpec

__all__ = ["NeighborSampler", "MultiLayerNeighborSampler", "MultiLayerFullNeighborSampler"]


def blocks_by_layers(g: Any, seed_nodes: Any, layers: Sequence[Any], pick, exclude_eids: Any):
    """Shared loop: ``pick(g, seeds, layer, exclude)`` gives the edges of one layer, starting
    from the output layer. Returns ``(input_nodes, output_nodes, blocks)``."""
    as_dict = isinstance(seed_nodes, Mapping)
    seeds = nodes_per_type(g, seed_nodes, list(g.dsttypes))
    exclude = exclude_per_etype(g, exclude_eids)
    blocks: List[Any] = []
    scratch: dict = {}
    for layer in reversed(list(layers)):
        picked = pick(g, seeds, layer, exclude)
        block = block_from_picked(g, {nt: to_np(t) for nt, t in seeds.items()}, picked, scratch=scratch)
        seeds = {nt: block.srcnodes[nt].data[NID] for nt in block.srctypes}
        blocks.insert(0, block)
    if as_dict or len(g.ntypes) > 1:
        input_nodes = seeds
    else:
        input_nodes = seeds[g.ntypes[0]]
    return input_nodes, seed_nodes, blocks


class NeighborSampler(BlockSampler):
    """Samples, layer by layer from the output, up to ``fanouts[i]`` in-edges of each node.

    ``sample(g, seed_nodes)`` returns ``(input_nodes, output_nodes, blocks)``.

    Parameters
    ----------
    fanouts
        one entry per GNN layer, input layer first; each an int (``-1``: all edges) or
        ``{etype: int}``.
    edge_dir
        only ``'in'`` (messages flow along sampled in-edges) is supported.
    prob
        name of a per-edge feature of unnormalised sampling weights.
    mask
        name of a boolean per-edge feature; only edges where it is true are sampled.
    replace
        sample with replacement.
    prefetch_node_feats, prefetch_labels, prefetch_edge_feats
        features to put on the first
        block's sources, last block's destinations and every block's edges. (Blocks carry
        all node and edge features of the graph anyway; named ones must exist.)
    output_device
        device of the produced blocks.
    fused
        accepted for compatibility; sampling is always done by the compiled path.
    """

    def __init__(
        self,
        fanouts: Sequence[Union[int, Mapping]],
        edge_dir: str = "in",
        prob: Optional[str] = None,
        mask: Optional[str] = None,
        replace: bool = False,
        prefetch_node_feats: FeatSpec = None,
        prefetch_labels: FeatSpec = None,
        prefetch_edge_feats: FeatSpec = None,
        output_device: Any = None,
        fused: bool = True,
    ) -> None:
        super().__init__(prefetch_node_feats, prefetch_labels, prefetch_edge_feats, output_device)
        if edge_dir != "in":
            raise DGLError(f"NeighborSampler supports edge_dir='in' only, got {edge_dir!r}.")
        if prob is not None and mask is not None:
            raise DGLError("Give prob or mask, not both.")
        self.fanouts = list(fanouts)
        self.edge_dir = edge_dir
        self.prob = prob if prob is not None else mask
        self.replace = replace
        self.fused = fused

    def _pick(self, g: Any, seeds, fanout, exclude):
        return pick_edges(g, seeds, check_fanouts(g, fanout), "in", self.prob, self.replace, exclude)

    def sample_blocks(self, g: Any, seed_nodes: Any, exclude_eids: Any = None):
        return blocks_by_layers(g, seed_nodes, self.fanouts, self._pick, exclude_eids)


MultiLayerNeighborSampler = NeighborSampler


class MultiLayerFullNeighborSampler(NeighborSampler):
    """Every in-edge of every node, for ``num_layers`` layers (``NeighborSampler([-1] * n)``)."""

    def __init__(
        self,
        num_layers: int,
        edge_dir: str = "in",
        prefetch_node_feats: FeatSpec = None,
        prefetch_labels: FeatSpec = None,
        prefetch_edge_feats: FeatSpec = None,
        output_device: Any = None,
    ) -> None:
        super().__init__([-1] * int(num_layers), edge_dir=edge_dir,
                         prefetch_node_feats=prefetch_node_feats, prefetch_labels=prefetch_labels,
                         prefetch_edge_feats=prefetch_edge_feats, output_device=output_device)
