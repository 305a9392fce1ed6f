"""The one place that configures numba, which compiles graphdl's CPU kernels.

numba runs ``parallel=True`` kernels on a threading layer. GNU OpenMP, its usual choice on
Linux, is not fork-safe: a process forked after a parallel kernel ran (a torch ``DataLoader``
worker, say) aborts as soon as it runs one itself. graphdl therefore asks for TBB first (safe
under fork and under concurrent calls from several threads; a dependency where wheels exist),
then numba's own workqueue (fork-safe), and OpenMP last. A user's own
``NUMBA_THREADING_LAYER`` or ``NUMBA_THREADING_LAYER_PRIORITY`` setting is left alone.
"""
from __future__ import annotations

import os

import numba

__all__ = ["LAYER_PRIORITY", "configure_threading"]

LAYER_PRIORITY = ["tbb", "workqueue", "omp"]


def configure_threading() -> None:
    if "NUMBA_THREADING_LAYER" in os.environ or "NUMBA_THREADING_LAYER_PRIORITY" in os.environ:
        return
    numba.config.THREADING_LAYER_PRIORITY = list(LAYER_PRIORITY)


configure_threading()
