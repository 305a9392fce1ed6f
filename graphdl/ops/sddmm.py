"""Generalized sampled dense-dense products (GSDDMM): one value per edge from its endpoints.

``gsddmm`` computes ``op(lhs[target], rhs[target])`` for every edge, where each operand lives
on the source nodes (``"u"``), the destination nodes (``"v"``) or the edges (``"e"``).
"""
from __future__ import annotations

from typing import Any, Optional

import torch
from torch import Tensor

from ..base import DGLError
from ._backend import backend_for
from ._register import kernel_op
from ._topology import Topology, get_adj, graph_topology, needs_grad
from .spmm import _out_shape, check_rows, normalise_operands

__all__ = [
    "gsddmm",
    "u_add_v",
    "u_add_e",
    "u_sub_v",
    "u_sub_e",
    "u_mul_v",
    "u_mul_e",
    "u_div_v",
    "u_div_e",
    "u_dot_v",
    "u_dot_e",
    "v_add_u",
    "v_add_e",
    "v_sub_u",
    "v_sub_e",
    "v_mul_u",
    "v_mul_e",
    "v_div_u",
    "v_div_e",
    "v_dot_u",
    "v_dot_e",
    "e_add_u",
    "e_add_v",
    "e_sub_u",
    "e_sub_v",
    "e_mul_u",
    "e_mul_v",
    "e_div_u",
    "e_div_v",
    "e_dot_u",
    "e_dot_v",
    "copy_u",
    "copy_v",
    "copy_e",
]

_TARGETS = {"u": "u", "v": "v", "e": "e", "src": "u", "dst": "v", "edge": "e"}


def _sddmm_kernel(
    ptr: Tensor, col: Tensor, eid: Tensor, tptr: Tensor, tcol: Tensor, teid: Tensor,
    lhs: Tensor, rhs: Optional[Tensor], op: str, lhs_target: str, rhs_target: str,
) -> Tensor:
    shape = _out_shape(op, lhs, rhs)
    return backend_for(lhs).sddmm(ptr, col, eid, lhs, lhs_target, rhs, rhs_target, op, col.shape[0], shape)


def _sddmm_fake(ptr, col, eid, tptr, tcol, teid, lhs, rhs, op, lhs_target, rhs_target):
    return lhs.new_empty((col.shape[0],) + _out_shape(op, lhs, rhs))


def _sddmm_setup(ctx, inputs, output) -> None:
    ctx.save_for_backward(*inputs[:8])
    ctx.op, ctx.lhs_target, ctx.rhs_target = inputs[8:]


def _sddmm_backward(ctx, grad):
    # deferred: import cycle graphdl.ops.sddmm -> graphdl.ops._grad -> graphdl.ops.sddmm
    from ._grad import operand_grad

    ptr, col, eid, tptr, tcol, teid, lhs, rhs = ctx.saved_tensors
    topo = Topology(ptr, col, eid, tptr, tcol, teid)
    glhs = grhs = None
    if ctx.needs_input_grad[6]:
        glhs = operand_grad(topo, "e", grad, ctx.op, lhs, ctx.lhs_target, rhs, ctx.rhs_target)
    if rhs is not None and ctx.op != "copy" and ctx.needs_input_grad[7]:
        grhs = operand_grad(topo, "e", grad, ctx.op, rhs, ctx.rhs_target, lhs, ctx.lhs_target)
    return (None,) * 6 + (glhs, grhs, None, None, None)


_sddmm_op = kernel_op("graphdl::sddmm", _sddmm_kernel, fake=_sddmm_fake,
                      setup_context=_sddmm_setup, backward=_sddmm_backward)


def sddmm(
    topo: Topology, op: str, lhs: Tensor, lhs_target: str, rhs: Optional[Tensor] = None, rhs_target: str = "v"
) -> Tensor:
    """``op(lhs, rhs)`` for every entry of ``topo``, in edge-id order (targets as in ``spmm``)."""
    op, lhs, rhs = normalise_operands(op, lhs, rhs)
    if not lhs.is_floating_point():
        lhs = lhs.float()
        rhs = None if rhs is None else rhs.float()
    return _sddmm_op(*topo.tensors(), lhs, rhs, op, lhs_target, rhs_target)


def gsddmm(
    g: Any, op: str, lhs_data: Optional[Tensor], rhs_data: Optional[Tensor],
    lhs_target: str = "u", rhs_target: str = "v",
) -> Tensor:
    """Generalized SDDMM on a graph with one relation.

    Parameters
    ----------
    g
        the graph (a single relation).
    op
        ``"add"``, ``"sub"``, ``"mul"``, ``"div"``, ``"dot"``, ``"copy_lhs"`` or ``"copy_rhs"``.
    lhs_data
        features of ``lhs_target``.
    rhs_data
        features of ``rhs_target``.
    lhs_target, rhs_target
        ``"u"``, ``"v"`` or ``"e"`` (also ``"src"``, ``"dst"``, ``"edge"``).

    Returns
    -------
    Tensor
        Edge features ``(num_edges, *broadcast shape)``; ``dot`` keeps a trailing 1.
    """
    for t in (lhs_target, rhs_target):
        if t not in _TARGETS:
            raise DGLError(f"Unknown target {t!r}; expected 'u', 'v' or 'e'.")
    lt, rt = _TARGETS[lhs_target], _TARGETS[rhs_target]
    adj = get_adj(g)
    if op == "copy_lhs":
        check_rows(lhs_data, lt, adj, "lhs_data")
        a, ta, b, tb, bop = lhs_data, lt, None, rt, "copy"
    elif op == "copy_rhs":
        check_rows(rhs_data, rt, adj, "rhs_data")
        a, ta, b, tb, bop = rhs_data, rt, None, rt, "copy"
    else:
        check_rows(lhs_data, lt, adj, "lhs_data")
        check_rows(rhs_data, rt, adj, "rhs_data")
        a, ta, b, tb, bop = lhs_data, lt, rhs_data, rt, op
    topo = graph_topology(adj, transpose=needs_grad(a, b))
    return sddmm(topo, bop, a, ta, b, tb)


def u_add_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] + y[v]`` (source and destination features)."""
    return gsddmm(g, "add", x, y, "u", "v")


def u_add_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] + y[e]`` (source and edge features)."""
    return gsddmm(g, "add", x, y, "u", "e")


def u_sub_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] - y[v]`` (source and destination features)."""
    return gsddmm(g, "sub", x, y, "u", "v")


def u_sub_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] - y[e]`` (source and edge features)."""
    return gsddmm(g, "sub", x, y, "u", "e")


def u_mul_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] * y[v]`` (source and destination features)."""
    return gsddmm(g, "mul", x, y, "u", "v")


def u_mul_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] * y[e]`` (source and edge features)."""
    return gsddmm(g, "mul", x, y, "u", "e")


def u_div_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] / y[v]`` (source and destination features)."""
    return gsddmm(g, "div", x, y, "u", "v")


def u_div_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[u] / y[e]`` (source and edge features)."""
    return gsddmm(g, "div", x, y, "u", "e")


def u_dot_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge dot product of ``x[u]`` and ``y[v]`` over the last dimension."""
    return gsddmm(g, "dot", x, y, "u", "v")


def u_dot_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge dot product of ``x[u]`` and ``y[e]`` over the last dimension."""
    return gsddmm(g, "dot", x, y, "u", "e")


def v_add_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] + y[u]`` (destination and source features)."""
    return gsddmm(g, "add", x, y, "v", "u")


def v_add_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] + y[e]`` (destination and edge features)."""
    return gsddmm(g, "add", x, y, "v", "e")


def v_sub_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] - y[u]`` (destination and source features)."""
    return gsddmm(g, "sub", x, y, "v", "u")


def v_sub_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] - y[e]`` (destination and edge features)."""
    return gsddmm(g, "sub", x, y, "v", "e")


def v_mul_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] * y[u]`` (destination and source features)."""
    return gsddmm(g, "mul", x, y, "v", "u")


def v_mul_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] * y[e]`` (destination and edge features)."""
    return gsddmm(g, "mul", x, y, "v", "e")


def v_div_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] / y[u]`` (destination and source features)."""
    return gsddmm(g, "div", x, y, "v", "u")


def v_div_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[v] / y[e]`` (destination and edge features)."""
    return gsddmm(g, "div", x, y, "v", "e")


def v_dot_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge dot product of ``x[v]`` and ``y[u]`` over the last dimension."""
    return gsddmm(g, "dot", x, y, "v", "u")


def v_dot_e(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge dot product of ``x[v]`` and ``y[e]`` over the last dimension."""
    return gsddmm(g, "dot", x, y, "v", "e")


def e_add_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] + y[u]`` (edge and source features)."""
    return gsddmm(g, "add", x, y, "e", "u")


def e_add_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] + y[v]`` (edge and destination features)."""
    return gsddmm(g, "add", x, y, "e", "v")


def e_sub_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] - y[u]`` (edge and source features)."""
    return gsddmm(g, "sub", x, y, "e", "u")


def e_sub_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] - y[v]`` (edge and destination features)."""
    return gsddmm(g, "sub", x, y, "e", "v")


def e_mul_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] * y[u]`` (edge and source features)."""
    return gsddmm(g, "mul", x, y, "e", "u")


def e_mul_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] * y[v]`` (edge and destination features)."""
    return gsddmm(g, "mul", x, y, "e", "v")


def e_div_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] / y[u]`` (edge and source features)."""
    return gsddmm(g, "div", x, y, "e", "u")


def e_div_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge ``x[e] / y[v]`` (edge and destination features)."""
    return gsddmm(g, "div", x, y, "e", "v")


def e_dot_u(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge dot product of ``x[e]`` and ``y[u]`` over the last dimension."""
    return gsddmm(g, "dot", x, y, "e", "u")


def e_dot_v(g: Any, x: Tensor, y: Tensor) -> Tensor:
    """Per-edge dot product of ``x[e]`` and ``y[v]`` over the last dimension."""
    return gsddmm(g, "dot", x, y, "e", "v")


def copy_u(g: Any, x: Tensor) -> Tensor:
    """Copy the source features ``x`` onto every edge."""
    return gsddmm(g, "copy_lhs", x, None, "u", "u")


def copy_v(g: Any, x: Tensor) -> Tensor:
    """Copy the destination features ``x`` onto every edge."""
    return gsddmm(g, "copy_lhs", x, None, "v", "v")


def copy_e(g: Any, x: Tensor) -> Tensor:
    """Copy the edge features ``x`` onto every edge."""
    return gsddmm(g, "copy_lhs", x, None, "e", "e")
