import pytest
import torch

import graphdl
import graphdl.ops as ops
from graphdl.testing.graphs import get_cases

from reference import edges_of, message

CASES = ["homo", "bipartite", "block", "zero-degree", "empty", "multigraph"]
SHAPES = [((4,), (4,)), ((3, 4), (3, 1)), ((2, 3), (3,))]


def rows(g, target):
    return {"u": g.num_src_nodes(), "v": g.num_dst_nodes(), "e": g.num_edges()}[target]


def grads(out, inputs, seed=1):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(out.shape, generator=gen, dtype=out.dtype)
    return torch.autograd.grad((out * w).sum(), inputs, allow_unused=True)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "dot"])
@pytest.mark.parametrize("targets", ["uv", "ue", "vu", "ve", "eu", "ev"])
def test_gsddmm_matches_reference(backend, idtype, op, targets):
    lt, rt = targets
    for name, g in get_cases(CASES, idtype=idtype):
        if name not in CASES:
            continue
        src, dst = edges_of(g)
        for lshape, rshape in SHAPES:
            if op == "dot":
                lshape, rshape = lshape[:-1] + (4,), rshape[:-1] + (4,)
            gen = torch.Generator().manual_seed(0)
            x = torch.randn((rows(g, lt),) + lshape, generator=gen).requires_grad_()
            y = (torch.rand((rows(g, rt),) + rshape, generator=gen) + 0.5).requires_grad_()
            out = ops.gsddmm(g, op, x, y, lt, rt)
            ref = message(op, x, lt, y, rt, src, dst)
            assert out.shape == ref.shape, (name, op, targets)
            torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
            if g.num_edges() == 0:
                continue
            for a, b in zip(grads(out, [x, y]), grads(ref, [x, y])):
                torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=f"grad {name} {op} {targets}")


@pytest.mark.parametrize("target", ["u", "v", "e"])
def test_copy_forms(backend, target):
    g = get_cases(["homo"])[0][1]
    src, dst = edges_of(g)
    x = torch.randn(rows(g, target), 3, requires_grad=True)
    out = getattr(ops, f"copy_{target}")(g, x)
    ref = message("copy", x, target, None, None, src, dst)
    torch.testing.assert_close(out, ref)
    for a, b in zip(grads(out, [x]), grads(ref, [x])):
        torch.testing.assert_close(a, b)


def test_named_forms_match_gsddmm(backend):
    g = get_cases(["homo"])[0][1]
    x = torch.randn(g.num_nodes(), 2, 3)
    e = torch.rand(g.num_edges(), 2, 1) + 0.5
    torch.testing.assert_close(ops.u_add_v(g, x, x), ops.gsddmm(g, "add", x, x, "u", "v"))
    torch.testing.assert_close(ops.e_div_v(g, e, x), ops.gsddmm(g, "div", e, x, "e", "v"))
    torch.testing.assert_close(ops.u_dot_v(g, x, x), (x[g.edges()[0].long()] * x[g.edges()[1].long()]).sum(-1, keepdim=True))


def test_gradcheck_float64(backend):
    g = graphdl.graph(([0, 1, 2, 2, 3, 0], [1, 2, 0, 1, 1, 3]), num_nodes=5)
    x = torch.randn(5, 2, 3, dtype=torch.float64, requires_grad=True)
    e = torch.randn(6, 2, 1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: ops.u_mul_e(g, a, b), (x, e))
    assert torch.autograd.gradcheck(lambda a, b: ops.u_dot_v(g, a, b), (x, x.detach().clone().requires_grad_()))
    assert torch.autograd.gradcheck(lambda a: ops.e_sub_v(g, e, a), (x,))


def test_bad_target_raises():
    g = graphdl.graph(([0, 1], [1, 2]), num_nodes=3)
    with pytest.raises(graphdl.DGLError, match="target"):
        ops.gsddmm(g, "add", torch.randn(3, 2), torch.randn(3, 2), "x", "v")
    with pytest.raises(graphdl.DGLError, match="dot"):
        ops.u_dot_v(g, torch.randn(3, 2), torch.randn(3, 3))
