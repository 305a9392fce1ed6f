"""Knowledge graph completion sets: FB15k-237, FB15k and WN18, built as DGL builds them.

Each archive ``https://data.dgl.ai/dataset/<name>.tgz`` holds ``entities.dict`` and
``relations.dict`` (lines ``id<TAB>name``) and ``train.txt``, ``valid.txt``, ``test.txt``
(lines ``head<TAB>relation<TAB>tail``, by name). The result is one homogeneous graph over all
entities: the train, then valid, then test triples grouped by relation in order of first
appearance, then (with ``reverse``) every triple reversed with relation ``r + num_rels``.

Edge data: ``etype`` (int64 relation id); ``train_edge_mask``, ``valid_edge_mask``,
``test_edge_mask`` (the forward triples of each split) and ``train_mask``, ``val_mask``,
``test_mask`` (the same splits including the reversed triples). Node data: ``ntype`` (all 0).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import torch

from ..base import DGLError
from ..convert import graph
from ._remote import DGL_DATA_URL, OneGraphDataset, RawFile

__all__ = ["KnowledgeGraphDataset", "FB15k237Dataset", "FB15kDataset", "WN18Dataset", "build_knowledge_graph"]

_FILES = ("entities.dict", "relations.dict", "train.txt", "valid.txt", "test.txt")


def _read_dictionary(path: str) -> Dict[str, int]:
    table = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                raise DGLError(f"{path}:{lineno}: expected 'id<TAB>name', got {line.strip()!r}.")
            table[parts[1].strip()] = int(parts[0])
    return table


def _read_triplets(path: str, entities: Dict[str, int], relations: Dict[str, int]) -> np.ndarray:
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.strip().split("\t")
            if len(parts) != 3:
                raise DGLError(f"{path}:{lineno}: expected 'head<TAB>relation<TAB>tail', got {line.strip()!r}.")
            head, rel, tail = parts
            for name, table in ((head, entities), (rel, relations), (tail, entities)):
                if name not in table:
                    raise DGLError(f"{path}:{lineno}: {name!r} is not in the entity/relation dictionary.")
            rows.append((entities[head], relations[rel], entities[tail]))
    return np.asarray(rows, dtype=np.int64).reshape(-1, 3)


def build_knowledge_graph(num_nodes: int, num_rels: int, train: np.ndarray, valid: np.ndarray, test: np.ndarray,
                          reverse: bool = True):
    """The graph and its edge masks from ``(head, relation, tail)`` id triples (see the module docstring).

    Parameters
    ----------
    num_nodes, num_rels : int
        Numbers of entities and of relations.
    train, valid, test : ndarray
        The triples of each split, shape :math:`(T, 3)`.
    reverse : bool
        Add the reversed triples.

    Returns
    -------
    DGLGraph
        With the edge and node data of the module docstring.
    """
    forward: "OrderedDict[int, List[Tuple[int, int, int]]]" = OrderedDict()
    for split, triples in ((1, train), (2, valid), (3, test)):
        for s, r, d in np.asarray(triples, dtype=np.int64).reshape(-1, 3).tolist():
            if not 0 <= r < num_rels:
                raise DGLError(f"Relation id {r} is out of range for {num_rels} relations.")
            forward.setdefault(r, []).append((s, d, split))
    groups = [(r, edges) for r, edges in forward.items()]
    fwd_split = np.asarray([e[2] for _, edges in groups for e in edges], dtype=np.int64)
    src = [e[0] for _, edges in groups for e in edges]
    dst = [e[1] for _, edges in groups for e in edges]
    etype = [r for r, edges in groups for _ in edges]
    split = list(fwd_split)
    if reverse:
        for r, edges in groups:
            src += [e[1] for e in edges]
            dst += [e[0] for e in edges]
            etype += [r + num_rels] * len(edges)
            split += [e[2] for e in edges]
        edge_split = np.concatenate([fwd_split, np.zeros_like(fwd_split)])
    else:
        edge_split = fwd_split
    split_a = np.asarray(split, dtype=np.int64)
    g = graph((torch.tensor(src, dtype=torch.int64), torch.tensor(dst, dtype=torch.int64)), num_nodes=num_nodes)
    g.edata["train_edge_mask"] = torch.from_numpy(edge_split == 1)
    g.edata["valid_edge_mask"] = torch.from_numpy(edge_split == 2)
    g.edata["test_edge_mask"] = torch.from_numpy(edge_split == 3)
    g.edata["train_mask"] = torch.from_numpy(split_a == 1)
    g.edata["val_mask"] = torch.from_numpy(split_a == 2)
    g.edata["test_mask"] = torch.from_numpy(split_a == 3)
    g.edata["etype"] = torch.tensor(etype, dtype=torch.int64)
    g.ndata["ntype"] = torch.zeros(num_nodes, dtype=torch.int64)
    return g


class KnowledgeGraphDataset(OneGraphDataset):
    """One knowledge graph (see the module docstring for its files and fields).

    Parameters
    ----------
    name : str
        ``'FB15k-237'``, ``'FB15k'`` or ``'wn18'``.
    reverse : bool
        Add every triple reversed, with relation ``r + num_rels``.
    raw_dir : str, optional
        Folder holding ``<name>/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    """

    graph_attr = "_g"

    def __init__(self, name: str, reverse: bool = True, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = True, transform: Optional[Callable] = None) -> None:
        self.reverse = reverse
        # data.dgl.ai publishes no digest for these archives
        raw = RawFile(DGL_DATA_URL + f"dataset/{name}.tgz", f"{name}.tgz", None, extract=True)
        super().__init__(name, [raw], _FILES, raw_dir=raw_dir, hash_key=(reverse,), force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        entities = _read_dictionary(self.raw_file("entities.dict"))
        relations = _read_dictionary(self.raw_file("relations.dict"))
        splits = [_read_triplets(self.raw_file(f"{s}.txt"), entities, relations) for s in ("train", "valid", "test")]
        g = build_knowledge_graph(len(entities), len(relations), *splits, reverse=self.reverse)
        if self.verbose:
            print(f"# entities: {len(entities)}\n# relations: {len(relations)}\n"
                  f"# training edges: {len(splits[0])}\n# validation edges: {len(splits[1])}\n"
                  f"# testing edges: {len(splits[2])}")
        return [g], {}, {"num_nodes": len(entities), "num_rels": len(relations)}

    def restore(self, graphs, tensors, info) -> None:
        self._g = graphs[0]
        self._num_nodes = int(info["num_nodes"])
        self._num_rels = int(info["num_rels"])

    @property
    def num_nodes(self) -> int:
        """Number of entities."""
        return self._num_nodes

    @property
    def num_rels(self) -> int:
        """Number of relations (before adding reverse ones)."""
        return self._num_rels



class FB15k237Dataset(KnowledgeGraphDataset):
    """FB15k-237: 14,541 Freebase entities, 237 relations, 272,115 / 17,535 / 20,466 triples.

    Parameters
    ----------
    reverse, raw_dir, force_reload, verbose, transform
        As :class:`KnowledgeGraphDataset`.
    """

    def __init__(self, reverse: bool = True, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("FB15k-237", reverse, raw_dir, force_reload, verbose, transform)


class FB15kDataset(KnowledgeGraphDataset):
    """FB15k: 14,951 Freebase entities, 1,345 relations, 483,142 / 50,000 / 59,071 triples.

    Parameters
    ----------
    reverse, raw_dir, force_reload, verbose, transform
        As :class:`KnowledgeGraphDataset`.
    """

    def __init__(self, reverse: bool = True, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("FB15k", reverse, raw_dir, force_reload, verbose, transform)


class WN18Dataset(KnowledgeGraphDataset):
    """WN18: 40,943 WordNet synsets, 18 relations, 141,442 / 5,000 / 5,000 triples.

    Parameters
    ----------
    reverse, raw_dir, force_reload, verbose, transform
        As :class:`KnowledgeGraphDataset`.
    """

    def __init__(self, reverse: bool = True, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("wn18", reverse, raw_dir, force_reload, verbose, transform)
