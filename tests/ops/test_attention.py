"""The fused GAT attention kernel against a per-destination loop, forward and backward."""
import pytest
import torch
import torch.nn.functional as F

import graphdl
import graphdl.ops as ops
from graphdl.testing.graphs import get_cases

from reference import edges_of

CASES = ["homo", "bipartite", "block", "zero-degree", "empty", "multigraph"]


def _reference(g, ft, el, er, slope):
    """One destination at a time: scores, softmax over its in-edges, weighted sum."""
    src, dst = edges_of(g)
    heads, dim = ft.shape[1], ft.shape[2]
    out = torch.zeros(g.num_dst_nodes(), heads, dim, dtype=ft.dtype)
    att = torch.zeros(g.num_edges(), heads, 1, dtype=ft.dtype)
    rows, atts = [], []
    for v in range(g.num_dst_nodes()):
        e = (dst == v).nonzero().reshape(-1)
        if e.numel() == 0:
            rows.append(torch.zeros(heads, dim, dtype=ft.dtype))
            continue
        z = F.leaky_relu(el[src[e]].reshape(-1, heads) + er[v].reshape(1, heads), slope)
        a = torch.softmax(z, 0)
        rows.append((a[:, :, None] * ft[src[e]]).sum(0))
        atts.append((e, a))
    if rows:
        out = torch.stack(rows)
    for e, a in atts:
        att = att.index_put((e,), a[:, :, None])
    return out, att


def _inputs(g, heads=3, dim=4, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    ft = torch.randn(g.num_src_nodes(), heads, dim, generator=gen, dtype=dtype).requires_grad_()
    el = torch.randn(g.num_src_nodes(), heads, 1, generator=gen, dtype=dtype).requires_grad_()
    er = torch.randn(g.num_dst_nodes(), heads, 1, generator=gen, dtype=dtype).requires_grad_()
    return ft, el, er


@pytest.mark.parametrize("use_att", [False, True])
def test_gat_attention_matches_loop(backend, idtype, use_att):
    for name, g in get_cases(CASES, idtype=idtype):
        if name not in CASES:
            continue
        ft, el, er = _inputs(g)
        out, att = ops.gat_attention(g, ft, el, er, 0.2)
        ref_out, ref_att = _reference(g, ft, el, er, 0.2)
        torch.testing.assert_close(out, ref_out, rtol=1e-5, atol=1e-5, msg=name)
        torch.testing.assert_close(att, ref_att, rtol=1e-5, atol=1e-5, msg=name)
        if g.num_edges() == 0:
            continue
        gen = torch.Generator().manual_seed(1)
        w_out = torch.randn(out.shape, generator=gen)
        w_att = torch.randn(att.shape, generator=gen)

        def loss(o, a):
            return (o * w_out).sum() + ((a * w_att).sum() if use_att else 0)

        got = torch.autograd.grad(loss(out, att), (ft, el, er))
        want = torch.autograd.grad(loss(ref_out, ref_att), (ft, el, er))
        for a, b, what in zip(got, want, ("ft", "el", "er")):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=f"{name} grad {what}")


def test_gat_attention_gradcheck(backend):
    g = get_cases(["zero-degree"])[0][1]
    ft, el, er = _inputs(g, heads=2, dim=3, dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda f, l, r: ops.gat_attention(g, f, l, r, 0.1), (ft, el, er))


def test_gat_attention_only_needed_gradients(backend):
    g = get_cases(["homo"])[0][1]
    ft, el, er = _inputs(g)
    ft = ft.detach()
    out, _ = ops.gat_attention(g, ft, el, er)
    gl, gr = torch.autograd.grad(out.sum(), (el, er))
    ref, _ = _reference(g, ft, el, er, 0.2)
    rl, rr = torch.autograd.grad(ref.sum(), (el, er))
    torch.testing.assert_close(gl, rl, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(gr, rr, rtol=1e-4, atol=1e-4)


def test_gat_attention_refuses_second_derivatives():
    g = get_cases(["homo"])[0][1]
    ft, el, er = _inputs(g)
    out, _ = ops.gat_attention(g, ft, el, er)
    with pytest.raises(graphdl.DGLError, match="Second derivatives"):
        torch.autograd.grad(out.pow(2).sum(), (ft,), create_graph=True)


def test_gat_attention_rejects_bad_shapes():
    g = get_cases(["homo"])[0][1]
    ft, el, er = _inputs(g)
    with pytest.raises(graphdl.DGLError, match="feat_src"):
        ops.gat_attention(g, ft.reshape(ft.shape[0], -1), el, er)
    with pytest.raises(graphdl.DGLError, match="el must have shape"):
        ops.gat_attention(g, ft, el[:, :2], er)
    with pytest.raises(graphdl.DGLError, match="er must have shape"):
        ops.gat_attention(g, ft, el, er[:-1])
    with pytest.raises(graphdl.DGLError, match="source nodes"):
        ops.gat_attention(g, ft[:-1], el, er)
