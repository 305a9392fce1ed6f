"""``dgl.ndarray``: DGL's own array type. graphdl keeps torch tensors, so ``NDArray`` is
:class:`torch.Tensor` and :func:`array` makes one (enough for code that only type-checks or
converts)."""
from __future__ import annotations

from typing import Any

import torch

__all__ = ["NDArray", "array"]

NDArray = torch.Tensor


def array(data: Any, ctx: Any = None) -> torch.Tensor:
    """A tensor from ``data`` (on ``ctx`` when given)."""
    t = torch.as_tensor(data)
    return t if ctx is None else t.to(ctx)
