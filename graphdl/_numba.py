"""The one place that configures numba, which compiles graphdl's CPU kernels.

numba runs ``parallel=True`` kernels on a threading layer. graphdl asks for OpenMP first: on
Linux it is the same GNU OpenMP runtime that torch's CPU operators use, so graphdl's kernels
and torch's run on one pool of threads. With a separate pool (TBB), torch's OpenMP threads
keep spinning on the cores for a while after every torch operator and slow the next kernel
down: a full-graph GCN training step measured 114 ms on TBB against 98 ms on OpenMP (2 cores).

GNU OpenMP is not fork-safe: in a process forked from one whose OpenMP pool had started (by
a graphdl kernel or by any torch operator), a parallel region aborts or hangs. Kernels made
with :func:`parallel_kernel` therefore run a single-threaded build of themselves in forked
children and data loader workers (torch's own operators run single-threaded there too). When OpenMP is not
available numba falls back to TBB, then to its own workqueue. A user's own
``NUMBA_THREADING_LAYER`` or ``NUMBA_THREADING_LAYER_PRIORITY`` setting is left alone.
"""
from __future__ import annotations

import functools
import os
import types
from typing import Any, Callable, Optional

import numba

__all__ = ["LAYER_PRIORITY", "configure_threading", "parallel_kernel", "serial_kernels_wanted"]

LAYER_PRIORITY = ["omp", "tbb", "workqueue"]


def configure_threading() -> None:
    if "NUMBA_THREADING_LAYER" in os.environ or "NUMBA_THREADING_LAYER_PRIORITY" in os.environ:
        return
    numba.config.THREADING_LAYER_PRIORITY = list(LAYER_PRIORITY)


configure_threading()

_forked = False


def _after_fork_in_child() -> None:
    global _forked
    _forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def serial_kernels_wanted() -> bool:
    """True in a process forked after graphdl was imported, and in a torch data loader worker.

    A forked child inherits GNU OpenMP's thread pool in a state it cannot use: starting a
    parallel region there hangs (torch's own operators hang the same way unless the child
    runs them on one thread, which is why torch's data loader workers do). Kernels therefore
    run their single-threaded builds in such processes, whether or not the parent had run one.
    """
    if _forked:
        return True
    from torch.utils.data import get_worker_info

    return get_worker_info() is not None


class ParallelKernel:
    """A ``parallel=True`` numba kernel with a single-threaded twin for forked children."""

    def __init__(self, py_func: Callable, options: dict) -> None:
        self.py_func = py_func
        self.parallel = numba.njit(parallel=True, **options)(py_func)
        self._options = options
        self._serial: Any = None
        functools.update_wrapper(self, py_func)

    @property
    def serial(self) -> Any:
        if self._serial is None:
            f = self.py_func
            # A twin function object under its own name, so numba's on-disk cache keeps the
            # serial build apart from the parallel one.
            twin = types.FunctionType(f.__code__, f.__globals__, f.__name__ + "_serial", f.__defaults__,
                                      f.__closure__)
            twin.__qualname__ = f.__qualname__ + "_serial"
            twin.__module__ = f.__module__
            self._serial = numba.njit(parallel=False, **self._options)(twin)
        return self._serial

    def __call__(self, *args: Any) -> Any:
        if serial_kernels_wanted():
            return self.serial(*args)
        return self.parallel(*args)


def parallel_kernel(**options: Any) -> Callable[[Callable], ParallelKernel]:
    """Decorator: ``numba.njit(parallel=True, **options)``, safe to call in forked children."""
    return lambda f: ParallelKernel(f, options)
