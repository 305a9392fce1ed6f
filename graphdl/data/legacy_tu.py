"""``LegacyTUDataset``: DGL's older reading of the TU Dortmund graph classification files.

Where :class:`~graphdl.data.TUDataset` keeps the files' node and edge labels as they are, the
legacy reader turns them into a ready feature matrix ``ndata['feat']``: the node attributes when
the set has them, else the node labels one-hot, else a constant ``1`` of width ``hidden_size``.
Graphs are the node-induced subgraphs of the whole edge list (``ndata``/``edata`` ``_ID`` are the
ids in it); graph labels are renumbered 0..k-1 in increasing order. ``max_allow_node`` drops
graphs with more nodes, as in the original DiffPool preprocessing.

Files (``https://www.chrsmrrs.com/graphkerneldatasets/<name>.zip``, extracted to
``<raw_dir>/<name>/<name>/``): ``<name>_A.txt``, ``<name>_graph_indicator.txt``,
``<name>_graph_labels.txt`` (or ``_graph_attributes.txt``), and optionally
``<name>_node_labels.txt`` and ``<name>_node_attributes.txt``.
"""
from __future__ import annotations

import os
from typing import Callable, Optional, Tuple

import numpy as np
import torch

from ..base import DGLError
from ..convert import graph
from ._remote import RawFile, RemoteDataset

__all__ = ["LegacyTUDataset"]

_URL = "https://www.chrsmrrs.com/graphkerneldatasets/{}.zip"


def _table(path: str, dtype, delimiter: Optional[str] = ",") -> np.ndarray:
    try:
        return np.loadtxt(path, dtype=dtype, delimiter=delimiter, ndmin=1)
    except ValueError as err:
        raise DGLError(f"Cannot parse {path}: {err}.") from err


class LegacyTUDataset(RemoteDataset):
    """A TU graph classification set with ready node features (see the module docstring).

    Each item is ``(graph, label)``.

    Parameters
    ----------
    name : str
        Data set name as on the TU website (``'PROTEINS'``, ``'DD'``, ...).
    use_pandas : bool
        Accepted for DGL compatibility; the files are read with numpy either way.
    hidden_size : int
        Width of the constant feature when the set has no node labels or attributes.
    max_allow_node : int, optional
        Drop graphs with more nodes than this.
    raw_dir : str, optional
        Folder holding ``<name>/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to every graph on access.
    """

    def __init__(self, name: str, use_pandas: bool = False, hidden_size: int = 10,
                 max_allow_node: Optional[int] = None, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = False, transform: Optional[Callable] = None) -> None:
        self.hidden_size = hidden_size
        self.max_allow_node = max_allow_node
        self.use_pandas = use_pandas
        # the TU site publishes no digests
        raw = RawFile(_URL.format(name), f"{name}.zip", None, extract=True)
        required = [os.path.join(name, f"{name}_{p}.txt") for p in ("A", "graph_indicator")]
        super().__init__(name, [raw], required, raw_dir=raw_dir, hash_key=(use_pandas, hidden_size, max_allow_node),
                         force_reload=force_reload, verbose=verbose, transform=transform)

    def _file(self, part: str) -> str:
        return self.raw_file(os.path.join(self.name, f"{self.name}_{part}.txt"))

    def parse(self):
        edges = _table(self._file("A"), np.int64).reshape(-1, 2)
        edges = edges - edges.min()
        indicator = _table(self._file("graph_indicator"), np.int64, None).reshape(-1)
        indicator = indicator - indicator.min()
        if os.path.exists(self._file("graph_labels")):
            raw_labels = _table(self._file("graph_labels"), np.int64, None).reshape(-1)
            labels = torch.from_numpy(np.unique(raw_labels, return_inverse=True)[1].reshape(-1).astype(np.int64))
            num_labels = int(labels.max()) + 1
        elif os.path.exists(self._file("graph_attributes")):
            labels = torch.from_numpy(_table(self._file("graph_attributes"), np.float64, None))
            num_labels = None
        else:
            raise DGLError(f"LegacyTUDataset {self.name}: neither {self._file('graph_labels')} nor "
                           f"{self._file('graph_attributes')} exists.")
        num_nodes = int(edges.max()) + 1
        whole = graph((torch.from_numpy(edges[:, 0].copy()), torch.from_numpy(edges[:, 1].copy())),
                      num_nodes=max(num_nodes, indicator.shape[0]))
        groups = [np.where(indicator == gid)[0] for gid in range(int(indicator.max()) + 1)]
        graphs = [whole.subgraph(torch.from_numpy(nodes)) for nodes in groups]
        if len(graphs) != labels.shape[0]:
            raise DGLError(f"LegacyTUDataset {self.name}: {len(graphs)} graphs but {labels.shape[0]} graph labels.")
        feat = None
        if os.path.exists(self._file("node_attributes")):
            feat = _table(self._file("node_attributes"), np.float64)
            feat = feat.reshape(-1, 1) if feat.ndim == 1 else feat
            mode = "node_attr"
        elif os.path.exists(self._file("node_labels")):
            node_labels = _table(self._file("node_labels"), np.int64, None).reshape(-1)
            node_labels = node_labels - node_labels.min()
            feat = np.zeros((node_labels.shape[0], int(node_labels.max()) + 1))
            feat[np.arange(node_labels.shape[0]), node_labels] = 1
            mode = "node_label"
        else:
            mode = "constant"
        for nodes, g in zip(groups, graphs):
            if feat is None:
                g.ndata["feat"] = torch.ones(g.num_nodes(), self.hidden_size)
            else:
                g.ndata["feat"] = torch.from_numpy(feat[nodes].astype(np.float32))
        max_num_node = max((g.num_nodes() for g in graphs), default=0)
        if self.max_allow_node:
            keep = [i for i, g in enumerate(graphs) if g.num_nodes() <= self.max_allow_node]
            graphs = [graphs[i] for i in keep]
            labels = labels[torch.tensor(keep, dtype=torch.int64)]
            max_num_node = self.max_allow_node
        info = {"max_num_node": max_num_node, "num_labels": num_labels, "data_mode": mode}
        return graphs, {"labels": labels}, info

    def restore(self, graphs, tensors, info) -> None:
        self.graph_lists = graphs
        self.graph_labels = tensors["labels"]
        self.max_num_node = info["max_num_node"]
        self.num_labels = info["num_labels"]
        self.data_mode = info["data_mode"]

    @property
    def num_classes(self) -> Optional[int]:
        """Number of graph classes (``None`` for regression targets)."""
        return self.num_labels

    def statistics(self) -> Tuple[int, Optional[int], int]:
        """``(feature width, number of classes, largest graph's node count)``."""
        return self.graph_lists[0].ndata["feat"].shape[1], self.num_labels, self.max_num_node

    def __getitem__(self, idx: int):
        g = self.graph_lists[idx]
        if self._transform is not None:
            g = self._transform(g)
        return g, self.graph_labels[idx]

    def __len__(self) -> int:
        return len(self.graph_lists)
