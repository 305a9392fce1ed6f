"""Random state of the samplers.

Every compiled sampler takes an explicit 64-bit seed and derives one independent stream per
row (seed node, walk, ...) from it with a counter-based mixer, so results do not depend on
the number of threads. The seeds themselves are drawn from one ``numpy`` generator kept here.
``graphdl.seed(n)`` reseeds that generator (through ``register_seed_hook``); the data
loader pins it per batch with :func:`batch_state` so that worker processes reproduce the
batches a single process would make.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Optional

import numba
import numpy as np

from .. import random as _random

__all__ = ["next_seed", "reseed", "batch_state"]

_gen = np.random.default_rng()


def next_seed() -> int:
    """A fresh 63-bit seed for one kernel call."""
    return int(_gen.integers(0, 2**63 - 1, dtype=np.int64))


@numba.njit(cache=True)
def _seed_numba(val: int) -> None:
    np.random.seed(val)


def reseed(val: int) -> None:
    """Reset the sampler stream (and numba's own generator) to a state derived from ``val``."""
    global _gen
    _gen = np.random.default_rng(np.random.SeedSequence(int(val) % (2**63)))
    _seed_numba(int(val) % (2**32))


@contextlib.contextmanager
def batch_state(epoch_seed: int, index: int) -> Iterator[None]:
    """Within the block, draw sampler seeds from a stream fixed by ``(epoch_seed, index)``."""
    global _gen
    saved: Optional[np.random.Generator] = _gen
    _gen = np.random.default_rng(np.random.SeedSequence([int(epoch_seed), int(index)]))
    try:
        yield
    finally:
        _gen = saved


_random.register_seed_hook(reseed)
