import torch

from graphdl.nn import EGTLayer
from graphdl.nn.gt import attention_mask


def _reference(layer, h, e, mask):
    """EGT written head by head."""
    b, n, d = h.shape
    heads, dd = layer.num_heads, layer.dot_dim
    hn, en = layer.mha_ln_h(h), layer.mha_ln_e(e)
    qkv = layer.qkv_proj(hn).view(b, n, 3 * dd, heads)
    q, k, v = qkv[:, :, :dd], qkv[:, :, dd:2 * dd], qkv[:, :, 2 * dd:]
    eb, gate = layer.edge_input(en), layer.gate(en)
    outs, hats = [], []
    for hh in range(heads):
        hat = (q[..., hh] @ k[..., hh].transpose(1, 2)).clamp(-5, 5) + eb[..., hh]
        g = torch.sigmoid(gate[..., hh] + mask)
        a = torch.softmax(hat + mask, dim=2) * g
        scale = torch.log(1 + g.sum(2, keepdim=True))
        scale[:, : layer.num_virtual_nodes] = 1.0
        outs.append((a @ v[..., hh]) * scale)
        hats.append(hat)
    va = torch.stack(outs, -1).reshape(b, n, d)
    h1 = h + layer.node_output(va)
    h2 = h1 + layer.node_ffn(h1)
    e1 = e + layer.edge_output(torch.stack(hats, -1))
    return h2, e1 + layer.edge_ffn(e1)


def test_matches_head_by_head_reference_with_padding():
    torch.manual_seed(0)
    layer = EGTLayer(8, 4, 2, num_virtual_nodes=1).eval()
    h, e = torch.randn(2, 5, 8), torch.randn(2, 5, 5, 4)
    valid = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    mask = attention_mask(valid).float() * -1e9
    got_h, got_e = layer(h, e, mask)
    want_h, want_e = _reference(layer, h, e, mask)
    torch.testing.assert_close(got_h, want_h, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(got_e, want_e, rtol=1e-4, atol=1e-5)
    # the real nodes of graph 1 do not see its padding
    alone_h, _ = layer(h[1:, :3], e[1:, :3, :3])
    torch.testing.assert_close(got_h[1, :3], alone_h[0], rtol=1e-4, atol=1e-5)


def test_gradients_reach_every_parameter():
    layer = EGTLayer(8, 4, 2, num_virtual_nodes=0)
    h, e = layer(torch.randn(2, 4, 8), torch.randn(2, 4, 4, 4))
    (h.sum() + e.sum()).backward()
    for name, p in layer.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    only = EGTLayer(8, 4, 2, num_virtual_nodes=0, edge_update=False)
    assert only(torch.randn(1, 3, 8), torch.randn(1, 3, 3, 4)).shape == (1, 3, 8)
