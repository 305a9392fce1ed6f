import pytest
import torch

import graphdl
import graphdl.ops as ops
from graphdl.testing.graphs import get_cases

from reference import edges_of, message, reduce

CASES = ["homo", "bipartite", "block", "zero-degree", "empty", "multigraph"]
SHAPES = [((4,), (4,)), ((3, 4), (3, 1)), ((2, 3), (1,))]


def graphs(idtype):
    return [(n, g) for n, g in get_cases(CASES, idtype=idtype) if n in CASES]


def operands(g, lshape, rshape, dtype=torch.float32):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn((g.num_src_nodes(),) + lshape, generator=gen, dtype=dtype).requires_grad_()
    y = (torch.rand((g.num_edges(),) + rshape, generator=gen, dtype=dtype) + 0.5).requires_grad_()
    return x, y


def grads(out, inputs, seed=1):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(out.shape, generator=gen, dtype=out.dtype)
    used = [t for t in inputs if t is not None]
    gs = torch.autograd.grad((out * w).sum(), used, allow_unused=True)
    return [torch.zeros_like(t) if gr is None else gr for t, gr in zip(used, gs)]


@pytest.mark.parametrize("reducer", ["sum", "max", "min", "mean"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "copy_lhs", "copy_rhs"])
def test_gspmm_matches_reference(backend, idtype, op, reducer):
    for name, g in graphs(idtype):
        src, dst = edges_of(g)
        for lshape, rshape in SHAPES:
            x, y = operands(g, lshape, rshape)
            out = ops.gspmm(g, op, reducer, x, y)
            if op == "copy_lhs":
                msg = message("copy", x, "u", None, None, src, dst)
            elif op == "copy_rhs":
                msg = message("copy", y, "e", None, None, src, dst)
            else:
                msg = message(op, x, "u", y, "e", src, dst)
            ref = reduce(msg, dst, g.num_dst_nodes(), reducer)
            assert out.shape == ref.shape, (name, op, reducer)
            torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5, msg=f"{name} {op} {reducer}")
            if g.num_edges() == 0:
                continue
            for a, b in zip(grads(out, [x, y]), grads(ref, [x, y])):
                torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=f"grad {name} {op} {reducer}")


@pytest.mark.parametrize("name", ["copy_u_sum", "copy_e_max", "u_mul_e_sum", "u_sub_e_min", "u_div_e_mean"])
def test_named_forms(backend, name):
    g = get_cases(["homo"])[0][1]
    x, y = operands(g, (3,), (3,))
    fn = getattr(ops, name)
    parts = name.split("_")
    if parts[0] == "copy":
        args, op = ((x,), "copy_lhs") if parts[1] == "u" else ((y,), "copy_rhs")
        ref = ops.gspmm(g, op, parts[2], x, y)
    else:
        args = (x, y)
        ref = ops.gspmm(g, parts[1], parts[3], x, y)
    torch.testing.assert_close(fn(g, *args), ref)


def test_gradcheck_float64(backend):
    g = graphdl.graph(([0, 1, 2, 2, 3, 0], [1, 2, 0, 1, 1, 3]), num_nodes=5)
    x, y = operands(g, (2, 3), (2, 1), torch.float64)
    for reducer in ["sum", "mean", "max", "min"]:
        assert torch.autograd.gradcheck(lambda a, b: ops.gspmm(g, "mul", reducer, a, b), (x, y))
    assert torch.autograd.gradcheck(lambda a, b: ops.gspmm(g, "add", "sum", a, b), (x, y))


def test_zero_in_degree_gets_zero(backend):
    g = graphdl.graph(([0, 1], [1, 1]), num_nodes=3)
    x = -torch.ones(3, 2) * 5
    for reducer in ["sum", "max", "min", "mean"]:
        out = ops.copy_u_max(g, x) if reducer == "max" else ops.gspmm(g, "copy_lhs", reducer, x, None)
        assert torch.equal(out[0], torch.zeros(2)) and torch.equal(out[2], torch.zeros(2))


def test_max_routes_gradient_to_argmax(backend):
    g = graphdl.graph(([0, 1, 2], [3, 3, 3]), num_nodes=4)
    x = torch.tensor([[1.0, 9.0], [5.0, 2.0], [3.0, 4.0], [0.0, 0.0]], requires_grad=True)
    ops.copy_u_max(g, x).sum().backward()
    assert torch.equal(x.grad, torch.tensor([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]))


def test_bad_shapes_raise():
    g = graphdl.graph(([0, 1], [1, 2]), num_nodes=3)
    with pytest.raises(graphdl.DGLError, match="3 source nodes"):
        ops.copy_u_sum(g, torch.randn(4, 2))
    with pytest.raises(graphdl.DGLError, match="cannot be broadcast"):
        ops.u_mul_e_sum(g, torch.randn(3, 4), torch.randn(2, 3))
    with pytest.raises(graphdl.DGLError, match="reducer"):
        ops.gspmm(g, "copy_lhs", "prod", torch.randn(3, 2), None)


def test_float64_and_double_backward_free_kernels(backend):
    g = get_cases(["homo"])[0][1]
    x, y = operands(g, (5,), (1,), torch.float64)
    out = ops.u_mul_e_sum(g, x, y)
    assert out.dtype == torch.float64


def _scaled_reference(g, x, src_scale, dst_scale, bias):
    """Dense form: diag(dst_scale) @ A @ diag(src_scale) @ x + bias."""
    src, dst = edges_of(g)
    adj = torch.zeros(g.num_dst_nodes(), g.num_src_nodes(), dtype=x.dtype)
    adj.index_put_((dst, src), torch.ones(src.shape[0], dtype=x.dtype), accumulate=True)
    if src_scale is not None:
        adj = adj * src_scale[None, :]
    if dst_scale is not None:
        adj = adj * dst_scale[:, None]
    out = (adj @ x.reshape(x.shape[0], -1)).reshape((adj.shape[0],) + tuple(x.shape[1:]))
    return out if bias is None else out + bias


@pytest.mark.parametrize("factors", ["none", "src", "dst", "both", "both+bias", "bias", "both+rowbias", "rowbias"])
@pytest.mark.parametrize("feat", [(5,), (2, 3)])
def test_copy_u_sum_scaled_matches_dense(backend, idtype, factors, feat):
    for name, g in graphs(idtype):
        gen = torch.Generator().manual_seed(3)
        x = torch.randn((g.num_src_nodes(),) + feat, generator=gen).requires_grad_()
        src_scale = torch.rand(g.num_src_nodes(), generator=gen) + 0.5 if "src" in factors or "both" in factors else None
        dst_scale = torch.rand(g.num_dst_nodes(), generator=gen) + 0.5 if "dst" in factors or "both" in factors else None
        bias = None
        if "rowbias" in factors:
            bias = torch.randn((g.num_dst_nodes(),) + feat, generator=gen).requires_grad_()
        elif "bias" in factors:
            bias = torch.randn(feat, generator=gen).requires_grad_()
        out = ops.copy_u_sum_scaled(g, x, src_scale, dst_scale, bias)
        ref = _scaled_reference(g, x, src_scale, dst_scale, bias)
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5, msg=f"{name} {factors}")
        inputs = [x] if bias is None else [x, bias]
        for a, b in zip(grads(out, inputs), grads(ref, inputs)):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=f"grad {name} {factors}")


@pytest.mark.parametrize("factors", ["mean", "src+mean", "dst+mean", "both+mean+bias"])
def test_copy_u_sum_scaled_mean_with_scales(backend, idtype, factors):
    # the mean divides before dst_scale applies; the gradient must keep both factors
    for name, g in graphs(idtype):
        gen = torch.Generator().manual_seed(7)
        x = torch.randn(g.num_src_nodes(), 4, generator=gen).requires_grad_()
        src_scale = torch.rand(g.num_src_nodes(), generator=gen) + 0.5 if "src" in factors or "both" in factors else None
        dst_scale = torch.rand(g.num_dst_nodes(), generator=gen) + 0.5 if "dst" in factors or "both" in factors else None
        bias = torch.randn(4, generator=gen).requires_grad_() if "bias" in factors else None
        deg = g.in_degrees().to(torch.float32).clamp(min=1)
        inv = 1.0 / deg if dst_scale is None else dst_scale / deg
        out = ops.copy_u_sum_scaled(g, x, src_scale, dst_scale, bias, mean=True)
        ref = _scaled_reference(g, x, src_scale, inv, bias)
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5, msg=f"{name} {factors}")
        inputs = [x] if bias is None else [x, bias]
        for a, b in zip(grads(out, inputs), grads(ref, inputs)):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=f"grad {name} {factors}")


def test_copy_u_sum_scaled_gradcheck(backend):
    g = get_cases(["zero-degree"])[0][1]
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(g.num_src_nodes(), 3, generator=gen, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(3, generator=gen, dtype=torch.float64, requires_grad=True)
    s = torch.rand(g.num_src_nodes(), generator=gen, dtype=torch.float64) + 0.5
    d = torch.rand(g.num_dst_nodes(), generator=gen, dtype=torch.float64) + 0.5
    assert torch.autograd.gradcheck(lambda x, b: ops.copy_u_sum_scaled(g, x, s, d, b), (x, bias))
    assert torch.autograd.gradgradcheck(lambda x, b: ops.copy_u_sum_scaled(g, x, s, d, b), (x, bias))
    rows = torch.randn(g.num_dst_nodes(), 3, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, b: ops.copy_u_sum_scaled(g, x, s, d, b), (x, rows))


def test_copy_u_sum_scaled_with_trainable_scales_falls_back_to_autograd(backend):
    g = get_cases(["homo"])[0][1]
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(g.num_src_nodes(), 4, generator=gen, requires_grad=True)
    s = (torch.rand(g.num_src_nodes(), generator=gen) + 0.5).requires_grad_()
    d = (torch.rand(g.num_dst_nodes(), generator=gen) + 0.5).requires_grad_()
    out = ops.copy_u_sum_scaled(g, x, s, d)
    ref = _scaled_reference(g, x, s, d, None)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    for a, b in zip(grads(out, [x, s, d]), grads(ref, [x, s, d])):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)


def test_copy_u_sum_scaled_rejects_wrong_shapes():
    g = get_cases(["homo"])[0][1]
    x = torch.randn(g.num_src_nodes(), 4)
    with pytest.raises(graphdl.DGLError, match="src_scale"):
        ops.copy_u_sum_scaled(g, x, src_scale=torch.ones(g.num_src_nodes() + 1))
    with pytest.raises(graphdl.DGLError, match="dst_scale"):
        ops.copy_u_sum_scaled(g, x, dst_scale=torch.ones(g.num_dst_nodes(), 1))
    with pytest.raises(graphdl.DGLError, match="bias"):
        ops.copy_u_sum_scaled(g, x, bias=torch.ones(5))
    with pytest.raises(graphdl.DGLError, match="bias"):
        ops.copy_u_sum_scaled(g, x, bias=torch.ones(g.num_dst_nodes() + 1, 4))
    with pytest.raises(graphdl.DGLError, match="first dimension"):
        ops.copy_u_sum_scaled(g, x[:-1])


def test_mean_reducer_gradcheck_on_zero_in_degree(backend):
    g = get_cases(["zero-degree"])[0][1]
    x = torch.randn(g.num_src_nodes(), 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: ops.copy_u_mean(g, x), (x,))


@pytest.mark.parametrize("shapes", [((6,), (1,)), ((3, 4), (3, 1)), ((1, 5), (1, 1))])
def test_weighted_sum_gradients(backend, idtype, shapes):
    """u_mul_e_sum with one weight per edge (and head), the aggregation of GAT and of weighted
    GCN: both gradients against the gather-then-scatter reference."""
    lshape, rshape = shapes
    for name, g in graphs(idtype):
        x, y = operands(g, lshape, rshape)
        out = ops.u_mul_e_sum(g, x, y)
        src, dst = edges_of(g)
        ref = reduce(message("mul", x, "u", y, "e", src, dst), dst, g.num_dst_nodes(), "sum")
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5, msg=name)
        if g.num_edges() == 0:
            continue
        for a, b in zip(grads(out, [x, y]), grads(ref, [x, y])):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=f"grad {name}")


def test_weighted_sum_second_derivatives(backend):
    g = get_cases(["multigraph"])[0][1]
    x, y = operands(g, (2, 3), (2, 1), dtype=torch.float64)
    assert torch.autograd.gradgradcheck(lambda x, y: ops.u_mul_e_sum(g, x, y), (x, y))


@pytest.mark.parametrize("reducer", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("feat_shape", [(3,), (2, 3), ()])
def test_update_all_on_a_graph_without_nodes(reducer, feat_shape):
    import graphdl
    import graphdl.function as fn

    g = graphdl.graph(([], []), num_nodes=0)
    h = torch.zeros((0,) + feat_shape, requires_grad=True)
    g.ndata["h"] = h
    g.update_all(fn.copy_u("h", "m"), getattr(fn, reducer)("m", "s"))
    assert g.ndata["s"].shape == (0,) + feat_shape
    g.ndata["s"].sum().backward()
    assert h.grad.shape == h.shape
