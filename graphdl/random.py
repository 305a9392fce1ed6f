"""Seeding of every random stream graphdl uses (torch, numpy, numba-compiled samplers)."""
from __future__ import annotations

import random as _pyrandom

import numpy as np
import torch

__all__ = ["seed", "get_seed"]

_current_seed: int | None = None


def seed(val: int) -> None:
    """Seed torch, numpy, Python's ``random`` and graphdl's compiled samplers with ``val``."""
    global _current_seed
    val = int(val)
    _current_seed = val
    _pyrandom.seed(val)
    np.random.seed(val % (2**32))
    torch.manual_seed(val)
    for hook in _seed_hooks:
        hook(val)


def get_seed() -> int | None:
    return _current_seed


_seed_hooks: list = []


def register_seed_hook(hook) -> None:
    """Let a module with its own random state (e.g. numba kernels) follow ``graphdl.seed``."""
    _seed_hooks.append(hook)
