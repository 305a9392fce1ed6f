import pytest
import torch
import torch.nn.functional as F

from graphdl import DGLError
from graphdl.nn import EdgePredictor, TransE


def test_edge_predictor_ops():
    a, b = torch.randn(5, 4), torch.randn(5, 4)
    torch.testing.assert_close(EdgePredictor("dot")(a, b), (a * b).sum(1, keepdim=True))
    torch.testing.assert_close(EdgePredictor("cos")(a, b), F.cosine_similarity(a, b).unsqueeze(1))
    torch.testing.assert_close(EdgePredictor("ele")(a, b), a * b)
    cat = EdgePredictor("cat", 4, 2, bias=True)
    torch.testing.assert_close(cat(a, b), cat.linear(torch.cat([a, b], 1)))
    assert cat.linear.weight.shape == (2, 8)
    assert EdgePredictor("dot", 4, 3)(a, b).shape == (5, 3)
    with pytest.raises(DGLError):
        EdgePredictor("sum")


def test_transe():
    m = TransE(3, 4, p=2)
    h, t, r = torch.randn(5, 4), torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1])
    torch.testing.assert_close(m(h, t, r), -torch.norm(h + m.rel_emb.weight[r] - t, p=2, dim=-1))
    assert TransE(3, 4)(h, t, r).shape == (5,)


def test_transr_matches_reference():
    from graphdl.nn import TransR

    score = TransR(3, 2, 5, p=2)
    h, t, r = torch.randn(4, 5), torch.randn(4, 5), torch.tensor([0, 2, 1, 2])
    m = score.rel_project.weight.view(3, 5, 2)
    want = torch.stack([-(h[i] @ m[r[i]] + score.rel_emb.weight[r[i]] - t[i] @ m[r[i]]).norm() for i in range(4)])
    out = score(h, t, r)
    torch.testing.assert_close(out, want, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert score.rel_project.weight.grad.abs().sum() > 0
