"""Graph attention in one pass: scores, edge softmax and weighted aggregation fused.

GAT's attention splits the score of edge ``(u, v)`` into a source part and a destination part,

.. math::

    z_{uv}^h = \\mathrm{LeakyReLU}(e^l_{u,h} + e^r_{v,h}), \\qquad
    a_{uv}^h = \\operatorname{softmax}_{u \\in \\mathcal{N}(v)} z_{uv}^h, \\qquad
    out_{v,h} = \\sum_{u \\in \\mathcal{N}(v)} a_{uv}^h \\, x_{u,h}

so one kernel per destination row computes all three: the only per-edge tensor it writes is
the attention itself (one value per edge and head), which the backward pass reuses. The
composite form (``apply_edges``, ``edge_softmax``, ``update_all``) gives the same result.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
from torch import Tensor

from ..base import DGLError
from ._backend import backend_for
from ._topology import get_adj, graph_topology, needs_grad

__all__ = ["gat_attention"]


@torch.library.custom_op("graphdl::gat_attention", mutates_args=())
def _gat_op(
    ptr: Tensor, col: Tensor, eid: Tensor, tptr: Tensor, tcol: Tensor, teid: Tensor,
    ft: Tensor, el: Tensor, er: Tensor, slope: float,
) -> Tuple[Tensor, Tensor]:
    return backend_for(ft).gat_forward(ptr, col, eid, ft, el, er, slope)


@_gat_op.register_fake
def _gat_fake(ptr, col, eid, tptr, tcol, teid, ft, el, er, slope):
    return ft.new_empty((ptr.shape[0] - 1, ft.shape[1])), ft.new_empty((col.shape[0], el.shape[1]))


@torch.library.custom_op("graphdl::gat_attention_backward", mutates_args=())
def _gat_backward_op(
    ptr: Tensor, col: Tensor, eid: Tensor, tptr: Tensor, tcol: Tensor, teid: Tensor, grad: Tensor,
    grad_att: Optional[Tensor], ft: Tensor, el: Tensor, er: Tensor, att: Tensor, slope: float, want_ft: bool,
) -> Tuple[Tensor, Tensor, Tensor]:
    gft, gel, ger = backend_for(ft).gat_backward(
        ptr, col, eid, tptr, tcol, teid, grad, grad_att, ft, el, er, att, slope, want_ft
    )
    return (ft.new_zeros((0, ft.shape[1])) if gft is None else gft), gel, ger


@_gat_backward_op.register_fake
def _gat_backward_fake(ptr, col, eid, tptr, tcol, teid, grad, grad_att, ft, el, er, att, slope, want_ft):
    return ft.new_empty((ft.shape[0] if want_ft else 0, ft.shape[1])), torch.empty_like(el), torch.empty_like(er)


def _gat_setup(ctx, inputs, output) -> None:
    ctx.save_for_backward(*inputs[:9], output[1])
    ctx.slope = inputs[9]


def _gat_backward(ctx, grad, grad_att):
    if torch.is_grad_enabled():
        raise DGLError(
            "Second derivatives through the fused GAT attention kernel are not supported; "
            "build the attention from apply_edges, edge_softmax and update_all instead."
        )
    ptr, col, eid, tptr, tcol, teid, ft, el, er, att = ctx.saved_tensors
    want_ft = ctx.needs_input_grad[6]
    gft, gel, ger = _gat_backward_op(
        ptr, col, eid, tptr, tcol, teid, grad.contiguous(),
        None if grad_att is None else grad_att.contiguous(), ft, el, er, att, ctx.slope, want_ft,
    )
    if not want_ft:
        gft = None
    if not ctx.needs_input_grad[7]:
        gel = None
    if not ctx.needs_input_grad[8]:
        ger = None
    return (None,) * 6 + (gft, gel, ger, None)


_gat_op.register_autograd(_gat_backward, setup_context=_gat_setup)


def gat_attention(
    graph: Any, feat_src: Tensor, el: Tensor, er: Tensor, negative_slope: float = 0.2
) -> Tuple[Tensor, Tensor]:
    """GAT aggregation with the attention computed on the fly.

    Args:
        graph: a graph with one relation.
        feat_src: source features ``(num_src, H, D)``.
        el: source attention terms ``(num_src, H)`` or ``(num_src, H, 1)``.
        er: destination attention terms ``(num_dst, H)`` or ``(num_dst, H, 1)``.
        negative_slope: slope of the LeakyReLU applied to ``el[u] + er[v]``.

    Returns:
        ``(out, att)``: the aggregated features ``(num_dst, H, D)`` and the attention
        ``(num_edges, H, 1)`` (zero rows sum to nothing: nodes without in-edges get zeros).
    """
    adj = get_adj(graph)
    if feat_src.dim() != 3:
        raise DGLError(f"feat_src must have shape (num_src, heads, dim); got {tuple(feat_src.shape)}.")
    n_src, heads, dim = feat_src.shape
    expected = {"el": (adj.num_src, heads), "er": (adj.num_dst, heads)}
    for name, t in (("el", el), ("er", er)):
        if tuple(t.shape[:2]) != expected[name] or t.numel() != expected[name][0] * heads:
            raise DGLError(f"{name} must have shape {expected[name]} or {expected[name] + (1,)}; "
                           f"got {tuple(t.shape)}.")
    if n_src != adj.num_src:
        raise DGLError(f"feat_src has {n_src} rows but the graph has {adj.num_src} source nodes.")
    dtype = torch.promote_types(torch.promote_types(feat_src.dtype, el.dtype), er.dtype)
    ft = feat_src.to(dtype).reshape(n_src, heads * dim).contiguous()
    el2 = el.to(dtype).reshape(adj.num_src, heads).contiguous()
    er2 = er.to(dtype).reshape(adj.num_dst, heads).contiguous()
    topo = graph_topology(adj, transpose=needs_grad(ft, el2))
    out, att = _gat_op(*topo.tensors(), ft, el2, er2, float(negative_slope))
    return out.reshape(adj.num_dst, heads, dim), att.reshape(adj.num_edges, heads, 1)
