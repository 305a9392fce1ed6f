"""Layer-neighbour sampling (LABOR, Balin and Catalyurek, 2023), variant LABOR-0."""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from ..base import DGLError
from . import _kernels as K
from . import _rng
from ._utils import check_fanouts, exclude_per_etype, nodes_per_type, to_np
from .neighbor import _check_dir, _compressed, frontier_from, seeds_side

__all__ = ["sample_labors"]


def labor_pick(g: Any, seeds, fanouts, edge_dir: str, exclude, random_seed: int):
    """LABOR-0 edges per relation in the form used by ``frontier_from``/``block_from_picked``."""
    picked = {}
    for i, cet in enumerate(g.canonical_etypes):
        cet = tuple(cet)
        seed_type = cet[2] if edge_dir == "in" else cet[0]
        rows = to_np(seeds.get(seed_type, torch.empty(0, dtype=g.idtype)))
        k = fanouts.get(cet, 0)
        if rows.shape[0] == 0 or k == 0 or g.num_edges(cet) == 0:
            empty = np.empty(0, rows.dtype)
            picked[cet] = (rows, np.zeros(rows.shape[0], np.int64), empty, empty)
            continue
        indptr, nbr, eid = _compressed(g, cet, edge_dir)
        excl = exclude[cet].astype(eid.dtype)
        counts, pn, pe = K.over_rows(K.labor_rows, (indptr, nbr, eid), rows, (k, (random_seed + i) % (2**63), excl),
                                     K.row_work(indptr, rows))
        picked[cet] = (rows, counts, pn, pe)
    return picked


def sample_labors(
    g: Any,
    nodes: Any,
    fanout: Any,
    edge_dir: str = "in",
    prob: Optional[str] = None,
    importance_sampling: int = 0,
    random_seed: Optional[int] = None,
    seed2_contribution: float = 0,
    copy_ndata: bool = True,
    copy_edata: bool = True,
    exclude_edges: Any = None,
    output_device: Any = None,
) -> Tuple[Any, List[torch.Tensor]]:
    """LABOR-0 sampling: edge ``t -> s`` is kept when a uniform draw ``r_t``, shared by all
    seeds, is at most ``fanout / deg(s)``. Each seed keeps ``fanout`` edges on average while
    seeds with common neighbours share them, so fewer distinct sources are sampled.

    Returns ``(frontier, importances)``; LABOR-0 has no edge importances, so the list holds an
    empty tensor per relation. ``prob`` and ``importance_sampling != 0`` are not supported.
    """
    _check_dir(edge_dir)
    if importance_sampling != 0 or prob is not None:
        raise DGLError("sample_labors supports importance_sampling=0 without prob (LABOR-0) only.")
    seeds = nodes_per_type(g, nodes, seeds_side(g, edge_dir))
    fanouts = check_fanouts(g, fanout)
    exclude = exclude_per_etype(g, exclude_edges)
    rs = _rng.next_seed() if random_seed is None else int(random_seed)
    picked = labor_pick(g, seeds, fanouts, edge_dir, exclude, rs)
    frontier = frontier_from(g, picked, edge_dir, copy_ndata, copy_edata, output_device)
    return frontier, [torch.empty(0) for _ in g.canonical_etypes]
