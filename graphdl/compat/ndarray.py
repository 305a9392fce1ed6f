"""``dgl.ndarray``: DGL's own array type, as a torch tensor that also answers DGL's calls.

graphdl keeps torch tensors. :class:`NDArray` is a :class:`torch.Tensor` subclass adding the
methods DGL code calls on its arrays (``asnumpy()``, ``ctx``), so that code which
type-checks for ``dgl.ndarray.NDArray`` or converts one keeps working; everything else is the
tensor's own behaviour. ``graphdl.load_tensors(..., return_dgl_ndarray=True)`` returns these.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["NDArray", "array"]


class NDArray(torch.Tensor):
    """A tensor that also offers DGL's NDArray methods."""

    def asnumpy(self) -> np.ndarray:
        """The values as a numpy array (a copy for tensors off the CPU)."""
        return self.detach().cpu().as_subclass(torch.Tensor).numpy()

    @property
    def ctx(self) -> torch.device:
        """The device, under DGL's name for it."""
        return self.device

    def copyto(self, ctx: Any) -> "NDArray":
        """A copy on ``ctx``."""
        return self.to(ctx)


def array(data: Any, ctx: Any = None) -> NDArray:
    """An :class:`NDArray` from ``data`` (on ``ctx`` when given)."""
    t = torch.as_tensor(np.asarray(data) if isinstance(data, (list, tuple)) else data)
    t = t if ctx is None else t.to(ctx)
    return t.as_subclass(NDArray)
