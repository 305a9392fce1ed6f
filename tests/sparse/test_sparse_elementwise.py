import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import dense_of, grads, random_matrix

W = torch.arange(1.0, 1.0 + 5 * 6 * 2, dtype=torch.float64)


def _weight(shape):
    n = 1
    for s in shape:
        n *= s
    return W[:n].reshape(shape)


@pytest.mark.parametrize("d", [None, 2])
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_two_patterns_match_dense(idtype, d, op):
    A, va = random_matrix((5, 6), 12, idtype, d=d, seed=1)
    B, vb = random_matrix((5, 6), 9, idtype, d=d, seed=2)
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y}[op]
    C = fn(A, B)
    ref = fn(dense_of(A, va), dense_of(B, vb))
    assert torch.allclose(C.to_dense(), ref)
    assert not C.has_duplicate()
    w = _weight(ref.shape)
    got = grads(C.to_dense(), w, va, vb)
    want = grads(ref, w, va, vb)
    for g, r in zip(got, want):
        assert torch.allclose(g, r)


def test_mul_with_duplicates_uses_summed_entries(idtype):
    A, va = random_matrix((4, 4), 14, idtype, seed=4, duplicates=True)
    B, vb = random_matrix((4, 4), 10, idtype, seed=5, duplicates=True)
    assert torch.allclose((A * B).to_dense(), dense_of(A, va) * dense_of(B, vb))


def test_same_pattern_and_scalars(idtype):
    A, va = random_matrix((4, 5), 7, idtype, seed=6)
    B = dglsp.val_like(A, va * 2)
    ref = dense_of(A, va)
    assert torch.allclose((A + B).to_dense(), 3 * ref)
    assert torch.allclose((A / B).to_dense(), (ref != 0).double() * 0.5)
    assert torch.allclose((2.0 * A).to_dense(), 2 * ref)
    assert torch.allclose((A * torch.tensor(3.0, dtype=torch.float64)).to_dense(), 3 * ref)
    assert torch.allclose((A / 4).to_dense(), ref / 4)
    assert torch.allclose((A ** 2).to_dense(), ref ** 2)
    assert torch.allclose((-A).to_dense(), -ref)
    out = (A * 3) ** 3 / 2
    (g,) = grads(out.val, torch.arange(7.0, dtype=torch.float64), va)
    assert torch.allclose(g, 3 ** 3 * 3 * va.detach() ** 2 / 2 * torch.arange(7.0, dtype=torch.float64))


def test_div_two_patterns_with_same_positions(idtype):
    A, va = random_matrix((4, 4), 6, idtype, seed=7)
    perm = torch.randperm(6)
    B = dglsp.from_coo(A.row[perm], A.col[perm], va.detach()[perm] + 1, A.shape)
    ref = dense_of(A, va) / torch.where(dense_of(B, B.val) == 0, 1, dense_of(B, B.val))
    assert torch.allclose((A / B).to_dense(), ref)


def test_inv():
    D = dglsp.diag(torch.tensor([1.0, 2.0, 4.0]))
    assert torch.allclose(dglsp.inv(D).to_dense(), torch.diag(torch.tensor([1.0, 0.5, 0.25])))
    assert torch.allclose(D.inv().to_dense(), torch.linalg.inv(D.to_dense()))


@pytest.mark.parametrize("bad, match", [
    (lambda A, B: A + dglsp.spmatrix(torch.tensor([[0], [0]]), shape=(3, 4)), r"\(3, 3\) and \(3, 4\)"),
    (lambda A, B: A + B.double(), "float32 and torch.float64"),
    (lambda A, B: A * B.double(), "float32 and torch.float64"),
    (lambda A, B: A + 1, "scalar"),
    (lambda A, B: 1 - A, "scalar"),
    (lambda A, B: 2 / A, "implicit zeros"),
    (lambda A, B: A / B, "same positions"),
    (lambda A, B: A ** A, "scalar exponent"),
    (lambda A, B: A * torch.ones(4), "scalar"),
    (lambda A, B: dglsp.inv(A), "diagonal"),
    (lambda A, B: dglsp.inv(dglsp.diag(torch.ones(2), shape=(2, 3))), r"square.*\(2, 3\)"),
    (lambda A, B: dglsp.inv(dglsp.diag(torch.ones(2, 2))), "scalar values"),
    (lambda A, B: A / dglsp.spmatrix(torch.tensor([[0, 0, 1, 1], [1, 1, 0, 2]]), shape=(3, 3)), "duplicate"),
    (lambda A, B: A + dglsp.val_like(B, torch.ones(B.nnz, 2)), "per entry"),
])
def test_bad_elementwise(bad, match):
    A = dglsp.spmatrix(torch.tensor([[0, 1, 1, 2], [1, 0, 2, 2]]), torch.tensor([1.0, 2.0, 3.0, 4.0]), (3, 3))
    B = dglsp.spmatrix(torch.tensor([[0, 2], [0, 2]]), torch.tensor([1.0, 2.0]), (3, 3))
    with pytest.raises(DGLError, match=match):
        bad(A, B)
