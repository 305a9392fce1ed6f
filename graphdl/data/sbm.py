"""Mixtures of symmetric stochastic block models, with line graphs (for community detection)."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from ..base import DGLError
from .dgl_dataset import DGLDataset
from ..convert import graph
from ..transforms import line_graph
from ..batch import batch

__all__ = ["SBMMixtureDataset", "SBMMixture", "sbm"]


def sbm(n_blocks: int, block_size: int, p: float, q: float, rng: Optional[np.random.RandomState] = None):
    """A symmetric stochastic block model as a symmetric ``scipy.sparse.coo_matrix``.

    Two nodes of one block are linked with probability :math:`p / n`, of different blocks with
    :math:`q / n` (:math:`n` = ``n_blocks * block_size``), so ``p`` and ``q`` are expected degrees
    per block. No self-loops.

    Parameters
    ----------
    n_blocks, block_size : int
        Number and size of the blocks.
    p, q : float
        Intra- and inter-block densities before division by :math:`n`.
    rng : numpy RandomState, optional
        Generator (a fresh unseeded one by default).

    Returns
    -------
    scipy.sparse.coo_matrix
        The :math:`(n, n)` adjacency matrix.
    """
    from scipy import sparse  # imported here: only the generator needs it

    rng = np.random.RandomState() if rng is None else rng
    n = n_blocks * block_size
    rows, cols = [], []
    for i in range(n_blocks):
        for j in range(i, n_blocks):
            density = (p if i == j else q) / n
            count = rng.binomial(block_size * block_size, min(max(density, 0.0), 1.0))
            flat = np.unique(rng.randint(0, block_size * block_size, count))
            r, c = flat // block_size + i * block_size, flat % block_size + j * block_size
            keep = r < c if i == j else np.ones_like(r, dtype=bool)  # one triangle; mirrored below
            rows.append(r[keep])
            cols.append(c[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sparse.coo_matrix((np.ones(2 * r.size), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(n, n))


class SBMMixtureDataset(DGLDataset):
    """Graphs from a mixture of symmetric SBMs (Chen et al., 2019, Appendix C), with their line graphs.

    For each graph, ``q`` is drawn from :math:`U(0, d - \\sqrt{d})` for the average degree
    :math:`d` and ``p = k d - q``; with probability 1/2 the two are swapped. Items are
    ``(graph, line_graph, graph_degrees, line_graph_degrees, pm_pd)``: the line graph is built
    without backtracking, the degrees are float in-degrees, and ``pm_pd`` is the graph's edge
    source ids (what DGL returns there). :meth:`collate_fn` batches items for a data loader.

    Parameters
    ----------
    n_graphs : int
        Number of graphs.
    n_nodes : int
        Nodes per graph, a multiple of ``n_communities``.
    n_communities : int
        Number of blocks.
    k : int
        Multiplier of the average degree. Default 2.
    avg_deg : float
        Average degree :math:`d`. Default 3.
    pq : str or list of (p, q)
        ``'Appendix_C'`` to draw them as above, or one pair per graph.
    rng : numpy RandomState, optional
        Generator (unseeded by default, as in DGL).

    Examples
    --------
    >>> data = SBMMixtureDataset(2, 20, 2, rng=np.random.RandomState(0))
    >>> g, lg, deg_g, deg_lg, pm_pd = data[0]
    >>> g.num_nodes(), lg.num_nodes() == g.num_edges()
    (20, True)
    """

    def __init__(self, n_graphs: int, n_nodes: int, n_communities: int, k: int = 2, avg_deg: float = 3,
                 pq: Union[str, Sequence[Tuple[float, float]]] = "Appendix_C",
                 rng: Optional[np.random.RandomState] = None) -> None:
        if n_communities <= 0 or n_nodes % n_communities != 0:
            raise DGLError(f"n_nodes ({n_nodes}) must be a multiple of n_communities ({n_communities}).")
        if n_graphs <= 0:
            raise DGLError(f"n_graphs must be positive, got {n_graphs}.")
        if isinstance(pq, str) and pq != "Appendix_C":
            raise DGLError(f"pq must be 'Appendix_C' or a list of (p, q) pairs, got {pq!r}.")
        if not isinstance(pq, str) and len(pq) != n_graphs:
            raise DGLError(f"pq holds {len(pq)} pairs for {n_graphs} graphs.")
        self._n_graphs, self._n_nodes, self._n_communities = n_graphs, n_nodes, n_communities
        self._block_size = n_nodes // n_communities
        self._k, self._avg_deg, self._pq = k, avg_deg, pq
        self._rng = np.random.RandomState() if rng is None else rng
        self._graphs: List[Any] = []
        super().__init__("sbmmixture")

    @property
    def raw_path(self) -> str:  # generated, nothing to download
        return ""

    def _download(self) -> None:
        return None

    def _appendix_c(self) -> Tuple[float, float]:
        q = self._rng.uniform(0, self._avg_deg - math.sqrt(self._avg_deg))
        p = self._k * self._avg_deg - q
        return (p, q) if self._rng.rand() < 0.5 else (q, p)

    def process(self) -> None:
        pairs = [self._appendix_c() for _ in range(self._n_graphs)] if isinstance(self._pq, str) else list(self._pq)
        self._graphs, self._line_graphs, self._graph_degrees, self._line_graph_degrees, self._pm_pds = [], [], [], [], []
        for p, q in pairs:
            adj = sbm(self._n_communities, self._block_size, p, q, self._rng)
            g = graph((torch.from_numpy(adj.row).long(), torch.from_numpy(adj.col).long()), num_nodes=self._n_nodes)
            lg = line_graph(g, backtracking=False)
            self._graphs.append(g)
            self._line_graphs.append(lg)
            self._graph_degrees.append(g.in_degrees().float())
            self._line_graph_degrees.append(lg.in_degrees().float())
            self._pm_pds.append(g.edges()[0])

    def __len__(self) -> int:
        return len(self._graphs)

    def __getitem__(self, idx: int):
        return (self._graphs[idx], self._line_graphs[idx], self._graph_degrees[idx], self._line_graph_degrees[idx],
                self._pm_pds[idx])

    def collate_fn(self, x):
        """Batch items: graphs and line graphs batched, degrees concatenated, ``pm_pd`` offset per graph."""
        g, lg, deg_g, deg_lg, pm_pd = zip(*x)
        return (batch(list(g)), batch(list(lg)), torch.cat(deg_g), torch.cat(deg_lg),
                torch.cat([ids + i * self._n_nodes for i, ids in enumerate(pm_pd)]))


SBMMixture = SBMMixtureDataset
