"""Random graphs: ``rand_graph`` and ``rand_bipartite`` (DGL's ``dgl.generators``).

Edges are drawn uniformly without replacement from all ``num_src * num_dst`` pairs, using
NumPy's global generator (seeded by :func:`graphdl.seed`). Re-exported by :mod:`graphdl.convert` and :mod:`graphdl`.
"""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np
import torch

from ._graph.ids import check_idtype, default_device
from ._result_graph import build_graph
from .base import DGLError

__all__ = ["rand_graph", "rand_bipartite"]


def _sample_pairs(num_rows: int, num_cols: int, num_edges: int) -> Tuple[torch.Tensor, torch.Tensor]:
    total = num_rows * num_cols
    num_edges = int(num_edges)
    if num_edges < 0:
        raise DGLError(f"num_edges must be non-negative, got {num_edges}.")
    if num_edges > total:
        raise DGLError(f"Cannot place {num_edges} distinct edges among {total} node pairs.")
    if num_edges == 0:
        z = torch.zeros(0, dtype=torch.int64)
        return z, z
    if num_edges * 4 >= total:
        keys = np.random.permutation(total)[:num_edges]
    else:
        keys = np.zeros(0, dtype=np.int64)
        while keys.shape[0] < num_edges:
            draw = np.random.randint(0, total, size=2 * (num_edges - keys.shape[0]), dtype=np.int64)
            keys = np.concatenate([keys, draw])
            _, first = np.unique(keys, return_index=True)
            keys = keys[np.sort(first)]
        keys = keys[:num_edges]
    keys = torch.from_numpy(keys.astype(np.int64))
    return keys // num_cols, keys % num_cols


def rand_graph(num_nodes: int, num_edges: int, idtype: torch.dtype = torch.int64,
               device: Any = torch.device("cpu")) -> Any:
    """A homogeneous graph with ``num_edges`` distinct edges drawn uniformly among node pairs."""
    num_nodes = int(num_nodes)
    if num_nodes < 0:
        raise DGLError(f"num_nodes must be non-negative, got {num_nodes}.")
    u, v = _sample_pairs(num_nodes, num_nodes, num_edges)
    return build_graph({("_N", "_E", "_N"): (u, v)}, {"_N": num_nodes}, check_idtype(idtype), default_device(device))


def rand_bipartite(utype: str, etype: str, vtype: str, num_src_nodes: int, num_dst_nodes: int,
                   num_edges: int, idtype: torch.dtype = torch.int64, device: Any = torch.device("cpu")) -> Any:
    """A one-relation graph ``(utype, etype, vtype)`` with ``num_edges`` distinct random edges."""
    if utype == vtype:
        raise DGLError(f"rand_bipartite needs two different node types, got {utype!r} twice.")
    u, v = _sample_pairs(int(num_src_nodes), int(num_dst_nodes), num_edges)
    return build_graph({(utype, etype, vtype): (u, v)}, {utype: int(num_src_nodes), vtype: int(num_dst_nodes)},
                       check_idtype(idtype), default_device(device))
