"""ShaDow-GNN sampling: the subgraph induced by a sampled k-hop neighbourhood."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from ..sampling._block import induced_subgraph
from ..sampling._utils import check_fanouts, to_np
from ..sampling.neighbor import pick_edges
from ..sampling.utils import EidExcluder
from .base import FeatSpec, Sampler, _copy_edge_features, _copy_node_features
from .neighbor_sampler import blocks_by_layers

__all__ = ["ShaDowKHopSampler"]


class ShaDowKHopSampler(Sampler):
    """ShaDow-GNN (Zeng et al., 2021): sample neighbours for ``len(fanouts)`` hops as
    :class:`NeighborSampler` does, then take the subgraph induced by all reached nodes.

    ``sample(g, seed_nodes)`` returns ``(input_nodes, output_nodes, subgraph)``; the seed nodes
    come first in the subgraph, in order, and ``subgraph.ndata[NID]`` equals ``input_nodes``.

    Parameters
    ----------
    fanouts
        neighbours per hop (int or ``{etype: int}``), input hop first.
    replace
        sample with replacement.
    prob
        name of a per-edge feature of unnormalised sampling weights.
    prefetch_node_feats, prefetch_edge_feats
        features the subgraph must carry.
    output_device
        device of the result.
    """

    def __init__(
        self,
        fanouts: Sequence[Any],
        replace: bool = False,
        prob: Optional[str] = None,
        prefetch_node_feats: FeatSpec = None,
        prefetch_edge_feats: FeatSpec = None,
        output_device: Any = None,
    ) -> None:
        super().__init__()
        self.fanouts = list(fanouts)
        self.replace = replace
        self.prob = prob
        self.prefetch_node_feats = prefetch_node_feats
        self.prefetch_edge_feats = prefetch_edge_feats
        self.output_device = output_device

    def _pick(self, g: Any, seeds, fanout, exclude):
        return pick_edges(g, seeds, check_fanouts(g, fanout), "in", self.prob, self.replace, exclude)

    def sample(self, g: Any, seed_nodes: Any, exclude_eids: Any = None):
        input_nodes, output_nodes, blocks = blocks_by_layers(g, seed_nodes, self.fanouts, self._pick, None)
        nodes = input_nodes if isinstance(input_nodes, dict) else {g.ntypes[0]: input_nodes}
        subg = induced_subgraph(g, {nt: to_np(v) for nt, v in nodes.items()})
        if exclude_eids is not None:
            subg = EidExcluder(exclude_eids)(subg)
        _copy_node_features(g, subg, self.prefetch_node_feats)
        _copy_edge_features(g, subg, self.prefetch_edge_feats)
        if self.output_device is not None:
            subg = subg.to(self.output_device)
        return input_nodes, output_nodes, subg
