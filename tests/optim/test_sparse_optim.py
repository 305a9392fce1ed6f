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
