"""Wrappers that turn a data set into a node, link or graph prediction task with index splits."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np
import torch

from ..base import DGLError
from ..convert import graph

__all__ = ["AsNodePredDataset", "AsLinkPredDataset", "AsGraphPredDataset"]


def _check_ratio(split_ratio: Optional[Sequence[float]]) -> Optional[Tuple[float, float, float]]:
    if split_ratio is None:
        return None
    ratio = tuple(float(x) for x in split_ratio)
    if len(ratio) != 3 or any(r < 0 for r in ratio) or abs(sum(ratio) - 1.0) > 1e-6:
        raise DGLError(f"split_ratio must be three non-negative fractions summing to 1, got {list(split_ratio)}.")
    return ratio


def _permutation(n: int, seed: Optional[int]) -> np.ndarray:
    """A permutation from ``seed``, or from NumPy's global generator when ``seed`` is None (as DGL)."""
    return np.random.permutation(n) if seed is None else np.random.RandomState(seed).permutation(n)


def _split(n: int, ratio: Tuple[float, float, float], seed: Optional[int]):
    perm = torch.from_numpy(_permutation(n, seed))
    num_train, num_val = int(n * ratio[0]), int(n * ratio[1])
    return perm[:num_train], perm[num_train:num_train + num_val], perm[num_train + num_val:]


class AsNodePredDataset:
    """One graph with node labels as a node classification task.

    Without ``split_ratio`` the graph's ``train_mask``/``val_mask``/``test_mask`` are used;
    with it the nodes of ``target_ntype`` are split at random (seed ``random_state``) and the
    masks are written onto the graph. Exposes ``train_idx``, ``val_idx``, ``test_idx`` and
    ``num_classes``; ``dataset[0]`` is the graph.

    Parameters
    ----------
    dataset
        A data set of one graph.
    split_ratio
        ``(train, val, test)`` fractions, or ``None`` to use existing masks.
    target_ntype
        Node type holding the labels (needed for heterographs).
    random_state
        Seed of the random split (``None``: NumPy's global generator, as DGL).
    """

    def __init__(self, dataset, split_ratio: Optional[Sequence[float]] = None,
                 target_ntype: Optional[str] = None, random_state: Optional[int] = None, **kwargs) -> None:
        if len(dataset) != 1:
            raise DGLError(f"AsNodePredDataset needs a data set of one graph, got {len(dataset)}.")
        self.dataset = dataset
        self.split_ratio = _check_ratio(split_ratio)
        g = dataset[0]
        g = (g[0] if isinstance(g, tuple) else g).clone()  # the wrapped data set keeps its graph
        if target_ntype is None:
            if len(g.ntypes) != 1:
                raise DGLError(f"The graph has node types {g.ntypes}; pass target_ntype.")
            target_ntype = g.ntypes[0]
        if target_ntype not in g.ntypes:
            raise DGLError(f"Unknown node type {target_ntype!r}; the graph has {g.ntypes}.")
        self.target_ntype = target_ntype
        data = g.nodes[target_ntype].data
        if "label" not in data:
            raise DGLError(f"Nodes of type {target_ntype!r} have no 'label' feature.")
        n = g.num_nodes(target_ntype)
        if self.split_ratio is None:
            missing = [k for k in ("train_mask", "val_mask", "test_mask") if k not in data]
            if missing:
                raise DGLError(f"The graph lacks {missing}; pass split_ratio to create a split.")
            idx = [torch.nonzero(data[k].bool()).squeeze(1) for k in ("train_mask", "val_mask", "test_mask")]
        else:
            idx = list(_split(n, self.split_ratio, random_state))
            for key, ids in zip(("train_mask", "val_mask", "test_mask"), idx):
                mask = torch.zeros(n, dtype=torch.bool)
                mask[ids] = True
                data[key] = mask
        self.train_idx, self.val_idx, self.test_idx = idx
        self.g = g
        labels = data["label"]
        self.num_classes = int(getattr(dataset, "num_classes", 0) or (int(labels.max()) + 1 if labels.numel() else 0))

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"AsNodePredDataset holds one graph; index {idx} is out of range.")
        return self.g

    def __len__(self) -> int:
        return 1


class AsLinkPredDataset:
    """One homogeneous graph as a link prediction task.

    Edges are split at random into train, validation and test; ``dataset[0]`` is the graph
    with only the training edges (node features kept), also ``train_graph``. ``val_edges`` and
    ``test_edges`` are ``((pos_src, pos_dst), (neg_src, neg_dst))``; the negatives are
    uniformly drawn node pairs that are not edges and not self-loops, up to ``neg_ratio`` per
    positive edge (duplicates removed, so possibly fewer).

    Parameters
    ----------
    dataset
        A data set of one graph.
    split_ratio
        ``(train, val, test)`` edge fractions (required).
    neg_ratio
        Negative pairs per positive validation/test edge.
    random_state
        Seed of the split and of the negatives (``None``: NumPy's global generator).
    """

    def __init__(self, dataset, split_ratio: Optional[Sequence[float]] = None, neg_ratio: int = 3,
                 random_state: Optional[int] = None, **kwargs) -> None:
        if len(dataset) != 1:
            raise DGLError(f"AsLinkPredDataset needs a data set of one graph, got {len(dataset)}.")
        if split_ratio is None:
            raise DGLError("AsLinkPredDataset needs split_ratio, e.g. [0.8, 0.1, 0.1].")
        self.split_ratio = _check_ratio(split_ratio)
        self.neg_ratio = int(neg_ratio)
        g = dataset[0]
        g = g[0] if isinstance(g, tuple) else g
        if not g.is_homogeneous:
            raise DGLError("AsLinkPredDataset supports homogeneous graphs only.")
        u, v = g.edges(order="eid")
        train, val, test = _split(g.num_edges(), self.split_ratio, random_state)
        n = g.num_nodes()
        rng = np.random if random_state is None else np.random.RandomState(random_state + 1)
        negatives = self._negatives(g, self.neg_ratio * (val.numel() + test.numel()), rng)
        num_val_neg = self.neg_ratio * val.numel()
        self._neg_split = (negatives[:, :num_val_neg], negatives[:, num_val_neg:])

        def with_negatives(eids, neg):
            return (u[eids], v[eids]), (neg[0].to(u.dtype), neg[1].to(u.dtype))

        self.val_edges = with_negatives(val, self._neg_split[0])
        self.test_edges = with_negatives(test, self._neg_split[1])
        keep = torch.sort(train).values
        self.train_graph = graph((u[keep], v[keep]), num_nodes=n, idtype=g.idtype)
        for key, value in g.ndata.items():
            self.train_graph.ndata[key] = value
        for key, value in g.edata.items():
            self.train_graph.edata[key] = value[keep]
        self.feat_size = int(g.ndata["feat"].shape[1]) if "feat" in g.ndata else 0

    @staticmethod
    def _negatives(g, count: int, rng) -> torch.Tensor:
        """Up to ``count`` distinct node pairs that are neither edges of ``g`` nor self-loops."""
        n = g.num_nodes()
        if count == 0 or n == 0:
            return torch.zeros(2, 0, dtype=torch.int64)
        density = g.num_edges() / float(n * n)
        draws = int(count * (1.0 + 2.0 * density / max(1e-6, 1.0 - density)) * 1.1) + 16
        pairs = np.unique(rng.randint(0, n, size=(2, draws)), axis=1)
        pairs = pairs[:, rng.permutation(pairs.shape[1])]
        u, v = g.edges()
        existing = torch.unique(u.long() * n + v.long())
        codes = torch.from_numpy(pairs[0] * n + pairs[1])
        keep = (pairs[0] != pairs[1]) & ~torch.isin(codes, existing).numpy()
        return torch.from_numpy(pairs[:, keep][:, :count].copy())

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"AsLinkPredDataset holds one graph; index {idx} is out of range.")
        return self.train_graph

    def __len__(self) -> int:
        return 1


class AsGraphPredDataset:
    """A collection of ``(graph, label)`` items as a graph prediction task with index splits.

    Without ``split_ratio`` the data set's own split is used (``get_idx_split()`` or
    ``train_mask``/``val_mask``/``test_mask`` attributes); with it the items are split at random.

    Parameters
    ----------
    dataset
        Items ``(graph, label)``.
    split_ratio
        ``(train, val, test)`` fractions.
    random_state
        Seed of the random split (``None``: NumPy's global generator, as DGL).
    """

    def __init__(self, dataset, split_ratio: Optional[Sequence[float]] = None,
                 random_state: Optional[int] = None, **kwargs) -> None:
        self.dataset = dataset
        if split_ratio is None:
            if hasattr(dataset, "get_idx_split"):
                split = dataset.get_idx_split()
                self.train_idx, self.val_idx, self.test_idx = (
                    torch.as_tensor(split[k]) for k in ("train", "valid", "test"))
            elif all(hasattr(dataset, f"{k}_mask") for k in ("train", "val", "test")):
                self.train_idx, self.val_idx, self.test_idx = (
                    torch.nonzero(torch.as_tensor(getattr(dataset, f"{k}_mask"))).squeeze(1)
                    for k in ("train", "val", "test"))
            else:
                raise DGLError("The data set has no train/val/test split; pass split_ratio to create one.")
        else:
            self.train_idx, self.val_idx, self.test_idx = _split(len(dataset), _check_ratio(split_ratio), random_state)
        first_graph, _ = dataset[0]
        # None for multi-label classification and regression, as in DGL
        self.num_classes = getattr(dataset, "num_classes", None)
        self.num_tasks = getattr(dataset, "num_tasks", 1)
        self.node_feat_size = self._width(first_graph.ndata)
        self.edge_feat_size = self._width(first_graph.edata)

    @staticmethod
    def _width(frame) -> Optional[int]:
        for key in ("feat", "attr", "node_attr", "edge_attr", "feature"):
            if key in frame:
                value = frame[key]
                return int(value.shape[1]) if value.dim() > 1 else 1
        return None

    def __getitem__(self, idx: int):
        return self.dataset[idx]

    def __len__(self) -> int:
        return len(self.dataset)
