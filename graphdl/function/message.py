"""Built-in message functions: ``copy_u``, ``copy_e`` and the binary ``{u,v,e}_{op}_{u,v,e}`` family."""
from __future__ import annotations

from .base import MessageFunction

__all__ = [
    "copy_u", "copy_e", "copy_src", "copy_edge", "src_mul_edge", "u_add_v", "u_add_e",
    "u_sub_v", "u_sub_e", "u_mul_v", "u_mul_e", "u_div_v", "u_div_e", "u_dot_v", "u_dot_e",
    "v_add_u", "v_add_e", "v_sub_u", "v_sub_e", "v_mul_u", "v_mul_e", "v_div_u", "v_div_e",
    "v_dot_u", "v_dot_e", "e_add_u", "e_add_v", "e_sub_u", "e_sub_v", "e_mul_u", "e_mul_v",
    "e_div_u", "e_div_v", "e_dot_u", "e_dot_v",
]


def copy_u(u: str, out: str) -> MessageFunction:
    """Message that copies the source node feature ``u`` to the edge as ``out``."""
    return MessageFunction("copy", "u", u, out)


def copy_e(e: str, out: str) -> MessageFunction:
    """Message that copies the edge feature ``e`` as ``out``."""
    return MessageFunction("copy", "e", e, out)


def copy_src(src: str, out: str) -> MessageFunction:
    """Alias of :func:`copy_u`."""
    return copy_u(src, out)


def copy_edge(edge: str, out: str) -> MessageFunction:
    """Alias of :func:`copy_e`."""
    return copy_e(edge, out)


def src_mul_edge(src: str, edge: str, out: str) -> MessageFunction:
    """Alias of :func:`u_mul_e`."""
    return u_mul_e(src, edge, out)


def u_add_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field + v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("add", "u", lhs_field, out, "v", rhs_field)


def u_add_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field + e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("add", "u", lhs_field, out, "e", rhs_field)


def u_sub_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field - v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("sub", "u", lhs_field, out, "v", rhs_field)


def u_sub_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field - e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("sub", "u", lhs_field, out, "e", rhs_field)


def u_mul_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field * v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("mul", "u", lhs_field, out, "v", rhs_field)


def u_mul_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field * e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("mul", "u", lhs_field, out, "e", rhs_field)


def u_div_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field / v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("div", "u", lhs_field, out, "v", rhs_field)


def u_div_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = u.lhs_field / e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("div", "u", lhs_field, out, "e", rhs_field)


def u_dot_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = dot(u.lhs_field, v.rhs_field)`` over the last dimension (kept, size 1)."""
    return MessageFunction("dot", "u", lhs_field, out, "v", rhs_field)


def u_dot_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = dot(u.lhs_field, e.rhs_field)`` over the last dimension (kept, size 1)."""
    return MessageFunction("dot", "u", lhs_field, out, "e", rhs_field)


def v_add_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field + u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("add", "v", lhs_field, out, "u", rhs_field)


def v_add_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field + e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("add", "v", lhs_field, out, "e", rhs_field)


def v_sub_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field - u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("sub", "v", lhs_field, out, "u", rhs_field)


def v_sub_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field - e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("sub", "v", lhs_field, out, "e", rhs_field)


def v_mul_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field * u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("mul", "v", lhs_field, out, "u", rhs_field)


def v_mul_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field * e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("mul", "v", lhs_field, out, "e", rhs_field)


def v_div_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field / u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("div", "v", lhs_field, out, "u", rhs_field)


def v_div_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = v.lhs_field / e.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("div", "v", lhs_field, out, "e", rhs_field)


def v_dot_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = dot(v.lhs_field, u.rhs_field)`` over the last dimension (kept, size 1)."""
    return MessageFunction("dot", "v", lhs_field, out, "u", rhs_field)


def v_dot_e(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = dot(v.lhs_field, e.rhs_field)`` over the last dimension (kept, size 1)."""
    return MessageFunction("dot", "v", lhs_field, out, "e", rhs_field)


def e_add_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field + u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("add", "e", lhs_field, out, "u", rhs_field)


def e_add_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field + v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("add", "e", lhs_field, out, "v", rhs_field)


def e_sub_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field - u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("sub", "e", lhs_field, out, "u", rhs_field)


def e_sub_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field - v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("sub", "e", lhs_field, out, "v", rhs_field)


def e_mul_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field * u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("mul", "e", lhs_field, out, "u", rhs_field)


def e_mul_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field * v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("mul", "e", lhs_field, out, "v", rhs_field)


def e_div_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field / u.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("div", "e", lhs_field, out, "u", rhs_field)


def e_div_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = e.lhs_field / v.rhs_field`` (``u`` source, ``v`` destination, ``e`` edge)."""
    return MessageFunction("div", "e", lhs_field, out, "v", rhs_field)


def e_dot_u(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = dot(e.lhs_field, u.rhs_field)`` over the last dimension (kept, size 1)."""
    return MessageFunction("dot", "e", lhs_field, out, "u", rhs_field)


def e_dot_v(lhs_field: str, rhs_field: str, out: str) -> MessageFunction:
    """Message ``out = dot(e.lhs_field, v.rhs_field)`` over the last dimension (kept, size 1)."""
    return MessageFunction("dot", "e", lhs_field, out, "v", rhs_field)
