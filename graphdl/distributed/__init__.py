"""Distributed graphs: partitions on disk in DGL's layout, and training across processes.

``partition_graph`` splits a graph into partitions that DGL 2.1 also reads (and reads DGL's);
the partition book maps every node and edge id to the partition that owns it.
"""
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
    "partition_graph",
    "load_partition",
    "load_partition_book",
    "load_partition_feats",
    "GraphPartitionBook",
    "RangePartitionBook",
    "PartitionPolicy",
    "NodePartitionPolicy",
    "EdgePartitionPolicy",
    "DEFAULT_NTYPE",
    "DEFAULT_ETYPE",
]
