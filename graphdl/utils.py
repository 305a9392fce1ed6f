"""Small helpers that DGL code calls as ``dgl.utils.*``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Tuple

import torch

from .base import DGLError

__all__ = ["recursive_apply", "recursive_apply_pair", "is_sorted_srcdst", "Filter"]


def recursive_apply(data: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn`` applied to every leaf of nested dicts, lists and tuples, keeping the nesting.

    Strings and other non-container values are leaves.

    Parameters
    ----------
    data : Any
        A value, or a (nested) mapping, list or tuple of values.
    fn : callable
        Called as ``fn(leaf, *args, **kwargs)``.

    Returns
    -------
    Any
        The same structure with every leaf replaced by ``fn``'s result (mappings become dicts).

    Examples
    --------
    >>> recursive_apply({"a": torch.ones(2), "b": [torch.zeros(1)]}, lambda x: x.shape)
    {'a': torch.Size([2]), 'b': [torch.Size([1])]}
    """
    if isinstance(data, Mapping):
        return {k: recursive_apply(v, fn, *args, **kwargs) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a named tuple keeps its type
        return type(data)(*(recursive_apply(v, fn, *args, **kwargs) for v in data))
    if isinstance(data, (list, tuple)):
        return type(data)(recursive_apply(v, fn, *args, **kwargs) for v in data)
    return fn(data, *args, **kwargs)


def recursive_apply_pair(data1: Any, data2: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn(leaf1, leaf2)`` over two structures of the same shape (mappings matched by key)."""
    if isinstance(data1, Mapping) and isinstance(data2, Mapping):
        return {k: recursive_apply_pair(data1[k], data2[k], fn, *args, **kwargs) for k in data1}
    if isinstance(data1, (list, tuple)) and isinstance(data2, (list, tuple)):
        return type(data1)(recursive_apply_pair(a, b, fn, *args, **kwargs) for a, b in zip(data1, data2))
    return fn(data1, data2, *args, **kwargs)


def is_sorted_srcdst(src: torch.Tensor, dst: torch.Tensor, num_src: Any = None,
                     num_dst: Any = None) -> Tuple[bool, bool]:
    """Whether the edges are sorted by source, and whether they are sorted by (source, destination).

    Parameters
    ----------
    src, dst : Tensor
        Source and destination ids of the edges, in edge order.
    num_src, num_dst : int, optional
        Accepted for DGL's signature; not needed.

    Returns
    -------
    (bool, bool)

    Examples
    --------
    >>> is_sorted_srcdst(torch.tensor([0, 0, 1]), torch.tensor([2, 1, 0]))
    (True, False)
    """
    src, dst = torch.as_tensor(src).long(), torch.as_tensor(dst).long()
    if src.numel() < 2:
        return True, True
    ds, dd = src[1:] - src[:-1], dst[1:] - dst[:-1]
    src_sorted = bool((ds >= 0).all())
    both = src_sorted and bool(((ds > 0) | (dd >= 0)).all())
    return src_sorted, both


class Filter:
    """Membership tests of id arrays against a fixed set of ids (DGL's ``dgl.utils.Filter``).

    Parameters
    ----------
    ids : torch.Tensor
        The ids of the set (1-D integer tensor; duplicates and any order allowed).

    Examples
    --------
    >>> f = Filter(torch.tensor([0, 1, 9, 4]))
    >>> f.find_included_indices(torch.tensor([0, 3, 9, 11])).tolist()
    [0, 2]
    >>> f.find_excluded_indices(torch.tensor([0, 3, 9, 11])).tolist()
    [1, 3]
    """

    def __init__(self, ids: torch.Tensor) -> None:
        ids = torch.as_tensor(ids)
        if ids.dim() != 1 or ids.is_floating_point() or ids.dtype == torch.bool:
            raise DGLError(f"Filter needs a 1-D integer id tensor, got {ids.dtype} of shape {tuple(ids.shape)}.")
        self._ids = torch.unique(ids)

    def _member(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.as_tensor(x)
        if x.dim() != 1:
            raise DGLError(f"Filter queries need a 1-D id tensor, got shape {tuple(x.shape)}.")
        return torch.isin(x, self._ids.to(device=x.device, dtype=x.dtype))

    def find_included_indices(self, x: torch.Tensor) -> torch.Tensor:
        """Positions (increasing, in ``x``'s dtype) of the entries of ``x`` in the set.

        Parameters
        ----------
        x : torch.Tensor

        Returns
        -------
        torch.Tensor
        """
        return torch.nonzero(self._member(x), as_tuple=False).reshape(-1).to(torch.as_tensor(x).dtype)

    def find_excluded_indices(self, x: torch.Tensor) -> torch.Tensor:
        """Positions (increasing, in ``x``'s dtype) of the entries of ``x`` not in the set.

        Parameters
        ----------
        x : torch.Tensor

        Returns
        -------
        torch.Tensor
        """
        return torch.nonzero(~self._member(x), as_tuple=False).reshape(-1).to(torch.as_tensor(x).dtype)
