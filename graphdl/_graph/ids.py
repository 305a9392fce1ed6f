"""Node and edge id arguments: the one converter, the one bounds check, the type aliases.

Every public function that takes ids (``g.in_edges(v)``, ``dgl.node_subgraph(g, nodes)``,
``sample_neighbors(g, seeds, ...)``, ...) turns them into a 1-D tensor with
:func:`to_id_tensor` and checks them with :func:`check_ids`, so that the same input is
accepted or refused, with the same message, everywhere. What differs between callers is
stated by flags:

* ``allow_mask``: a boolean tensor (or list of bools) is a mask and becomes the positions of
  its ``True`` entries (subgraph extraction, as DGL does), which are then bounds-checked like
  ids: a mask may be shorter or longer than the item count if no ``True`` lies past it; otherwise
  it is refused, since a mask silently read as ids 0/1 would be a wrong result;
* ``allow_float``: floating-point ids are accepted when every value is integral (samplers
  and data loaders receive ids that went through numpy or a float tensor);
* ``move``: ids on another device are copied to ``device``; otherwise they must already be
  there (graph queries, as DGL requires).

Graph arguments given per type (``{ntype: ids}``, ``{etype: ids}``, a type name) are resolved
by :func:`nodes_by_type`, :func:`edges_by_type`, :func:`canonical` and :func:`check_ntype`.

A value that does not fit the target id type (``>= 2**31`` for ``torch.int32``) is refused
before the cast, so it is never reported as the negative number the cast would make of it.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

import numpy as np
import torch

from ..base import DGLError

__all__ = [
    "CanonicalEType",
    "EType",
    "check_ids",
    "to_id_tensor",
    "is_scalar_id",
    "check_idtype",
    "default_device",
    "nodes_by_type",
    "edges_by_type",
    "canonical",
    "check_ntype",
]

CanonicalEType = Tuple[str, str, str]
"""An edge type spelled out as ``(source node type, edge type, destination node type)``."""

EType = Union[str, CanonicalEType, None]
"""An edge type argument: a name, a canonical triple, or ``None`` for the only edge type."""

_INT32_MAX = 2**31 - 1
_INT32_MIN = -(2**31)
_NARROW = (torch.int8, torch.int16, torch.int32, torch.uint8, torch.bool)


def check_ids(ids: torch.Tensor, bound: int, what: str = "node") -> None:
    """Raise :class:`~graphdl.DGLError` naming the first id of ``ids`` outside ``[0, bound)``.

    Parameters
    ----------
    ids : torch.Tensor
        Integer ids, any shape.
    bound : int
        The number of valid items.
    what : str
        What the ids number (``"node"``, ``"source node"``, ``"edge"``...), used in the message.
    """
    if ids.numel() == 0:
        return
    _check_range(int(ids.min()), int(ids.max()), bound, what)


def _check_range(lo: int, hi: int, bound: int, what: str) -> None:
    if lo < 0:
        raise DGLError(f"Invalid {what} id {lo}: ids must be non-negative.")
    if hi >= bound:
        raise DGLError(f"Invalid {what} id {hi}: there are only {bound} {what}s.")


def is_scalar_id(x: Any) -> bool:
    """True for a Python/numpy integer, a 0-d integer array or a 0-d tensor (a query that
    returns a scalar)."""
    if isinstance(x, np.ndarray):
        return x.ndim == 0 and x.dtype.kind in "iu"
    return isinstance(x, (int, np.integer)) or (isinstance(x, torch.Tensor) and x.dim() == 0)


def _as_tensor(ids: Any, what: str, allow_mask: bool) -> torch.Tensor:
    """Any supported id container as a tensor (not yet cast, checked or moved)."""
    if isinstance(ids, torch.Tensor):
        return ids
    if isinstance(ids, (int, np.integer)):
        return torch.tensor([int(ids)], dtype=torch.int64)
    if isinstance(ids, np.ndarray):
        arr = ids
    elif isinstance(ids, Iterable) and not isinstance(ids, (str, bytes)):
        items = list(ids)
        if not items:
            return torch.zeros(0, dtype=torch.int64)
        if allow_mask and all(isinstance(x, (bool, np.bool_)) for x in items):
            return torch.tensor(items, dtype=torch.bool)
        arr = np.asarray(items)
    else:
        raise DGLError(f"Cannot interpret {type(ids).__name__} value {ids!r} as {what} ids.")
    if arr.size == 0:
        return torch.zeros(0, dtype=torch.int64)
    if arr.dtype.kind == "u" and arr.dtype.itemsize == 8:
        if int(arr.max()) > np.iinfo(np.int64).max:
            raise DGLError(f"{what.capitalize()} id {int(arr.max())} is too large for int64 ids.")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind == "O":
        raise DGLError(f"{what.capitalize()} ids must be integers, got {arr.dtype} values.")
    return torch.from_numpy(np.ascontiguousarray(arr))


def to_id_tensor(
    ids: Any,
    idtype: torch.dtype,
    device: Optional[Union[str, torch.device]] = None,
    what: str = "node",
    *,
    bound: Optional[int] = None,
    allow_mask: bool = False,
    allow_float: bool = False,
    move: bool = False,
) -> torch.Tensor:
    """Turn an id argument into a 1-D tensor of ``idtype`` on ``device``.

    Parameters
    ----------
    ids : int, sequence, numpy.ndarray or torch.Tensor
        The ids. A scalar becomes a one-element tensor.
    idtype : torch.dtype
        ``torch.int32`` or ``torch.int64``.
    device : torch.device, optional
        Where the result lives; ``None`` keeps a tensor's device (the CPU for other input).
    what : str
        What the ids number, used in error messages.
    bound : int, optional
        When given, every id (and every ``True`` position of a mask) must lie in ``[0, bound)``.
    allow_mask : bool
        Read a boolean tensor or list of bools as a mask (its ``True`` positions).
    allow_float : bool
        Accept floating-point ids whose values are all integral.
    move : bool
        Copy ids found on another device to ``device`` instead of raising.

    Returns
    -------
    torch.Tensor
        1-D ids of type ``idtype``.

    Raises
    ------
    DGLError
        For a mask where masks are not allowed, non-integer ids, ids of more than one
        dimension, ids on the wrong device, ids that do not fit ``idtype``, or ids outside
        ``[0, bound)``.
    """
    t = _as_tensor(ids, what, allow_mask)
    if t.dim() == 0:
        t = t.reshape(1)
    if t.dim() != 1:
        raise DGLError(f"{what.capitalize()} ids must be a 1-D tensor, got shape {tuple(t.shape)}.")
    if device is not None:
        device = torch.device(device)
        if isinstance(ids, torch.Tensor) and t.device != device and not move:
            raise DGLError(f"{what.capitalize()} ids are on {t.device} but the graph is on {device}.")
    if t.dtype == torch.bool:
        if not allow_mask:
            raise DGLError(f"Boolean masks are not {what} ids; use mask.nonzero().squeeze(1).")
        t = torch.nonzero(t, as_tuple=False).reshape(-1)
    elif t.is_floating_point() or t.is_complex():
        integral = not t.is_complex() and (t.numel() == 0 or bool((t == t.round()).all()))
        if not (allow_float and integral):
            raise DGLError(f"{what.capitalize()} ids must be integers, got a {t.dtype} tensor.")
        t = t.to(torch.int64)
    needs_fit = idtype == torch.int32 and t.dtype not in _NARROW
    if t.numel() and (needs_fit or bound is not None):
        lo, hi = int(t.min()), int(t.max())
        if needs_fit and (hi > _INT32_MAX or lo < _INT32_MIN):
            bad = hi if hi > _INT32_MAX else lo
            raise DGLError(
                f"{what.capitalize()} id {bad} is too large for int32 ids; use idtype=torch.int64."
            )
        if bound is not None:
            _check_range(lo, hi, bound, what)
    return t.to(device=device if device is not None else t.device, dtype=idtype)


def check_idtype(idtype: Optional[torch.dtype]) -> torch.dtype:
    """``idtype``, or ``torch.int64`` for ``None``; anything but int32/int64 raises."""
    if idtype is None:
        return torch.int64
    if idtype not in (torch.int32, torch.int64):
        raise DGLError(f"idtype must be torch.int32 or torch.int64, got {idtype}.")
    return idtype


def default_device(device: Any) -> torch.device:
    """``device`` as a ``torch.device``, the CPU for ``None``."""
    return torch.device("cpu") if device is None else torch.device(device)


def nodes_by_type(g: Any, nodes: Any, what: str = "node", allow_missing: bool = True) -> Dict[str, torch.Tensor]:
    """Normalise a node argument to ``{ntype: ids}``; a plain argument needs a single node type."""
    if isinstance(nodes, Mapping):
        out = {}
        for nt, ids in nodes.items():
            if nt not in g.ntypes:
                raise DGLError(f"Unknown node type {nt!r}; the graph has node types {list(g.ntypes)}.")
            out[nt] = to_id_tensor(ids, g.idtype, g.device, what, bound=g.num_nodes(nt), allow_mask=True, move=True)
        return out
    if len(g.ntypes) != 1:
        raise DGLError(
            f"The graph has several node types {list(g.ntypes)}; pass {what} ids as a dict keyed by node type."
        )
    nt = g.ntypes[0]
    return {nt: to_id_tensor(nodes, g.idtype, g.device, what, bound=g.num_nodes(nt), allow_mask=True, move=True)}


def edges_by_type(g: Any, edges: Any, what: str = "edge") -> Dict[CanonicalEType, torch.Tensor]:
    """Normalise an edge argument to ``{canonical etype: ids}``."""
    if isinstance(edges, Mapping):
        out = {}
        for et, ids in edges.items():
            cet = canonical(g, et)
            out[cet] = to_id_tensor(ids, g.idtype, g.device, what, bound=g.num_edges(cet), allow_mask=True, move=True)
        return out
    if len(g.canonical_etypes) != 1:
        raise DGLError(
            f"The graph has several edge types {list(g.canonical_etypes)}; "
            f"pass {what} ids as a dict keyed by edge type."
        )
    cet = g.canonical_etypes[0]
    return {cet: to_id_tensor(edges, g.idtype, g.device, what, bound=g.num_edges(cet), allow_mask=True, move=True)}


def canonical(g: Any, etype: Any) -> CanonicalEType:
    """The canonical triple of ``etype`` in ``g``, raising ``DGLError`` for an unknown type."""
    if etype is None:
        if len(g.canonical_etypes) != 1:
            raise DGLError(
                f"The graph has several edge types {list(g.canonical_etypes)}; specify etype."
            )
        return g.canonical_etypes[0]
    if isinstance(etype, tuple):
        if tuple(etype) not in [tuple(c) for c in g.canonical_etypes]:
            raise DGLError(f"Unknown edge type {etype!r}; the graph has {list(g.canonical_etypes)}.")
        return tuple(etype)  # type: ignore[return-value]
    matches = [c for c in g.canonical_etypes if c[1] == etype]
    if not matches:
        raise DGLError(f"Unknown edge type {etype!r}; the graph has {list(g.canonical_etypes)}.")
    if len(matches) > 1:
        raise DGLError(f"Edge type {etype!r} is ambiguous; use one of {matches}.")
    return matches[0]


def check_ntype(g: Any, ntype: Optional[str]) -> str:
    """Resolve ``ntype`` (None allowed for a graph with one node type)."""
    if ntype is None:
        if len(g.ntypes) != 1:
            raise DGLError(f"The graph has several node types {list(g.ntypes)}; specify ntype.")
        return g.ntypes[0]
    if ntype not in g.ntypes:
        raise DGLError(f"Unknown node type {ntype!r}; the graph has node types {list(g.ntypes)}.")
    return ntype
