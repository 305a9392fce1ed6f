"""Neighbour selection by random-walk visit counts (PinSAGE)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import torch

from .._graph.ids import to_id_tensor
from ..base import DGLError
from ._utils import resolve_etype, to_np
from .randomwalks import random_walk
from ..convert import heterograph

__all__ = ["RandomWalkNeighborSampler", "PinSAGESampler"]


class RandomWalkNeighborSampler:
    """For each seed node, the ``num_neighbors`` nodes most often reached by random walks.

    Each seed starts ``num_random_walks`` walks; a walk repeats ``metapath`` up to
    ``num_traversals`` times and stops after each full traversal with probability
    ``termination_prob``. The node reached at the end of every traversal is counted.

    Calling the sampler with seed ids returns a graph on the metapath's start/end node type
    with an edge ``neighbour -> seed`` for each selected neighbour and the visit count in
    ``edata[weight_column]``.

    Parameters
    ----------
    G
        the graph.
    num_traversals
        maximum traversals of the metapath per walk.
    termination_prob
        chance of stopping after each traversal.
    num_random_walks
        walks per seed.
    num_neighbors
        neighbours kept per seed.
    metapath
        edge types of one traversal; must start and end at the same node type.
        Without it the graph must have a single relation.
    weight_column
        name of the count feature on the result's edges.
    """

    def __init__(
        self,
        G: Any,
        num_traversals: int,
        termination_prob: float,
        num_random_walks: int,
        num_neighbors: int,
        metapath: Optional[Sequence[Any]] = None,
        weight_column: str = "weights",
    ) -> None:
        self.G = G
        self.weight_column = weight_column
        self.num_random_walks = int(num_random_walks)
        self.num_neighbors = int(num_neighbors)
        self.num_traversals = int(num_traversals)
        if metapath is None:
            if len(G.canonical_etypes) != 1 or len(G.ntypes) != 1:
                raise DGLError("metapath must be given for a graph with several node or edge types.")
            metapath = [G.canonical_etypes[0]]
        cets = [resolve_etype(G, et) for et in metapath]
        if not cets or cets[0][0] != cets[-1][2]:
            raise DGLError("The metapath must start and end at the same node type.")
        self.ntype = cets[0][0]
        self.metapath_hops = len(cets)
        self.metapath = cets * self.num_traversals
        restart = np.zeros(self.metapath_hops * self.num_traversals, np.float64)
        restart[self.metapath_hops :: self.metapath_hops] = float(termination_prob)
        self.restart_prob = torch.from_numpy(restart)

    def __call__(self, seed_nodes: Any) -> Any:
        G = self.G
        seeds = to_id_tensor(seed_nodes, torch.int64, "cpu", allow_float=True, move=True)
        starts = seeds.repeat_interleave(self.num_random_walks)
        traces, _ = random_walk(G, starts, metapath=self.metapath, restart_prob=self.restart_prob)
        ends = to_np(traces[:, self.metapath_hops :: self.metapath_hops].long())
        owner = np.repeat(np.arange(seeds.shape[0]), self.num_random_walks)
        owner = np.repeat(owner, ends.shape[1])
        ends = ends.ravel()
        ok = ends >= 0
        owner, ends = owner[ok], ends[ok]
        n = G.num_nodes(self.ntype)
        keys, counts = np.unique(owner * n + ends, return_counts=True)
        own, nbr = keys // n, keys % n
        order = np.lexsort((nbr, -counts, own))  # by seed, then most visited first
        own, nbr, counts = own[order], nbr[order], counts[order]
        first = np.searchsorted(own, own, side="left")
        keep = (np.arange(own.shape[0]) - first) < self.num_neighbors
        src = torch.from_numpy(nbr[keep])
        dst = seeds[torch.from_numpy(own[keep])]
        out = heterograph(
            {(self.ntype, "_E", self.ntype): (src, dst)},
            {self.ntype: n}, idtype=G.idtype,
        )
        out.edata[self.weight_column] = torch.from_numpy(counts[keep]).to(G.idtype)
        return out


class PinSAGESampler(RandomWalkNeighborSampler):
    """:class:`RandomWalkNeighborSampler` on a bipartite graph, walking
    ``ntype -> other_type -> ntype`` (Ying et al., 2018).

    Parameters
    ----------
    G
        a graph with relations from ``ntype`` to ``other_type`` and back.
    ntype
        the node type whose neighbours are selected.
    other_type
        the intermediate node type.
    num_traversals, termination_prob, num_random_walks, num_neighbors, weight_column
        as in :class:`RandomWalkNeighborSampler`.
    """

    def __init__(
        self,
        G: Any,
        ntype: str,
        other_type: str,
        num_traversals: int,
        termination_prob: float,
        num_random_walks: int,
        num_neighbors: int,
        weight_column: str = "weights",
    ) -> None:
        fw = [c for c in G.canonical_etypes if c[0] == ntype and c[2] == other_type]
        bw = [c for c in G.canonical_etypes if c[0] == other_type and c[2] == ntype]
        if not fw or not bw:
            raise DGLError(f"PinSAGESampler needs relations {ntype!r} -> {other_type!r} and back.")
        super().__init__(G, num_traversals, termination_prob, num_random_walks, num_neighbors,
                         metapath=[fw[0], bw[0]], weight_column=weight_column)
