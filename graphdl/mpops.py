"""Edge-wise message operators at the top level: ``graphdl.copy_u`` ... ``graphdl.u_dot_v``.

Each computes one value per edge of one relation from node features, as DGL's
``dgl.copy_u``/``dgl.u_add_v`` do; for edge ``e = (u, v)``:

.. math::

    \\mathrm{copy\\_u}(x)_e = x_u, \\quad \\mathrm{copy\\_v}(x)_e = x_v, \\quad
    \\mathrm{u\\_op\\_v}(x, y)_e = x_u \\circ y_v \\;(\\circ \\in \\{+, -, \\times, \\div\\}), \\quad
    \\mathrm{u\\_dot\\_v}(x, y)_e = \\langle x_u, y_v \\rangle

with broadcasting over the feature dimensions (the dot product keeps a trailing size-1
dimension). ``etype`` picks the relation of a heterogeneous graph. The computation is
:func:`graphdl.ops.gsddmm`, so results have gradients for both inputs.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from torch import Tensor

from .ops import gsddmm

__all__ = ["copy_u", "copy_v", "u_add_v", "u_sub_v", "u_mul_v", "u_div_v", "u_dot_v"]


def _relation(g: Any, etype: Any) -> Any:
    return g if etype is None else g[etype]


def copy_u(g: Any, x_node: Tensor, etype: Optional[Any] = None) -> Tensor:
    """The source node's feature on every edge.

    Parameters
    ----------
    g : DGLGraph
    x_node : Tensor
        Source node features, shape ``(num_src_nodes, *)``.
    etype : str or tuple of str, optional
        The relation (needed when ``g`` has several).

    Returns
    -------
    Tensor
        Shape ``(num_edges, *)``.
    """
    return gsddmm(_relation(g, etype), "copy_lhs", x_node, None)


def copy_v(g: Any, x_node: Tensor, etype: Optional[Any] = None) -> Tensor:
    """The destination node's feature on every edge.

    Parameters
    ----------
    g : DGLGraph
    x_node : Tensor
        Destination node features, shape ``(num_dst_nodes, *)``.
    etype : str or tuple of str, optional

    Returns
    -------
    Tensor
        Shape ``(num_edges, *)``.
    """
    return gsddmm(_relation(g, etype), "copy_rhs", None, x_node)


def _u_op_v(op: str, word: str) -> Callable[..., Tensor]:
    def fn(g: Any, x_node: Tensor, y_node: Tensor, etype: Optional[Any] = None) -> Tensor:
        return gsddmm(_relation(g, etype), op, x_node, y_node, lhs_target="u", rhs_target="v")

    fn.__name__ = fn.__qualname__ = f"u_{op}_v"
    fn.__doc__ = f"""The {word} of the source feature and the destination feature on every edge.

    Parameters
    ----------
    g : DGLGraph
    x_node : Tensor
        Source node features, shape ``(num_src_nodes, *)``.
    y_node : Tensor
        Destination node features, shape ``(num_dst_nodes, *)``, broadcastable with ``x_node``'s.
    etype : str or tuple of str, optional

    Returns
    -------
    Tensor
        Shape ``(num_edges, *broadcast shape)``{" with a trailing dimension of size 1" if op == "dot" else ""}.
    """
    return fn


u_add_v = _u_op_v("add", "sum")
u_sub_v = _u_op_v("sub", "difference")
u_mul_v = _u_op_v("mul", "product")
u_div_v = _u_op_v("div", "quotient")
u_dot_v = _u_op_v("dot", "dot product (over the last dimension)")
