"""The kernels are torch.library custom operators: they pass opcheck and compile without graph breaks."""
import pytest
import torch

import graphdl
import graphdl.ops as ops
from graphdl._compat_torch import FULLGRAPH_COMPILE_REASON, HAS_CUSTOM_OP, fullgraph_compile_supported
from graphdl.ops._topology import graph_topology
from graphdl.ops.edge_softmax import _edge_softmax_op
from graphdl.ops.sddmm import _sddmm_op
from graphdl.ops.spmm import _spmm_extreme_op, _spmm_sum_op


needs_custom_op = pytest.mark.skipif(
    not HAS_CUSTOM_OP, reason=f"torch {torch.__version__} has no torch.library.custom_op (torch >= 2.4)")
needs_fullgraph = pytest.mark.skipif(
    not fullgraph_compile_supported(), reason=FULLGRAPH_COMPILE_REASON)


def small_graph():
    return graphdl.graph(([0, 1, 2, 2, 3, 0, 4], [1, 2, 0, 1, 1, 3, 4]), num_nodes=6)


@needs_custom_op
def test_opcheck_custom_ops():
    g = small_graph()
    adj = g._adj()
    topo = graph_topology(adj, transpose=True)
    x = torch.randn(6, 2, 3, dtype=torch.float64, requires_grad=True)
    w = torch.randn(7, 2, 1, dtype=torch.float64, requires_grad=True)
    torch.library.opcheck(_spmm_sum_op, (*topo.tensors(), x, w, "mul", "u", "e"))
    torch.library.opcheck(_spmm_extreme_op, (*topo.tensors(), x, w, "add", "u", "e", "max"))
    torch.library.opcheck(_sddmm_op, (*topo.tensors(), x, x.detach().clone(), "dot", "u", "v"))
    logits = torch.randn(7, 2, dtype=torch.float64, requires_grad=True)
    torch.library.opcheck(_edge_softmax_op, (topo.ptr, topo.eid, adj.dst, logits))


@needs_fullgraph
def test_attention_block_compiles_fullgraph():
    g = small_graph()
    g.create_formats_()

    def block(feat, attn):
        el = (feat * attn).sum(-1, keepdim=True)
        e = torch.nn.functional.leaky_relu(ops.u_add_v(g, el, el))
        a = ops.edge_softmax(g, e)
        return ops.u_mul_e_sum(g, feat, a) + ops.copy_u_max(g, feat)

    feat = torch.randn(6, 2, 3, requires_grad=True)
    attn = torch.randn(1, 2, 3, requires_grad=True)
    eager = block(feat, attn)
    ge = torch.autograd.grad(eager.sum(), (feat, attn))
    torch._dynamo.reset()
    compiled = torch.compile(block, fullgraph=True)
    out = compiled(feat, attn)
    gc = torch.autograd.grad(out.sum(), (feat, attn))
    torch.testing.assert_close(out, eager)
    for a, b in zip(gc, ge):
        torch.testing.assert_close(a, b)
