import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn.gt import attention_mask, from_dense_batch, to_dense_batch


def test_round_trip_and_mask(idtype):
    gs = [graphdl.graph((torch.tensor([0]), torch.tensor([1])), num_nodes=n, idtype=idtype) for n in (3, 2, 4)]
    bg = graphdl.batch(gs)
    feat = torch.arange(9.0).unsqueeze(1).repeat(1, 2)
    dense, valid = to_dense_batch(bg, feat, fill_value=-1.0)
    assert dense.shape == (3, 4, 2)
    assert valid.tolist() == [[True, True, True, False], [True, True, False, False], [True] * 4]
    assert (dense[~valid] == -1).all()
    torch.testing.assert_close(from_dense_batch(bg, dense), feat)
    m = attention_mask(valid)
    assert m[1, 0].tolist() == [False, False, True, True]
    assert not m[1, 3].any()  # padding rows stay open
    assert not m.all(-1).any()


def test_wrong_sizes():
    bg = graphdl.batch([graphdl.graph(([0], [1])), graphdl.graph(([0], [1]))])
    with pytest.raises(DGLError, match="rows"):
        to_dense_batch(bg, torch.zeros(3, 2))
    with pytest.raises(DGLError, match="does not fit"):
        from_dense_batch(bg, torch.zeros(2, 1, 2))
