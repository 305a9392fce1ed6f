"""Graph classification benchmarks in the TU Dortmund text format (``TUDataset``)."""
from __future__ import annotations

import os
from typing import Callable, List, Optional

import numpy as np
import torch
from tqdm import tqdm

from ..base import DGLError
from .dgl_dataset import DGLBuiltinDataset
from ..convert import graph
from .graph_serialize import load_graphs
from .graph_serialize import save_graphs

__all__ = ["TUDataset"]

TU_URL = "https://www.chrsmrrs.com/graphkerneldatasets/{}.zip"


def _loadtxt(path: str, dtype) -> np.ndarray:
    """A comma-separated table as a 2-D array (one row per line)."""
    try:
        data = np.loadtxt(path, delimiter=",", dtype=dtype, ndmin=2)
    except ValueError as err:
        raise DGLError(f"Cannot parse {path}: {err}.") from err
    return data


class TUDataset(DGLBuiltinDataset):
    """A TU graph classification data set (``MUTAG``, ``PROTEINS``, ``DD``, ...).

    Reads ``<name>_A.txt`` (1-based edge list), ``<name>_graph_indicator.txt`` (graph of each
    node), ``<name>_graph_labels.txt`` (or, for regression, ``graph_attributes``) and, when present, ``node_labels``, ``node_attributes``,
    ``edge_labels`` and ``edge_attributes``. Each item is ``(graph, label)`` with ``label`` of
    shape ``(1,)``; the distinct graph labels are renumbered 0..k-1 in increasing order. Node data: ``node_labels``
    (``(N, 1)`` int64), ``node_attr`` (float64); edge data: ``edge_labels``, ``edge_attr``;
    ``_ID`` holds node and edge ids in the whole collection.

    Parameters
    ----------
    name
        Data set name as on the TU website.
    raw_dir
        Folder holding ``<name>/`` (downloaded there when missing).
    force_reload
        Re-process even when a cache exists.
    verbose
        Print progress and show a progress bar.
    transform
        Applied to every graph on access.
    """

    def __init__(self, name: str, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = False, transform: Optional[Callable] = None) -> None:
        self.graph_lists: List = []
        self.graph_labels: Optional[torch.Tensor] = None
        self.num_labels = 0
        super().__init__(name, url=TU_URL.format(name), raw_dir=raw_dir, hash_key=(name,),
                         force_reload=force_reload, verbose=verbose, transform=transform)

    def _file(self, part: str) -> str:
        for folder in (os.path.join(self.raw_path, self.name), self.raw_path):
            path = os.path.join(folder, f"{self.name}_{part}.txt")
            if os.path.exists(path):
                return path
        return os.path.join(self.raw_path, self.name, f"{self.name}_{part}.txt")

    def process(self) -> None:
        for part in ("A", "graph_indicator"):
            if not os.path.exists(self._file(part)):
                raise DGLError(f"TU data set {self.name}: missing file {self._file(part)}.")
        has_labels = os.path.exists(self._file("graph_labels"))
        if not has_labels and not os.path.exists(self._file("graph_attributes")):
            raise DGLError(f"TU data set {self.name}: neither {self._file('graph_labels')} "
                           f"nor {self._file('graph_attributes')} exists.")
        edges = _loadtxt(self._file("A"), np.int64)
        if edges.shape[1] != 2:
            raise DGLError(f"{self._file('A')} should have two ids per line, found {edges.shape[1]}.")
        edges = edges - 1
        indicator = _loadtxt(self._file("graph_indicator"), np.int64)[:, 0] - 1
        if has_labels:
            labels = _loadtxt(self._file("graph_labels"), np.int64)[:, :1]
        else:  # regression targets
            labels = _loadtxt(self._file("graph_attributes"), np.float64)
        num_nodes = indicator.shape[0]
        if edges.size and (edges.min() < 0 or edges.max() >= num_nodes):
            raise DGLError(f"{self._file('A')} names node {int(edges.max()) + 1} but there are {num_nodes} nodes.")
        num_graphs = labels.shape[0]
        if num_graphs == 0:
            raise DGLError(f"TU data set {self.name} lists no graphs.")
        if num_nodes and (indicator.min() < 0 or indicator.max() >= num_graphs):
            raise DGLError(f"{self._file('graph_indicator')} names graph {int(indicator.max()) + 1} "
                           f"but there are {num_graphs} graph labels.")
        if num_nodes > 1 and (np.diff(indicator) < 0).any():
            raise DGLError(f"{self._file('graph_indicator')} must list the nodes graph by graph.")
        if has_labels:
            # map the distinct graph labels, in increasing order, to 0..k-1 (e.g. -1/1 -> 0/1)
            labels = np.unique(labels, return_inverse=True)[1].reshape(-1, 1).astype(np.int64)
            self.num_labels = int(labels.max()) + 1 if num_graphs else 0
        else:
            self.num_labels = None
        self.graph_labels = torch.from_numpy(labels)
        node_data, edge_data = {}, {}
        optional = (("node_labels", np.int64, node_data, "node_labels"),
                    ("node_attributes", np.float64, node_data, "node_attr"),
                    ("edge_labels", np.int64, edge_data, "edge_labels"),
                    ("edge_attributes", np.float64, edge_data, "edge_attr"))
        for part, dtype, store, key in optional:
            if os.path.exists(self._file(part)):
                values = _loadtxt(self._file(part), dtype)
                expected = num_nodes if store is node_data else edges.shape[0]
                if values.shape[0] != expected:
                    raise DGLError(f"{self._file(part)} has {values.shape[0]} rows for {expected} items.")
                if key.endswith("labels"):
                    values = values - values.min(0, keepdims=True)
                store[key] = values
        node_start = np.searchsorted(indicator, np.arange(num_graphs + 1))
        edge_graph = indicator[edges[:, 0]] if edges.size else np.zeros(0, dtype=np.int64)
        if edges.size and (edge_graph != indicator[edges[:, 1]]).any():
            raise DGLError(f"{self._file('A')} has an edge joining two different graphs.")
        edge_order = np.argsort(edge_graph, kind="stable")
        edge_start = np.searchsorted(edge_graph[edge_order], np.arange(num_graphs + 1))
        self.graph_lists = []
        for gid in tqdm(range(num_graphs), desc=f"Processing {self.name}", disable=not self.verbose):
            n0, n1 = node_start[gid], node_start[gid + 1]
            eids = edge_order[edge_start[gid]:edge_start[gid + 1]]
            local = edges[eids] - n0
            g = graph((torch.from_numpy(local[:, 0].copy()), torch.from_numpy(local[:, 1].copy())),
                      num_nodes=int(n1 - n0))
            g.ndata["_ID"] = torch.arange(n0, n1)
            g.edata["_ID"] = torch.from_numpy(eids.copy())
            for key, values in node_data.items():
                g.ndata[key] = torch.from_numpy(values[n0:n1].copy())
            for key, values in edge_data.items():
                g.edata[key] = torch.from_numpy(values[eids].copy())
            self.graph_lists.append(g)

    @property
    def _cache_file(self) -> str:
        return os.path.join(self.save_path, f"tu_{self.name}_{self.hash}.bin")

    def save(self) -> None:
        save_graphs(self._cache_file, self.graph_lists, {"labels": self.graph_labels})

    def has_cache(self) -> bool:
        return os.path.exists(self._cache_file)

    def load(self) -> None:
        self.graph_lists, labels = load_graphs(self._cache_file)
        self.graph_labels = labels["labels"]
        integer = not torch.is_floating_point(self.graph_labels)
        self.num_labels = int(self.graph_labels.max()) + 1 if integer and len(self.graph_lists) else None

    @property
    def num_classes(self) -> int:
        return self.num_labels

    def __getitem__(self, idx: int):
        g = self.graph_lists[idx]
        if self._transform is not None:
            g = self._transform(g)
        return g, self.graph_labels[idx]

    def __len__(self) -> int:
        return len(self.graph_lists)

