"""Data sets, graph files and loaders with DGL's names."""
from __future__ import annotations

from .dgl_dataset import DGLBuiltinDataset, DGLDataset
from .citation_graph import CitationGraphDataset, CiteseerGraphDataset, CoraGraphDataset, PubmedGraphDataset
from .graph_serialize import load_graphs, load_labels, save_graphs
from .utils import load_tensors, save_tensors, split_dataset, Subset
from . import utils

__all__ = [
    "DGLDataset",
    "DGLBuiltinDataset",
    "CitationGraphDataset",
    "CoraGraphDataset",
    "CiteseerGraphDataset",
    "PubmedGraphDataset",
    "save_graphs",
    "load_graphs",
    "load_labels",
    "save_tensors",
    "load_tensors",
    "split_dataset",
    "Subset",
    "utils",
]
