import pytest
import torch

import graphdl
import graphdl.sparse as dglsp
from graphdl import DGLError
from graphdl._compat_torch import FULLGRAPH_COMPILE_REASON, fullgraph_compile_supported

from sparse_helpers import dense_of, grads, random_matrix


@pytest.mark.parametrize("backend", ["auto", "torch"])
@pytest.mark.parametrize("xshape", [(6,), (6, 3)])
@pytest.mark.parametrize("dup", [False, True])
def test_spmm_matches_dense(idtype, backend, xshape, dup):
    A, val = random_matrix((5, 6), 14, idtype, seed=1, duplicates=dup)
    x = torch.randn(xshape, dtype=torch.float64).requires_grad_()
    with graphdl.ops.kernel_backend(backend):
        out = A @ x
        w = torch.randn(out.shape, dtype=torch.float64)
        got = grads(out, w, val, x)
    ref = dense_of(A, val) @ x
    assert out.shape == ref.shape and torch.allclose(out, ref)
    for g, r in zip(got, grads(ref, w, val, x)):
        assert torch.allclose(g, r)
    assert torch.allclose(dglsp.spmm(A, x), ref) and torch.allclose(dglsp.matmul(A, x), ref)


def test_spmm_float32_and_empty_rows():
    A = dglsp.spmatrix(torch.tensor([[0, 0], [1, 2]]), torch.tensor([2.0, 3.0]), (3, 3))
    out = A @ torch.ones(3, 2)
    assert out.dtype == torch.float32 and out.tolist() == [[5.0, 5.0], [0.0, 0.0], [0.0, 0.0]]


def test_bspmm_matches_dense(idtype):
    A, val = random_matrix((5, 6), 13, idtype, d=3, seed=2)
    x = torch.randn(6, 4, 3, dtype=torch.float64).requires_grad_()
    out = dglsp.bspmm(A, x)
    ref = torch.einsum("ijk,jnk->ink", dense_of(A, val), x)
    assert out.shape == (5, 4, 3) and torch.allclose(out, ref)
    w = torch.randn(out.shape, dtype=torch.float64)
    for g, r in zip(grads(out, w, val, x), grads(ref, w, val, x)):
        assert torch.allclose(g, r)
    assert torch.allclose(A @ x, ref)


def test_spmm_never_builds_a_dense_matrix():
    n = 3_000_000  # a dense n x n matrix would need 36 TB
    idx = torch.tensor([[0, n - 1, 5], [n - 1, 0, 5]])
    A = dglsp.spmatrix(idx, torch.tensor([1.0, 2.0, 3.0]), (n, n))
    x = torch.zeros(n, 2)
    x[n - 1] = 1.0
    x[0] = 4.0
    out = A @ x
    assert out[0].tolist() == [1.0, 1.0] and out[n - 1].tolist() == [8.0, 8.0] and out[5].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("backend", ["auto", "torch"])
def test_spspmm_matches_dense(idtype, backend):
    A, va = random_matrix((5, 6), 12, idtype, seed=3)
    B, vb = random_matrix((6, 4), 10, idtype, seed=4)
    if backend == "torch":  # the torch-operator path, used off the CPU
        from graphdl.sparse.spgemm import _expanded
        C = _expanded(A, B)
    else:
        C = A @ B
    ref = dense_of(A, va) @ dense_of(B, vb)
    assert torch.allclose(C.to_dense(), ref)
    assert not C.has_duplicate()
    assert C.nnz == int(((dense_of(A, torch.ones_like(va)) @ dense_of(B, torch.ones_like(vb))) > 0).sum())
    w = torch.randn(ref.shape, dtype=torch.float64)
    for g, r in zip(grads(C.to_dense(), w, va, vb), grads(ref, w, va, vb)):
        assert torch.allclose(g, r)


def test_spspmm_square_grouped_by_row(idtype):
    A, va = random_matrix((30, 30), 120, idtype, seed=5)
    C = dglsp.spspmm(A, A)
    assert torch.allclose(C.to_dense(), dense_of(A, va) @ dense_of(A, va))
    assert bool((C.row[1:] >= C.row[:-1]).all()) and not C.has_duplicate()
    assert C.indices().dtype == idtype


@pytest.mark.parametrize("bad, match", [
    (lambda A: A @ torch.randn(3, 2), r"\(3, 4\).*\(3, 2\)"),
    (lambda A: A @ torch.randn(4, 2, dtype=torch.float64), "float32 but the dense matrix is torch.float64"),
    (lambda A: A @ torch.randn(4, 2, 2), r"\(4, 2, 2\)"),
    (lambda A: dglsp.val_like(A, torch.ones(A.nnz, 2)) @ torch.randn(4, 2), r"\(4, 2\)"),
    (lambda A: dglsp.val_like(A, torch.ones(A.nnz, 2)) @ torch.randn(4, 5, 3), r"\(4, 5, 3\)"),
    (lambda A: A @ A, r"\(3, 4\) and \(3, 4\)"),
    (lambda A: A @ dglsp.val_like(A, torch.ones(A.nnz, 2)).T, "scalar values"),
    (lambda A: A @ A.T.double(), "float32 and torch.float64"),
    (lambda A: dglsp.spmatrix(torch.tensor([[0, 0], [1, 1]]), shape=(4, 4)) @ dglsp.identity((4, 4)),
     "duplicate"),
    (lambda A: torch.randn(2, 3) @ A, "dense @ SparseMatrix"),
])
def test_bad_products(bad, match):
    A = dglsp.spmatrix(torch.tensor([[0, 1, 1, 2], [1, 0, 3, 2]]), torch.tensor([1.0, 2.0, 3.0, 4.0]), (3, 4))
    with pytest.raises(DGLError, match=match):
        bad(A)


needs_fullgraph = pytest.mark.skipif(not fullgraph_compile_supported(), reason=FULLGRAPH_COMPILE_REASON)


class _SparseGCNLayer(torch.nn.Module):
    def __init__(self, product: str) -> None:
        super().__init__()
        self.W = torch.nn.Linear(4, 3)
        self.product = product

    def forward(self, A: dglsp.SparseMatrix, X: torch.Tensor) -> torch.Tensor:
        H = self.W(X)
        if self.product == "operator":
            return torch.relu(A @ H)
        if self.product == "torch.matmul":
            return torch.relu(torch.matmul(A, H))
        return torch.relu(dglsp.matmul(A, H))


@needs_fullgraph
@pytest.mark.parametrize("product", ["operator", "torch.matmul", "dglsp.matmul"])
def test_compiled_sparse_gcn_layer(idtype, product):
    A, _ = random_matrix((7, 7), 20, idtype, seed=6, dtype=torch.float32, requires_grad=False)
    I = dglsp.identity(A.shape)
    A_hat = A + I
    d = A_hat.sum(1) ** -0.5
    A_norm = dglsp.diag(d) @ A_hat @ dglsp.diag(d)
    A_norm.csr(), A_norm.csc()
    X = torch.randn(7, 4)
    torch.manual_seed(0)
    layer = _SparseGCNLayer(product)
    eager = layer(A_norm, X)
    eager.sum().backward()
    g_eager = layer.W.weight.grad.clone()
    layer.zero_grad()
    torch._dynamo.reset()
    compiled = torch.compile(layer, fullgraph=True)
    out = compiled(A_norm, X)
    out.sum().backward()
    assert torch.allclose(out, eager, atol=1e-6)
    assert torch.allclose(layer.W.weight.grad, g_eager, atol=1e-6)
    ref = torch.relu(A_norm.to_dense() @ layer.W(X))
    assert torch.allclose(out, ref, atol=1e-5)


@needs_fullgraph
def test_compiled_operators_with_tensors():
    """Sparse-with-tensor operators inside a compiled region compute what they compute eagerly."""
    A = dglsp.spmatrix(torch.tensor([[0, 1, 2, 2], [1, 2, 0, 1]]), torch.tensor([1.0, 2.0, 3.0, 4.0]), (3, 3))
    X = torch.randn(3, 2)
    t = torch.tensor(2.0)

    def f(A, X, t):
        B = (A * t) / t - A * 0.5  # 0.5 A, with 0-d tensor scalars on either side
        return B @ X, (t * A).val, (A ** t).val

    torch._dynamo.reset()
    got = torch.compile(f, fullgraph=True)(A, X, t)
    for g, r in zip(got, f(A, X, t)):
        assert torch.allclose(g, r)
    assert torch.allclose(got[0], 0.5 * (A.to_dense() @ X))


def test_tensor_methods_meeting_a_sparse_matrix():
    A = dglsp.spmatrix(torch.tensor([[0, 1, 2], [1, 2, 0]]), torch.tensor([1.0, 2.0, 3.0]), (3, 3))
    X = torch.randn(3, 2)
    assert torch.allclose(torch.matmul(A, X), A.to_dense() @ X)
    assert torch.allclose((torch.tensor(3.0) * A).val, 3 * A.val)
    assert torch.allclose(torch.tensor(3.0).mul(A).val, 3 * A.val)
    with pytest.raises(DGLError, match="dense @ SparseMatrix"):
        X.T @ A
    with pytest.raises(DGLError, match="dense @ SparseMatrix"):
        X.T.matmul(A)
    with pytest.raises(TypeError):
        torch.cat([A, A])  # no tensor function takes a SparseMatrix but those above
