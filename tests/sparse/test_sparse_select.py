import pytest
import torch

import graphdl.sparse as dglsp
from graphdl import DGLError

from sparse_helpers import random_matrix


@pytest.mark.parametrize("dim", [0, 1])
def test_index_select_matches_dense(idtype, dim):
    A, _ = random_matrix((6, 5), 14, idtype, d=2, seed=1, requires_grad=False)
    index = torch.tensor([3, 0, 3, 4])
    out = A.index_select(dim, index)
    assert torch.equal(out.to_dense(), A.to_dense().index_select(dim, index))
    assert out.indices().dtype == idtype
    r = A.range_select(dim, slice(1, 4))
    assert torch.equal(r.to_dense(), A.to_dense().index_select(dim, torch.arange(1, 4)))


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("bias", [False, True])
def test_sample(idtype, replace, bias):
    torch.manual_seed(0)
    A, _ = random_matrix((6, 8), 30, idtype, seed=2, requires_grad=False)
    ids = torch.tensor([0, 2, 5])
    S = A.sample(0, 2, ids, replace=replace, bias=bias)
    assert S.shape == (3, 8)
    sub = A.to_dense().index_select(0, ids)
    deg = (sub != 0).sum(1)
    counts = torch.bincount(S.row.long(), minlength=3)
    expected = torch.full_like(counts, 2) if replace else deg.clamp(max=2)
    assert torch.equal(counts, torch.where(deg > 0, expected, 0))
    # every sampled entry exists in A with its value
    assert torch.equal(sub[S.row.long(), S.col.long()], S.val)
    if not replace:
        assert not S.has_duplicate()


def test_compact(idtype):
    A = dglsp.spmatrix(torch.tensor([[0, 2], [1, 2]], dtype=idtype))
    B, rows = A.compact(0)
    assert rows.tolist() == [0, 2] and B.to_dense().tolist() == [[0, 1, 0], [0, 0, 1]]
    B, rows = A.compact(0, torch.tensor([1, 2]))
    assert rows.tolist() == [1, 2, 0] and B.to_dense().tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0]]
    B, cols = A.compact(1)
    assert cols.tolist() == [1, 2] and B.shape == (3, 2)


def test_bad_selection():
    A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]))
    with pytest.raises(DGLError, match="out of range"):
        A.index_select(0, torch.tensor([5]))
    with pytest.raises(DGLError, match="integer"):
        A.index_select(0, torch.tensor([0.0]))
    with pytest.raises(DGLError, match="dimension"):
        A.index_select(2, torch.tensor([0]))
    with pytest.raises(DGLError, match="step"):
        A.range_select(0, slice(0, 2, 2))
