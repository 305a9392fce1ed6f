import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import dense_of, grads, random_matrix


def _mask(A):
    return dense_of(A, torch.ones(A.nnz, dtype=torch.float64))


@pytest.mark.parametrize("dup", [False, True])
def test_sddmm_matches_dense(idtype, dup):
    A, val = random_matrix((5, 6), 12, idtype, seed=1, duplicates=dup)
    x1 = torch.randn(5, 3, dtype=torch.float64).requires_grad_()
    x2 = torch.randn(3, 6, dtype=torch.float64).requires_grad_()
    S = dglsp.sddmm(A, x1, x2)
    row, col = A.coo()
    ref = val * (x1 @ x2)[row.long(), col.long()]
    assert torch.allclose(S.val, ref)
    assert torch.equal(S.indices(), A.indices())
    w = torch.randn(A.nnz, dtype=torch.float64)
    for g, r in zip(grads(S.val, w, val, x1, x2), grads(ref, w, val, x1, x2)):
        assert torch.allclose(g, r)


def test_sddmm_outer_product(idtype):
    A, val = random_matrix((4, 5), 8, idtype, seed=2)
    x1 = torch.randn(4, dtype=torch.float64)
    x2 = torch.randn(5, dtype=torch.float64)
    ref = dense_of(A, val) * torch.outer(x1, x2)
    assert torch.allclose(dglsp.sddmm(A, x1, x2).to_dense(), ref)


@pytest.mark.parametrize("vector_values", [False, True])
def test_bsddmm_matches_dense(idtype, vector_values):
    A, val = random_matrix((5, 6), 11, idtype, d=2 if vector_values else None, seed=3)
    x1 = torch.randn(5, 3, 2, dtype=torch.float64).requires_grad_()
    x2 = torch.randn(3, 6, 2, dtype=torch.float64).requires_grad_()
    S = dglsp.bsddmm(A, x1, x2)
    row, col = A.coo()
    prod = torch.einsum("lkb,knb->lnb", x1, x2)[row.long(), col.long()]
    ref = (val if vector_values else val[:, None]) * prod
    assert S.val.shape == (11, 2) and torch.allclose(S.val, ref)
    w = torch.randn(11, 2, dtype=torch.float64)
    for g, r in zip(grads(S.val, w, val, x1, x2), grads(ref, w, val, x1, x2)):
        assert torch.allclose(g, r)


@pytest.mark.parametrize("x1, x2, match", [
    (torch.randn(3, 2), torch.randn(3, 4), r"X1 \(3, 2\), X2 \(3, 4\)"),
    (torch.randn(2, 2), torch.randn(2, 4), r"X1 \(2, 2\)"),
    (torch.randn(3, 2).double(), torch.randn(2, 4), "X1 is torch.float64"),
    (torch.randn(3), torch.randn(3), r"X2 \(3,\)"),
])
def test_bad_sddmm(x1, x2, match):
    A = dglsp.spmatrix(torch.tensor([[0, 1, 2], [1, 0, 3]]), shape=(3, 4))
    with pytest.raises(DGLError, match=match):
        dglsp.sddmm(A, x1, x2)
