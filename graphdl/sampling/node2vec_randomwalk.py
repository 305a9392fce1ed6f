"""node2vec's biased second-order random walk."""
from __future__ import annotations

from typing import Any, Optional

import torch

from .._graph.ids import to_id_tensor
from ..base import DGLError
from . import _kernels as K
from . import _rng
from ._utils import edge_weights, to_np

__all__ = ["node2vec_random_walk"]


def node2vec_random_walk(
    g: Any,
    nodes: Any,
    p: float,
    q: float,
    walk_length: int,
    prob: Optional[str] = None,
    return_eids: bool = False,
):
    """node2vec walks (Grover and Leskovec, 2016) along out-edges of a homogeneous graph.

    After the step ``t -> v`` the next node ``x`` (an out-neighbour of ``v``) is drawn with
    unnormalised weight

    .. math::
        \\pi(v, x) = w(v, x) \\cdot \\begin{cases} 1/p & x = t \\\\ 1 & t \\to x \\text{ is an edge}
        \\\\ 1/q & \\text{otherwise} \\end{cases}

    Parameters
    ----------
    g
        a homogeneous graph.
    nodes
        start node ids.
    p
        return parameter.
    q
        in-out parameter.
    walk_length
        number of steps.
    prob
        name of a per-edge feature with the weights ``w`` (default: all 1).
    return_eids
        also return the traversed edge ids.

    Returns
    -------
    torch.Tensor or tuple of torch.Tensor
        ``traces`` of shape ``(len(nodes), walk_length + 1)`` padded with -1, and the edge ids
        ``(len(nodes), walk_length)`` when ``return_eids``.
    """
    if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
        raise DGLError("node2vec_random_walk needs a homogeneous graph.")
    if not (p > 0 and q > 0):
        raise DGLError(f"p and q must be positive, got p={p}, q={q}.")
    if int(walk_length) < 0:
        raise DGLError(f"walk_length must be non-negative, got {walk_length}.")
    cet = tuple(g.canonical_etypes[0])
    starts = to_id_tensor(nodes, torch.int64, "cpu", allow_float=True, move=True)
    n = g.num_nodes()
    if starts.numel() and (int(starts.min()) < 0 or int(starts.max()) >= n):
        bad = int(starts.min()) if int(starts.min()) < 0 else int(starts.max())
        raise DGLError(f"Invalid start node {bad}: the graph has {n} nodes.")
    w = edge_weights(g, cet, prob)
    if prob is not None and w is None:
        raise DGLError(f"Edge feature {prob!r} is missing.")
    ip, nb, ei = g._adj(cet).csr()
    has = w is not None
    warr = w if has else torch.empty(0, dtype=torch.float64).numpy()
    traces, te = K.over_rows(
        K.node2vec_walk, (to_np(ip.long()), to_np(nb.long()), to_np(ei.long()), warr, has), to_np(starts),
        (int(walk_length), float(p), float(q), _rng.next_seed()), starts.shape[0] * max(1, int(walk_length)),
    )
    traces_t = torch.from_numpy(traces).to(g.idtype)
    if return_eids:
        return traces_t, torch.from_numpy(te).to(g.idtype)
    return traces_t
