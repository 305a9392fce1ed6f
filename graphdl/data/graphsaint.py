"""Flickr and Yelp in GraphSAINT's file layout.

From `GraphSAINT: Graph Sampling Based Inductive Learning Method
<https://arxiv.org/abs/1907.04931>`__ (Zeng et al., 2020). Each archive
(``https://data.dgl.ai/dataset/flickr.zip``, ``yelp.zip``) holds ``adj_full.npz`` (a
``scipy.sparse.save_npz`` adjacency over all nodes), ``feats.npy``, ``class_map.json`` (node id
to class, or to a list of 0/1 labels for Yelp) and ``role.json`` (node ids of the splits under
``tr``, ``va`` and ``te``).
"""
from __future__ import annotations

import json
from typing import Callable, Optional

import numpy as np
import scipy.sparse as sp
import torch

from ..base import DGLError
from ..convert import from_scipy
from ..transforms import reorder_graph
from ._remote import DGL_DATA_URL, OneGraphDataset, RawFile
from .utils import generate_mask_tensor

__all__ = ["FlickrDataset", "YelpDataset"]

_FILES = ("adj_full.npz", "feats.npy", "class_map.json", "role.json")


class _GraphSAINTDataset(OneGraphDataset):
    """One GraphSAINT graph; ``multilabel`` sets whether ``class_map`` holds lists of labels."""

    multilabel = False
    _num_classes = 0

    def __init__(self, name: str, raw_dir: Optional[str], force_reload: bool, verbose: bool,
                 transform: Optional[Callable], reorder: bool) -> None:
        self._reorder = reorder
        # data.dgl.ai publishes no digest for these archives
        raw = RawFile(DGL_DATA_URL + f"dataset/{name}.zip", f"{name}.zip", None, extract=True)
        super().__init__(name, [raw], _FILES, raw_dir=raw_dir, hash_key=(reorder,), force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        g = from_scipy(sp.load_npz(self.raw_file("adj_full.npz")))
        feats = np.load(self.raw_file("feats.npy"))
        n = feats.shape[0]
        if n != g.num_nodes():
            raise DGLError(f"{self.name}: {n} feature rows for {g.num_nodes()} nodes.")
        with open(self.raw_file("class_map.json"), encoding="utf-8") as f:
            class_map = json.load(f)
        if self.multilabel:
            label = np.zeros((n, self._num_classes), dtype=np.float32)
        else:
            label = np.full(n, -1, dtype=np.int64)
        for key, value in class_map.items():
            label[int(key)] = value
        with open(self.raw_file("role.json"), encoding="utf-8") as f:
            role = json.load(f)
        for split, key in (("tr", "train_mask"), ("va", "val_mask"), ("te", "test_mask")):
            if split not in role:
                raise DGLError(f"{self.raw_file('role.json')} lacks the split {split!r}.")
            mask = np.zeros(n, dtype=bool)
            mask[np.asarray(role[split], dtype=np.int64)] = True
            g.ndata[key] = generate_mask_tensor(mask)
        g.ndata["feat"] = torch.from_numpy(np.asarray(feats, dtype=np.float32))
        g.ndata["label"] = torch.from_numpy(label)
        if self._reorder:
            g = reorder_graph(g, node_permute_algo="rcmk", edge_permute_algo="dst", store_ids=False)
        return [g], {}, {}

    def restore(self, graphs, tensors, info) -> None:
        self._graph = graphs[0]

    @property
    def num_classes(self) -> int:
        """Number of classes (Flickr) or binary labels (Yelp)."""
        return self._num_classes



class FlickrDataset(_GraphSAINTDataset):
    """Flickr images linked when they share properties; 7 classes from their tags.

    Node data: ``feat`` (500 columns), ``label`` (int64), ``train_mask``, ``val_mask``,
    ``test_mask``.

    Parameters
    ----------
    raw_dir : str, optional
        Folder holding ``flickr/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    reorder : bool
        Renumber nodes by reverse Cuthill-McKee (for locality), as DGL's option does.
    """

    _num_classes = 7

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None, reorder: bool = False) -> None:
        super().__init__("flickr", raw_dir, force_reload, verbose, transform, reorder)


class YelpDataset(_GraphSAINTDataset):
    """Yelp users linked by friendship; 100 binary labels (business categories reviewed).

    Node data: ``feat`` (300 columns), ``label`` (float32, 100 columns), ``train_mask``,
    ``val_mask``, ``test_mask``.

    Parameters
    ----------
    raw_dir : str, optional
        Folder holding ``yelp/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    reorder : bool
        Renumber nodes by reverse Cuthill-McKee, as DGL's option does.
    """

    multilabel = True
    _num_classes = 100

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None, reorder: bool = False) -> None:
        super().__init__("yelp", raw_dir, force_reload, verbose, transform, reorder)
