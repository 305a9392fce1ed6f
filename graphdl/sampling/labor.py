r"""Layer-neighbour sampling (LABOR, Balin and Catalyurek, 2023), variant LABOR-0.

Every candidate source ``t`` draws one uniform ``r_t`` (fixed by the random seed and ``t``),
shared by all seeds. Seed ``s`` keeps edge ``t -> s`` when

.. math::

    r_t \le c_s \, \pi_{ts}, \qquad \sum_t \min(1, c_s \pi_{ts}) = \min(k, d_s),

with :math:`\pi_{ts} = 1` without ``prob`` (so :math:`c_s = k / d_s`) and the edge's weight
with it; :math:`d_s` counts the edges of positive weight.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from ..base import DGLError
from . import _kernels as K
from . import _rng
from ._utils import check_fanouts, edge_weights, exclude_per_etype, nodes_per_type, to_np
from .neighbor import _check_dir, _compressed, frontier_from, seeds_side

__all__ = ["sample_labors"]


def labor_pick(g: Any, seeds, fanouts, edge_dir: str, exclude, random_seed: int, prob: Any = None):
    """LABOR-0 edges per relation in the form used by ``frontier_from``/``block_from_picked``
    (weighted by the edge feature ``prob`` where a relation has it)."""
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
        rs = (random_seed + i) % (2**63)
        w = edge_weights(g, cet, prob)
        if w is None:
            counts, pn, pe = K.over_rows(K.labor_rows, (indptr, nbr, eid), rows, (k, rs, excl),
                                         K.row_work(indptr, rows))
        else:
            counts, pn, pe = K.labor_rows_weighted(indptr, nbr, eid, rows, k, rs, excl, w)
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

    ``prob`` names an edge feature of non-negative weights (see the module docstring); edges
    of weight 0 are never taken. Returns ``(frontier, importances)``: LABOR-0 does not reweight
    edges, so the list holds, per relation, an empty tensor without ``prob`` and ones for the
    sampled edges with it (as DGL). ``importance_sampling != 0`` (LABOR-i) is not supported.
    """
    _check_dir(edge_dir)
    if importance_sampling != 0:
        raise DGLError("sample_labors supports importance_sampling=0 (LABOR-0) only.")
    if isinstance(prob, str) and not any(prob in g.edges[c].data for c in g.canonical_etypes):
        raise DGLError(f"Edge feature {prob!r} (prob) is missing on every edge type.")
    seeds = nodes_per_type(g, nodes, seeds_side(g, edge_dir))
    fanouts = check_fanouts(g, fanout)
    exclude = exclude_per_etype(g, exclude_edges)
    rs = _rng.next_seed() if random_seed is None else int(random_seed)
    picked = labor_pick(g, seeds, fanouts, edge_dir, exclude, rs, prob)
    frontier = frontier_from(g, picked, edge_dir, copy_ndata, copy_edata, output_device)
    if prob is None:
        return frontier, [torch.empty(0) for _ in g.canonical_etypes]
    return frontier, [torch.ones(frontier.num_edges(c), device=frontier.device) for c in frontier.canonical_etypes]
