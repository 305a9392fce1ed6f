"""The Planetoid citation graphs: Cora, Citeseer and Pubmed.

Cora and Citeseer ship inside the package (``_bundled/<name>.npz``, built from the
Planetoid files by ``scripts/bundle_planetoid.py``; MIT licence in
``_bundled/LICENSE.planetoid``), so they work offline. Pubmed is downloaded (or read from
``raw_dir``) and processed the same way on first use.
"""
from __future__ import annotations

import os
from typing import Callable, Dict, Optional

import numpy as np
import torch

from ..base import DGLError
from ._planetoid import read_planetoid
from .dgl_dataset import DGLBuiltinDataset
from .graph_serialize import load_graphs, save_graphs
from .utils import generate_mask_tensor
from ..convert import graph

__all__ = [
    "CitationGraphDataset",
    "CoraGraphDataset",
    "CiteseerGraphDataset",
    "PubmedGraphDataset",
    "BUNDLED_DIR",
    "bundled_path",
]

BUNDLED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bundled")
DGL_DATA_URL = "https://data.dgl.ai/"

# Class counts published for each data set, checked after processing.
_NUM_CLASSES = {"cora": 7, "citeseer": 6, "pubmed": 3}


def bundled_path(name: str) -> str:
    """Path of the bundled arrays of ``name`` (may not exist for data sets that are not bundled)."""
    return os.path.join(BUNDLED_DIR, f"{name}.npz")


def _row_normalise(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, shape) -> torch.Tensor:
    """Dense float32 features whose non-zero rows sum to one."""
    num_rows, num_cols = int(shape[0]), int(shape[1])
    dense = np.zeros((num_rows, num_cols), dtype=np.float32)
    rows = np.repeat(np.arange(num_rows), np.diff(indptr))
    np.add.at(dense, (rows, indices), data)
    sums = dense.sum(1, keepdims=True)
    sums[sums == 0] = 1.0
    return torch.from_numpy(dense / sums)


def _graph_from_arrays(arrays: Dict[str, np.ndarray], reverse_edge: bool):
    """Build the citation graph with ``feat``, ``label`` and the three masks."""
    indptr = arrays["feat_indptr"].astype(np.int64)
    indices = arrays["feat_indices"].astype(np.int64)
    data = arrays["feat_data"].astype(np.float32)
    if data.size == 0:
        data = np.ones(indices.shape[0], dtype=np.float32)
    shape = arrays["feat_shape"]
    num_nodes = int(shape[0])
    src = arrays["src"].astype(np.int64)
    dst = arrays["dst"].astype(np.int64)
    if not reverse_edge:
        # One direction per citation, as networkx lists an undirected graph's edges: walking
        # the nodes in order, keep an edge unless its other end was walked before.
        first = {}
        for node in src.tolist():
            first.setdefault(node, len(first))
        rank = np.array([first.get(i, -1) for i in range(int(shape[0]))])
        keep = rank[dst] >= rank[src]
        src, dst = src[keep], dst[keep]
    g = graph((torch.from_numpy(src), torch.from_numpy(dst)), num_nodes=num_nodes)
    g.ndata["feat"] = _row_normalise(indptr, indices, data, shape)
    g.ndata["label"] = torch.from_numpy(arrays["label"].astype(np.int64))
    for split in ("train", "val", "test"):
        mask = np.zeros(num_nodes, dtype=bool)
        mask[arrays[f"{split}_idx"].astype(np.int64)] = True
        g.ndata[f"{split}_mask"] = generate_mask_tensor(mask)
    return g


class CitationGraphDataset(DGLBuiltinDataset):
    """One Planetoid citation graph (a data set of length one).

    Node data: ``feat`` (row-normalised bag of words, float32), ``label`` (int64),
    ``train_mask``, ``val_mask``, ``test_mask`` (bool).

    Parameters
    ----------
    name
        ``'cora'``, ``'citeseer'`` or ``'pubmed'``.
    raw_dir
        Folder holding ``<name>/ind.<name>.*`` (downloaded there when missing).
    force_reload
        Re-process the raw files even when a cache exists.
    verbose
        Print progress.
    reverse_edge
        Keep both directions of every citation (``True``) or one.
    transform
        Applied to the graph on access.
    reorder
        Reordering nodes is not supported; must be false.
    """

    def __init__(
        self,
        name: str,
        raw_dir: Optional[str] = None,
        force_reload: bool = False,
        verbose: bool = True,
        reverse_edge: bool = True,
        transform: Optional[Callable] = None,
        reorder: bool = False,
    ) -> None:
        if name not in _NUM_CLASSES:
            raise DGLError(f"Unknown citation data set {name!r}: expected one of {sorted(_NUM_CLASSES)}.")
        if reorder:
            raise DGLError("reorder=True is not supported by graphdl's citation data sets.")
        self._reverse_edge = reverse_edge
        self._graph = None
        url = DGL_DATA_URL + f"dataset/{name}.zip"
        super().__init__(
            name, url=url, raw_dir=raw_dir, hash_key=(reverse_edge,),
            force_reload=force_reload, verbose=verbose, transform=transform,
        )

    # The bundled arrays make Cora and Citeseer independent of the raw files.
    def _bundled(self) -> bool:
        return os.path.exists(bundled_path(self.name)) and not os.path.exists(self.raw_path)

    def _download(self) -> None:
        if self._bundled():
            return
        super()._download()

    def process(self) -> None:
        if self._bundled():
            with np.load(bundled_path(self.name)) as npz:
                arrays = {key: npz[key] for key in npz.files}
        else:
            arrays = read_planetoid(self.raw_path, self.name)
        self._graph = _graph_from_arrays(arrays, self._reverse_edge)
        self._check()
        if self.verbose:
            g = self._graph
            print(f"  NumNodes: {g.num_nodes()}\n  NumEdges: {g.num_edges()}\n  NumFeats: {g.ndata['feat'].shape[1]}")
            print(f"  NumClasses: {self.num_classes}\n  NumTrainingSamples: {int(g.ndata['train_mask'].sum())}")
            print(f"  NumValidationSamples: {int(g.ndata['val_mask'].sum())}\n  NumTestSamples: {int(g.ndata['test_mask'].sum())}")

    def _check(self) -> None:
        found = int(self._graph.ndata["label"].max()) + 1
        if found != _NUM_CLASSES[self.name]:
            raise DGLError(f"{self.name} should have {_NUM_CLASSES[self.name]} classes, found {found}.")

    @property
    def _cache_file(self) -> str:
        return os.path.join(self.save_path, f"{self.name}_{self.hash}.bin")

    def has_cache(self) -> bool:
        # Bundled data sets are rebuilt from the package (fast); only downloads are cached.
        return not self._bundled() and os.path.exists(self._cache_file)

    def save(self) -> None:
        if not self._bundled():
            save_graphs(self._cache_file, [self._graph])

    def load(self) -> None:
        graphs, _ = load_graphs(self._cache_file)
        self._graph = graphs[0]
        for key in ("train_mask", "val_mask", "test_mask"):
            self._graph.ndata[key] = self._graph.ndata[key].bool()
        self._check()

    @property
    def num_classes(self) -> int:
        return _NUM_CLASSES[self.name]

    @property
    def num_labels(self) -> int:
        return self.num_classes

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"{self.name} holds one graph; index {idx} is out of range.")
        if self._transform is None:
            return self._graph
        return self._transform(self._graph)

    def __len__(self) -> int:
        return 1


class CoraGraphDataset(CitationGraphDataset):
    """Cora: 2,708 papers, 10,556 directed citation edges, 1,433 word features, 7 classes."""

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 reverse_edge: bool = True, transform: Optional[Callable] = None, reorder: bool = False) -> None:
        super().__init__("cora", raw_dir, force_reload, verbose, reverse_edge, transform, reorder)


class CiteseerGraphDataset(CitationGraphDataset):
    """Citeseer: 3,327 papers, 9,228 directed citation edges, 3,703 word features, 6 classes."""

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 reverse_edge: bool = True, transform: Optional[Callable] = None, reorder: bool = False) -> None:
        super().__init__("citeseer", raw_dir, force_reload, verbose, reverse_edge, transform, reorder)


class PubmedGraphDataset(CitationGraphDataset):
    """Pubmed: 19,717 papers, 88,651 directed citation edges, 500 TF-IDF features, 3 classes (downloaded)."""

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 reverse_edge: bool = True, transform: Optional[Callable] = None, reorder: bool = False) -> None:
        super().__init__("pubmed", raw_dir, force_reload, verbose, reverse_edge, transform, reorder)
