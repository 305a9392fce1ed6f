import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import grads, random_matrix

_TORCH = {"sum": "sum", "smax": "amax", "smin": "amin", "smean": "mean", "sprod": "prod"}
_EMPTY = {"sum": 0.0, "smax": 0.0, "smin": 0.0, "smean": 0.0, "sprod": 1.0}


def _reference(A, val, dim, rtype):
    if dim is None:
        return getattr(val, _TORCH[rtype])(0)
    row, col = A.coo()
    group = (col if dim == 0 else row).long()
    size = A.shape[1] if dim == 0 else A.shape[0]
    parts = []
    for i in range(size):
        m = group == i
        if m.any():
            parts.append(getattr(val[m], _TORCH[rtype])(0))
        else:
            parts.append(torch.full(val.shape[1:], _EMPTY[rtype], dtype=val.dtype))
    return torch.stack(parts)


@pytest.mark.parametrize("rtype", list(_TORCH))
@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize("d", [None, 2])
def test_reduce_matches_reference(idtype, rtype, dim, d):
    A, val = random_matrix((6, 7), 15, idtype, d=d, seed=3, duplicates=True)
    with torch.no_grad():
        val -= 1.0  # signed values: extremes of implicit-zero-free rows differ from 0
    out = A.reduce(dim, rtype)
    ref = _reference(A, val, dim, rtype)
    assert out.shape == ref.shape and torch.allclose(out, ref)
    w = torch.randn(out.shape, dtype=torch.float64)
    assert torch.allclose(grads(out, w, val)[0], grads(ref, w, val)[0])
    assert torch.allclose(getattr(dglsp, rtype)(A, dim), ref)
    assert torch.allclose(getattr(A, rtype)(dim), ref)


def test_integer_sum_keeps_dtype():
    A = dglsp.spmatrix(torch.tensor([[0, 0, 1], [0, 1, 1]]), torch.tensor([1, 2, 3], dtype=torch.int32))
    out = A.sum(1)
    assert out.dtype == torch.int32 and out.tolist() == [3, 3]


def test_bad_reduce():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]))
    with pytest.raises(DGLError, match="Unknown reduction"):
        A.reduce(rtype="max")
    with pytest.raises(DGLError, match="dim"):
        A.sum(2)
