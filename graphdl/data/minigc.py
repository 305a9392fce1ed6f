"""MiniGC: small generated graphs of eight shapes, a toy graph-classification set."""
from __future__ import annotations

import math
from typing import Callable, List, Optional

import numpy as np
import torch

from ..base import DGLError
from .dgl_dataset import DGLDataset, LabelledGraphs
from ..convert import graph

__all__ = ["MiniGCDataset"]

# Class ids, as DGL numbers them.
_SHAPES = ["cycle", "star", "wheel", "lollipop", "hypercube", "grid", "clique", "circular_ladder"]


def _shape(kind: str, n: int, rng: np.random.RandomState):
    import networkx as nx  # imported here: only the generator needs it

    if kind == "cycle":
        return nx.cycle_graph(n)
    if kind == "star":
        return nx.star_graph(n - 1)
    if kind == "wheel":
        return nx.wheel_graph(n)
    if kind == "lollipop":
        path = int(rng.randint(1, n - 1)) if n > 3 else 1
        return nx.lollipop_graph(max(n - path, 3), path)
    if kind == "hypercube":
        return nx.hypercube_graph(max(int(math.log2(n)), 1))
    if kind == "grid":
        rows = max(int(math.sqrt(n)), 1)
        return nx.grid_2d_graph(rows, max(n // rows, 1))
    if kind == "clique":
        return nx.complete_graph(n)
    return nx.circular_ladder_graph(max(n // 2, 2))


class MiniGCDataset(LabelledGraphs, DGLDataset):
    """Generated graphs of eight shapes (cycle, star, wheel, lollipop, hypercube, grid, clique,
    circular ladder; labels 0-7 in that order), for graph classification.

    Each graph gets a node count drawn uniformly from ``[min_num_v, max_num_v]`` (shapes that
    need a particular size, the hypercube, grid and circular ladder, round it down). Edges are
    stored in both directions; there are no features. Items are ``(graph, label)``.

    Parameters
    ----------
    num_graphs : int
        Number of graphs, spread evenly over the eight classes.
    min_num_v, max_num_v : int
        Bounds on the number of nodes (``min_num_v`` at least 4).
    seed : int
        Seed of the generator. Default 0.
    save_graph, force_reload, verbose
        Accepted for DGL compatibility; nothing is cached.
    transform : callable, optional
        Applied to each graph on access.

    Examples
    --------
    >>> data = MiniGCDataset(16, 10, 20)
    >>> g, label = data[0]
    >>> data.num_classes
    8
    """

    def __init__(self, num_graphs: int, min_num_v: int, max_num_v: int, seed: int = 0, save_graph: bool = True,
                 force_reload: bool = False, verbose: bool = False, transform: Optional[Callable] = None) -> None:
        if num_graphs <= 0:
            raise DGLError(f"num_graphs must be positive, got {num_graphs}.")
        if min_num_v < 4 or max_num_v < min_num_v:
            raise DGLError(f"Need 4 <= min_num_v <= max_num_v, got {min_num_v} and {max_num_v}.")
        self.num_graphs = num_graphs
        self.min_num_v = min_num_v
        self.max_num_v = max_num_v
        self.seed = seed
        self.graphs: List = []
        self.labels = torch.empty(0, dtype=torch.int64)
        super().__init__("minigc", hash_key=(num_graphs, min_num_v, max_num_v, seed), force_reload=force_reload,
                         verbose=verbose, transform=transform)

    @property
    def raw_path(self) -> str:  # generated, nothing to download
        return ""

    def _download(self) -> None:
        return None

    def process(self) -> None:
        rng = np.random.RandomState(self.seed)
        labels = []
        for i in range(self.num_graphs):
            label = i * len(_SHAPES) // self.num_graphs
            n = int(rng.randint(self.min_num_v, self.max_num_v + 1))
            nxg = _shape(_SHAPES[label], n, rng)
            index = {v: k for k, v in enumerate(nxg.nodes)}
            pairs = [(index[u], index[v]) for u, v in nxg.edges]
            src = torch.tensor([u for u, v in pairs] + [v for u, v in pairs], dtype=torch.int64)
            dst = torch.tensor([v for u, v in pairs] + [u for u, v in pairs], dtype=torch.int64)
            self.graphs.append(graph((src, dst), num_nodes=nxg.number_of_nodes()))
            labels.append(label)
        self.labels = torch.tensor(labels, dtype=torch.int64)

    @property
    def num_classes(self) -> int:
        return len(_SHAPES)
