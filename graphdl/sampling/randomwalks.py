"""Random walks along out-edges: ``random_walk`` and ``pack_traces``."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numba
import numpy as np
import torch

from .._graph.ids import to_id_tensor
from ..base import DGLError
from . import _kernels as K
from . import _rng
from ._utils import edge_weights, resolve_etype, to_np

__all__ = ["random_walk", "pack_traces"]


def _walk_inputs(g: Any, cetypes: Sequence[Tuple[str, str, str]], prob: Optional[str]):
    """Typed lists of per-relation out-edge CSR arrays (int64) and weights for the kernel."""
    indptrs, indices, eids, probs = (numba.typed.List() for _ in range(4))
    has = np.zeros(len(cetypes), np.bool_)
    for i, cet in enumerate(cetypes):
        ip, nb, ei = g._adj(cet).csr()
        indptrs.append(to_np(ip.long()))
        indices.append(to_np(nb.long()))
        eids.append(to_np(ei.long()))
        w = edge_weights(g, cet, prob)
        has[i] = w is not None
        probs.append(w if w is not None else np.empty(0, np.float64))
    return indptrs, indices, eids, probs, has


def random_walk(
    g: Any,
    nodes: Any,
    *,
    metapath: Optional[Sequence[Any]] = None,
    length: Optional[int] = None,
    prob: Optional[str] = None,
    restart_prob: Optional[Union[float, torch.Tensor, Sequence[float]]] = None,
    return_eids: bool = False,
):
    """Random walks that follow out-edges, one per entry of ``nodes``.

    Parameters
    ----------
    g
        the graph.
    nodes
        start node ids (of the source type of the first metapath relation).
    metapath
        the edge type of each step. Without it the graph must have one relation
        and ``length`` steps are taken.
    length
        number of steps when ``metapath`` is not given.
    prob
        name of a per-edge feature of unnormalised transition weights.
    restart_prob
        chance of stopping before each step (a float, or one per step).
    return_eids
        also return the id of each traversed edge.

    Returns
    -------
    tuple of torch.Tensor
        ``(traces, types)`` or ``(traces, eids, types)``: ``traces`` is ``(len(nodes), steps + 1)``
        node ids padded with -1 after a walk stops, ``eids`` is ``(len(nodes), steps)`` and
        ``types`` the node type id of each trace position.
    """
    if metapath is None:
        if len(g.canonical_etypes) != 1 or len(g.ntypes) != 1:
            raise DGLError("metapath must be given for a graph with several node or edge types.")
        if length is None:
            raise DGLError("Give either metapath or length.")
        if int(length) < 0:
            raise DGLError(f"length must be non-negative, got {length}.")
        cetypes = [tuple(g.canonical_etypes[0])]
        path = np.zeros(int(length), np.int64)
    else:
        cetypes = []
        for et in metapath:
            cet = resolve_etype(g, et)
            if cet not in cetypes:
                cetypes.append(cet)
        path = np.array([cetypes.index(resolve_etype(g, et)) for et in metapath], np.int64)
        for a, b in zip(metapath[:-1], metapath[1:]):
            if resolve_etype(g, a)[2] != resolve_etype(g, b)[0]:
                raise DGLError(f"Metapath is not connected: {a!r} is followed by {b!r}.")
    start_type = cetypes[path[0]][0] if path.shape[0] else g.ntypes[0]
    if metapath is not None and not len(metapath):
        raise DGLError("metapath must not be empty.")
    starts = to_id_tensor(nodes, torch.int64, "cpu", allow_float=True, move=True)
    n = g.num_nodes(start_type)
    if starts.numel() and (int(starts.min()) < 0 or int(starts.max()) >= n):
        bad = int(starts.min()) if int(starts.min()) < 0 else int(starts.max())
        raise DGLError(f"Invalid start node {bad}: there are {n} nodes of type {start_type!r}.")
    steps = path.shape[0]
    if restart_prob is None:
        restart = np.zeros(steps, np.float64)
    elif isinstance(restart_prob, (float, int)):
        restart = np.full(steps, float(restart_prob), np.float64)
    else:
        restart = np.asarray(torch.as_tensor(restart_prob, dtype=torch.float64).cpu().numpy(), np.float64)
        if restart.shape != (steps,):
            raise DGLError(f"restart_prob needs one value per step ({steps}), got shape {restart.shape}.")
    ips, inds, eids, probs, has = _walk_inputs(g, cetypes, prob)
    if prob is not None and not has.any():
        raise DGLError(f"Edge feature {prob!r} is missing on the metapath's edge types.")
    traces, te = K.over_rows(K.random_walk, (ips, inds, eids, probs, has, path), to_np(starts),
                             (restart, _rng.next_seed()), starts.shape[0] * max(1, steps))
    ntype_ids = [g.get_ntype_id(start_type)] + [g.get_ntype_id(cetypes[t][2]) for t in path]
    types = torch.tensor(ntype_ids, dtype=torch.int64)
    traces_t = torch.from_numpy(traces).to(g.idtype)
    if return_eids:
        return traces_t, torch.from_numpy(te).to(g.idtype), types
    return traces_t, types


def pack_traces(traces: torch.Tensor, types: torch.Tensor):
    """Drop the -1 padding of ``traces``.

    Returns ``(concat_vids, concat_types, lengths, offsets)``: the valid node ids of all traces
    concatenated, their node types, the length of each trace and where each trace starts.
    """
    if traces.dim() != 2:
        raise DGLError(f"traces must be 2-D, got shape {tuple(traces.shape)}.")
    if types.dim() != 1 or types.shape[0] != traces.shape[1]:
        raise DGLError(f"types must have one entry per trace column ({traces.shape[1]}), got {tuple(types.shape)}.")
    valid = traces >= 0
    lengths = valid.sum(1)
    vids = traces[valid]
    vtypes = types.to(traces.device).unsqueeze(0).expand_as(traces)[valid]
    offsets = torch.zeros_like(lengths)
    if lengths.numel() > 1:
        offsets[1:] = torch.cumsum(lengths, 0)[:-1]
    return vids, vtypes, lengths.to(traces.dtype), offsets.to(traces.dtype)
