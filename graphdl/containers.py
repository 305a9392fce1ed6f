"""Helpers over the containers a heterogeneous model passes around (dicts of per-type tensors)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

import numpy as np
import torch

__all__ = ["apply_each"]


def _is_listlike(data: Any) -> bool:
    return isinstance(data, (list, tuple, range)) or (
        not isinstance(data, (str, bytes, torch.Tensor, np.ndarray, Mapping)) and hasattr(data, "__len__")
        and hasattr(data, "__getitem__"))


def apply_each(data: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Apply ``fn`` to every element of a dict or a sequence (or to ``data`` itself).

    Parameters
    ----------
    data : dict, sequence or any object
        A mapping gives a dict with the same keys; a sequence other than a string gives a
        list; anything else is passed to ``fn`` directly.
    fn : callable
        Called as ``fn(element, *args, **kwargs)``.
    *args, **kwargs
        Extra arguments of ``fn``.

    Returns
    -------
    dict, list or any
        The results, in a container of the kind described above.

    Examples
    --------
    >>> h = {"user": torch.tensor([-1.0, 2.0]), "item": torch.tensor([3.0, -4.0])}
    >>> graphdl.apply_each(h, torch.relu)
    {'user': tensor([0., 2.]), 'item': tensor([3., 0.])}
    """
    if isinstance(data, Mapping):
        return {k: fn(v, *args, **kwargs) for k, v in data.items()}
    if _is_listlike(data):
        return [fn(v, *args, **kwargs) for v in data]
    return fn(data, *args, **kwargs)
