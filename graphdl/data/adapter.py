"""Wrappers that turn a data set into a node, link or graph prediction task with index splits."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np
import torch

from ..base import DGLError

__all__ = ["AsNodePredDataset", "AsLinkPredDataset", "AsGraphPredDataset"]


def _check_ratio(split_ratio: Optional[Sequence[float]]) -> Optional[Tuple[float, float, float]]:
    if split_ratio is None:
        return None
    ratio = tuple(float(x) for x in split_ratio)
    if len(ratio) != 3 or any(r < 0 for r in ratio) or abs(sum(ratio) - 1.0) > 1e-6:
        raise DGLError(f"split_ratio must be three non-negative fractions summing to 1, got {list(split_ratio)}.")
    return ratio


def _split(n: int, ratio: Tuple[float, float, float], seed: int):
    perm = torch.from_numpy(np.random.RandomState(seed).permutation(n))
    num_train, num_val = int(n * ratio[0]), int(n * ratio[1])
    return perm[:num_train], perm[num_train:num_train + num_val], perm[num_train + num_val:]


class AsNodePredDataset:
    """One graph with node labels as a node classification task.

    Without ``split_ratio`` the graph's ``train_mask``/``val_mask``/``test_mask`` are used;
    with it the nodes of ``target_ntype`` are split at random (seed ``random_state``) and the
    masks are written onto the graph. Exposes ``train_idx``, ``val_idx``, ``test_idx`` and
    ``num_classes``; ``dataset[0]`` is the graph.

    Args:
        dataset: A data set of one graph.
        split_ratio: ``(train, val, test)`` fractions, or ``None`` to use existing masks.
        target_ntype: Node type holding the labels (needed for heterographs).
        random_state: Seed of the random split.
    """

    def __init__(self, dataset, split_ratio: Optional[Sequence[float]] = None,
                 target_ntype: Optional[str] = None, random_state: int = 0, **kwargs) -> None:
        if len(dataset) != 1:
            raise DGLError(f"AsNodePredDataset needs a data set of one graph, got {len(dataset)}.")
        self.dataset = dataset
        self.split_ratio = _check_ratio(split_ratio)
        g = dataset[0]
        g = g[0] if isinstance(g, tuple) else g
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
    with only the training edges (node features kept). ``val_edges`` and ``test_edges`` are
    ``((pos_src, pos_dst), (neg_src, neg_dst))`` with ``neg_ratio`` uniformly drawn node pairs
    per positive edge.

    Args:
        dataset: A data set of one graph.
        split_ratio: ``(train, val, test)`` edge fractions (required).
        neg_ratio: Negative pairs per positive validation/test edge.
        random_state: Seed of the split and of the negatives.
    """

    def __init__(self, dataset, split_ratio: Optional[Sequence[float]] = None, neg_ratio: int = 3,
                 random_state: int = 0, **kwargs) -> None:
        from ..convert import graph

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
        gen = torch.Generator().manual_seed(random_state)
        n = g.num_nodes()

        def with_negatives(eids):
            k = eids.numel() * self.neg_ratio
            neg = (torch.randint(0, n, (k,), generator=gen).to(u.dtype), torch.randint(0, n, (k,), generator=gen).to(u.dtype))
            return (u[eids], v[eids]), neg

        self.val_edges = with_negatives(val)
        self.test_edges = with_negatives(test)
        keep = torch.sort(train).values
        self.train_graph = graph((u[keep], v[keep]), num_nodes=n, idtype=g.idtype)
        for key, value in g.ndata.items():
            self.train_graph.ndata[key] = value
        for key, value in g.edata.items():
            self.train_graph.edata[key] = value[keep]
        self.feat_size = int(g.ndata["feat"].shape[1]) if "feat" in g.ndata else 0

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"AsLinkPredDataset holds one graph; index {idx} is out of range.")
        return self.train_graph

    def __len__(self) -> int:
        return 1


class AsGraphPredDataset:
    """A collection of ``(graph, label)`` items as a graph prediction task with index splits.

    Uses the data set's own ``get_idx_split()`` when it has one and ``split_ratio`` is not
    given; otherwise splits at random (default ``(0.8, 0.1, 0.1)``).

    Args:
        dataset: Items ``(graph, label)``.
        split_ratio: ``(train, val, test)`` fractions.
        random_state: Seed of the random split.
    """

    def __init__(self, dataset, split_ratio: Optional[Sequence[float]] = None, random_state: int = 0,
                 **kwargs) -> None:
        self.dataset = dataset
        if split_ratio is None and hasattr(dataset, "get_idx_split"):
            split = dataset.get_idx_split()
            self.train_idx, self.val_idx, self.test_idx = (torch.as_tensor(split[k]) for k in ("train", "valid", "test"))
        else:
            ratio = _check_ratio(split_ratio) or (0.8, 0.1, 0.1)
            self.train_idx, self.val_idx, self.test_idx = _split(len(dataset), ratio, random_state)
        first_graph, first_label = dataset[0]
        self.num_tasks = int(first_label.numel()) if isinstance(first_label, torch.Tensor) else 1
        self.num_classes = getattr(dataset, "num_classes", None)
        if self.num_classes is None:
            labels = torch.stack([torch.as_tensor(dataset[i][1]).reshape(-1) for i in range(len(dataset))])
            self.num_classes = int(labels.max()) + 1
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
