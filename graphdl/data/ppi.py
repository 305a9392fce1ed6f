"""PPI: protein-protein interaction graphs of 24 human tissues (GraphSAGE's files), 121 labels.

From `Inductive Representation Learning on Large Graphs <https://arxiv.org/abs/1706.02216>`__
(Hamilton et al., 2017). The archive ``https://data.dgl.ai/dataset/ppi.zip`` holds, for each of
``train``, ``valid`` and ``test``: ``<mode>_graph.json`` (networkx node-link JSON of all the
mode's graphs together), ``<mode>_feats.npy`` (:math:`N \\times 50`), ``<mode>_labels.npy``
(:math:`N \\times 121`, multi-label) and ``<mode>_graph_id.npy`` (the graph of each node: 1-20
train, 21-22 validation, 23-24 test).
"""
from __future__ import annotations

import json
from typing import Callable, Optional

import networkx as nx
import numpy as np
import torch
from networkx.readwrite import json_graph

from ..base import DGLError
from ..convert import from_networkx
from ._remote import DGL_DATA_URL, RawFile, RemoteDataset

__all__ = ["PPIDataset", "LegacyPPIDataset"]

_GRAPH_IDS = {"train": (1, 21), "valid": (21, 23), "test": (23, 25)}


def _node_link_graph(path: str):
    """The graph of a networkx node-link JSON file, both directions of every link, as DGL reads it."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    try:
        nxg = json_graph.node_link_graph(data, edges="links")
    except TypeError:  # networkx < 3.4 has no ``edges`` keyword (it reads "links")
        nxg = json_graph.node_link_graph(data)
    return from_networkx(nx.DiGraph(nxg))


class PPIDataset(RemoteDataset):
    """The graphs of one split of PPI: 20 (train), 2 (valid) or 2 (test) tissues.

    Each item is a graph with node data ``feat`` (float32, 50 columns) and ``label`` (float32,
    121 binary columns); ``ndata[dgl.NID]`` / ``edata[dgl.EID]`` give its ids in the split's
    whole graph.

    Parameters
    ----------
    mode : str
        ``'train'``, ``'valid'`` or ``'test'``.
    raw_dir : str, optional
        Folder holding ``ppi/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to every graph on access.
    """

    def __init__(self, mode: str = "train", raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = False, transform: Optional[Callable] = None) -> None:
        if mode not in _GRAPH_IDS:
            raise DGLError(f"PPIDataset mode must be one of {sorted(_GRAPH_IDS)}, got {mode!r}.")
        self.mode = mode
        # data.dgl.ai publishes no digest for this archive
        raw = RawFile(DGL_DATA_URL + "dataset/ppi.zip", "ppi.zip", None, extract=True)
        files = [f"{mode}_{part}" for part in ("graph.json", "feats.npy", "labels.npy", "graph_id.npy")]
        super().__init__("ppi", [raw], files, raw_dir=raw_dir, hash_key=(mode,), force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        whole = _node_link_graph(self.raw_file(f"{self.mode}_graph.json"))
        feats = np.load(self.raw_file(f"{self.mode}_feats.npy"))
        labels = np.load(self.raw_file(f"{self.mode}_labels.npy"))
        graph_id = np.load(self.raw_file(f"{self.mode}_graph_id.npy"))
        if not (feats.shape[0] == labels.shape[0] == graph_id.shape[0] == whole.num_nodes()):
            raise DGLError(f"PPI {self.mode}: {whole.num_nodes()} nodes, {feats.shape[0]} feature rows, "
                           f"{labels.shape[0]} label rows, {graph_id.shape[0]} graph ids.")
        graphs = []
        lo, hi = _GRAPH_IDS[self.mode]
        for gid in range(lo, hi):
            nodes = np.where(graph_id == gid)[0]
            g = whole.subgraph(torch.from_numpy(nodes))
            g.ndata["feat"] = torch.from_numpy(np.asarray(feats[nodes], dtype=np.float32))
            g.ndata["label"] = torch.from_numpy(np.asarray(labels[nodes], dtype=np.float32))
            graphs.append(g)
        return graphs, {}, {}

    def restore(self, graphs, tensors, info) -> None:
        self.graphs = graphs

    @property
    def num_labels(self) -> int:
        """Number of binary labels per node (121)."""
        return 121

    @property
    def num_classes(self) -> int:
        """Same as :attr:`num_labels`."""
        return 121

    def __getitem__(self, idx: int):
        g = self.graphs[idx]
        return g if self._transform is None else self._transform(g)

    def __len__(self) -> int:
        return len(self.graphs)


class LegacyPPIDataset(PPIDataset):
    """:class:`PPIDataset` under its older DGL name."""
