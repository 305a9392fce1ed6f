"""Heterophilous node classification sets: Geom-GCN's six and the five of Platonov et al. (2023).

- Geom-GCN (`Geom-GCN: Geometric Graph Convolutional Networks <https://arxiv.org/abs/2002.05287>`__):
  ``ChameleonDataset``, ``SquirrelDataset``, ``CornellDataset``, ``TexasDataset``,
  ``WisconsinDataset``, ``ActorDataset``. Archive ``https://data.dgl.ai/dataset/<name>.zip`` with
  ``out1_node_feature_label.txt`` (a header, then ``id<TAB>f1,f2,...<TAB>label``; for Actor the
  middle column lists the indices of the node's non-zero binary features),
  ``out1_graph_edges.txt`` (a header, then ``node<TAB>neighbour``: the edge runs from the
  neighbour to the node, one direction only) and ten splits
  ``<name>_split_0.6_0.2_<i>.npz`` (``train_mask``, ``val_mask``, ``test_mask``).
- `A Critical Look at the Evaluation of GNNs under Heterophily <https://arxiv.org/abs/2302.11640>`__:
  ``RomanEmpireDataset``, ``AmazonRatingsDataset``, ``MinesweeperDataset``, ``TolokersDataset``,
  ``QuestionsDataset``. One file
  ``https://github.com/yandex-research/heterophilous-graphs/raw/main/data/<name>.npz`` (``name``
  with underscores) with ``node_features``, ``node_labels``, ``edges`` (:math:`E \\times 2`) and
  ``train_masks``, ``val_masks``, ``test_masks`` (:math:`10 \\times N`); edges are made
  bidirected.

In both families ``train_mask``, ``val_mask`` and ``test_mask`` are boolean of shape
:math:`(N, 10)`, one column per split.
"""
from __future__ import annotations

from typing import Callable, List, Optional

import numpy as np
import torch

from ..base import DGLError
from ..convert import graph
from ..transforms import to_bidirected
from ._remote import DGL_DATA_URL, OneGraphDataset, RawFile

__all__ = ["GeomGCNDataset", "ChameleonDataset", "SquirrelDataset", "CornellDataset", "TexasDataset",
           "WisconsinDataset", "ActorDataset", "HeterophilousGraphDataset", "RomanEmpireDataset",
           "AmazonRatingsDataset", "MinesweeperDataset", "TolokersDataset", "QuestionsDataset"]


def _rows(path: str) -> List[List[str]]:
    """The tab-separated rows of a Geom-GCN text file, header dropped."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")[1:]
    return [line.split("\t") for line in lines if line.strip()]


class _SingleGraph(OneGraphDataset):
    """One node classification graph whose classes are counted from its labels."""

    graph_attr = "_g"

    def restore(self, graphs, tensors, info) -> None:
        self._g = graphs[0]
        self._num_classes = int(info["num_classes"])

    @property
    def num_classes(self) -> int:
        """Number of node classes."""
        return self._num_classes



class GeomGCNDataset(_SingleGraph):
    """One of Geom-GCN's graphs (see the module docstring for the files).

    Parameters
    ----------
    name : str
        ``'chameleon'``, ``'squirrel'``, ``'cornell'``, ``'texas'``, ``'wisconsin'`` or ``'actor'``.
    raw_dir : str, optional
        Folder holding ``<name>/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    """

    names = ("chameleon", "squirrel", "cornell", "texas", "wisconsin", "actor")

    def __init__(self, name: str, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        if name not in self.names:
            raise DGLError(f"Unknown Geom-GCN graph {name!r}: expected one of {list(self.names)}.")
        # data.dgl.ai publishes no digest for these archives
        raw = RawFile(DGL_DATA_URL + f"dataset/{name}.zip", f"{name}.zip", None, extract=True)
        files = ["out1_node_feature_label.txt", "out1_graph_edges.txt"]
        files += [f"{name}_split_0.6_0.2_{i}.npz" for i in range(10)]
        super().__init__(name, [raw], files, raw_dir=raw_dir, force_reload=force_reload, verbose=verbose,
                         transform=transform)

    def _features(self, rows: List[List[str]]):
        if self.name == "actor":  # sparse binary features: the middle column lists the set indices
            n = len(rows)
            labels = np.zeros(n, dtype=np.int64)
            r, c = [], []
            for node, cols, label in rows:
                idx = [int(x) for x in cols.split(",")]
                r += [int(node)] * len(idx)
                c += idx
                labels[int(node)] = int(label)
            feat = np.zeros((n, max(c) + 1), dtype=np.float32)
            feat[r, c] = 1.0
            return feat, labels
        feat = np.array([[float(v) for v in row[1].split(",")] for row in rows], dtype=np.float32)
        return feat, np.array([int(row[2]) for row in rows], dtype=np.int64)

    def parse(self):
        feat, labels = self._features(_rows(self.raw_file("out1_node_feature_label.txt")))
        edges = np.array([[int(v) for v in row] for row in _rows(self.raw_file("out1_graph_edges.txt"))],
                         dtype=np.int64).reshape(-1, 2)
        # a row is (node, neighbour); the edge runs neighbour -> node
        g = graph((torch.from_numpy(edges[:, 1].copy()), torch.from_numpy(edges[:, 0].copy())),
                  num_nodes=feat.shape[0])
        g.ndata["feat"] = torch.from_numpy(feat)
        g.ndata["label"] = torch.from_numpy(labels)
        for key in ("train_mask", "val_mask", "test_mask"):
            cols = []
            for i in range(10):
                with np.load(self.raw_file(f"{self.name}_split_0.6_0.2_{i}.npz")) as split:
                    cols.append(torch.from_numpy(np.asarray(split[key])))
            g.ndata[key] = torch.stack(cols, dim=1).bool()
        return [g], {}, {"num_classes": int(labels.max()) + 1}


class ChameleonDataset(GeomGCNDataset):
    """Chameleon: 2,277 Wikipedia pages, 36,101 links, 5 traffic classes (one direction per link).

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GeomGCNDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("chameleon", raw_dir, force_reload, verbose, transform)


class SquirrelDataset(GeomGCNDataset):
    """Squirrel: 5,201 Wikipedia pages, 217,073 links, 5 traffic classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GeomGCNDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("squirrel", raw_dir, force_reload, verbose, transform)


class CornellDataset(GeomGCNDataset):
    """Cornell (WebKB): 183 web pages, 298 hyperlinks, 5 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GeomGCNDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("cornell", raw_dir, force_reload, verbose, transform)


class TexasDataset(GeomGCNDataset):
    """Texas (WebKB): 183 web pages, 325 hyperlinks, 5 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GeomGCNDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("texas", raw_dir, force_reload, verbose, transform)


class WisconsinDataset(GeomGCNDataset):
    """Wisconsin (WebKB): 251 web pages, 515 hyperlinks, 5 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GeomGCNDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("wisconsin", raw_dir, force_reload, verbose, transform)


class ActorDataset(GeomGCNDataset):
    """Actor: 7,600 actors, 33,391 co-occurrence edges, 932 binary keyword features, 5 classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`GeomGCNDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("actor", raw_dir, force_reload, verbose, transform)


class HeterophilousGraphDataset(_SingleGraph):
    """One graph of Platonov et al. (2023) (see the module docstring for the file).

    Parameters
    ----------
    name : str
        ``'roman-empire'``, ``'amazon-ratings'``, ``'minesweeper'``, ``'tolokers'`` or
        ``'questions'`` (dashes or underscores).
    raw_dir : str, optional
        Folder holding ``<name>/<name>.npz`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    """

    names = ("roman_empire", "amazon_ratings", "minesweeper", "tolokers", "questions")

    def __init__(self, name: str, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        name = name.lower().replace("-", "_")
        if name not in self.names:
            raise DGLError(f"Unknown heterophilous graph {name!r}: expected one of {list(self.names)}.")
        # the publisher gives no digest; the file lands in <raw_dir>/<name>/ as in DGL
        url = f"https://github.com/yandex-research/heterophilous-graphs/raw/main/data/{name}.npz"
        raw = RawFile(url, f"{name}/{name}.npz")
        super().__init__(name, [raw], [f"{name}.npz"], raw_dir=raw_dir, force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        path = self.raw_file(f"{self.name}.npz")
        with np.load(path) as data:
            missing = [k for k in ("edges", "node_features", "node_labels", "train_masks", "val_masks", "test_masks")
                       if k not in data.files]
            if missing:
                raise DGLError(f"{path} lacks the arrays {missing}.")
            edges = np.asarray(data["edges"], dtype=np.int64).reshape(-1, 2)
            labels = torch.from_numpy(np.asarray(data["node_labels"]))
            g = graph((torch.from_numpy(edges[:, 0].copy()), torch.from_numpy(edges[:, 1].copy())),
                      num_nodes=labels.shape[0])
            g = to_bidirected(g)
            g.ndata["feat"] = torch.from_numpy(np.asarray(data["node_features"]))
            g.ndata["label"] = labels
            for key, name in (("train_mask", "train_masks"), ("val_mask", "val_masks"), ("test_mask", "test_masks")):
                g.ndata[key] = torch.from_numpy(np.asarray(data[name]).T.copy()).bool()
        return [g], {}, {"num_classes": int(torch.unique(labels).numel())}


class RomanEmpireDataset(HeterophilousGraphDataset):
    """Roman-empire: 22,662 words of one Wikipedia article, 32,927 edges, 18 syntactic roles.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`HeterophilousGraphDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("roman-empire", raw_dir, force_reload, verbose, transform)


class AmazonRatingsDataset(HeterophilousGraphDataset):
    """Amazon-ratings: 24,492 products, 93,050 co-purchase edges, 5 rating classes.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`HeterophilousGraphDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("amazon-ratings", raw_dir, force_reload, verbose, transform)


class MinesweeperDataset(HeterophilousGraphDataset):
    """Minesweeper: a 100 x 100 grid, 39,402 edges; predict which cells are mines.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`HeterophilousGraphDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("minesweeper", raw_dir, force_reload, verbose, transform)


class TolokersDataset(HeterophilousGraphDataset):
    """Tolokers: 11,758 crowd workers, 519,000 edges; predict which were banned.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`HeterophilousGraphDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("tolokers", raw_dir, force_reload, verbose, transform)


class QuestionsDataset(HeterophilousGraphDataset):
    """Questions: 48,921 users of a question-answering site, 153,540 edges; predict who stayed active.

    Parameters
    ----------
    raw_dir, force_reload, verbose, transform
        As :class:`HeterophilousGraphDataset`.
    """

    def __init__(self, raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                 transform: Optional[Callable] = None) -> None:
        super().__init__("questions", raw_dir, force_reload, verbose, transform)
