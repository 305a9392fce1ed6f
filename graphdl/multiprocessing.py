"""``torch.multiprocessing`` plus tensors shared by every process of a job (DGL's
``dgl.multiprocessing``).

:func:`shared_tensor` backs a tensor by a file in ``/dev/shm``: the process of rank 0 of the
default ``torch.distributed`` group names the file and broadcasts the name, every process maps
it, and after a barrier the name is removed (the mappings stay valid until the last process
drops its tensor). Without an initialised process group the tensor is simply in shared memory,
ready to be handed to processes started with ``torch.multiprocessing``.
"""
from __future__ import annotations

import os
import tempfile
import uuid
from typing import Callable, Sequence, Union

import torch
import torch.multiprocessing as _torch_mp
from torch.multiprocessing import *  # noqa: F401,F403
from torch.multiprocessing import spawn  # noqa: F401  (not in torch's __all__)

from .base import DGLError

__all__ = list(_torch_mp.__all__) + ["spawn", "shared_tensor", "call_once_and_share"]


def _dist_ready() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()


def _shm_dir() -> str:
    return "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def shared_tensor(shape: Union[int, Sequence[int]], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """An uninitialised tensor in memory shared by all processes of the job.

    Parameters
    ----------
    shape : int or sequence of int
        The shape.
    dtype : torch.dtype
        The element type.

    Returns
    -------
    Tensor
        On every rank of the default ``torch.distributed`` group, a view of the same memory.

    Examples
    --------
    >>> t = graphdl.multiprocessing.shared_tensor((4, 2))
    >>> t.is_shared()
    True
    """
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise DGLError(f"shared_tensor shape must be non-negative, got {shape}.")
    numel = 1
    for s in shape:
        numel *= s
    if not _dist_ready():
        return torch.empty(shape, dtype=dtype).share_memory_()
    rank = torch.distributed.get_rank()
    name = [os.path.join(_shm_dir(), f"graphdl_shared_{uuid.uuid4().hex}") if rank == 0 else None]
    torch.distributed.broadcast_object_list(name, src=0)
    path = name[0]
    if rank == 0:
        with open(path, "wb") as f:
            f.truncate(max(1, numel) * torch.empty((), dtype=dtype).element_size())
    torch.distributed.barrier()
    flat = torch.from_file(path, shared=True, size=max(1, numel), dtype=dtype)
    torch.distributed.barrier()
    if rank == 0:
        os.unlink(path)
    return flat[:numel].view(shape)


def call_once_and_share(func: Callable[[], torch.Tensor], shape: Union[int, Sequence[int]], dtype: torch.dtype,
                        rank: int = 0) -> torch.Tensor:
    """Compute a tensor on one rank and give every rank a shared view of it.

    Parameters
    ----------
    func : callable
        Called with no arguments on rank ``rank`` only; returns a tensor of ``shape`` and ``dtype``.
    shape : int or sequence of int
        The result's shape.
    dtype : torch.dtype
        The result's element type.
    rank : int
        The rank that calls ``func``.

    Returns
    -------
    Tensor
        The shared result, on every rank.

    Examples
    --------
    >>> t = graphdl.multiprocessing.call_once_and_share(lambda: torch.arange(3.0), (3,), torch.float32)
    >>> t
    tensor([0., 1., 2.])
    """
    out = shared_tensor(shape, dtype)
    me = torch.distributed.get_rank() if _dist_ready() else rank
    if me == rank:
        val = func()
        if tuple(val.shape) != tuple(out.shape) or val.dtype != dtype:
            raise DGLError(f"call_once_and_share: func returned shape {tuple(val.shape)} and dtype {val.dtype}, "
                           f"expected {tuple(out.shape)} and {dtype}.")
        out.copy_(val)
    if _dist_ready():
        torch.distributed.barrier()
    return out
