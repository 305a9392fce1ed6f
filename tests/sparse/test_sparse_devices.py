"""Operands on another device than the sparse matrix: a DGLError naming both devices.

No accelerator is needed: tensors on torch's ``meta`` device stand in for a second device.
"""
import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

META = torch.device("meta")


@pytest.mark.parametrize("bad", [
    lambda A: A @ torch.randn(3, 2, device=META),
    lambda A: dglsp.bspmm(dglsp.val_like(A, torch.ones(A.nnz, 2)), torch.randn(3, 4, 2, device=META)),
    lambda A: dglsp.sddmm(A, torch.randn(3, 2, device=META), torch.randn(2, 3, device=META)),
    lambda A: dglsp.sp_add_v(A, torch.randn(3, device=META)),
    lambda A: dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.ones(2, device=META)),
    lambda A: dglsp.val_like(A, torch.ones(3, device=META)),
    lambda A: dglsp.diag(torch.ones(3, device=META)) @ A,
    lambda A: A * torch.tensor(2.0, device=META),
], ids=["spmm", "bspmm", "sddmm", "broadcast", "spmatrix", "val_like", "spspmm", "scalar"])
def test_device_mismatch(bad):
    A = dglsp.spmatrix(torch.tensor([[0, 1, 2], [1, 0, 2]]), torch.tensor([1.0, 2.0, 3.0]), (3, 3))
    with pytest.raises(DGLError, match="meta") as err:
        bad(A)
    assert "cpu" in str(err.value)
