import pytest
import torch

from graphdl import DGLError
from graphdl.nn import HeteroEmbedding, HeteroLinear, TypedLinear


@pytest.mark.parametrize("reg", [None, "basis", "bdd"])
def test_typed_linear_matches_loop(reg):
    lin = TypedLinear(6, 4, 3, reg, 2)
    x = torch.randn(9, 6)
    t = torch.tensor([0, 2, 1, 1, 0, 2, 2, 0, 1])
    w = lin.get_weight()
    rows = []
    for i in range(9):
        if reg == "bdd":
            wt = torch.block_diag(*w[t[i]].view(2, 3, 2))
        else:
            wt = w[t[i]]
        rows.append(x[i] @ wt)
    torch.testing.assert_close(lin(x, t), torch.stack(rows), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(lin(x, t.int(), True), torch.stack(rows), rtol=1e-5, atol=1e-6)
    lin(x, t).sum().backward()
    assert all(p.grad is not None for p in lin.parameters())


def test_typed_linear_shapes_and_errors():
    assert TypedLinear(4, 2, 5).W.shape == (5, 4, 2)
    basis = TypedLinear(4, 2, 5, "basis", 3)
    assert basis.W.shape == (3, 4, 2) and basis.coeff.shape == (5, 3)
    assert TypedLinear(4, 2, 5, "bdd", 2).W.shape == (5, 4)
    with pytest.raises(DGLError):
        TypedLinear(4, 2, 5, "basis")
    with pytest.raises(DGLError):
        TypedLinear(4, 3, 5, "bdd", 2)
    with pytest.raises(DGLError):
        TypedLinear(4, 2, 2)(torch.randn(3, 4), torch.tensor([0, 1, 2]))


def test_hetero_linear_and_embedding():
    lin = HeteroLinear({"user": 3, ("user", "plays", "game"): 5}, 2)
    out = lin({"user": torch.randn(4, 3), ("user", "plays", "game"): torch.randn(6, 5)})
    assert out["user"].shape == (4, 2) and out[("user", "plays", "game")].shape == (6, 2)
    with pytest.raises(DGLError):
        lin({"game": torch.randn(2, 3)})
    emb = HeteroEmbedding({"user": 4, ("a", "b", "c"): 3}, 5)
    ids = {"user": torch.tensor([0, 3]), ("a", "b", "c"): torch.tensor([2])}
    out = emb(ids)
    torch.testing.assert_close(out["user"], emb.weight["user"][[0, 3]])
    assert out[("a", "b", "c")].shape == (1, 5)
    assert set(emb.weight) == {"user", ("a", "b", "c")}
    emb.reset_parameters()
