"""Distributed graphs: partitions on disk in DGL's layout, and training across processes.

``partition_graph`` splits a graph into partitions that DGL 2.1 also reads (and reads DGL's);
the partition book maps every node and edge id to the partition that owns it. The runtime runs
on ``torch.distributed`` as launched by ``torchrun``: rank ``r`` serves partition ``r``, and
remote rows move with collectives (see ``graphdl/distributed/_comm.py``).
"""
from . import optim
from ._comm import DistributedError, barrier, exit_client, get_rank, get_world_size, initialize, is_initialized
from .dist_dataloader import DistEdgeDataLoader, DistNodeDataLoader
from .dist_embedding import DistEmbedding
from .dist_graph import DistGraph, edge_split, node_split
from .dist_tensor import DistTensor
from .graph_services import in_subgraph, sample_etype_neighbors, sample_neighbors
from .partition import load_partition, load_partition_book, load_partition_feats, partition_graph
from .partition_book import (
    DEFAULT_ETYPE,
    DEFAULT_NTYPE,
    EdgePartitionPolicy,
    GraphPartitionBook,
    NodePartitionPolicy,
    PartitionPolicy,
    RangePartitionBook,
)

__all__ = [
    "partition_graph", "load_partition", "load_partition_book", "load_partition_feats",
    "GraphPartitionBook", "RangePartitionBook", "PartitionPolicy", "NodePartitionPolicy",
    "EdgePartitionPolicy", "DEFAULT_NTYPE", "DEFAULT_ETYPE",
    "initialize", "is_initialized", "exit_client", "get_rank", "get_world_size", "barrier",
    "DistributedError", "DistGraph", "DistTensor", "DistEmbedding", "node_split", "edge_split",
    "sample_neighbors", "sample_etype_neighbors", "in_subgraph", "DistNodeDataLoader", "DistEdgeDataLoader", "optim",
]
