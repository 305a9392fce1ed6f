import pytest
import torch

from graphdl import DGLError
from graphdl.nn import NodeEmbedding
from graphdl.optim import SparseAdagrad, SparseAdam


def test_sparse_adam_matches_dense_adam_on_used_rows():
    torch.manual_seed(0)
    init = torch.randn(6, 3)
    emb = NodeEmbedding(6, 3, "a", init_func=lambda t: t.copy_(init))
    opt = SparseAdam([emb], lr=0.1)
    dense = torch.nn.Parameter(init.clone())
    ref = torch.optim.Adam([dense], lr=0.1)
    target = torch.randn(6, 3)
    ids = torch.tensor([0, 2, 5, 2])
    for _ in range(3):
        opt.zero_grad()
        loss = ((emb(ids) - target[ids]) ** 2).sum()
        loss.backward()
        opt.step()
        ref.zero_grad()
        ((dense[ids] - target[ids]) ** 2).sum().backward()
        ref.step()
    # float32 Adam steps round differently in the two implementations; a wrong update rule
    # would be off by orders of magnitude more than this tolerance
    torch.testing.assert_close(emb.weight, dense.detach(), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(emb.weight[[1, 3, 4]], init[[1, 3, 4]])  # untouched rows stay put
    assert emb.trace == []


def test_sparse_adagrad_and_errors():
    emb = NodeEmbedding(4, 2, "b", init_func=lambda t: t.fill_(1.0))
    opt = SparseAdagrad([emb], lr=0.5)
    emb(torch.tensor([1])).sum().backward()
    opt.step()
    torch.testing.assert_close(emb.weight[1], torch.full((2,), 0.5), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(emb.weight[0], torch.ones(2))
    with pytest.raises(DGLError):
        SparseAdam([], lr=0.1)
    with pytest.raises(DGLError):
        SparseAdam([emb, NodeEmbedding(2, 2, "b")], lr=0.1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_zero_grad_after_forward_and_first_step_as_torch(dtype):
    # DGL's order forward; zero_grad; backward; step applies the batch (zero_grad only marks
    # the recorded rows to be dropped after the step); the first step equals torch's SparseAdam
    torch.manual_seed(0)
    init = torch.rand(10, 4)
    emb = NodeEmbedding(10, 4, "z", init_func=lambda t: t.copy_(init))
    ref = torch.nn.Embedding(10, 4, sparse=True)
    ref.weight.data.copy_(init)
    opt = SparseAdam([emb], lr=0.01, dtype=dtype)
    ref_opt = torch.optim.SparseAdam(list(ref.parameters()), lr=0.01)
    ids = torch.tensor([3, 1, 3, 7])
    labels = torch.zeros(4, dtype=torch.long)
    out = emb(ids)
    opt.zero_grad()
    ref_opt.zero_grad()
    torch.nn.functional.cross_entropy(out, labels).backward()
    torch.nn.functional.cross_entropy(ref(ids), labels).backward()
    opt.step()
    ref_opt.step()
    torch.testing.assert_close(emb.weight, ref.weight.detach(), rtol=1e-4, atol=1e-4)
    assert not torch.equal(emb.weight, init)
    assert emb.trace == [] and opt._state["z"]["mem"].dtype == dtype


def test_rows_stay_recorded_without_zero_grad():
    emb = NodeEmbedding(3, 1, "k", init_func=lambda t: t.fill_(0.0))
    opt = SparseAdagrad([emb], lr=1.0, eps=0.0)
    emb(torch.tensor([1])).sum().backward()
    opt.step()
    assert len(emb.trace) == 1
    opt.step()  # the same gradient again: G = 2, w = -1 - 1/sqrt(2)
    torch.testing.assert_close(emb.weight[1], torch.tensor([-1.0 - 2 ** -0.5]))
    opt.zero_grad()
    opt.step()
    assert emb.trace == []
    with pytest.raises(DGLError, match="float32 or float16"):
        SparseAdam([emb], lr=0.1, dtype=torch.float64)
