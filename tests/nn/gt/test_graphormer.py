import torch

import graphdl
from graphdl.nn import GraphormerLayer
from graphdl.nn.gt import attention_mask, from_dense_batch, to_dense_batch

from gt_ref import mha_reference, saved_bytes


def _reference(layer, x, bias, mask):
    """GraphormerLayer in evaluation mode from its parts."""
    def ln(mod, t):
        return torch.nn.functional.layer_norm(t, mod.normalized_shape, mod.weight.double(), mod.bias.double())

    def ffn(t):
        a, b = layer.ffn[0], layer.ffn[3]
        return torch.relu(t @ a.weight.double().T + a.bias.double()) @ b.weight.double().T + b.bias.double()

    x = x.double()
    if layer.norm_first:
        h = x + mha_reference(layer.attn, ln(layer.attn_layer_norm, x).float(), bias, mask)
        return h + ffn(ln(layer.ffn_layer_norm, h))
    h = ln(layer.attn_layer_norm, x + mha_reference(layer.attn, x.float(), bias, mask))
    return ln(layer.ffn_layer_norm, h + ffn(h))


def test_matches_reference():
    gen = torch.Generator().manual_seed(0)
    x, bias = torch.randn(2, 5, 8, generator=gen), torch.randn(2, 5, 5, 2, generator=gen)
    for norm_first in (False, True):
        layer = GraphormerLayer(8, 16, 2, norm_first=norm_first).eval()
        torch.testing.assert_close(layer(x, bias), _reference(layer, x, bias, None).float(), rtol=1e-4, atol=1e-4)


def test_padded_batch_equals_graphs_one_at_a_time(idtype):
    graphs = [graphdl.graph((torch.tensor([0, 1, 2, 3]), torch.tensor([1, 2, 3, 0])), idtype=idtype),
              graphdl.graph((torch.tensor([0, 1]), torch.tensor([1, 0])), idtype=idtype),
              graphdl.graph((torch.tensor([0, 1, 2, 4]), torch.tensor([1, 2, 0, 3])), idtype=idtype)]
    bg = graphdl.batch(graphs)
    feat = torch.randn(bg.num_nodes(), 8)
    dense, valid = to_dense_batch(bg, feat)
    assert dense.shape == (3, 5, 8) and valid.sum() == bg.num_nodes()
    layer = GraphormerLayer(8, 16, 2).eval()
    bias = torch.randn(3, 5, 5, 2)
    out = from_dense_batch(bg, layer(dense, bias, attention_mask(valid)))
    start = 0
    for i, g in enumerate(graphs):
        n = g.num_nodes()
        alone = layer(feat[start:start + n].unsqueeze(0), bias[i:i + 1, :n, :n])
        torch.testing.assert_close(out[start:start + n], alone[0], rtol=1e-4, atol=1e-5)
        start += n


def test_training_mode_gradients_reach_every_parameter():
    layer = GraphormerLayer(8, 16, 2, dropout=0.2, attn_dropout=0.2)
    x = torch.randn(2, 5, 8, requires_grad=True)
    out = layer(x, torch.randn(2, 5, 5, 2))
    (out * torch.linspace(-1, 1, 8)).sum().backward()
    for name, p in layer.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_fused_relu_dropout_gradient():
    from graphdl.nn.gt.graphormer import _ReluDropout

    x = torch.randn(40, 6, dtype=torch.float64, requires_grad=True)

    def run(x):
        torch.manual_seed(5)
        return _ReluDropout.apply(x, 0.3)

    assert torch.autograd.gradcheck(run, (x,))
    torch.manual_seed(5)
    keep = torch.rand(40, 6, dtype=torch.float64) >= 0.3
    torch.testing.assert_close(run(x), torch.relu(x) * keep / 0.7)


def _plain_layer_forward(layer, x, bias, mask):
    """The same layer written with stock autograd ops (softmax, dropout, ReLU modules)."""
    mha = layer.attn
    b, n, d = x.shape
    h, hd = mha.num_heads, mha.head_dim

    def heads(t):
        return t.view(b, n, h, hd).transpose(1, 2)

    q, k, v = heads(mha.q_proj(x)) * mha.scaling, heads(mha.k_proj(x)), heads(mha.v_proj(x))
    s = (q @ k.transpose(-1, -2) + bias.permute(0, 3, 1, 2)).masked_fill(mask.unsqueeze(1), float("-inf"))
    a = torch.nn.functional.dropout(torch.softmax(s, -1), 0.1, True) @ v
    y = layer.attn_layer_norm(x + layer.dropout(mha.out_proj(a.transpose(1, 2).reshape(b, n, d))))
    return layer.ffn_layer_norm(y + layer.ffn(y))


def test_memory_on_128_graphs_of_50_nodes():
    """Autograd keeps fewer bytes for the layer than for the same layer written with stock ops."""
    torch.manual_seed(0)
    layer = GraphormerLayer(32, 64, 4).train()
    x = torch.randn(128, 50, 32, requires_grad=True)
    bias = torch.randn(128, 50, 50, 4, requires_grad=True)
    mask = torch.zeros(128, 50, 50, dtype=torch.bool)
    mine, out = saved_bytes(lambda: layer(x, bias, mask))
    plain, _ = saved_bytes(lambda: _plain_layer_forward(layer, x, bias, mask))
    assert out.shape == (128, 50, 32)
    assert mine <= 0.75 * plain, (mine, plain)
    out.sum().backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(bias.grad).all()
