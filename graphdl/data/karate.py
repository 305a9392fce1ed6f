"""Zachary's karate club network."""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import torch

from .dgl_dataset import DGLDataset
from ..convert import graph

__all__ = ["KarateClubDataset", "KarateClub"]


class KarateClubDataset(DGLDataset):
    """Zachary's karate club: 34 members, 156 directed edges (78 friendships, both ways).

    ``g.ndata['label']`` is 0 for members who followed the instructor ("Mr. Hi") and 1 for
    those who followed the officer. Built from :func:`networkx.karate_club_graph`; no files.

    Parameters
    ----------
    transform
        Applied to the graph on access.
    """

    def __init__(self, transform: Optional[Callable] = None) -> None:
        self._graph = None
        super().__init__("karate_club", transform=transform)

    @property
    def raw_path(self) -> str:  # nothing to download
        return ""

    def _download(self) -> None:
        return None

    def process(self) -> None:
        import networkx as nx

        club = nx.karate_club_graph()
        label = np.array([club.nodes[i]["club"] != "Mr. Hi" for i in sorted(club.nodes)], dtype=np.int64)
        pairs = sorted({(u, v) for u, v in club.edges()} | {(v, u) for u, v in club.edges()})
        src = torch.tensor([p[0] for p in pairs])
        dst = torch.tensor([p[1] for p in pairs])
        self._graph = graph((src, dst), num_nodes=club.number_of_nodes())
        self._graph.ndata["label"] = torch.from_numpy(label)

    @property
    def num_classes(self) -> int:
        return 2

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"The karate club data set holds one graph; index {idx} is out of range.")
        return self._graph if self._transform is None else self._transform(self._graph)

    def __len__(self) -> int:
        return 1


KarateClub = KarateClubDataset
