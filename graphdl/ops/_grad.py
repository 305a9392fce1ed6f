"""Gradients of the GSpMM and GSDDMM operators, expressed as GSpMM and GSDDMM calls.

For ``out = reduce(op(x, y))`` with sum reduction (``where == "v"``) or for edge outputs
(``where == "e"``), the gradient of ``x`` is the per-entry contribution

* ``copy``/``add``: ``g``          * ``mul``: ``g * y``          * ``dot``: ``g * y`` (g has a trailing 1)

gathered back to ``x``'s target: an SDDMM when ``x`` lives on edges, a GSpMM over rows when it
lives on destinations, and a GSpMM over the transposed adjacency when it lives on sources.
No per-edge tensor wider than ``x`` itself is built.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import torch
from torch import Tensor

from ._bcast import broadcast_offsets, reduce_to_shape
from ._topology import Topology, swap_target
from .sddmm import sddmm
from .spmm import spmm

__all__ = ["operand_grad", "extreme_operand_grad"]


def _feature_reduced(g: Tensor, x: Tensor) -> Tensor:
    """Sum ``g`` over the feature dims in which ``x`` was broadcast (rows untouched)."""
    dims = [i for i in range(1, g.dim()) if x.shape[i] == 1 and g.shape[i] != 1]
    return g.sum(dim=dims, keepdim=True) if dims else g


def operand_grad(
    topo: Topology, where: str, grad: Tensor, op: str, x: Tensor, tx: str, y: Optional[Tensor], ty: str
) -> Tensor:
    """Gradient of operand ``x`` (target ``tx``) of a sum-GSpMM (``where="v"``) or GSDDMM (``"e"``)."""
    if op in ("copy", "add"):
        a, ta, b, tb, mop = _feature_reduced(grad, x), where, None, where, "copy"
    elif op == "mul" and x.dim() > 1 and x.shape[-1] == 1 and grad.shape[-1] > 1:
        a, ta, b, tb, mop = grad, where, y, ty, "dot"
    else:  # mul, or dot (grad has a trailing 1 that broadcasts against y)
        a, ta, b, tb, mop = grad, where, y, ty, "mul"
    if tx == "e":
        if mop == "copy" and where == "e":
            res = a
        else:
            res = sddmm(topo, mop, a, ta, b, tb)
    elif tx == "v":
        res = spmm(topo, mop, "sum", a, ta, b, tb)
    else:
        res = spmm(topo.transposed(), mop, "sum", a, swap_target(ta), b, swap_target(tb))
    return reduce_to_shape(res, x.shape).to(x.dtype)


def _entry_index(target: str, col: Tensor, eid: Tensor, k: Tensor) -> Tensor:
    if target == "u":
        return col.long()[k]
    if target == "e":
        return eid.long()[k]
    return torch.arange(k.shape[0], device=k.device)[:, None].expand_as(k)


def extreme_operand_grad(
    ptr: Tensor, col: Tensor, eid: Tensor, arg: Tensor, grad: Tensor, op: str,
    x: Tensor, tx: str, y: Optional[Tensor], ty: str,
) -> Tensor:
    """Gradient of operand ``x`` of a max/min GSpMM: each output element sends its gradient
    to the one entry ``arg`` that won (nothing for rows without entries)."""
    rows = arg.shape[0]
    out_feat = tuple(arg.shape[1:])
    g = grad.reshape(rows, -1)
    a2 = arg.reshape(rows, -1)
    valid = a2 >= 0
    k = a2.clamp(min=0)
    x_feat = tuple(x.shape[1:])
    x_width = int(np.prod(x_feat)) if x_feat else 1
    if col.numel() == 0:
        return torch.zeros_like(x)
    xoff = torch.tensor(broadcast_offsets("copy", x_feat, out_feat)[0], device=x.device)
    flat = _entry_index(tx, col, eid, k) * x_width + xoff[None, :]
    contrib = g
    if op == "mul" and y is not None:
        y_feat = tuple(y.shape[1:])
        y_width = int(np.prod(y_feat)) if y_feat else 1
        yoff = torch.tensor(broadcast_offsets("copy", y_feat, out_feat)[0], device=y.device)
        yflat = _entry_index(ty, col, eid, k) * y_width + yoff[None, :]
        contrib = g * y.reshape(-1)[yflat]
    zero = torch.zeros((), dtype=contrib.dtype, device=contrib.device)
    contrib = torch.where(valid, contrib, zero)
    out = torch.zeros(x.numel(), dtype=x.dtype, device=x.device)
    out.index_add_(0, flat.reshape(-1), contrib.reshape(-1).to(x.dtype))
    return out.reshape(x.shape)
