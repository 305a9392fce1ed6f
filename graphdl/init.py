"""Feature initializers: what fills the rows of a feature that a partial write leaves unset.

An initializer is called as ``initializer(shape, dtype, device, id_range)`` and returns a tensor
of that shape; ``id_range`` is the ``slice`` of node (or edge) ids being filled. Install one with
:meth:`DGLGraph.set_n_initializer` / :meth:`DGLGraph.set_e_initializer`; without one, graphdl
fills with zeros.
"""
from __future__ import annotations

from typing import Any, Tuple

import torch

__all__ = ["base_initializer", "zero_initializer"]


def base_initializer(shape: Tuple[int, ...], dtype: torch.dtype, ctx: Any, id_range: slice) -> torch.Tensor:
    """The initializer signature; it raises, as the template is not meant to be used.

    Parameters
    ----------
    shape : tuple of int
        Shape of the tensor to return (rows first).
    dtype : torch.dtype
        Its dtype.
    ctx : torch.device
        Its device.
    id_range : slice
        The ids of the rows being filled.

    Returns
    -------
    Tensor
    """
    raise NotImplementedError("base_initializer only documents the initializer signature.")


def zero_initializer(shape: Tuple[int, ...], dtype: torch.dtype, ctx: Any, id_range: slice) -> torch.Tensor:
    """Zeros of ``shape``, ``dtype`` on ``ctx`` (graphdl's default).

    Examples
    --------
    >>> g = graphdl.graph(([0], [1]))
    >>> g.set_n_initializer(graphdl.init.zero_initializer)
    """
    return torch.zeros(shape, dtype=dtype, device=ctx)
