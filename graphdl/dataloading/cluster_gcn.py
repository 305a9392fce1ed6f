"""Cluster-GCN: mini-batches made of whole graph partitions."""
from __future__ import annotations

import os
import pickle
from typing import Any, Optional, Sequence

import numpy as np
import torch

from .._graph.ids import to_id_tensor
from .._partition_utils import partition_nodes
from ..base import DGLError
from ..sampling._block import induced_subgraph
from ..sampling._utils import to_np
from .base import Sampler, _copy_edge_features, _copy_node_features

__all__ = ["ClusterGCNSampler"]


class ClusterGCNSampler(Sampler):
    """Cluster-GCN (Chiang et al., 2019): the graph is split once into ``k`` partitions and a
    batch of partition ids becomes the subgraph induced by their nodes.

    Iterate with ``DataLoader(g, torch.arange(k), sampler, batch_size=...)``.

    Parameters
    ----------
    g
        a homogeneous graph.
    k
        number of partitions.
    cache_path
        file where the partition is kept and reused (rebuilt when it does not
        fit the graph or ``k``).
    balance_ntypes, balance_edges
        accepted for compatibility (no effect).
    mode
        ``'k-way'`` or ``'recursive'`` (both use the same partitioner).
    prefetch_ndata, prefetch_edata
        features the subgraphs must carry.
    output_device
        device of the subgraphs.
    """

    def __init__(
        self,
        g: Any,
        k: int,
        cache_path: str = "cluster_gcn.pkl",
        balance_ntypes: Any = None,
        balance_edges: bool = False,
        mode: str = "k-way",
        prefetch_ndata: Optional[Sequence[str]] = None,
        prefetch_edata: Optional[Sequence[str]] = None,
        output_device: Any = None,
    ) -> None:
        if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
            raise DGLError("ClusterGCNSampler needs a homogeneous graph.")
        if mode not in ("k-way", "recursive"):
            raise DGLError(f"mode must be 'k-way' or 'recursive', got {mode!r}.")
        k = int(k)
        parts = None
        if cache_path and os.path.exists(cache_path):
            with open(cache_path, "rb") as f:
                saved = pickle.load(f)
            if (isinstance(saved, dict) and saved.get("k") == k
                    and saved.get("num_nodes") == g.num_nodes() and saved.get("num_edges") == g.num_edges()):
                parts = saved["parts"]
        if parts is None:
            parts = partition_nodes(g, k, recursive=mode == "recursive")
            if cache_path:
                with open(cache_path, "wb") as f:
                    pickle.dump({"k": k, "num_nodes": g.num_nodes(), "num_edges": g.num_edges(),
                                 "parts": parts}, f)
        order = np.argsort(parts, kind="stable")
        counts = np.bincount(parts, minlength=k)
        self.k = k
        self.partition_offset = torch.from_numpy(np.concatenate([[0], np.cumsum(counts)]))
        self.partition_node_ids = torch.from_numpy(order).to(g.idtype)
        self.prefetch_ndata = list(prefetch_ndata or [])
        self.prefetch_edata = list(prefetch_edata or [])
        self.output_device = output_device

    def sample(self, g: Any, partition_ids: Any) -> Any:
        """The subgraph induced by the nodes of the given partitions (``ndata[NID]``, ``edata[EID]``)."""
        pids = to_id_tensor(partition_ids, torch.int64, "cpu", "partition", allow_float=True, move=True)
        if pids.numel() and (int(pids.min()) < 0 or int(pids.max()) >= self.k):
            raise DGLError(f"Invalid partition id {int(pids.max())}: there are {self.k} partitions.")
        off = self.partition_offset
        nodes = [self.partition_node_ids[off[i]:off[i + 1]] for i in pids.tolist()]
        ids = torch.cat(nodes) if nodes else torch.empty(0, dtype=g.idtype)
        sg = induced_subgraph(g, {g.ntypes[0]: to_np(ids)})
        _copy_node_features(g, sg, self.prefetch_ndata)
        _copy_edge_features(g, sg, self.prefetch_edata)
        return sg.to(self.output_device) if self.output_device is not None else sg
