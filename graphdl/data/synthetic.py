"""Synthetic node- and graph-classification sets with planted motifs, for judging explainers.

Each set is generated from its seed (no files, no download). A base graph (Barabási–Albert or a
balanced binary tree) gets ``num_motifs`` copies of a small motif (house, cycle, grid) attached
at evenly spaced anchors; random edges then perturb the result. Node labels say where a node sits
in a motif (0 for the base graph). Every edge is stored once, as DGL stores it; add the reverse
edges (``dgl.add_reverse_edges(g, copy_edata=True)``) for an undirected model.

Beyond DGL's ``label`` and ``feat``, each graph carries the ground truth an explainer is scored
against: ``g.edata['motif']`` (bool) marks the edges built as part of a motif, and
``g.ndata['motif_id']`` (int64) names the motif copy a node belongs to (-1 for the base graph).
"""
from __future__ import annotations

import math
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from ..base import DGLError
from .dgl_dataset import DGLDataset, LabelledGraphs
from ..convert import graph

__all__ = ["BAShapeDataset", "BACommunityDataset", "TreeCycleDataset", "TreeGridDataset", "BA2MotifDataset"]

Edge = Tuple[int, int]


def _rng(seed) -> np.random.RandomState:
    if isinstance(seed, np.random.RandomState):
        return seed
    return np.random.RandomState(seed)


class _Builder:
    """Collects edges, node labels and ground-truth marks while a synthetic graph is planted."""

    def __init__(self, base_edges: Sequence[Edge], num_base: int) -> None:
        self.src: List[int] = [int(u) for u, _ in base_edges]
        self.dst: List[int] = [int(v) for _, v in base_edges]
        self.motif: List[bool] = [False] * len(self.src)
        self.labels: List[int] = [0] * num_base
        self.motif_id: List[int] = [-1] * num_base
        self.num_motifs = 0

    @property
    def n(self) -> int:
        return len(self.labels)

    def add_edge(self, u: int, v: int, motif: bool = False) -> None:
        self.src.append(int(u))
        self.dst.append(int(v))
        self.motif.append(motif)

    def add_motif(self, edges: Sequence[Edge], labels: Sequence[int]) -> int:
        """Append a motif whose nodes are numbered from 0; returns the id of its first node."""
        first = self.n
        for u, v in edges:
            self.add_edge(first + u, first + v, motif=True)
        self.labels.extend(int(x) for x in labels)
        self.motif_id.extend([self.num_motifs] * len(labels))
        self.num_motifs += 1
        return first

    def perturb(self, ratio: float, rng: np.random.RandomState) -> None:
        """Add ``int(ratio * E)`` random edges joining distinct, not yet adjacent nodes."""
        n, num_real = self.n, len(self.src)
        max_ratio = (n * (n - 1) / 2 - num_real) / max(num_real, 1)
        if ratio < 0 or ratio > max_ratio:
            raise DGLError(f"perturb_ratio must lie in [0, {max_ratio:.4f}] for this graph, got {ratio}.")
        seen = set(zip(self.src, self.dst)) | set(zip(self.dst, self.src))
        for _ in range(int(num_real * ratio)):
            while True:
                u, v = int(rng.randint(0, n)), int(rng.randint(0, n))
                if u != v and (u, v) not in seen:
                    break
            seen.update([(u, v), (v, u)])
            self.add_edge(u, v)

    def build(self, feat: torch.Tensor):
        g = graph((torch.tensor(self.src, dtype=torch.int64), torch.tensor(self.dst, dtype=torch.int64)),
                  num_nodes=self.n)
        g.ndata["label"] = torch.tensor(self.labels, dtype=torch.int64)
        g.ndata["feat"] = feat
        g.ndata["motif_id"] = torch.tensor(self.motif_id, dtype=torch.int64)
        g.edata["motif"] = torch.tensor(self.motif, dtype=torch.bool)
        return g


# A five-node house: a square (0-1-2-3) under a roof node 4. Labels: 1 middle, 2 bottom, 3 top.
_HOUSE_EDGES: List[Edge] = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 0), (4, 1)]
_HOUSE_LABELS = [1, 1, 2, 2, 3]


def _ba_edges(n: int, m: int, rng: np.random.RandomState) -> List[Edge]:
    import networkx as nx  # imported here: only the synthetic sets need it

    return list(nx.barabasi_albert_graph(n, m, seed=rng).edges())


def _tree_edges(height: int) -> Tuple[List[Edge], int]:
    import networkx as nx  # imported here: only the synthetic sets need it

    tree = nx.balanced_tree(r=2, h=height)
    return list(tree.edges()), tree.number_of_nodes()


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if value <= 0:
            raise DGLError(f"{name} must be positive, got {value}.")


class _SingleGraphSet(DGLDataset):
    """A data set of one generated graph (no raw files, nothing cached)."""

    _graph = None
    _num_classes = 0

    def __init__(self, name: str, params: dict, seed, raw_dir: Optional[str], force_reload: bool, verbose: bool,
                 transform: Optional[Callable]) -> None:
        for key, value in params.items():  # the generator's parameters, kept as attributes as DGL does
            setattr(self, key, value)
        self.seed = seed
        super().__init__(name, raw_dir=raw_dir, force_reload=force_reload, verbose=verbose, transform=transform)

    @property
    def num_classes(self) -> int:
        return self._num_classes

    @property
    def raw_path(self) -> str:  # generated, nothing to download
        return ""

    def _download(self) -> None:
        return None

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"{type(self).__name__} holds one graph; index {idx} is out of range.")
        return self._graph if self._transform is None else self._transform(self._graph)

    def __len__(self) -> int:
        return 1


def _plant(b: _Builder, edges: Sequence[Edge], labels: Sequence[int], num_motifs: int, num_base: int,
           joined: Optional[Callable[[int, int], None]] = None) -> None:
    """Attach ``num_motifs`` copies of a motif to ``b``, copy ``k`` by one edge to base node
    ``(k * spacing) % num_base``; ``joined(first node, anchor)`` runs after each copy."""
    spacing = max(num_base // num_motifs, 1)
    for k in range(num_motifs):
        anchor = (k * spacing) % num_base
        first = b.add_motif(edges, labels)
        b.add_edge(first, anchor)
        if joined is not None:
            joined(first, anchor)


def _ba_shape(num_base_nodes: int, m: int, num_motifs: int, perturb_ratio: float,
              rng: np.random.RandomState) -> _Builder:
    _check_positive(num_base_nodes=num_base_nodes, num_base_edges_per_node=m, num_motifs=num_motifs)
    if m >= num_base_nodes:
        raise DGLError(f"num_base_edges_per_node ({m}) must be smaller than num_base_nodes ({num_base_nodes}).")
    b = _Builder(_ba_edges(num_base_nodes, m, rng), num_base_nodes)
    _plant(b, _HOUSE_EDGES, _HOUSE_LABELS, num_motifs, num_base_nodes)
    b.perturb(perturb_ratio, rng)
    return b


class BAShapeDataset(_SingleGraphSet):
    """BA-Shapes: house motifs attached to a Barabási–Albert graph (Ying et al., 2019).

    A BA graph of ``num_base_nodes`` nodes (each new node joins ``num_base_edges_per_node``
    others) gets ``num_motifs`` five-node houses, each joined by one edge to an evenly spaced base
    node; then ``int(perturb_ratio * E)`` random edges are added. Four classes: 0 base, 1 middle,
    2 bottom, 3 roof of a house. ``feat`` is a constant 1 of shape :math:`(N, 1)`.

    Parameters
    ----------
    num_base_nodes, num_base_edges_per_node, num_motifs, perturb_ratio
        As above (defaults 300, 5, 80, 0.01).
    seed : int, numpy RandomState or None
        Seed of every random choice; the same seed gives the same graph.
    raw_dir, force_reload, verbose
        Accepted for DGL compatibility; nothing is read or cached.
    transform : callable, optional
        Applied to the graph on access.

    Examples
    --------
    >>> g = BAShapeDataset(seed=0)[0]
    >>> g.num_nodes()
    700
    """

    _num_classes = 4

    def __init__(self, num_base_nodes: int = 300, num_base_edges_per_node: int = 5, num_motifs: int = 80,
                 perturb_ratio: float = 0.01, seed=None, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = True, transform: Optional[Callable] = None) -> None:
        params = dict(num_base_nodes=num_base_nodes, num_base_edges_per_node=num_base_edges_per_node,
                      num_motifs=num_motifs, perturb_ratio=perturb_ratio)
        super().__init__("BA-SHAPES", params, seed, raw_dir, force_reload, verbose, transform)

    def process(self) -> None:
        b = _ba_shape(self.num_base_nodes, self.num_base_edges_per_node, self.num_motifs, self.perturb_ratio,
                      _rng(self.seed))
        self._graph = b.build(torch.ones(b.n, 1))


class BACommunityDataset(_SingleGraphSet):
    """BA-Community: two BA-Shapes graphs joined by random edges (Ying et al., 2019).

    Nodes of the second copy take labels 4-7, so there are eight classes. ``num_inter_edges``
    random edges run from the first copy to the second. Features are 10-dimensional Gaussian:
    the first two dimensions have mean -1 (first copy) or +1 (second copy) and variance 0.5, the
    other eight are standard normal.

    Parameters
    ----------
    num_base_nodes, num_base_edges_per_node, num_motifs, perturb_ratio, num_inter_edges
        Defaults 300, 4, 80, 0.01, 350.
    seed, raw_dir, force_reload, verbose, transform
        As for :class:`BAShapeDataset`.

    Examples
    --------
    >>> g = BACommunityDataset(seed=0)[0]
    >>> g.ndata['feat'].shape
    torch.Size([1400, 10])
    """

    _num_classes = 8

    def __init__(self, num_base_nodes: int = 300, num_base_edges_per_node: int = 4, num_motifs: int = 80,
                 perturb_ratio: float = 0.01, num_inter_edges: int = 350, seed=None, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = True, transform: Optional[Callable] = None) -> None:
        params = dict(num_base_nodes=num_base_nodes, num_base_edges_per_node=num_base_edges_per_node,
                      num_motifs=num_motifs, perturb_ratio=perturb_ratio, num_inter_edges=num_inter_edges)
        super().__init__("BA-COMMUNITY", params, seed, raw_dir, force_reload, verbose, transform)

    def process(self) -> None:
        rng = _rng(self.seed)
        args = (self.num_base_nodes, self.num_base_edges_per_node, self.num_motifs, self.perturb_ratio, rng)
        first, second = _ba_shape(*args), _ba_shape(*args)
        half = first.n
        b = _Builder(list(zip(first.src, first.dst)), 0)
        b.motif = list(first.motif)
        b.labels = list(first.labels)
        b.motif_id = list(first.motif_id)
        b.labels += [x + 4 for x in second.labels]
        b.motif_id += [x + first.num_motifs if x >= 0 else -1 for x in second.motif_id]
        for u, v, mark in zip(second.src, second.dst, second.motif):
            b.add_edge(u + half, v + half, mark)
        for u, v in zip(rng.randint(0, half, self.num_inter_edges), rng.randint(half, 2 * half, self.num_inter_edges)):
            b.add_edge(int(u), int(v))
        scale = np.sqrt(np.array([0.5, 0.5] + [1.0] * 8))
        mean = np.array([1.0, 1.0] + [0.0] * 8)
        feat = np.concatenate([rng.randn(half, 10) * scale - mean, rng.randn(half, 10) * scale + mean])
        self._graph = b.build(torch.from_numpy(feat).float())


class TreeCycleDataset(_SingleGraphSet):
    """Tree-Cycles: six-node cycles attached to a balanced binary tree (Ying et al., 2019).

    The tree has height ``tree_height``; each of the ``num_motifs`` cycles of ``cycle_size`` nodes is
    joined to an evenly spaced tree node, and with probability 1/2 by a second edge from one of its
    nodes to a node near that anchor. Two classes: 0 tree, 1 cycle. ``feat`` is a constant 1.

    Parameters
    ----------
    tree_height, num_motifs, cycle_size, perturb_ratio
        Defaults 8, 60, 6, 0.01.
    seed, raw_dir, force_reload, verbose, transform
        As for :class:`BAShapeDataset`.

    Examples
    --------
    >>> TreeCycleDataset(seed=0)[0].num_nodes()
    871
    """

    _num_classes = 2

    def __init__(self, tree_height: int = 8, num_motifs: int = 60, cycle_size: int = 6, perturb_ratio: float = 0.01,
                 seed=None, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        params = dict(tree_height=tree_height, num_motifs=num_motifs, cycle_size=cycle_size,
                      perturb_ratio=perturb_ratio)
        super().__init__("TREE-CYCLES", params, seed, raw_dir, force_reload, verbose, transform)

    def process(self) -> None:
        _check_positive(tree_height=self.tree_height, num_motifs=self.num_motifs)
        if self.cycle_size < 3:
            raise DGLError(f"cycle_size must be at least 3, got {self.cycle_size}.")
        rng = _rng(self.seed)
        edges, n = _tree_edges(self.tree_height)
        b = _Builder(edges, n)
        c = self.cycle_size

        def second_edge(first: int, anchor: int) -> None:
            if rng.random_sample() > 0.5:
                a, d = rng.randint(1, min(4, c)), rng.randint(1, 4)
                b.add_edge(first + a, min(anchor + d, n - 1))

        _plant(b, [(i, (i + 1) % c) for i in range(c)], [1] * c, self.num_motifs, n, second_edge)
        b.perturb(self.perturb_ratio, rng)
        self._graph = b.build(torch.ones(b.n, 1))


class TreeGridDataset(_SingleGraphSet):
    """Tree-Grid: ``grid_size`` × ``grid_size`` grids attached to a balanced binary tree (Ying et al., 2019).

    Each of the ``num_motifs`` grids is joined by one edge to an evenly spaced tree node; then
    ``int(perturb_ratio * E)`` random edges are added. Two classes: 0 tree, 1 grid. ``feat`` is a
    constant 1.

    Parameters
    ----------
    tree_height, num_motifs, grid_size, perturb_ratio
        Defaults 8, 80, 3, 0.1.
    seed, raw_dir, force_reload, verbose, transform
        As for :class:`BAShapeDataset`.

    Examples
    --------
    >>> TreeGridDataset(seed=0)[0].num_nodes()
    1231
    """

    _num_classes = 2

    def __init__(self, tree_height: int = 8, num_motifs: int = 80, grid_size: int = 3, perturb_ratio: float = 0.1,
                 seed=None, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        params = dict(tree_height=tree_height, num_motifs=num_motifs, grid_size=grid_size,
                      perturb_ratio=perturb_ratio)
        super().__init__("TREE-GRIDS", params, seed, raw_dir, force_reload, verbose, transform)

    def process(self) -> None:
        _check_positive(tree_height=self.tree_height, num_motifs=self.num_motifs, grid_size=self.grid_size)
        rng = _rng(self.seed)
        edges, n = _tree_edges(self.tree_height)
        b = _Builder(edges, n)
        s = self.grid_size
        grid = [(r * s + c, r * s + c + 1) for r in range(s) for c in range(s - 1)]
        grid += [(r * s + c, (r + 1) * s + c) for r in range(s - 1) for c in range(s)]
        _plant(b, grid, [1] * (s * s), self.num_motifs, n)
        b.perturb(self.perturb_ratio, rng)
        self._graph = b.build(torch.ones(b.n, 1))


class BA2MotifDataset(LabelledGraphs, DGLDataset):
    """BA-2Motifs: 1,000 small BA graphs carrying a house (class 0) or a five-cycle (class 1) (Luo et al., 2020).

    Each graph is a 20-node Barabási–Albert graph (one edge per new node) with a five-node motif
    joined to a random base node, 25 nodes in all; edges are stored in both directions and
    ``feat`` is the constant 0.1 of shape :math:`(25, 10)`, as in the published file. Items are
    ``(graph, label)``. Generated from ``seed`` rather than downloaded.

    Parameters
    ----------
    raw_dir, force_reload, verbose
        Accepted for DGL compatibility; nothing is read or cached.
    transform : callable, optional
        Applied to each graph on access.
    seed : int
        Seed of the generator (keyword only; not in DGL, whose set is a fixed file).
    num_graphs : int
        Number of graphs, half of each class (keyword only; default 1000 as published).

    Examples
    --------
    >>> data = BA2MotifDataset(seed=0)
    >>> g, label = data[0]
    >>> g.num_nodes(), int(label)
    (25, 0)
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None, *, seed: int = 0, num_graphs: int = 1000) -> None:
        if num_graphs <= 0:
            raise DGLError(f"num_graphs must be positive, got {num_graphs}.")
        self.seed = seed
        self.num_graphs = num_graphs
        self.graphs: list = []
        self.labels = torch.empty(0, dtype=torch.int64)
        super().__init__("BA-2motifs", raw_dir=raw_dir, force_reload=force_reload, verbose=verbose,
                         transform=transform)

    @property
    def raw_path(self) -> str:  # generated, nothing to download
        return ""

    def _download(self) -> None:
        return None

    def process(self) -> None:
        rng = _rng(self.seed)
        cycle = [(i, (i + 1) % 5) for i in range(5)]
        labels = []
        for i in range(self.num_graphs):
            label = 0 if i < (self.num_graphs + 1) // 2 else 1
            b = _Builder(_ba_edges(20, 1, rng), 20)
            first = b.add_motif(_HOUSE_EDGES if label == 0 else cycle, [1] * 5)
            b.add_edge(first, int(rng.randint(0, 20)))
            src, dst, mark = list(b.src), list(b.dst), list(b.motif)
            for u, v, m in zip(src, dst, mark):  # both directions, as the published adjacency
                b.add_edge(v, u, m)
            g = b.build(torch.full((b.n, 10), 0.1))
            del g.ndata["label"]
            self.graphs.append(g)
            labels.append(label)
        self.labels = torch.tensor(labels, dtype=torch.int64)

    @property
    def num_classes(self) -> int:
        return 2
