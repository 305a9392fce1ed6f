import pytest
import torch

import graphdl
import graphdl.ops as ops


@pytest.mark.parametrize("reducer", ["sum", "max", "min", "mean"])
def test_segment_reduce(backend, reducer):
    seglen = torch.tensor([2, 0, 3, 1])
    x = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    out = ops.segment_reduce(seglen, x, reducer)
    parts = torch.split(x, seglen.tolist())
    rows = []
    for p in parts:
        if p.shape[0] == 0:
            rows.append(torch.zeros(3, dtype=x.dtype))
        else:
            rows.append({"sum": p.sum(0), "mean": p.mean(0), "max": p.max(0).values, "min": p.min(0).values}[reducer])
    ref = torch.stack(rows)
    torch.testing.assert_close(out, ref)
    assert torch.autograd.gradcheck(lambda a: ops.segment_reduce(seglen, a, reducer), (x,))


def test_segment_softmax(backend):
    seglen = torch.tensor([2, 3, 1])
    x = torch.randn(6, 2, dtype=torch.float64, requires_grad=True)
    ref = torch.cat([torch.softmax(p, 0) for p in torch.split(x, [2, 3, 1])])
    torch.testing.assert_close(ops.segment_softmax(seglen, x), ref)
    assert torch.autograd.gradcheck(lambda a: ops.segment_softmax(seglen, a), (x,))


def test_segment_mm_and_gather_mm():
    a = torch.randn(7, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, 3, 2, dtype=torch.float64, requires_grad=True)
    seglen = torch.tensor([2, 0, 5])
    ref = torch.cat([a[:2] @ b[0], a[2:] @ b[2]])
    torch.testing.assert_close(ops.segment_mm(a, b, seglen), ref)
    assert torch.autograd.gradcheck(lambda x, w: ops.segment_mm(x, w, seglen), (a, b))
    idx = torch.tensor([2, 0, 1, 2, 2, 0, 1])
    ref = torch.stack([a[i] @ b[idx[i]] for i in range(7)])
    torch.testing.assert_close(ops.gather_mm(a, b, idx_b=idx), ref)
    assert torch.autograd.gradcheck(lambda x, w: ops.gather_mm(x, w, idx_b=idx), (a, b))


def test_segment_errors():
    with pytest.raises(graphdl.DGLError, match="sums to"):
        ops.segment_reduce(torch.tensor([1, 2]), torch.randn(4, 2))
    with pytest.raises(graphdl.DGLError, match="idx_b"):
        ops.gather_mm(torch.randn(2, 3), torch.randn(2, 3, 4), idx_b=torch.tensor([0, 5]))
