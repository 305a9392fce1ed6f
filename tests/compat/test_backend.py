"""graphdl.compat.backend (``dgl.backend``): DGL's tensor-adapter functions over torch."""
import numpy as np
import pytest
import torch

from graphdl.compat import backend as F


def test_tensor_and_numpy_round_trip():
    assert F.tensor(3).tolist() == [3]
    assert F.tensor([1, 2], dtype=F.int32).dtype == torch.int32
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    np.testing.assert_array_equal(F.asnumpy(x), [[1.0, 2.0]])
    sp = torch.sparse_coo_tensor([[0], [1]], [5.0], (2, 2))
    np.testing.assert_array_equal(F.asnumpy(sp), [[0.0, 5.0], [0.0, 0.0]])
    assert F.as_scalar(torch.tensor([7])) == 7
    a = np.arange(3)
    assert F.zerocopy_to_numpy(F.zerocopy_from_numpy(a)) is not None
    assert F.data_type_dict["int64"] is torch.int64 and F.reverse_data_type_dict[torch.float32] == "float32"


def test_row_operations_match_indexing():
    data = torch.arange(12.0).reshape(4, 3)
    idx = torch.tensor([2, 0], dtype=torch.int32)
    assert torch.equal(F.gather_row(data, idx), data[[2, 0]])
    new = F.scatter_row(data, idx, torch.zeros(2, 3))
    assert torch.equal(new[[2, 0]], torch.zeros(2, 3)) and torch.equal(data[2], torch.tensor([6.0, 7, 8]))
    assert torch.equal(F.narrow_row(data, 1, 3), data[1:3])
    assert torch.equal(F.slice_axis(data, 1, 1, 3), data[:, 1:3])
    assert torch.equal(F.boolean_mask(data, torch.tensor([1, 0, 0, 1])), data[[0, 3]])
    assert torch.equal(F.nonzero_1d(torch.tensor([0, 3, 0, 1])), torch.tensor([1, 3]))
    assert torch.equal(F.repeat(torch.tensor([1, 2]), torch.tensor([2, 1]), 0), torch.tensor([1, 1, 2]))
    assert torch.equal(F.take(data, torch.tensor([[0, 1]]), 0), data[[0, 1]].reshape(1, 2, 3))


def test_reductions_keep_dgl_argument_order():
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert torch.equal(F.sum(x, 0), torch.tensor([4.0, 7.0]))
    assert F.sum(x, 1, keepdims=True).shape == (2, 1)
    assert torch.equal(F.max(x, 1), torch.tensor([5.0, 3.0]))
    assert torch.equal(F.min(x, 0), torch.tensor([1.0, 2.0]))
    assert float(F.reduce_sum(x)) == 11.0
    assert F.allclose(x, x + 1e-6) and not F.allclose(x, x + 1)


def test_pad_and_pack_are_inverse():
    x = torch.arange(5.0).reshape(5, 1)
    padded = F.pad_packed_tensor(x, [2, 3], -1.0)
    assert padded.shape == (2, 3, 1)
    assert padded[0, 2, 0] == -1.0 and padded[1, 0, 0] == 2.0
    assert torch.equal(F.pack_padded_tensor(padded, [2, 3]), x)
    assert F.pad_packed_tensor(x, [2, 3], 0.0, l_min=6).shape == (2, 6, 1)


def test_gradient_helpers():
    x = F.attach_grad(torch.tensor([1.0, 2.0]))
    with F.record_grad():
        y = (x * x).sum()
    F.backward(y)
    assert torch.equal(F.grad(x), torch.tensor([2.0, 4.0]))
    assert not F.is_no_grad(x)
    F.attach_grad(x)
    assert F.is_no_grad(x)


def test_sparse_matrix_formats():
    m, _ = F.sparse_matrix(torch.tensor([1.0, 2.0]), ("coo", torch.tensor([[0, 1], [1, 0]])), (2, 2))
    assert torch.equal(m.to_dense(), torch.tensor([[0.0, 1.0], [2.0, 0.0]]))
    m, _ = F.sparse_matrix(torch.tensor([1.0, 2.0]), ("csr", torch.tensor([1, 0]), torch.tensor([0, 1, 2])), (2, 2))
    assert torch.equal(m.to_dense(), torch.tensor([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(TypeError):
        F.sparse_matrix(torch.ones(1), ("csc",), (1, 1))


def test_shapes_may_be_ints():
    assert F.ones(3, F.float32, F.cpu()).shape == (3,)
    assert F.zeros((2, 1), F.int64, F.cpu()).dtype == torch.int64
    assert F.empty(4, F.float64, F.cpu()).shape == (4,)
