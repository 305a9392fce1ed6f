"""Multi-relational fraud detection graphs from Yelp reviews and Amazon users (``.mat`` files)."""
from __future__ import annotations

import os
from typing import Callable, Optional

import numpy as np
import torch

from ..base import DGLError
from .dgl_dataset import DGLBuiltinDataset
from ..convert import heterograph
from .graph_serialize import load_graphs
from .graph_serialize import save_graphs

__all__ = ["FraudDataset", "FraudYelpDataset", "FraudAmazonDataset"]

_URLS = {"yelp": "https://data.dgl.ai/dataset/FraudYelp.zip",
         "amazon": "https://data.dgl.ai/dataset/FraudAmazon.zip"}
_FILES = {"yelp": "YelpChi.mat", "amazon": "Amazon.mat"}
_RELATIONS = {"yelp": ("net_rsr", "net_rtr", "net_rur"), "amazon": ("net_upu", "net_usu", "net_uvu")}
_NODE_TYPE = {"yelp": "review", "amazon": "user"}
# The first 3,305 Amazon users are unlabelled and stay out of every split.
_UNLABELLED = {"yelp": 0, "amazon": 3305}


class FraudDataset(DGLBuiltinDataset):
    """A fraud detection graph: one node type, three relations, binary node labels.

    Node data: ``feature`` (float32), ``label`` (int64), ``train_mask``, ``val_mask``,
    ``test_mask`` (a seeded random split of the labelled nodes).

    Parameters
    ----------
    name
        ``'yelp'`` or ``'amazon'``.
    raw_dir
        Folder holding ``<name>/<file>.mat`` (downloaded there when missing).
    random_seed
        Seed of the split.
    train_size
        Fraction of labelled nodes for training.
    val_size
        Fraction for validation; the rest tests.
    force_reload
        Re-process even when a cache exists.
    verbose
        Print progress.
    transform
        Applied to the graph on access.
    """

    def __init__(self, name: str, raw_dir: Optional[str] = None, random_seed: int = 717, train_size: float = 0.7,
                 val_size: float = 0.1, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        if name not in _URLS:
            raise DGLError(f"Unknown fraud data set {name!r}: expected 'yelp' or 'amazon'.")
        if not (0 < train_size < 1 and 0 <= val_size < 1 and train_size + val_size <= 1):
            raise DGLError(f"train_size ({train_size}) and val_size ({val_size}) must be fractions summing to at most 1.")
        self.seed = random_seed
        self.train_size = train_size
        self.val_size = val_size
        self.graph = None
        super().__init__(name, url=_URLS[name], raw_dir=raw_dir, hash_key=(random_seed, train_size, val_size),
                         force_reload=force_reload, verbose=verbose, transform=transform)

    def process(self) -> None:
        from scipy import io as sio

        path = os.path.join(self.raw_path, _FILES[self.name])
        if not os.path.exists(path):
            raise DGLError(f"Fraud data set {self.name}: missing file {path}.")
        try:
            data = sio.loadmat(path)
        except (ValueError, OSError, TypeError) as err:
            raise DGLError(f"Cannot read {path} as a MATLAB file: {err}.") from err
        for key in ("features", "label") + _RELATIONS[self.name]:
            if key not in data:
                raise DGLError(f"{path} lacks the variable {key!r}.")
        features = data["features"]
        features = np.asarray(features.todense() if hasattr(features, "todense") else features, dtype=np.float32)
        labels = np.asarray(data["label"]).reshape(-1).astype(np.int64)
        num_nodes = features.shape[0]
        if labels.shape[0] != num_nodes:
            raise DGLError(f"{path}: {labels.shape[0]} labels for {num_nodes} nodes.")
        ntype = _NODE_TYPE[self.name]
        graph_data = {}
        for rel in _RELATIONS[self.name]:
            adj = data[rel]
            if not hasattr(adj, "tocoo"):
                raise DGLError(f"{path}: {rel} must be a sparse matrix.")
            adj = adj.tocoo()
            if adj.shape != (num_nodes, num_nodes):
                raise DGLError(f"{path}: {rel} has shape {adj.shape} for {num_nodes} nodes.")
            graph_data[(ntype, rel, ntype)] = (torch.from_numpy(adj.row.astype(np.int64)),
                                               torch.from_numpy(adj.col.astype(np.int64)))
        g = heterograph(graph_data, num_nodes_dict={ntype: num_nodes})
        g.ndata["feature"] = torch.from_numpy(features)
        g.ndata["label"] = torch.from_numpy(labels)
        self.graph = g
        self._random_split()

    def _random_split(self) -> None:
        n = self.graph.num_nodes()
        index = np.arange(min(_UNLABELLED[self.name], n), n)
        index = np.random.RandomState(self.seed).permutation(index)
        num_train = int(self.train_size * len(index))
        num_val = int(self.val_size * len(index))
        parts = {"train_mask": index[:num_train], "val_mask": index[len(index) - num_val:],
                 "test_mask": index[num_train:len(index) - num_val]}
        for key, ids in parts.items():
            mask = torch.zeros(n, dtype=torch.bool)
            mask[torch.from_numpy(ids)] = True
            self.graph.ndata[key] = mask

    @property
    def _cache_file(self) -> str:
        return os.path.join(self.save_path, f"{self.name}_dgl_graph_{self.hash}.bin")

    def save(self) -> None:
        save_graphs(self._cache_file, [self.graph])

    def has_cache(self) -> bool:
        return os.path.exists(self._cache_file)

    def load(self) -> None:
        (self.graph,), _ = load_graphs(self._cache_file)
        for key in ("train_mask", "val_mask", "test_mask"):
            self.graph.ndata[key] = self.graph.ndata[key].bool()

    @property
    def num_classes(self) -> int:
        return 2

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"The {self.name} fraud data set holds one graph; index {idx} is out of range.")
        return self.graph if self._transform is None else self._transform(self.graph)

    def __len__(self) -> int:
        return 1


class FraudYelpDataset(FraudDataset):
    """Yelp reviews: 45,954 nodes; relations ``net_rur``, ``net_rtr``, ``net_rsr``; 32 features."""

    def __init__(self, raw_dir: Optional[str] = None, random_seed: int = 717, train_size: float = 0.7,
                 val_size: float = 0.1, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("yelp", raw_dir, random_seed, train_size, val_size, force_reload, verbose, transform)


class FraudAmazonDataset(FraudDataset):
    """Amazon users: 11,944 nodes; relations ``net_upu``, ``net_usu``, ``net_uvu``; 25 features."""

    def __init__(self, raw_dir: Optional[str] = None, random_seed: int = 717, train_size: float = 0.7,
                 val_size: float = 0.1, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("amazon", raw_dir, random_seed, train_size, val_size, force_reload, verbose, transform)
