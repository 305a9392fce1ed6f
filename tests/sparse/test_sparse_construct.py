import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import dense_of, random_coo


def test_spmatrix_matches_dense(idtype):
    row, col = random_coo((5, 7), 12, idtype)
    val = torch.randn(12)
    A = dglsp.spmatrix(torch.stack([row, col]), val, shape=(5, 7))
    assert A.shape == (5, 7) and A.nnz == 12 and A.dtype == torch.float32
    assert A.indices().dtype == idtype
    dense = torch.zeros(5, 7)
    dense[row.long(), col.long()] = val
    assert torch.equal(A.to_dense(), dense)


def test_shape_inferred_and_default_values(idtype):
    A = dglsp.spmatrix(torch.tensor([[1, 2, 1], [2, 4, 3]], dtype=idtype))
    assert A.shape == (3, 5)
    assert torch.equal(A.val, torch.ones(3))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_compressed_roundtrip(idtype, fmt):
    row, col = random_coo((6, 4), 10, idtype, seed=3)
    val = torch.randn(10, 2)
    A = dglsp.from_coo(row, col, val, (6, 4))
    indptr, indices, perm = getattr(A, fmt)()
    ordered = val[perm.long()]
    B = getattr(dglsp, f"from_{fmt}")(indptr, indices, ordered, (6, 4))
    assert torch.equal(B.to_dense(), A.to_dense())
    assert getattr(B, fmt)()[2] is None  # built from that format: values already in order
    # the other format of B agrees with A's
    other = "csc" if fmt == "csr" else "csr"
    ip_a, ix_a, p_a = getattr(A, other)()
    ip_b, ix_b, p_b = getattr(B, other)()
    assert torch.equal(ip_a, ip_b)
    rebuilt = getattr(dglsp, f"from_{other}")(ip_b, ix_b, ordered[p_b.long()], (6, 4))
    assert torch.equal(rebuilt.to_dense(), A.to_dense())


def test_formats_are_cached():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]))
    assert A.csr()[0] is A.csr()[0]
    assert A.csc()[1] is A.csc()[1]


def test_val_like_shares_pattern():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]))
    B = dglsp.val_like(A, torch.tensor([5.0, 6.0]))
    assert torch.equal(B.indices(), A.indices()) and torch.equal(B.val, torch.tensor([5.0, 6.0]))
    with pytest.raises(DGLError, match="2 entries"):
        dglsp.val_like(A, torch.ones(3))


def test_diag_and_identity():
    D = dglsp.diag(torch.tensor([1.0, 2.0]), shape=(2, 3))
    assert torch.equal(D.to_dense(), torch.tensor([[1.0, 0, 0], [0, 2.0, 0]]))
    assert D.is_diag()
    I = dglsp.identity((3, 2), d=4, dtype=torch.float64)
    assert I.val.shape == (2, 4) and I.dtype == torch.float64 and I.shape == (3, 2)
    with pytest.raises(DGLError, match="do not fit"):
        dglsp.diag(torch.ones(3), shape=(2, 2))


def test_torch_sparse_conversions():
    A = dglsp.spmatrix(torch.tensor([[0, 2, 1], [1, 0, 2]]), torch.tensor([1.0, 2.0, 3.0]), (3, 3))
    for conv in (dglsp.to_torch_sparse_coo, dglsp.to_torch_sparse_csr, dglsp.to_torch_sparse_csc):
        t = conv(A)
        assert torch.equal(t.to_dense(), A.to_dense())
        assert torch.equal(dglsp.from_torch_sparse(t).to_dense(), A.to_dense())


@pytest.mark.parametrize("bad, match", [
    (lambda: dglsp.spmatrix(torch.tensor([[0.0, 1.0], [1.0, 0.0]])), "integers"),
    (lambda: dglsp.spmatrix(torch.tensor([[0, 3], [1, 0]]), shape=(2, 2)), r"row index 3 .*\(2, 2\)"),
    (lambda: dglsp.spmatrix(torch.tensor([[0, -1], [1, 0]])), "non-negative"),
    (lambda: dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.ones(3)), r"\(2,\)"),
    (lambda: dglsp.spmatrix(torch.tensor([0, 1])), r"\(2, nnz\)"),
    (lambda: dglsp.from_coo(torch.tensor([0, 1]), torch.tensor([0])), "equal length"),
    (lambda: dglsp.from_csr(torch.tensor([0, 1, 5]), torch.tensor([1, 0, 2])), "indptr"),
    (lambda: dglsp.from_csc(torch.tensor([0, 2, 1]), torch.tensor([1, 0])), "indptr"),
    (lambda: dglsp.from_csr(torch.tensor([0, 1, 2]), torch.tensor([1, 4]), shape=(2, 3)), "column index 4"),
    (lambda: dglsp.from_torch_sparse(torch.eye(2)), "layout"),
])
def test_bad_construction(bad, match):
    with pytest.raises(DGLError, match=match):
        bad()
