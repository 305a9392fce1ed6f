"""Generalized sparse-dense products (GSpMM): messages reduced onto destination nodes.

``gspmm`` fuses the two steps of message passing: each edge's message ``op(lhs, rhs)`` is
computed inside the kernel and reduced at once onto its destination, so no message tensor
with one row per edge is ever built. Gradients are again GSpMM/GSDDMM calls (see ``_grad``).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
from torch import Tensor

from ..base import DGLError
from ._backend import backend_for
from ._bcast import out_feature_shape, pad_feature_dims
from ._register import kernel_op
from ._topology import Topology, get_adj, graph_topology, needs_grad

__all__ = [
    "gspmm",
    "copy_u_sum",
    "copy_u_sum_scaled",
    "copy_e_sum",
    "copy_u_max",
    "copy_e_max",
    "copy_u_min",
    "copy_e_min",
    "copy_u_mean",
    "copy_e_mean",
    "u_add_e_sum",
    "u_add_e_max",
    "u_add_e_min",
    "u_add_e_mean",
    "u_sub_e_sum",
    "u_sub_e_max",
    "u_sub_e_min",
    "u_sub_e_mean",
    "u_mul_e_sum",
    "u_mul_e_max",
    "u_mul_e_min",
    "u_mul_e_mean",
    "u_div_e_sum",
    "u_div_e_max",
    "u_div_e_min",
    "u_div_e_mean",
]

_REDUCERS = ("sum", "max", "min", "mean")


def _out_shape(op: str, lhs: Tensor, rhs: Optional[Tensor]) -> Tuple[int, ...]:
    return out_feature_shape(op, tuple(lhs.shape[1:]), None if rhs is None else tuple(rhs.shape[1:]))


def _spmm_sum_kernel(
    ptr: Tensor, col: Tensor, eid: Tensor, tptr: Tensor, tcol: Tensor, teid: Tensor,
    lhs: Tensor, rhs: Optional[Tensor], op: str, lhs_target: str, rhs_target: str,
) -> Tensor:
    shape = _out_shape(op, lhs, rhs)
    num_rows = ptr.shape[0] - 1
    return backend_for(lhs).spmm_sum(ptr, col, eid, lhs, lhs_target, rhs, rhs_target, op, num_rows, shape)


def _spmm_sum_fake(ptr, col, eid, tptr, tcol, teid, lhs, rhs, op, lhs_target, rhs_target):
    return lhs.new_empty((ptr.shape[0] - 1,) + _out_shape(op, lhs, rhs))


def _spmm_sum_setup(ctx, inputs, output) -> None:
    ctx.save_for_backward(*inputs[:8])
    ctx.op, ctx.lhs_target, ctx.rhs_target = inputs[8:]


def _spmm_sum_backward(ctx, grad):
    # deferred: import cycle graphdl.ops.spmm -> graphdl.ops._grad -> graphdl.ops.spmm
    from ._grad import operand_grad

    ptr, col, eid, tptr, tcol, teid, lhs, rhs = ctx.saved_tensors
    topo = Topology(ptr, col, eid, tptr, tcol, teid)
    glhs = grhs = None
    if ctx.needs_input_grad[6]:
        glhs = operand_grad(topo, "v", grad, ctx.op, lhs, ctx.lhs_target, rhs, ctx.rhs_target)
    if rhs is not None and ctx.op != "copy" and ctx.needs_input_grad[7]:
        grhs = operand_grad(topo, "v", grad, ctx.op, rhs, ctx.rhs_target, lhs, ctx.lhs_target)
    return (None,) * 6 + (glhs, grhs, None, None, None)


_spmm_sum_op = kernel_op("graphdl::spmm_sum", _spmm_sum_kernel, fake=_spmm_sum_fake,
                         setup_context=_spmm_sum_setup, backward=_spmm_sum_backward)


def _spmm_copy_scaled_kernel(
    ptr: Tensor, col: Tensor, tptr: Tensor, tcol: Tensor, x: Tensor,
    col_scale: Optional[Tensor], row_scale: Optional[Tensor], bias: Optional[Tensor],
    col_mean: bool = False, row_mean: bool = False,
) -> Tensor:
    num_rows = ptr.shape[0] - 1
    width = 1
    for d in x.shape[1:]:
        width *= int(d)
    flat_bias = None
    if bias is not None:  # one row for every node, or one row per node
        flat_bias = bias.reshape(num_rows if bias.dim() == x.dim() else 1, width)
    out = backend_for(x).spmm_copy_scaled(ptr, col, tptr, x.reshape(x.shape[0], width), col_scale, row_scale,
                                          flat_bias, col_mean, row_mean, num_rows)
    return out.reshape((num_rows,) + tuple(x.shape[1:]))


def _spmm_copy_scaled_fake(ptr, col, tptr, tcol, x, col_scale, row_scale, bias, col_mean=False, row_mean=False):
    return x.new_empty((ptr.shape[0] - 1,) + tuple(x.shape[1:]))


def _spmm_copy_scaled_setup(ctx, inputs, output) -> None:
    ptr, col, tptr, tcol, x, col_scale, row_scale, bias, col_mean, row_mean = inputs
    ctx.save_for_backward(ptr, col, tptr, tcol, col_scale, row_scale)
    ctx.x_dtype = x.dtype
    ctx.col_mean, ctx.row_mean = col_mean, row_mean
    ctx.bias_per_row = bias is not None and bias.dim() == x.dim()


def _spmm_copy_scaled_backward(ctx, grad):
    # out = R A C x + b, so dx = C A^T R grad: the same kernel on the transposed adjacency
    # with the two scales (and the two mean flags) swapped; db sums grad over the rows.
    ptr, col, tptr, tcol, col_scale, row_scale = ctx.saved_tensors
    gx = gbias = None
    if ctx.needs_input_grad[4]:
        gx = _spmm_copy_scaled_op(tptr, tcol, ptr, col, grad.contiguous(), row_scale, col_scale, None,
                                  ctx.row_mean, ctx.col_mean)
        gx = gx.to(ctx.x_dtype)
    if ctx.needs_input_grad[7]:
        gbias = grad if ctx.bias_per_row else grad.sum(0)
    return None, None, None, None, gx, None, None, gbias, None, None


_spmm_copy_scaled_op = kernel_op("graphdl::spmm_copy_scaled", _spmm_copy_scaled_kernel, fake=_spmm_copy_scaled_fake,
                                 setup_context=_spmm_copy_scaled_setup, backward=_spmm_copy_scaled_backward)


def _spmm_extreme_kernel(
    ptr: Tensor, col: Tensor, eid: Tensor, tptr: Tensor, tcol: Tensor, teid: Tensor,
    lhs: Tensor, rhs: Optional[Tensor], op: str, lhs_target: str, rhs_target: str, reduce_op: str,
) -> Tuple[Tensor, Tensor]:
    shape = _out_shape(op, lhs, rhs)
    return backend_for(lhs).spmm_extreme(
        ptr, col, eid, lhs, lhs_target, rhs, rhs_target, op, reduce_op, ptr.shape[0] - 1, shape
    )


def _spmm_extreme_fake(ptr, col, eid, tptr, tcol, teid, lhs, rhs, op, lhs_target, rhs_target, reduce_op):
    shape = (ptr.shape[0] - 1,) + _out_shape(op, lhs, rhs)
    return lhs.new_empty(shape), lhs.new_empty(shape, dtype=torch.int64)


def _spmm_extreme_setup(ctx, inputs, output) -> None:
    ctx.save_for_backward(*inputs[:8], output[1])
    ctx.op, ctx.lhs_target, ctx.rhs_target = inputs[8:11]


def _spmm_extreme_backward(ctx, grad, grad_arg):
    # deferred: import cycle graphdl.ops.spmm -> graphdl.ops._grad -> graphdl.ops.spmm
    from ._grad import extreme_operand_grad

    ptr, col, eid, tptr, tcol, teid, lhs, rhs, arg = ctx.saved_tensors
    glhs = grhs = None
    if ctx.needs_input_grad[6]:
        glhs = extreme_operand_grad(ptr, col, eid, arg, grad, ctx.op,
                                    lhs, ctx.lhs_target, rhs, ctx.rhs_target)
    if rhs is not None and ctx.op != "copy" and ctx.needs_input_grad[7]:
        grhs = extreme_operand_grad(ptr, col, eid, arg, grad, ctx.op,
                                    rhs, ctx.rhs_target, lhs, ctx.lhs_target)
    return (None,) * 6 + (glhs, grhs, None, None, None, None)


_spmm_extreme_op = kernel_op("graphdl::spmm_extreme", _spmm_extreme_kernel, fake=_spmm_extreme_fake,
                             setup_context=_spmm_extreme_setup, backward=_spmm_extreme_backward)


def normalise_operands(
    op: str, lhs: Tensor, rhs: Optional[Tensor]
) -> Tuple[str, Tensor, Optional[Tensor]]:
    """Rewrite ``sub`` as ``add`` of the negation and ``div`` as ``mul`` by the reciprocal,
    give the operands equal rank and a common floating dtype."""
    if op == "copy" or rhs is None:
        return "copy", lhs, None
    if op == "sub":
        op, rhs = "add", -rhs
    elif op == "div":
        op, rhs = "mul", 1.0 / rhs
    if op not in ("add", "mul", "dot"):
        raise DGLError(f"Unknown binary operator {op!r}; expected add, sub, mul, div or dot.")
    if lhs.dtype != rhs.dtype:
        dtype = torch.promote_types(lhs.dtype, rhs.dtype)
        lhs, rhs = lhs.to(dtype), rhs.to(dtype)
    lhs, rhs = pad_feature_dims(lhs, rhs)
    return op, lhs, rhs


def spmm(
    topo: Topology, op: str, reduce_op: str, lhs: Tensor, lhs_target: str,
    rhs: Optional[Tensor] = None, rhs_target: str = "e",
) -> Tensor:
    """Reduce ``op(lhs, rhs)`` over the entries of every row of ``topo``.

    Targets say where an operand lives: ``"u"`` (indexed by ``col``), ``"e"`` (by ``eid``)
    or ``"v"`` (by row). Rows without entries get zeros for every reducer.
    """
    if reduce_op not in _REDUCERS:
        raise DGLError(f"Unknown reducer {reduce_op!r}; expected one of {_REDUCERS}.")
    op, lhs, rhs = normalise_operands(op, lhs, rhs)
    if not lhs.is_floating_point():
        lhs = lhs.float()
        rhs = None if rhs is None else rhs.float()
    if op == "copy" and lhs_target == "u" and reduce_op in ("sum", "mean"):
        # copy_u_sum and copy_u_mean: the propagation kernel (the mean divides inside it)
        return _spmm_copy_scaled_op(topo.ptr, topo.col, topo.tptr, topo.tcol, lhs, None, None, None,
                                    False, reduce_op == "mean")
    if reduce_op in ("sum", "mean"):
        out = _spmm_sum_op(*topo.tensors(), lhs, rhs, op, lhs_target, rhs_target)
        if reduce_op == "mean":
            deg = (topo.ptr[1:] - topo.ptr[:-1]).clamp(min=1).to(out.dtype)
            out = out / deg.reshape((-1,) + (1,) * (out.dim() - 1))
        return out
    if op == "dot":  # the dot message has one value per edge and head: build it, then reduce
        # deferred: import cycle graphdl.ops.spmm -> graphdl.ops.sddmm -> graphdl.ops.spmm
        from .sddmm import sddmm

        msg = sddmm(topo, "dot", lhs, lhs_target, rhs, rhs_target)
        return _spmm_extreme_op(*topo.tensors(), msg, None, "copy", "e", "e", reduce_op)[0]
    return _spmm_extreme_op(*topo.tensors(), lhs, rhs, op, lhs_target, rhs_target, reduce_op)[0]


def check_rows(x: Tensor, target: str, adj: Any, what: str) -> None:
    """Raise ``DGLError`` when ``x`` does not have one row per node or edge of ``target``."""
    expected = {"u": adj.num_src, "v": adj.num_dst, "e": adj.num_edges}[target]
    name = {"u": "source nodes", "v": "destination nodes", "e": "edges"}[target]
    if x.dim() == 0 or x.shape[0] != expected:
        raise DGLError(
            f"{what} has shape {tuple(x.shape)} but the graph has {expected} {name}; "
            f"the first dimension must be {expected}."
        )


def gspmm(g: Any, op: str, reduce_op: str, lhs_data: Optional[Tensor], rhs_data: Optional[Tensor]) -> Tensor:
    """Generalized sparse-dense product on a graph with one relation.

    Each edge ``(u, v, e)`` carries the message ``op(lhs_data[u], rhs_data[e])``; messages are
    reduced per destination node with ``reduce_op``.

    Parameters
    ----------
    g
        the graph (a single relation).
    op
        ``"add"``, ``"sub"``, ``"mul"``, ``"div"``, ``"copy_lhs"`` or ``"copy_rhs"``.
    reduce_op
        ``"sum"``, ``"max"``, ``"min"`` or ``"mean"``.
    lhs_data
        source node features ``(num_src, *)`` (unused by ``copy_rhs``).
    rhs_data
        edge features ``(num_edges, *)`` (unused by ``copy_lhs``).

    Returns
    -------
    Tensor
        Destination node features ``(num_dst, *broadcast shape)``.
    """
    adj = get_adj(g)
    if op == "copy_lhs":
        check_rows(lhs_data, "u", adj, "lhs_data")
        a, ta, b, tb, bop = lhs_data, "u", None, "e", "copy"
    elif op == "copy_rhs":
        check_rows(rhs_data, "e", adj, "rhs_data")
        a, ta, b, tb, bop = rhs_data, "e", None, "e", "copy"
    else:
        check_rows(lhs_data, "u", adj, "lhs_data")
        check_rows(rhs_data, "e", adj, "rhs_data")
        a, ta, b, tb, bop = lhs_data, "u", rhs_data, "e", op
    topo = graph_topology(adj, transpose=needs_grad(a, b))
    return spmm(topo, bop, reduce_op, a, ta, b, tb)


def copy_u_sum(g: Any, x: Tensor) -> Tensor:
    """Sum of the source features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_lhs", "sum", x, None)


def copy_u_sum_scaled(
    g: Any, x: Tensor, src_scale: Optional[Tensor] = None, dst_scale: Optional[Tensor] = None,
    bias: Optional[Tensor] = None, mean: bool = False,
) -> Tensor:
    r"""Scaled sum of source features, the propagation of GCN-style layers, in one kernel.

    .. math::

        out_v = s^{dst}_v \sum_{(u, v) \in E} s^{src}_u \, x_u + b

    Each of ``src_scale`` (one value per source node), ``dst_scale`` (one per destination node)
    and ``bias`` may be left out. ``bias`` has the shape of one feature row (added to every
    node) or one row per destination node (a residual term, such as GraphSAGE's self branch).
    With ``mean=True`` each destination's sum is divided by its in-degree (at least 1) before
    ``dst_scale`` and ``bias`` apply: the mean aggregator. The scales are constants of the
    graph (degree norms): when one of them requires a gradient the composite form is used.
    """
    adj = get_adj(g)
    check_rows(x, "u", adj, "x")
    for scale, side, size in ((src_scale, "src_scale", adj.num_src), (dst_scale, "dst_scale", adj.num_dst)):
        if scale is not None and (scale.dim() != 1 or scale.shape[0] != size):
            raise DGLError(f"{side} must have shape ({size},), one value per node; got {tuple(scale.shape)}.")
    if bias is not None and tuple(bias.shape) not in (tuple(x.shape[1:]), (adj.num_dst,) + tuple(x.shape[1:])):
        raise DGLError(f"bias must have shape {tuple(x.shape[1:])} or {(adj.num_dst,) + tuple(x.shape[1:])}; "
                       f"got {tuple(bias.shape)}.")
    if not x.is_floating_point():
        x = x.float()
    src_scale = None if src_scale is None else src_scale.to(x.device)
    dst_scale = None if dst_scale is None else dst_scale.to(x.device)
    if needs_grad(src_scale, dst_scale):
        rows = (-1,) + (1,) * (x.dim() - 1)
        h = x if src_scale is None else x * src_scale.reshape(rows)
        out = copy_u_mean(g, h) if mean else copy_u_sum(g, h)
        out = out if dst_scale is None else out * dst_scale.reshape(rows)
        return out if bias is None else out + bias
    topo = graph_topology(adj, transpose=needs_grad(x))
    src_scale = None if src_scale is None else src_scale.detach()
    dst_scale = None if dst_scale is None else dst_scale.detach()
    return _spmm_copy_scaled_op(topo.ptr, topo.col, topo.tptr, topo.tcol, x, src_scale, dst_scale, bias,
                                False, mean)


def copy_e_sum(g: Any, x: Tensor) -> Tensor:
    """Sum of the edge features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_rhs", "sum", None, x)


def copy_u_max(g: Any, x: Tensor) -> Tensor:
    """Maximum of the source features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_lhs", "max", x, None)


def copy_e_max(g: Any, x: Tensor) -> Tensor:
    """Maximum of the edge features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_rhs", "max", None, x)


def copy_u_min(g: Any, x: Tensor) -> Tensor:
    """Minimum of the source features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_lhs", "min", x, None)


def copy_e_min(g: Any, x: Tensor) -> Tensor:
    """Minimum of the edge features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_rhs", "min", None, x)


def copy_u_mean(g: Any, x: Tensor) -> Tensor:
    """Mean of the source features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_lhs", "mean", x, None)


def copy_e_mean(g: Any, x: Tensor) -> Tensor:
    """Mean of the edge features ``x`` over each node's in-edges."""
    return gspmm(g, "copy_rhs", "mean", None, x)


def u_add_e_sum(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Sum over each node's in-edges of ``x[src] + y[edge]``."""
    return gspmm(g, "add", "sum", x, y)


def u_add_e_max(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Maximum over each node's in-edges of ``x[src] + y[edge]``."""
    return gspmm(g, "add", "max", x, y)


def u_add_e_min(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Minimum over each node's in-edges of ``x[src] + y[edge]``."""
    return gspmm(g, "add", "min", x, y)


def u_add_e_mean(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Mean over each node's in-edges of ``x[src] + y[edge]``."""
    return gspmm(g, "add", "mean", x, y)


def u_sub_e_sum(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Sum over each node's in-edges of ``x[src] - y[edge]``."""
    return gspmm(g, "sub", "sum", x, y)


def u_sub_e_max(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Maximum over each node's in-edges of ``x[src] - y[edge]``."""
    return gspmm(g, "sub", "max", x, y)


def u_sub_e_min(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Minimum over each node's in-edges of ``x[src] - y[edge]``."""
    return gspmm(g, "sub", "min", x, y)


def u_sub_e_mean(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Mean over each node's in-edges of ``x[src] - y[edge]``."""
    return gspmm(g, "sub", "mean", x, y)


def u_mul_e_sum(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Sum over each node's in-edges of ``x[src] * y[edge]``."""
    return gspmm(g, "mul", "sum", x, y)


def u_mul_e_max(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Maximum over each node's in-edges of ``x[src] * y[edge]``."""
    return gspmm(g, "mul", "max", x, y)


def u_mul_e_min(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Minimum over each node's in-edges of ``x[src] * y[edge]``."""
    return gspmm(g, "mul", "min", x, y)


def u_mul_e_mean(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Mean over each node's in-edges of ``x[src] * y[edge]``."""
    return gspmm(g, "mul", "mean", x, y)


def u_div_e_sum(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Sum over each node's in-edges of ``x[src] / y[edge]``."""
    return gspmm(g, "div", "sum", x, y)


def u_div_e_max(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Maximum over each node's in-edges of ``x[src] / y[edge]``."""
    return gspmm(g, "div", "max", x, y)


def u_div_e_min(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Minimum over each node's in-edges of ``x[src] / y[edge]``."""
    return gspmm(g, "div", "min", x, y)


def u_div_e_mean(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Mean over each node's in-edges of ``x[src] / y[edge]``."""
    return gspmm(g, "div", "mean", x, y)
