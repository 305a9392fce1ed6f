"""Reddit (GraphSAGE's post-to-post graph), in DGL's processed layout.

From `Inductive Representation Learning on Large Graphs <https://arxiv.org/abs/1706.02216>`__
(Hamilton et al., 2017). The archive ``https://data.dgl.ai/dataset/reddit.zip`` (or
``reddit_self_loop.zip``) holds ``reddit_graph.npz`` (``reddit_self_loop_graph.npz``), a
``scipy.sparse.save_npz`` adjacency, and ``reddit_data.npz`` with the arrays ``feature``
(:math:`N \\times 602`), ``label`` and ``node_types`` (1 train, 2 validation, 3 test).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import scipy.sparse as sp
import torch

from ..base import DGLError
from ..convert import from_scipy
from ._remote import DGL_DATA_URL, OneGraphDataset, RawFile
from .utils import generate_mask_tensor

__all__ = ["RedditDataset"]


class RedditDataset(OneGraphDataset):
    """Reddit posts of September 2014 linked when one user commented on both; 41 communities.

    Node data: ``feat`` (float32), ``label`` (int64), ``train_mask``, ``val_mask``,
    ``test_mask`` (bool).

    Parameters
    ----------
    self_loop : bool
        Load the variant whose graph has a self-loop on every node.
    raw_dir : str, optional
        Folder holding ``reddit/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    """

    def __init__(self, self_loop: bool = False, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = False, transform: Optional[Callable] = None) -> None:
        suffix = "_self_loop" if self_loop else ""
        self._self_loop = self_loop
        name = "reddit" + suffix
        # data.dgl.ai publishes no digest for this archive
        raw = RawFile(DGL_DATA_URL + f"dataset/{name}.zip", f"{name}.zip", None, extract=True)
        super().__init__(name, [raw], [f"reddit{suffix}_graph.npz", "reddit_data.npz"], raw_dir=raw_dir,
                         force_reload=force_reload, verbose=verbose, transform=transform)

    def parse(self):
        suffix = "_self_loop" if self._self_loop else ""
        adj = sp.load_npz(self.raw_file(f"reddit{suffix}_graph.npz"))
        g = from_scipy(adj)
        with np.load(self.raw_file("reddit_data.npz")) as data:
            for key in ("feature", "label", "node_types"):
                if key not in data.files:
                    raise DGLError(f"{self.raw_file('reddit_data.npz')} lacks the array {key!r}.")
            feat, label, node_types = data["feature"], data["label"], data["node_types"]
        if feat.shape[0] != g.num_nodes() or label.shape[0] != g.num_nodes():
            raise DGLError(f"Reddit: {feat.shape[0]} feature rows and {label.shape[0]} labels for "
                           f"{g.num_nodes()} nodes.")
        g.ndata["train_mask"] = generate_mask_tensor(node_types == 1)
        g.ndata["val_mask"] = generate_mask_tensor(node_types == 2)
        g.ndata["test_mask"] = generate_mask_tensor(node_types == 3)
        g.ndata["feat"] = torch.from_numpy(np.asarray(feat, dtype=np.float32))
        g.ndata["label"] = torch.from_numpy(np.asarray(label, dtype=np.int64))
        return [g], {}, {}

    def restore(self, graphs, tensors, info) -> None:
        self._graph = graphs[0]

    @property
    def num_classes(self) -> int:
        """Number of communities (41)."""
        return 41

