"""The registration helper: custom operators where torch has them, and the autograd.Function
form (what torch 2.2 and 2.3 run) checked against the references on every torch."""
from __future__ import annotations  # on purpose: kernel_op must cope with string annotations

import sys
from typing import Optional, Tuple

import pytest
import torch
from torch import Tensor

import graphdl.ops as ops
from graphdl._compat_torch import HAS_CUSTOM_OP
import graphdl.ops.edge_softmax
import graphdl.ops.sddmm
import graphdl.ops.spmm
from graphdl.ops._register import function_op, kernel_op, registered_ops
from graphdl.ops._topology import graph_topology
from graphdl.testing.graphs import get_cases

from reference import edges_of, message, reduce

edge_softmax_mod = sys.modules["graphdl.ops.edge_softmax"]  # the package re-exports a function of that name
sddmm_mod = sys.modules["graphdl.ops.sddmm"]
spmm_mod = sys.modules["graphdl.ops.spmm"]

# every operator graphdl registers, and the module attribute that holds it
OPERATORS = {
    "graphdl::spmm_sum": (spmm_mod, "_spmm_sum_op"),
    "graphdl::spmm_copy_scaled": (spmm_mod, "_spmm_copy_scaled_op"),
    "graphdl::spmm_extreme": (spmm_mod, "_spmm_extreme_op"),
    "graphdl::sddmm": (sddmm_mod, "_sddmm_op"),
    "graphdl::edge_softmax": (edge_softmax_mod, "_edge_softmax_op"),
    "graphdl::edge_softmax_backward": (edge_softmax_mod, "_edge_softmax_backward_op"),
}


@pytest.fixture
def function_ops(monkeypatch):
    """Swap every graphdl operator for its autograd.Function form (backwards included)."""
    for name, (module, attr) in OPERATORS.items():
        monkeypatch.setattr(module, attr, function_op(name))


def test_every_operator_uses_the_mechanism_torch_offers():
    mechanisms = {n: m for n, m in registered_ops().items() if n.startswith("graphdl::")}
    assert set(mechanisms) == set(OPERATORS)
    for name, mechanism in mechanisms.items():
        if HAS_CUSTOM_OP:  # every signature must be one this torch's custom_op reads
            assert mechanism == "custom_op", (name, mechanism)
        else:
            assert mechanism.startswith("autograd.Function"), (name, mechanism)


def _graph(idtype=torch.int64):
    return get_cases(["multigraph"], idtype=idtype)[0][1]


def _weighted(out, inputs):
    w = torch.randn(out.shape, generator=torch.Generator().manual_seed(1), dtype=out.dtype)
    return torch.autograd.grad((out * w).sum(), inputs)


@pytest.mark.parametrize("idtype", [torch.int32, torch.int64], ids=["int32", "int64"])
@pytest.mark.parametrize("reducer", ["sum", "max", "mean"])
def test_function_form_gspmm_matches_reference(function_ops, backend, idtype, reducer):
    g = _graph(idtype)
    src, dst = edges_of(g)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(g.num_src_nodes(), 3, 2, generator=gen, requires_grad=True)
    y = (torch.rand(g.num_edges(), 3, 1, generator=gen) + 0.5).requires_grad_()
    out = ops.gspmm(g, "mul", reducer, x, y)
    ref = reduce(message("mul", x, "u", y, "e", src, dst), dst, g.num_dst_nodes(), reducer)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    for a, b in zip(_weighted(out, (x, y)), _weighted(ref, (x, y))):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
    copy = ops.copy_u_mean(g, x) if reducer == "mean" else ops.gspmm(g, "copy_lhs", reducer, x, None)
    ref = reduce(message("copy", x, "u", None, None, src, dst), dst, g.num_dst_nodes(), reducer)
    torch.testing.assert_close(copy, ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(_weighted(copy, (x,))[0], _weighted(ref, (x,))[0], rtol=1e-4, atol=1e-4)


def test_function_form_gsddmm_and_edge_softmax(function_ops, backend):
    g = _graph()
    src, dst = edges_of(g)
    x = torch.randn(g.num_src_nodes(), 2, 4, requires_grad=True)
    out = ops.u_dot_v(g, x, x)
    ref = message("dot", x, "u", x, "v", src, dst)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(_weighted(out, (x,))[0], _weighted(ref, (x,))[0], rtol=1e-4, atol=1e-4)
    logits = torch.randn(g.num_edges(), 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a: ops.edge_softmax(g, a), (logits,))


def test_function_form_second_derivatives(function_ops, backend):
    g = _graph()
    x = torch.randn(g.num_src_nodes(), 2, 3, dtype=torch.float64, requires_grad=True)
    y = torch.rand(g.num_edges(), 2, 1, dtype=torch.float64).add(0.5).requires_grad_()
    assert torch.autograd.gradgradcheck(lambda a, b: ops.u_mul_e_sum(g, a, b), (x, y))
    s = torch.rand(g.num_src_nodes(), dtype=torch.float64) + 0.5
    bias = torch.randn(3, dtype=torch.float64, requires_grad=True)
    x2 = torch.randn(g.num_src_nodes(), 3, dtype=torch.float64, requires_grad=True)
    # keyword arguments and defaults reach the Function form as they reach the custom op
    assert torch.autograd.gradgradcheck(lambda a, b: ops.copy_u_sum_scaled(g, a, src_scale=s, bias=b), (x2, bias))


def test_function_form_index_output_has_no_gradient(function_ops):
    g = _graph()
    topo = graph_topology(g._adj(), transpose=True)
    x = torch.randn(g.num_src_nodes(), 3, requires_grad=True)
    out, arg = spmm_mod._spmm_extreme_op(*topo.tensors(), x, None, "copy", "u", "e", "max")
    assert out.requires_grad and not arg.requires_grad and arg.dtype == torch.int64


def test_function_form_without_backward_says_so():
    def _triple(x: Tensor) -> Tensor:
        return x * 3

    kernel_op("graphdl_test::triple_nograd", _triple, fake=lambda x: torch.empty_like(x))
    op = function_op("graphdl_test::triple_nograd")
    out = op(torch.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError, match="no derivative"):
        out.sum().backward()


def _scale_and_index(x: Tensor, scale: Optional[Tensor], times: int = 2) -> Tuple[Tensor, Tensor]:
    y = x * times if scale is None else x * scale * times
    return y, torch.arange(x.shape[0])


def _scale_and_index_fake(x, scale, times=2):
    return torch.empty_like(x), torch.empty(x.shape[0], dtype=torch.int64)


def _scale_and_index_setup(ctx, inputs, output) -> None:
    ctx.save_for_backward(inputs[1])
    ctx.times = inputs[2]


def _scale_and_index_backward(ctx, grad, grad_index):
    (scale,) = ctx.saved_tensors
    g = grad * ctx.times if scale is None else grad * scale * ctx.times
    return g, None, None


def test_string_annotations_and_tuple_returns_register():
    # this module's annotations are strings; the return is a Tuple: torch 2.4 and 2.6 refused
    # one or the other when given them as written
    op = kernel_op("graphdl_test::scale_and_index", _scale_and_index, fake=_scale_and_index_fake,
                   setup_context=_scale_and_index_setup, backward=_scale_and_index_backward)
    if HAS_CUSTOM_OP:
        assert registered_ops()["graphdl_test::scale_and_index"] == "custom_op"
    for form in (op, function_op("graphdl_test::scale_and_index")):
        x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
        y, idx = form(x, None, times=3)
        torch.testing.assert_close(y, x * 3)
        assert idx.tolist() == [0, 1, 2, 3]
        assert torch.autograd.gradcheck(lambda a: form(a, None, 3)[0], (x,))


def test_setup_without_backward_is_refused():
    with pytest.raises(ValueError, match="both"):
        kernel_op("graphdl_test::half", lambda x: x, fake=lambda x: x, setup_context=lambda c, i, o: None)
