"""Sparse matrices with autograd through their values (DGL's ``dgl.sparse``).

A :class:`SparseMatrix` is a sparsity pattern (COO, CSR and CSC, derived on demand and
cached) with one value or one vector per stored entry. Models written as sparse algebra —
``A @ X``, ``sddmm``, ``softmax``, ``A + I`` — run on graphdl's fused message-passing kernels,
so ``A @ X`` costs what ``update_all(copy_u, sum)`` costs and never forms a dense matrix.

Examples
--------
>>> import torch, graphdl.sparse as dglsp
>>> A = dglsp.spmatrix(torch.tensor([[0, 1, 1], [1, 0, 1]]), shape=(2, 2))
>>> (A + dglsp.identity(A.shape)).to_dense()
tensor([[1., 1.],
        [1., 2.]])
"""
from __future__ import annotations

from .broadcast import sp_add_v, sp_broadcast_v, sp_div_v, sp_mul_v, sp_sub_v
from .construct import (diag, from_coo, from_csc, from_csr, from_torch_sparse, identity, spmatrix,
                        to_torch_sparse_coo, to_torch_sparse_csc, to_torch_sparse_csr, val_like)
from .elementwise import (add, div, inv, mul, neg, power, sp_add, sp_div, sp_mul, sp_power, sp_sub, spsp_add,
                          spsp_div, spsp_mul, sub)
from .matmul import bspmm, matmul, spmm, spspmm
from .matrix import SparseMatrix
from .reduction import reduce, smax, smean, smin, sprod, sum  # noqa: A004 (DGL's names)
from .sddmm import bsddmm, sddmm
from .softmax import softmax

__all__ = [
    "SparseMatrix",
    "spmatrix",
    "from_coo",
    "from_csr",
    "from_csc",
    "from_torch_sparse",
    "val_like",
    "diag",
    "identity",
    "to_torch_sparse_coo",
    "to_torch_sparse_csr",
    "to_torch_sparse_csc",
    "add",
    "sub",
    "mul",
    "div",
    "power",
    "neg",
    "inv",
    "sp_add",
    "sp_sub",
    "sp_mul",
    "sp_div",
    "sp_power",
    "spsp_add",
    "spsp_mul",
    "spsp_div",
    "spmm",
    "bspmm",
    "spspmm",
    "matmul",
    "sddmm",
    "bsddmm",
    "softmax",
    "reduce",
    "sum",
    "smax",
    "smin",
    "smean",
    "sprod",
    "sp_broadcast_v",
    "sp_add_v",
    "sp_sub_v",
    "sp_mul_v",
    "sp_div_v",
]
