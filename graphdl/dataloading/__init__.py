"""Mini-batch training: graph samplers and the data loaders that drive them."""
from __future__ import annotations

from . import negative_sampler
from .base import *  # noqa: F401,F403
from .base import __all__ as _base_all
from .cluster_gcn import ClusterGCNSampler
from .collators import EdgeCollator, NodeCollator
from .dataloader import DataLoader
from .graph_dataloader import GraphCollator, GraphDataLoader
from .graphsaint import SAINTSampler
from .labor_sampler import LaborSampler
from .neighbor_sampler import MultiLayerFullNeighborSampler, MultiLayerNeighborSampler, NeighborSampler
from .shadow import ShaDowKHopSampler
from .spot_target import SpotTarget

__all__ = list(_base_all) + [
    "negative_sampler",
    "NeighborSampler",
    "MultiLayerNeighborSampler",
    "MultiLayerFullNeighborSampler",
    "LaborSampler",
    "ClusterGCNSampler",
    "ShaDowKHopSampler",
    "SAINTSampler",
    "SpotTarget",
    "DataLoader",
    "GraphDataLoader",
    "GraphCollator",
    "train_minibatch_node_classification",
    "NodeCollator",
    "EdgeCollator",
]


def __getattr__(name: str):
    if name == "train_minibatch_node_classification":
        # deferred: graphdl.training sits above this package (it imports DataLoader and
        # NeighborSampler from it); a module-level import would be a cycle through graphdl.training
        from ..training import train_minibatch_node_classification

        return train_minibatch_node_classification
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
