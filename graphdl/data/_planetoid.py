"""Reading the Planetoid citation files (``ind.<name>.*``) into plain arrays.

The raw files are Python pickles: ``x``, ``tx`` and ``allx`` are scipy sparse feature
matrices, ``y``, ``ty`` and ``ally`` one-hot label rows, ``graph`` a dict of adjacency lists,
and ``test.index`` lists the test node ids one per line. The layout follows DGL:

* features are ``allx`` stacked over ``tx``, with the test rows moved to the ids of
  ``test.index``; test ids missing from ``tx`` (Citeseer) get all-zero rows;
* edges are both directions of every adjacency pair, duplicates merged, in the order
  DGL gives them (networkx's directed view of the adjacency lists);
* the first ``len(y)`` nodes train, the next 500 validate, the ``test.index`` ids test.

Only trusted files should be passed in: unpickling runs code chosen by the file.
"""
from __future__ import annotations

import os
import pickle
import warnings
from typing import Dict

import numpy as np
import scipy.sparse as sp

from ..base import DGLError

__all__ = ["read_planetoid", "PLANETOID_PARTS"]

PLANETOID_PARTS = ("x", "y", "tx", "ty", "allx", "ally", "graph")
NUM_VAL = 500


def _unpickle(path: str):
    with open(path, "rb") as f, warnings.catch_warnings():
        # the pickles name scipy's old module paths
        warnings.simplefilter("ignore", DeprecationWarning)
        return pickle.load(f, encoding="latin1")


def read_planetoid(folder: str, name: str) -> Dict[str, np.ndarray]:
    """Read ``folder/ind.<name>.*`` and return the processed arrays.

    Returns a dict with ``feat_indptr``, ``feat_indices``, ``feat_data`` and ``feat_shape``
    (the un-normalised features as CSR), ``label`` (int64), ``src``/``dst`` (int64 edges
    in DGL's order), ``train_idx``, ``val_idx`` and ``test_idx``.
    """
    paths = {part: os.path.join(folder, f"ind.{name}.{part}") for part in PLANETOID_PARTS}
    paths["test.index"] = os.path.join(folder, f"ind.{name}.test.index")
    for path in paths.values():
        if not os.path.exists(path):
            raise DGLError(f"Missing Planetoid file {path}.")
    parts = {part: _unpickle(paths[part]) for part in PLANETOID_PARTS}
    with open(paths["test.index"]) as f:
        test_ids = np.array([int(line) for line in f if line.strip()], dtype=np.int64)
    x, y, tx, ty = parts["x"], parts["y"], parts["tx"], parts["ty"]
    allx, ally, adjacency = parts["allx"], parts["ally"], parts["graph"]

    test_sorted = np.sort(test_ids)
    lo, hi = int(test_sorted[0]), int(test_sorted[-1])
    full_range = np.arange(lo, hi + 1)
    if len(full_range) != tx.shape[0]:
        # Some test ids have no row in tx/ty (isolated nodes): give them zero rows.
        tx_ext = sp.lil_matrix((len(full_range), x.shape[1]), dtype=tx.dtype)
        tx_ext[test_sorted - lo, :] = tx
        tx = tx_ext
        ty_ext = np.zeros((len(full_range), y.shape[1]), dtype=ty.dtype)
        ty_ext[test_sorted - lo, :] = ty
        ty = ty_ext

    features = sp.vstack((allx, tx)).tolil()
    features[test_ids, :] = features[test_sorted, :]
    features = features.tocsr()
    features.sort_indices()
    onehot = np.vstack((ally, ty))
    onehot[test_ids, :] = onehot[test_sorted, :]
    label = np.argmax(onehot, axis=1).astype(np.int64)
    num_nodes = features.shape[0]

    # Edge order as DGL builds it: networkx's directed view of the adjacency lists.
    import networkx as nx

    directed = nx.DiGraph(nx.from_dict_of_lists(adjacency))
    pairs = np.array(list(directed.edges()), dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0].copy(), pairs[:, 1].copy()
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= num_nodes):
        raise DGLError(f"Planetoid graph of {name} names a node outside its {num_nodes} nodes.")

    num_train = y.shape[0]
    return {
        "feat_indptr": features.indptr.astype(np.int64),
        "feat_indices": features.indices.astype(np.int64),
        "feat_data": features.data.astype(np.float32),
        "feat_shape": np.array(features.shape, dtype=np.int64),
        "label": label,
        "src": src,
        "dst": dst,
        "train_idx": np.arange(num_train, dtype=np.int64),
        "val_idx": np.arange(num_train, num_train + NUM_VAL, dtype=np.int64),
        "test_idx": test_sorted.astype(np.int64),
    }
