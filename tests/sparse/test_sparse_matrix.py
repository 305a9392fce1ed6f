import pytest
import torch

import graphdl.sparse as dglsp

from sparse_helpers import random_matrix


def test_repr_format():
    A = dglsp.spmatrix(torch.tensor([[0, 1, 1, 2], [1, 0, 2, 2]]), torch.tensor([1.0, 2.0, 3.0, 4.0]), (3, 3))
    assert repr(A) == (
        "SparseMatrix(indices=tensor([[0, 1, 1, 2],\n"
        "                             [1, 0, 2, 2]]),\n"
        "             values=tensor([1., 2., 3., 4.]),\n"
        "             shape=(3, 3), nnz=4)"
    )
    B = dglsp.val_like(A, torch.ones(4, 2))
    assert repr(B).endswith("shape=(3, 3), nnz=4, val_size=(2,))")


def test_properties_and_transpose(idtype):
    A, val = random_matrix((4, 6), 9, idtype, d=3)
    assert A.nnz == 9 and A.shape == (4, 6) and A.device == torch.device("cpu")
    assert torch.equal(torch.stack([A.row, A.col]), A.indices())
    assert torch.equal(A.T.to_dense(), A.to_dense().transpose(0, 1))
    assert A.transpose().shape == (6, 4) and A.t().T.shape == (4, 6)
    # the transpose's CSR is the original's CSC
    assert torch.equal(A.T.csr()[0], A.csc()[0])


def test_csr_order_and_perm(idtype):
    A, val = random_matrix((5, 5), 12, idtype, requires_grad=False)
    indptr, indices, perm = A.csr()
    rows = torch.repeat_interleave(torch.arange(5), (indptr[1:] - indptr[:-1]).long())
    assert torch.equal(A.row[perm.long()].long(), rows)
    assert torch.equal(A.col[perm.long()], indices)
    # stable: entries of a row keep storage order
    for r in range(5):
        seg = perm[indptr[r]:indptr[r + 1]]
        assert torch.equal(seg, seg.sort().values)


def test_coalesce_and_duplicates(idtype):
    A = dglsp.spmatrix(torch.tensor([[1, 0, 0, 0, 1], [1, 1, 1, 2, 2]], dtype=idtype), torch.arange(5.0))
    assert A.has_duplicate()
    C = A.coalesce()
    assert not C.has_duplicate()
    assert C.indices().tolist() == [[0, 0, 1, 1], [1, 2, 1, 2]]
    assert C.val.tolist() == [3.0, 3.0, 0.0, 4.0]
    assert torch.equal(C.to_dense(), A.to_dense())


def test_is_diag():
    assert dglsp.spmatrix(torch.tensor([[2, 0], [2, 0]])).is_diag()
    assert not dglsp.spmatrix(torch.tensor([[0, 1], [0, 0]])).is_diag()


def test_conversions():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.tensor([1.5, 2.5]))
    assert A.double().dtype == torch.float64 and A.int().val.tolist() == [1, 2]
    assert A.long().dtype == torch.int64 and A.float().dtype == torch.float32
    assert A.to(dtype=torch.float16).dtype == torch.float16
    assert A.cpu() is A and A.to("cpu") is A
    assert A.int().indices().dtype == A.indices().dtype


def test_to_dense_is_differentiable():
    A, val = random_matrix((3, 4), 5, torch.int64, duplicates=True)
    (A.to_dense() * torch.arange(12.0, dtype=torch.float64).reshape(3, 4)).sum().backward()
    row, col = A.coo()
    assert torch.equal(val.grad, (row * 4 + col).double())
