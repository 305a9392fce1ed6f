"""Seeding of every random stream graphdl uses (torch, numpy, numba-compiled samplers)."""
from __future__ import annotations

import random as _pyrandom

import numpy as np
import torch
from .base import DGLError

__all__ = ["seed", "get_seed", "choice"]

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


def choice(a, size: int, replace: bool = True, prob=None) -> torch.Tensor:
    """Draw ``size`` samples from ``a`` (an int ``n`` for ``range(n)``, or a 1-D tensor).

    Parameters
    ----------
    a : int or Tensor
        The population.
    size : int
        Number of samples.
    replace : bool
        Sample with replacement.
    prob : Tensor, optional
        Non-negative weight of each element (need not sum to 1); uniform when omitted.

    Returns
    -------
    Tensor
        The samples: ``int64`` indices when ``a`` is an int, elements of ``a`` otherwise.
        Drawn from torch's generator, so :func:`seed` makes them reproducible.

    Examples
    --------
    >>> graphdl.random.seed(0)
    >>> graphdl.random.choice(10, 3, replace=False).shape
    torch.Size([3])
    """
    if isinstance(a, (int, np.integer)):
        population, n = None, int(a)
    else:
        population = torch.as_tensor(a)
        if population.dim() != 1:
            raise DGLError(f"choice needs an int or a 1-D tensor, got shape {tuple(population.shape)}.")
        n = population.shape[0]
    size = int(size)
    if size < 0 or n < 0:
        raise DGLError(f"choice: size and population must be non-negative, got {size} and {n}.")
    if prob is None:
        if not replace and size > n:
            raise DGLError(f"Cannot draw {size} samples without replacement from {n} elements.")
        idx = torch.randint(0, n, (size,)) if replace else torch.randperm(n)[:size]
    else:
        p = torch.as_tensor(prob, dtype=torch.float64).cpu()
        if p.shape != (n,):
            raise DGLError(f"prob must have shape ({n},), got {tuple(p.shape)}.")
        if bool((p < 0).any()) or not bool(torch.isfinite(p).all()):
            raise DGLError("prob must be finite and non-negative.")
        positive = int((p > 0).sum())
        if (replace and size > 0 and positive == 0) or (not replace and size > positive):
            raise DGLError(f"Cannot draw {size} samples {'with' if replace else 'without'} replacement "
                           f"from {positive} elements of non-zero probability.")
        idx = torch.multinomial(p, size, replacement=replace) if size else torch.zeros(0, dtype=torch.int64)
    return idx if population is None else population[idx.to(population.device)]
