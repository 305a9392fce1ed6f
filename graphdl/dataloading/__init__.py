"""Mini-batch training: graph samplers and the data loaders that drive them."""
from __future__ import annotations

from . import negative_sampler
from .base import *  # noqa: F401,F403
from .base import __all__ as _base_all
from .cluster_gcn import ClusterGCNSampler
from .collators import EdgeCollator, GraphCollator, NodeCollator
from ..data.graph_dataloader import GraphDataLoader
from .dataloader import DataLoader
from .graphsaint import SAINTSampler
from .labor_sampler import LaborSampler
from .neighbor_sampler import MultiLayerFullNeighborSampler, MultiLayerNeighborSampler, NeighborSampler
from .shadow import ShaDowKHopSampler
from .train import train_minibatch_node_classification

__all__ = list(_base_all) + [
    "negative_sampler",
    "NeighborSampler",
    "MultiLayerNeighborSampler",
    "MultiLayerFullNeighborSampler",
    "LaborSampler",
    "ClusterGCNSampler",
    "ShaDowKHopSampler",
    "SAINTSampler",
    "DataLoader",
    "GraphDataLoader",
    "train_minibatch_node_classification",
    "NodeCollator",
    "EdgeCollator",
    "GraphCollator",
]
