"""Stable counting sort of COO entries by row, compiled with numba (CPU tensors only)."""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch
from numba import njit

__all__ = ["counting_sort"]


@njit(cache=True)
def _scatter(rows, cols, starts, out_cols, perm):
    for i in range(rows.shape[0]):
        r = rows[i]
        p = starts[r]
        starts[r] = p + 1
        out_cols[p] = cols[i]
        perm[p] = i


def counting_sort(rows: torch.Tensor, cols: torch.Tensor, indptr: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(cols grouped by row, permutation)`` given the row pointer ``indptr`` of ``rows``.

    Entries of one row keep their original order. Both outputs have the dtype of ``rows``.
    """
    r = rows.contiguous().numpy()
    c = cols.contiguous().numpy()
    out_cols = np.empty_like(c)
    perm = np.empty(r.shape[0], r.dtype)
    starts = indptr[:-1].numpy().copy()
    _scatter(r, c, starts, out_cols, perm)
    return torch.from_numpy(out_cols), torch.from_numpy(perm)
