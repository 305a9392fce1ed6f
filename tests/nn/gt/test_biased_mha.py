import pytest
import torch

from graphdl.base import DGLError
from graphdl.nn import BiasedMHA
from graphdl.nn.gt._attention import biased_attention

from gt_ref import mha_reference


def _inputs(b=3, n=6, d=8, h=2, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(b, n, d, generator=gen)
    bias = torch.randn(b, n, n, h, generator=gen)
    mask = torch.rand(b, n, n, generator=gen) < 0.4
    mask[:, :, 0] = False  # every row keeps one entry
    return x, bias, mask


@pytest.mark.parametrize("kind", ["add", "mul"])
def test_matches_head_by_head_reference(kind):
    x, bias, mask = _inputs()
    mha = BiasedMHA(8, 2, attn_bias_type=kind).eval()
    for b, m in ((None, None), (bias, None), (bias, mask), (None, mask)):
        want = mha_reference(mha, x, b, m, mul=kind == "mul")
        torch.testing.assert_close(mha(x, b, m), want.float(), rtol=1e-4, atol=1e-5)


def test_node_permutation_equivariance():
    x, bias, mask = _inputs()
    mha = BiasedMHA(8, 2).eval()
    p = torch.randperm(6, generator=torch.Generator().manual_seed(3))
    out = mha(x, bias, mask)
    out_p = mha(x[:, p], bias[:, p][:, :, p], mask[:, p][:, :, p])
    torch.testing.assert_close(out_p, out[:, p], rtol=1e-4, atol=1e-5)


def test_dropout_gradients_match_autograd():
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 2, 5, 3, dtype=torch.float64, generator=gen, requires_grad=True) for _ in range(3))
    bias = torch.randn(2, 2, 5, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    mask = torch.zeros(2, 1, 5, 5, dtype=torch.bool)
    mask[..., 1:, 3] = True

    def run(q, k, v, bias):
        torch.manual_seed(7)  # the same dropout mask on every call
        return biased_attention(q, k, v, bias, mask, 0.3, 0.5)

    assert torch.autograd.gradcheck(run, (q, k, v, bias))
    # and the forward is dropout(softmax(.)) @ v with the mask drawn from the same seed
    torch.manual_seed(7)
    keep = torch.rand(2, 2, 5, 5, dtype=torch.float64) >= 0.3
    s = (q @ k.transpose(-1, -2) * 0.5 + bias).masked_fill(mask, float("-inf"))
    want = (torch.softmax(s, -1) * keep / 0.7) @ v
    torch.testing.assert_close(run(q, k, v, bias), want)


def test_gradients_reach_every_parameter_and_the_bias():
    x, bias, mask = _inputs()
    bias.requires_grad_(True)
    mha = BiasedMHA(8, 2)
    mha(x, bias, mask).square().sum().backward()
    for name, p in mha.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert bias.grad.abs().sum() > 0
    # masked pairs get no gradient
    assert bias.grad[mask].abs().max() == 0


def test_bad_shapes():
    x, bias, mask = _inputs()
    mha = BiasedMHA(8, 2)
    with pytest.raises(DGLError, match="attn_bias"):
        mha(x, bias[..., :1])
    with pytest.raises(DGLError, match="attn_mask"):
        mha(x, None, mask[:, :2])
    with pytest.raises(DGLError, match="divisible"):
        BiasedMHA(7, 2)
