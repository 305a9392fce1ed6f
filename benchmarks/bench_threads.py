"""Thread count of the numba kernels: a copy-sum SpMM on 2 threads, on 1, and as graphdl picks.

For three graph sizes the script runs the same kernel call, interleaved in one process:

* ``par2``: the ``parallel=True`` build on 2 threads (``numba.set_num_threads(2)``);
* ``par1``: the same build on 1 thread;
* ``serial``: the single-threaded twin used in forked workers;
* ``auto``: the kernel called as graphdl calls it (threads chosen from the work size).

It prints the median wall and CPU time (user + system) of each, and the load average. On a
machine with more runnable threads than cores, GNU OpenMP's spinning waits make ``par2``
much slower than ``par1`` for small calls; ``auto`` should then track the faster one.

    python benchmarks/bench_threads.py
    NUMBA_THREADING_LAYER=tbb python benchmarks/bench_threads.py
"""
from __future__ import annotations

import os
import resource
import statistics
import time

import numba
import numpy as np

from graphdl.ops import _numba_kernels as K

MODES = ("par2", "par1", "serial", "auto")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    rng = np.random.default_rng(0)
    fn = K.spmm_sum_kernel
    for n, deg, feats in [(2000, 5, 16), (20000, 10, 16), (100000, 21, 64)]:
        e = n * deg
        dst = np.sort(rng.integers(0, n, e))
        src = rng.integers(0, n, e)
        ptr = np.concatenate([[0], np.cumsum(np.bincount(dst, minlength=n))])
        a = rng.standard_normal((n, feats)).astype(np.float32)
        out = np.empty((n, feats), np.float32)
        none = np.zeros(0, np.int64)
        args = (ptr, src, np.arange(e), a, 0, a, 0, 0, 0, none, none, 1, out)

        def run(mode: str) -> None:
            if mode == "serial":
                fn.serial(*args)
                return
            numba.set_num_threads(1 if mode == "par1" else 2)
            fn(*args) if mode == "auto" else fn.parallel(*args)

        for m in MODES:
            run(m)
        reps = max(9, min(200, int(2e8 // (e * feats))))
        wall = {m: [] for m in MODES}
        cpu = {m: [] for m in MODES}
        for _ in range(reps):
            for m in MODES:
                t0, c0 = time.perf_counter(), _cpu()
                run(m)
                wall[m].append(time.perf_counter() - t0)
                cpu[m].append(_cpu() - c0)
        cells = "  ".join(f"{m} {1e3 * statistics.median(wall[m]):.3f}/{1e3 * statistics.median(cpu[m]):.3f}"
                          for m in MODES)
        print(f"layer {numba.threading_layer()} N={n} E={e} F={feats} reps={reps}: {cells} (ms wall/CPU, median)")
    print("load average", ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
