"""Softmax of edge scores over the in-edges (or out-edges) of every node.

The fused kernel finds each row's maximum and sum in one pass over its edges and stores only
the per-edge result; the backward needs just that result and the incoming gradient.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from .._graph.ids import to_id_tensor
from ..base import ALL, DGLError, is_all
from ._backend import backend_for
from ._register import kernel_op
from ._topology import get_adj, graph_topology

__all__ = ["edge_softmax", "row_softmax"]


def _edge_softmax_kernel(ptr: Tensor, eid: Tensor, group: Tensor, logits: Tensor) -> Tensor:
    return backend_for(logits).edge_softmax(ptr, eid, group, logits)


def _edge_softmax_fake(ptr, eid, group, logits):
    return torch.empty_like(logits)


def _edge_softmax_backward_kernel(ptr: Tensor, eid: Tensor, group: Tensor, out: Tensor, grad: Tensor) -> Tensor:
    return backend_for(out).edge_softmax_backward(ptr, eid, group, out, grad)


def _edge_softmax_backward_fake(ptr, eid, group, out, grad):
    return torch.empty_like(out)


# the backward's own kernel (no derivative of its own: edge softmax is differentiable once)
_edge_softmax_backward_op = kernel_op("graphdl::edge_softmax_backward", _edge_softmax_backward_kernel,
                                      fake=_edge_softmax_backward_fake)


def _setup(ctx, inputs, output) -> None:
    ctx.save_for_backward(inputs[0], inputs[1], inputs[2], output)


def _backward(ctx, grad):
    ptr, eid, group, out = ctx.saved_tensors
    return None, None, None, _edge_softmax_backward_op(ptr, eid, group, out, grad.contiguous())


_edge_softmax_op = kernel_op("graphdl::edge_softmax", _edge_softmax_kernel, fake=_edge_softmax_fake,
                             setup_context=_setup, backward=_backward)


def row_softmax(ptr: Tensor, eid: Tensor, group: Tensor, logits: Tensor) -> Tensor:
    """Softmax of ``logits[eid[k]]`` over the entries ``k`` of each row of ``ptr``.

    ``group[e]`` is the row of entry ``e`` (the same grouping in storage order).
    """
    if not logits.is_floating_point():
        raise DGLError(f"edge_softmax needs floating-point logits, got {logits.dtype}.")
    shape = logits.shape
    width = 1
    for d in shape[1:]:
        width *= int(d)
    flat = logits.reshape(shape[0], width).contiguous()
    return _edge_softmax_op(ptr, eid, group, flat).reshape(shape)


def edge_softmax(graph: Any, logits: Tensor, eids: Any = ALL, norm_by: str = "dst") -> Tensor:
    r"""Softmax of edge scores over the edges sharing a destination (or a source).

    .. math::
        a_{ij} = \frac{\exp(z_{ij})}{\sum_{k \in \mathcal{N}(i)} \exp(z_{kj})}

    Parameters
    ----------
    graph
        a graph with one relation.
    logits
        edge scores ``(num_edges, *)``, or ``(len(eids), *)`` when ``eids`` is given.
    eids
        the edges to normalise over (others are ignored); all edges by default.
    norm_by
        ``"dst"`` normalises over each node's in-edges, ``"src"`` over its out-edges.

    Returns
    -------
    Tensor
        Tensor of the same shape as ``logits``.
    """
    if norm_by not in ("dst", "src"):
        raise DGLError(f"norm_by must be 'dst' or 'src', got {norm_by!r}.")
    if isinstance(logits, dict):
        return _hetero_edge_softmax(graph, logits, eids, norm_by)
    adj = get_adj(graph)
    if not is_all(eids):
        eids = to_id_tensor(eids, adj.idtype, adj.device, "edge", bound=adj.num_edges,
                            allow_mask=True, move=True)
        adj = adj.edge_subset(eids)
    if logits.shape[0] != adj.num_edges:
        raise DGLError(f"logits has {logits.shape[0]} rows but {adj.num_edges} edges are normalised.")
    topo = graph_topology(adj, transpose=False, by_src=norm_by == "src")
    return row_softmax(topo.ptr, topo.eid, adj.src if norm_by == "src" else adj.dst, logits)


def _hetero_edge_softmax(graph: Any, logits: dict, eids: Any, norm_by: str) -> dict:
    """``edge_softmax`` with one logits tensor per relation: every node normalises over its
    in-edges (or out-edges) of all the given relations together.

    Returns a dict from canonical edge type to the scores of that relation.
    """
    if not is_all(eids):
        raise DGLError("edge_softmax with per-relation logits normalises over all edges; eids must be ALL.")
    if not logits:
        raise DGLError("edge_softmax got an empty dict of logits.")
    cets = [graph.to_canonical_etype(k) for k in logits]
    values = list(logits.values())
    feat = tuple(values[0].shape[1:])
    # One id per (node type, node) on the normalised side.
    side = 2 if norm_by == "dst" else 0
    types = sorted({ce[side] for ce in cets})
    offset, total = {}, 0
    for t in types:
        offset[t] = total
        total += graph.num_nodes(t)
    keys, parts = [], []
    for ce, x in zip(cets, values):
        if tuple(x.shape[1:]) != feat:
            raise DGLError(f"The logits of {ce} have shape {tuple(x.shape[1:])} per edge; "
                           f"the others have {feat}.")
        if x.shape[0] != graph.num_edges(ce):
            raise DGLError(f"The logits of {ce} have {x.shape[0]} rows; the relation has "
                           f"{graph.num_edges(ce)} edges.")
        src, dst = graph.edges(etype=ce, order="eid")
        keys.append((dst if norm_by == "dst" else src).long() + offset[ce[side]])
        parts.append(x)
    key = torch.cat(keys)
    x = torch.cat(parts)
    if not x.is_floating_point():
        raise DGLError(f"edge_softmax needs floating-point logits, got {x.dtype}.")
    idx = key.reshape((-1,) + (1,) * len(feat)).expand_as(x)
    # Subtract each group's maximum (no gradient needed through it) before exponentiating.
    top = torch.full((total,) + feat, float("-inf"), dtype=x.dtype, device=x.device)
    top = top.scatter_reduce(0, idx, x.detach(), reduce="amax")
    ex = torch.exp(x - top.gather(0, idx))
    denom = torch.zeros((total,) + feat, dtype=x.dtype, device=x.device).scatter_add(0, idx, ex)
    out = ex / denom.gather(0, idx)
    result, start = {}, 0
    for ce, part in zip(cets, parts):
        result[ce] = out[start:start + part.shape[0]]
        start += part.shape[0]
    return result
