"""Random sparse matrices and their dense references for the graphdl.sparse tests."""
from typing import Optional, Tuple

import torch

import graphdl.sparse as dglsp


def random_coo(shape: Tuple[int, int], nnz: int, idtype: torch.dtype, seed: int = 0,
               duplicates: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
    """Row and column ids of ``nnz`` entries (distinct positions unless ``duplicates``), unsorted."""
    gen = torch.Generator().manual_seed(seed)
    if duplicates:
        row = torch.randint(0, shape[0], (nnz,), generator=gen)
        col = torch.randint(0, shape[1], (nnz,), generator=gen)
    else:
        keys = torch.randperm(shape[0] * shape[1], generator=gen)[:nnz]
        row, col = keys // shape[1], keys % shape[1]
    return row.to(idtype), col.to(idtype)


def random_matrix(shape: Tuple[int, int], nnz: int, idtype: torch.dtype, d: Optional[int] = None,
                  seed: int = 0, duplicates: bool = False, dtype: torch.dtype = torch.float64,
                  requires_grad: bool = True) -> Tuple[dglsp.SparseMatrix, torch.Tensor]:
    """A random matrix and its value leaf tensor (float64 by default, for tight comparisons)."""
    row, col = random_coo(shape, nnz, idtype, seed, duplicates)
    gen = torch.Generator().manual_seed(seed + 100)
    vshape = (nnz,) if d is None else (nnz, d)
    val = (torch.rand(vshape, generator=gen, dtype=dtype) + 0.5).requires_grad_(requires_grad)
    return dglsp.from_coo(row, col, val, shape), val


def dense_of(A: dglsp.SparseMatrix, val: torch.Tensor) -> torch.Tensor:
    """Dense matrix built from ``val`` with plain torch indexing (differentiable reference)."""
    row, col = A.coo()
    out = val.new_zeros(A.shape + tuple(val.shape[1:]))
    return out.index_put((row.long(), col.long()), val, accumulate=True)


def grads(out: torch.Tensor, weight: torch.Tensor, *leaves: torch.Tensor):
    """Gradients of ``sum(out * weight)`` with respect to ``leaves``."""
    return torch.autograd.grad((out * weight).sum(), leaves, allow_unused=True)
