"""Frame-agnostic message-passing operators on graphs (DGL's ``dgl.ops``).

Each operator family lives in its own module with its autograd rule beside it; kernels run
through :mod:`graphdl.ops._backend` (numba on CPU, torch elsewhere) as ``torch.library``
custom operators, so models using them compile with ``torch.compile(fullgraph=True)``.
"""
from __future__ import annotations

from ._backend import get_kernel_backend, kernel_backend, set_kernel_backend
from .edge_softmax import edge_softmax
from .sddmm import *  # noqa: F401,F403
from .sddmm import __all__ as _sddmm_all
from .segment import gather_mm, segment_mm, segment_reduce, segment_softmax
from .spmm import *  # noqa: F401,F403  (the topology-level ``spmm``/``sddmm`` stay in their modules)
from .spmm import __all__ as _spmm_all

__all__ = (
    list(_spmm_all)
    + list(_sddmm_all)
    + [
        "edge_softmax",
        "segment_reduce",
        "segment_softmax",
        "segment_mm",
        "gather_mm",
        "get_kernel_backend",
        "set_kernel_backend",
        "kernel_backend",
    ]
)
