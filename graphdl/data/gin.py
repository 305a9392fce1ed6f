"""Graph classification benchmarks in the text format of the GIN paper (``GINDataset``)."""
from __future__ import annotations

import os
from typing import Callable, Dict, List, Optional

import torch
from tqdm import tqdm

from ..base import DGLError
from .dgl_dataset import DGLBuiltinDataset, LabelledGraphs
from ..convert import graph
from .graph_serialize import load_graphs
from .graph_serialize import save_graphs

__all__ = ["GINDataset"]

GIN_URL = "https://data.dgl.ai/dataset/GINDataset.zip"
GIN_NAMES = ("MUTAG", "COLLAB", "IMDBBINARY", "IMDBMULTI", "NCI1", "PROTEINS", "PTC", "REDDITBINARY",
             "REDDITMULTI5K")


class _Lines:
    """Whitespace-separated integer/float rows of a text file, with line numbers for errors."""

    def __init__(self, path: str) -> None:
        self.path = path
        with open(path) as f:
            self.rows = [line.split() for line in f if line.strip()]
        self.pos = 0

    def next(self, what: str) -> List[str]:
        if self.pos >= len(self.rows):
            raise DGLError(f"{self.path} ends early: expected {what}.")
        self.pos += 1
        return self.rows[self.pos - 1]

    def fail(self, message: str) -> DGLError:
        return DGLError(f"{self.path}, data line {self.pos}: {message}.")


class GINDataset(LabelledGraphs, DGLBuiltinDataset):
    """A graph classification data set in the GIN text format.

    The file ``<name>.txt`` holds the graph count, then per graph a line ``n label`` and
    ``n`` node lines ``tag m neighbour_1 ... neighbour_m [attributes...]``. Items are
    ``(graph, label)`` with a scalar int64 label. Graph labels and node tags are numbered in
    order of first appearance. Node data: ``label`` (node tag id, or in-degree with
    ``degree_as_nlabel``) and ``attr`` (the node attributes when the file has them, else
    one-hot node labels, float32). With ``self_loop`` each node's loop follows its listed
    neighbours in edge order.

    Parameters
    ----------
    name
        Data set name (``'MUTAG'``, ``'PROTEINS'``, ...).
    self_loop
        Add a self-loop to every node.
    degree_as_nlabel
        Use node degrees as node tags.
    raw_dir
        Folder holding ``GINDataset/dataset/<name>/<name>.txt`` (downloaded when missing).
    force_reload
        Re-process even when a cache exists.
    verbose
        Print progress and show a progress bar.
    transform
        Applied to every graph on access.
    """

    def __init__(self, name: str, self_loop: bool, degree_as_nlabel: bool = False, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = False, transform: Optional[Callable] = None) -> None:
        self._dataset_name = name
        self.self_loop = self_loop
        self.degree_as_nlabel = degree_as_nlabel
        self.graphs: List = []
        self.labels: Optional[torch.Tensor] = None
        self.glabel_dict: Dict[int, int] = {}
        self.nlabel_dict: Dict[int, int] = {}
        self.gclasses = 0
        self.nattrs_flag = False
        super().__init__("GINDataset", url=GIN_URL, raw_dir=raw_dir,
                         hash_key=(name, self_loop, degree_as_nlabel), force_reload=force_reload,
                         verbose=verbose, transform=transform)

    @property
    def raw_file(self) -> str:
        for folder in (os.path.join(self.raw_path, "dataset", self._dataset_name),
                       os.path.join(self.raw_path, self._dataset_name)):
            path = os.path.join(folder, f"{self._dataset_name}.txt")
            if os.path.exists(path):
                return path
        return os.path.join(self.raw_path, "dataset", self._dataset_name, f"{self._dataset_name}.txt")

    def _parse(self):
        """Parse the text file into per-graph (tags, edges, attrs, label)."""
        lines = _Lines(self.raw_file)
        try:
            num_graphs = int(lines.next("the graph count")[0])
        except ValueError as err:
            raise lines.fail("the first line must be the number of graphs") from err
        parsed = []
        for _ in tqdm(range(num_graphs), desc=f"Processing {self._dataset_name}", disable=not self.verbose):
            head = lines.next("a graph header")
            try:
                n, glabel = int(head[0]), int(head[1])
            except (ValueError, IndexError) as err:
                raise lines.fail("a graph header must be 'num_nodes label'") from err
            if n < 0:
                raise lines.fail(f"negative node count {n}")
            tags, src, dst, attrs = [], [], [], []
            for j in range(n):
                row = lines.next(f"node {j}")
                try:
                    tag, m = int(row[0]), int(row[1])
                    nbrs = [int(x) for x in row[2:2 + m]]
                    extra = [float(x) for x in row[2 + m:]]
                except (ValueError, IndexError) as err:
                    raise lines.fail("a node line must be 'tag m neighbours... [attributes...]'") from err
                if len(nbrs) != m:
                    raise lines.fail(f"node {j} announces {m} neighbours but lists {len(nbrs)}")
                for k in nbrs:
                    if not 0 <= k < n:
                        raise lines.fail(f"neighbour {k} of node {j} is outside the graph's {n} nodes")
                tags.append(tag)
                attrs.append(extra)
                src.extend([j] * m)
                dst.extend(nbrs)
                if self.self_loop:  # each node's loop follows its listed neighbours
                    src.append(j)
                    dst.append(j)
            parsed.append((tags, src, dst, attrs, glabel))
        return parsed

    def process(self) -> None:
        if not os.path.exists(self.raw_file):
            raise DGLError(f"GIN data set {self._dataset_name}: missing file {self.raw_file}.")
        parsed = self._parse()
        self.glabel_dict, self.nlabel_dict = {}, {}
        graphs, labels, node_tags = [], [], []
        self.nattrs_flag = any(any(a) for p in parsed for a in p[3])
        for tags, src, dst, attrs, glabel in parsed:
            n = len(tags)
            g = graph((torch.tensor(src, dtype=torch.int64), torch.tensor(dst, dtype=torch.int64)), num_nodes=n)
            mapped = [self.nlabel_dict.setdefault(tag, len(self.nlabel_dict)) for tag in tags]
            node_tags.append(torch.tensor(mapped, dtype=torch.int64))
            if self.nattrs_flag:
                widths = {len(a) for a in attrs}
                if len(widths) != 1:
                    raise DGLError(f"{self.raw_file}: node attribute rows have different lengths {sorted(widths)}.")
                g.ndata["attr"] = torch.tensor(attrs, dtype=torch.float32).reshape(n, -1)
            labels.append(self.glabel_dict.setdefault(glabel, len(self.glabel_dict)))
            graphs.append(g)
        for g, tag_ids in zip(graphs, node_tags):
            g.ndata["label"] = tag_ids
        if not self.nattrs_flag:
            if self.degree_as_nlabel:
                for g in graphs:
                    g.ndata["label"] = g.in_degrees().to(torch.int64)
            self._one_hot_attrs(graphs)
        self.graphs = graphs
        self.labels = torch.tensor(labels, dtype=torch.int64)
        self.gclasses = len(self.glabel_dict)

    def _one_hot_attrs(self, graphs) -> None:
        """``attr`` = one-hot node labels, with DGL's choice of columns: when the labels are
        exactly ``0..k-1`` and all appear among the file's tags, column = the tag map of the
        label; otherwise the sorted distinct labels are numbered in order."""
        values = sorted({int(v) for g in graphs for v in g.ndata["label"].tolist()})
        contiguous = bool(values) and values[0] == 0 and values[-1] == len(values) - 1
        if contiguous and all(v in self.nlabel_dict for v in values):
            column = dict(self.nlabel_dict)
        else:
            column = {v: i for i, v in enumerate(values)}
        width = len(column)
        for g in graphs:
            cols = torch.tensor([column[int(v)] for v in g.ndata["label"].tolist()], dtype=torch.int64)
            g.ndata["attr"] = torch.nn.functional.one_hot(cols, width).to(torch.float32)

    @property
    def _cache_file(self) -> str:
        return os.path.join(self.save_path, f"gin_{self._dataset_name}_{self.hash}.bin")

    def save(self) -> None:
        save_graphs(self._cache_file, self.graphs, {"labels": self.labels})

    def has_cache(self) -> bool:
        return os.path.exists(self._cache_file)

    def load(self) -> None:
        self.graphs, labels = load_graphs(self._cache_file)
        self.labels = labels["labels"]
        self.gclasses = int(self.labels.max()) + 1 if len(self.graphs) else 0

    @property
    def num_classes(self) -> int:
        return self.gclasses

    @property
    def dim_nfeats(self) -> int:
        return int(self.graphs[0].ndata["attr"].shape[1]) if self.graphs else 0
