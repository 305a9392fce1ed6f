import pytest
import torch

import graphdl
import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import grads, random_matrix


def _reference(A, val, dim):
    row, col = A.coo()
    group = (row if dim == 1 else col).long()
    out = torch.empty_like(val)
    for g in group.unique():
        m = group == g
        out[m] = torch.softmax(val[m], 0)
    return out


@pytest.mark.parametrize("backend", ["auto", "torch"])
@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("d", [None, 3])
def test_softmax_matches_reference(idtype, backend, dim, d):
    A, val = random_matrix((6, 5), 16, idtype, d=d, seed=dim, duplicates=True)
    with graphdl.ops.kernel_backend(backend):
        out = dglsp.softmax(A, dim)
        w = torch.randn(out.val.shape, dtype=torch.float64)
        got = grads(out.val, w, val)
    ref = _reference(A, val, dim)
    assert torch.allclose(out.val, ref)
    assert torch.allclose(got[0], grads(ref, w, val)[0])
    assert torch.allclose(A.softmax(dim).val, out.val)


def test_bad_softmax():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]))
    with pytest.raises(DGLError, match="floating-point"):
        A.int().softmax()
    with pytest.raises(DGLError, match="dim"):
        A.softmax(2)
