"""CoraFull, Coauthor CS/Physics and Amazon co-purchase Computers/Photo: the ``.npz`` graphs of
`Pitfalls of Graph Neural Network Evaluation <https://arxiv.org/abs/1811.05868>`__
(Shchur et al., 2018).

Each archive ``https://data.dgl.ai/dataset/<name>.zip`` holds ``<name>.npz`` with the
adjacency as CSR arrays (``adj_data``, ``adj_indices``, ``adj_indptr``, ``adj_shape``), the
features either as CSR arrays (``attr_data``, ``attr_indices``, ``attr_indptr``,
``attr_shape``) or dense (``attr_matrix``), and the labels as ``labels`` (or CSR
``labels_*``). As DGL does, the adjacency is made symmetric, duplicate edges are merged
(:func:`~graphdl.to_simple`, which leaves their multiplicity in ``edata['count']``), and nodes
are renumbered by reverse Cuthill-McKee with edges sorted by destination.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import scipy.sparse as sp
import torch

from ..base import DGLError
from ..convert import graph
from ..transforms import reorder_graph, to_simple
from ._remote import DGL_DATA_URL, OneGraphDataset, RawFile

__all__ = ["GNNBenchmarkDataset", "CoraFullDataset", "CoauthorCSDataset", "CoauthorPhysicsDataset",
           "AmazonCoBuyComputerDataset", "AmazonCoBuyPhotoDataset"]


def _csr(arrays, prefix: str):
    keys = [f"{prefix}_{k}" for k in ("data", "indices", "indptr", "shape")]
    if not all(k in arrays for k in keys):
        return None
    data, indices, indptr, shape = (arrays[k] for k in keys)
    return sp.csr_matrix((data, indices, indptr), shape=tuple(shape))


def read_npz_graph(path: str):
    """The graph of one benchmark ``.npz`` file with ``feat`` (float32) and ``label`` (int64).

    Parameters
    ----------
    path : str
        The ``.npz`` file.

    Returns
    -------
    DGLGraph
        The symmetric, simple graph in the file's node order.
    """
    with np.load(path, allow_pickle=True) as npz:
        arrays = dict(npz)
    adj = _csr(arrays, "adj")
    if adj is None:
        raise DGLError(f"{path} holds no adjacency (adj_data, adj_indices, adj_indptr, adj_shape).")
    adj = adj.tocoo()
    src = np.concatenate([adj.row, adj.col]).astype(np.int64)
    dst = np.concatenate([adj.col, adj.row]).astype(np.int64)
    g = to_simple(graph((torch.from_numpy(src), torch.from_numpy(dst)), num_nodes=int(adj.shape[0])))
    attr = _csr(arrays, "attr")
    if attr is not None:
        attr = attr.toarray()
    elif "attr_matrix" in arrays:
        attr = arrays["attr_matrix"]
    labels = _csr(arrays, "labels")
    if labels is not None:
        labels = labels.toarray()
    elif "labels" in arrays:
        labels = arrays["labels"]
    if attr is None or labels is None:
        raise DGLError(f"{path} lacks {'attributes' if attr is None else 'labels'}.")
    g.ndata["feat"] = torch.from_numpy(np.asarray(attr, dtype=np.float32))
    g.ndata["label"] = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    return g


class GNNBenchmarkDataset(OneGraphDataset):
    """One benchmark graph from its ``.npz`` file (see the module docstring).

    Parameters
    ----------
    name : str
        ``'cora_full'``, ``'coauthor_cs'``, ``'coauthor_physics'``, ``'amazon_co_buy_computer'``
        or ``'amazon_co_buy_photo'``.
    raw_dir : str, optional
        Folder holding ``<name>/<name>.npz`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    """

    _classes = {"cora_full": 70, "coauthor_cs": 15, "coauthor_physics": 5, "amazon_co_buy_computer": 10,
                "amazon_co_buy_photo": 8}

    def __init__(self, name: str, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None) -> None:
        if name not in self._classes:
            raise DGLError(f"Unknown benchmark graph {name!r}: expected one of {sorted(self._classes)}.")
        # data.dgl.ai publishes no digest for these archives
        raw = RawFile(DGL_DATA_URL + f"dataset/{name}.zip", f"{name}.zip", None, extract=True)
        super().__init__(name, [raw], [f"{name}.npz"], raw_dir=raw_dir, force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        g = read_npz_graph(self.raw_file(f"{self.name}.npz"))
        g = reorder_graph(g, node_permute_algo="rcmk", edge_permute_algo="dst", store_ids=False)
        return [g], {}, {}

    def restore(self, graphs, tensors, info) -> None:
        self._graph = graphs[0]

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return self._classes[self.name]



class CoraFullDataset(GNNBenchmarkDataset):
    """CoraFull: 19,793 papers, 126,842 edges, 8,710 features, 70 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GNNBenchmarkDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("cora_full", raw_dir, force_reload, verbose, transform)


class CoauthorCSDataset(GNNBenchmarkDataset):
    """Coauthor CS: 18,333 authors, 163,788 edges, 6,805 keyword features, 15 fields.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GNNBenchmarkDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("coauthor_cs", raw_dir, force_reload, verbose, transform)


class CoauthorPhysicsDataset(GNNBenchmarkDataset):
    """Coauthor Physics: 34,493 authors, 495,924 edges, 8,415 features, 5 fields.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GNNBenchmarkDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("coauthor_physics", raw_dir, force_reload, verbose, transform)


class AmazonCoBuyComputerDataset(GNNBenchmarkDataset):
    """Amazon Computers: 13,752 products, 491,722 co-purchase edges, 767 features, 10 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GNNBenchmarkDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("amazon_co_buy_computer", raw_dir, force_reload, verbose, transform)


class AmazonCoBuyPhotoDataset(GNNBenchmarkDataset):
    """Amazon Photo: 7,650 products, 238,163 co-purchase edges, 745 features, 8 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GNNBenchmarkDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = False,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("amazon_co_buy_photo", raw_dir, force_reload, verbose, transform)
