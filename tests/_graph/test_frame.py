import pytest
import torch

from graphdl import DGLError
from graphdl._graph.frame import Frame


def test_checked_writes():
    f = Frame(4, torch.device("cpu"))
    f["x"] = torch.ones(4, 2)
    assert f["x"].shape == (4, 2)
    with pytest.raises(DGLError, match="3 rows.*4 nodes"):
        f["y"] = torch.ones(3, 2)
    with pytest.raises(DGLError, match="torch.Tensor"):
        f["z"] = [1, 2, 3, 4]
    with pytest.raises(DGLError, match="scalar"):
        f["s"] = torch.tensor(1.0)


def test_set_rows_creates_zero_filled_column():
    f = Frame(5, torch.device("cpu"))
    f.set_rows("x", torch.tensor([1, 3]), torch.tensor([[1.0], [2.0]]))
    assert f["x"].squeeze(1).tolist() == [0.0, 1.0, 0.0, 2.0, 0.0]
    with pytest.raises(DGLError, match="shape"):
        f.set_rows("x", torch.tensor([0]), torch.ones(1, 3))


def test_append_and_keep_rows():
    f = Frame(2, torch.device("cpu"))
    f["x"] = torch.tensor([[1.0], [2.0]])
    f.append_rows(2, {"x": torch.tensor([[3.0], [4.0]]), "y": torch.ones(2)})
    assert f.num_rows == 4
    assert f["x"].squeeze(1).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert f["y"].tolist() == [0.0, 0.0, 1.0, 1.0]
    f.keep_rows(torch.tensor([3, 0]))
    assert f["x"].squeeze(1).tolist() == [4.0, 1.0]
