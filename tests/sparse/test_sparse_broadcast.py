import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import dense_of, grads, random_matrix


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv"])
@pytest.mark.parametrize("per", ["row", "col"])
@pytest.mark.parametrize("d", [None, 2])
def test_broadcast_matches_reference(idtype, op, per, d):
    A, val = random_matrix((4, 5), 9, idtype, d=d, seed=2)
    v = (torch.rand(4 if per == "row" else 5, dtype=torch.float64) + 0.5).requires_grad_()
    vv = v.reshape(-1, 1) if per == "row" else v
    out = dglsp.sp_broadcast_v(A, vv, op)
    row, col = A.coo()
    picked = v[(row if per == "row" else col).long()]
    picked = picked[:, None] if d else picked
    ref = {"add": val + picked, "sub": val - picked, "mul": val * picked, "truediv": val / picked}[op]
    assert torch.allclose(out.val, ref)
    w = torch.randn(ref.shape, dtype=torch.float64)
    for g, r in zip(grads(out.val, w, val, v), grads(ref, w, val, v)):
        assert torch.allclose(g, r)
    short = {"add": dglsp.sp_add_v, "sub": dglsp.sp_sub_v, "mul": dglsp.sp_mul_v, "truediv": dglsp.sp_div_v}[op]
    assert torch.allclose(short(A, vv).val, ref)


def test_bad_broadcast():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 2]]), shape=(3, 3))
    with pytest.raises(DGLError, match=r"\(2,\).*\(3, 3\)"):
        dglsp.sp_mul_v(A, torch.ones(2))
    with pytest.raises(DGLError, match="operator"):
        dglsp.sp_broadcast_v(A, torch.ones(3), "max")


@pytest.mark.parametrize("op", ["pow", "floordiv", "mod", "div"])
def test_broadcast_other_operators(op):
    """The names DGL's lookup in Python's ``operator`` module also accepts."""
    import operator

    A = dglsp.spmatrix(torch.tensor([[0, 1, 2], [1, 2, 0]]), torch.tensor([7.0, -5.0, 3.0]), (3, 3))
    v = torch.tensor([2.0, 3.0, -2.0])
    fn = operator.truediv if op == "div" else getattr(operator, op)
    ref = [fn(a, b) for a, b in zip(A.val.tolist(), v[A.col].tolist())]
    assert torch.allclose(dglsp.sp_broadcast_v(A, v, op).val, torch.tensor(ref))
