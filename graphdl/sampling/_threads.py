"""A small pool of Python threads for compiled kernels that release the GIL.

Used instead of numba's parallel loops where those would spin-wait: threads waiting on
futures sleep. The pool is rebuilt after ``fork`` (a forked child has none of the parent's
threads) and is not used inside data loader worker processes, which already run in parallel.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List, Optional, Sequence, Tuple

import torch

__all__ = ["num_threads", "split", "run", "MIN_WORK_PER_THREAD"]

#: Inputs with less work (about the number of entries picked) per thread stay on one thread.
MIN_WORK_PER_THREAD = 100_000

_pool: Optional[ThreadPoolExecutor] = None
_pool_pid = -1
_pool_size = 0


def num_threads() -> int:
    """Threads to use: torch's intra-op setting, 1 inside a data loader worker."""
    from torch.utils.data import get_worker_info

    if get_worker_info() is not None:
        return 1
    return max(1, torch.get_num_threads())


def split(n: int, work: int) -> List[Tuple[int, int]]:
    """Contiguous ``[a, b)`` ranges covering ``range(n)``, one per thread that has enough work."""
    t = min(num_threads(), max(1, work // MIN_WORK_PER_THREAD), max(1, n))
    bounds = [n * i // t for i in range(t + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(t)]


def run(tasks: Sequence[Tuple[Callable, Tuple[Any, ...]]]) -> List[Any]:
    """Run ``fn(*args)`` for every task (the first on the calling thread); results in order."""
    global _pool, _pool_pid, _pool_size
    if len(tasks) == 1:
        fn, args = tasks[0]
        return [fn(*args)]
    need = len(tasks) - 1
    if _pool is None or _pool_pid != os.getpid() or _pool_size < need:
        _pool = ThreadPoolExecutor(max_workers=need, thread_name_prefix="graphdl-sampling")
        _pool_pid, _pool_size = os.getpid(), need
    futures = [_pool.submit(fn, *args) for fn, args in tasks[1:]]
    first = tasks[0][0](*tasks[0][1])
    return [first] + [f.result() for f in futures]
