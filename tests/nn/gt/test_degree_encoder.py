import pytest
import torch

from graphdl.base import DGLError
from graphdl.nn import DegreeEncoder


def test_clamps_and_sums_in_and_out_tables():
    enc = DegreeEncoder(3, 4)
    deg = torch.tensor([[[0, 1, 5]], [[2, 0, 3]]])
    out = enc(deg)
    want = enc.encoder1.weight[torch.tensor([0, 1, 3])] + enc.encoder2.weight[torch.tensor([2, 0, 3])]
    torch.testing.assert_close(out[0], want)
    # degree 0 is the padding row: zero, and it gets no gradient
    assert enc.encoder1.weight[0].abs().sum() == 0
    out.sum().backward()
    assert enc.encoder1.weight.grad[0].abs().sum() == 0 and enc.encoder1.weight.grad[3].abs().sum() > 0


def test_one_direction_and_dtypes():
    enc = DegreeEncoder(4, 2, direction="in")
    for dtype in (torch.int32, torch.int64):
        deg = torch.tensor([[1, 2], [4, 9]], dtype=dtype)
        torch.testing.assert_close(enc(deg), enc.encoder.weight[torch.tensor([[1, 2], [4, 4]])])


def test_bad_input():
    with pytest.raises(DGLError, match="direction"):
        DegreeEncoder(3, 2, direction="sideways")
    with pytest.raises(DGLError, match=r"\(2, B, N\)"):
        DegreeEncoder(3, 2)(torch.zeros(2, 3, dtype=torch.long))
