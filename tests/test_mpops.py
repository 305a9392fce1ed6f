"""Top-level edge-wise operators (graphdl.copy_u ... graphdl.u_dot_v) against gather-based
references, forward and backward, on a homogeneous graph and one relation of a heterograph."""
import pytest
import torch

import graphdl


def _check(fn, ref, inputs):
    out = fn(*inputs)
    grads = torch.autograd.grad(out.sum(), inputs[1:])
    want = ref(*[t.detach().requires_grad_() for t in inputs[1:]])
    assert torch.allclose(out, want[0], atol=1e-6)
    want_grads = torch.autograd.grad(want[0].sum(), want[1])
    for a, b in zip(grads, want_grads):
        assert torch.allclose(a, b, atol=1e-5)


_CASES = [(op, s) for op in ("add", "sub", "mul", "div", "dot")
          for s in (((3,), (3,)), ((2, 3), (1, 3)), ((), ())) if not (op == "dot" and s[0] == ())]


@pytest.mark.parametrize("op,shapes", _CASES)
def test_u_op_v(idtype, op, shapes):
    torch.manual_seed(0)
    g = graphdl.rand_graph(12, 40).astype(idtype)
    u, v = g.edges()
    x = torch.randn((12,) + shapes[0], requires_grad=True)
    y = torch.rand((12,) + shapes[1], requires_grad=True) + 0.5
    fn = getattr(graphdl, f"u_{op}_v")

    def ref(x, y):
        a, b = x[u.long()], y[v.long()]
        if op == "dot":
            out = (a * b).sum(-1, keepdim=True)
        else:
            out = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b}[op]
        return out, (x, y)

    _check(lambda g, x, y: fn(g, x, y), ref, (g, x, y))


def test_copy_on_a_relation(idtype):
    hg = graphdl.heterograph({("user", "like", "item"): ([0, 1, 2, 2], [1, 0, 1, 2]),
                              ("user", "follow", "user"): ([0, 1], [1, 2])}, idtype=idtype)
    xu = torch.randn(3, 4, requires_grad=True)
    xi = torch.randn(3, 4, requires_grad=True)
    src, dst = hg.edges(etype="like")
    _check(lambda g, x: graphdl.copy_u(g, x, etype="like"), lambda x: (x[src.long()], (x,)), (hg, xu))
    _check(lambda g, x: graphdl.copy_v(g, x, etype="like"), lambda x: (x[dst.long()], (x,)), (hg, xi))
    assert graphdl.copy_u(hg, xu, etype="follow").shape == (2, 4)
