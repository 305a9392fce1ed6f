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

A call also runs on fewer threads when it has little work: one thread per
:data:`MIN_WORK_PER_THREAD` elements of its array arguments. GNU OpenMP's threads spin while
they wait at the end of a parallel region; on a machine with more runnable threads than cores
a waiting thread spins away the time slice its partner needs, and a small region then costs
a scheduler slice rather than microseconds. Measured with 13 runnable processes on 2 cores
(``docs/benchmarks.md``): a copy-sum SpMM over 10,000 edges took 23 ms on 2 threads and
0.36 ms on one; over 2.1M edges 2 threads cost no more than one.
"""
from __future__ import annotations

import functools
import os
import types
from typing import Any, Callable, Optional

import numba
import numpy as np

__all__ = ["LAYER_PRIORITY", "MIN_WORK_PER_THREAD", "configure_threading", "parallel_kernel", "serial_kernels_wanted",
           "threads_for"]

LAYER_PRIORITY = ["omp", "tbb", "workqueue"]

#: A parallel kernel uses one thread per this many elements of its array arguments (at least one,
#: at most numba's thread count): below about half a millisecond of work, waking a second thread
#: gains microseconds on an idle machine and can lose milliseconds on a busy one.
MIN_WORK_PER_THREAD = 1 << 18


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


def threads_for(work: int, available: int) -> int:
    """Threads for a call touching ``work`` array elements when ``available`` threads are allowed."""
    return max(1, min(available, work // MIN_WORK_PER_THREAD))


def _work(args: tuple) -> int:
    n = 0
    for a in args:
        if isinstance(a, np.ndarray):
            n += a.size
        elif isinstance(a, (tuple, list)):
            n += _work(tuple(a))
    return n


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
        available = numba.get_num_threads()
        use = threads_for(_work(args), available)
        if use == available:
            return self.parallel(*args)
        # The parallel build on fewer threads, not the serial twin: the twin compiles to slower
        # loops (a copy-sum SpMM over 200,000 edges: 16 ms of CPU against 11 ms). numba's thread
        # count is per calling thread, so this does not race with other callers.
        numba.set_num_threads(use)
        try:
            return self.parallel(*args)
        finally:
            numba.set_num_threads(available)


def parallel_kernel(**options: Any) -> Callable[[Callable], ParallelKernel]:
    """Decorator: ``numba.njit(parallel=True, **options)``, safe to call in forked children."""
    return lambda f: ParallelKernel(f, options)
