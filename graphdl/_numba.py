"""The one place that configures numba, which compiles graphdl's CPU kernels.

numba runs ``parallel=True`` kernels on a threading layer. graphdl asks for OpenMP first: on
Linux it is the same GNU OpenMP runtime that torch's CPU operators use, so graphdl's kernels
and torch's run on one pool of threads. With a separate pool (TBB), torch's OpenMP threads
keep spinning on the cores for a while after every torch operator and slow the next kernel
down: a full-graph GCN training step measured 114 ms on TBB against 98 ms on OpenMP (2 cores).

GNU OpenMP is not fork-safe: a process forked after a parallel kernel ran (a torch
``DataLoader`` worker, say) aborts as soon as it starts one itself. Kernels made with
:func:`parallel_kernel` therefore run a single-threaded build of themselves in such a child
(torch's own operators run single-threaded in data loader workers too). When OpenMP is not
available numba falls back to TBB, then to its own workqueue. A user's own
``NUMBA_THREADING_LAYER`` or ``NUMBA_THREADING_LAYER_PRIORITY`` setting is left alone.
"""
from __future__ import annotations

import functools
import os
import types
from typing import Any, Callable, Optional

import numba

__all__ = ["LAYER_PRIORITY", "configure_threading", "parallel_kernel", "in_forked_omp_child"]

LAYER_PRIORITY = ["omp", "tbb", "workqueue"]


def configure_threading() -> None:
    if "NUMBA_THREADING_LAYER" in os.environ or "NUMBA_THREADING_LAYER_PRIORITY" in os.environ:
        return
    numba.config.THREADING_LAYER_PRIORITY = list(LAYER_PRIORITY)


configure_threading()

_forked = False
_serial_here: Optional[bool] = None


def _after_fork_in_child() -> None:
    global _forked, _serial_here
    _forked, _serial_here = True, None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def in_forked_omp_child() -> bool:
    """True in a process forked from one whose parallel kernels ran on GNU OpenMP."""
    global _serial_here
    if not _forked:
        return False
    if _serial_here is None:
        try:
            _serial_here = numba.threading_layer() == "omp"
        except ValueError:  # no parallel kernel ran before the fork: this process may start its own
            _serial_here = False
    return _serial_here


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
        if in_forked_omp_child():
            return self.serial(*args)
        return self.parallel(*args)


def parallel_kernel(**options: Any) -> Callable[[Callable], ParallelKernel]:
    """Decorator: ``numba.njit(parallel=True, **options)``, safe to call in forked children."""
    return lambda f: ParallelKernel(f, options)
