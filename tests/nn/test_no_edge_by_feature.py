"""Full-graph convolutions keep no tensor of one row per edge and feature for backward.

On a large graph an ``E × F`` tensor is the largest thing a layer could hold (ogbn-products:
62M edges × 100 features = 25 GB), so the layers that propagate with fused kernels must
save only node-sized tensors and the graph's own index arrays.
"""
import pytest
import torch

import graphdl
from graphdl.nn import GraphConv, SAGEConv

N, E, F = 60, 1500, 8  # E > N * F, so an edge-by-feature tensor is the largest possible


def _graph(idtype):
    gen = torch.Generator().manual_seed(0)
    src = torch.randint(0, N, (E,), generator=gen)
    dst = torch.randint(0, N, (E,), generator=gen)
    return graphdl.graph((src.to(idtype), dst.to(idtype)), num_nodes=N)


def _saved_float_sizes(fn):
    """Element counts of the floating-point tensors autograd saves while ``fn`` runs."""
    sizes = []

    def pack(t):
        if t.is_floating_point():
            sizes.append(t.numel())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return out, sizes


@pytest.mark.parametrize("idtype", [torch.int32, torch.int64])
@pytest.mark.parametrize("make", [
    lambda: SAGEConv(F, 16, "mean"),
    lambda: SAGEConv(F, 4, "mean"),   # projects before propagating
    lambda: SAGEConv(F, 16, "gcn"),
    lambda: GraphConv(F, 16),
    lambda: GraphConv(F, 4),
], ids=["sage-mean", "sage-mean-shrink", "sage-gcn", "gcn", "gcn-shrink"])
def test_no_edge_by_feature_tensor_saved(make, idtype):
    g = _graph(idtype)
    conv = make()
    x = torch.randn(N, F, requires_grad=True)
    out, sizes = _saved_float_sizes(lambda: conv(g, x))
    assert sizes, "the layer saved nothing: the hook did not see its tensors"
    assert max(sizes) < E, f"a tensor of {max(sizes)} elements (E × F = {E * F}) is kept for backward"
    out.sum().backward()
    assert x.grad is not None and x.grad.shape == (N, F)


@pytest.mark.parametrize("idtype", [torch.int32, torch.int64])
def test_weighted_mean_keeps_only_edge_weights(idtype):
    g = _graph(idtype)
    conv = SAGEConv(F, 16, "mean")
    x = torch.randn(N, F, requires_grad=True)
    w = torch.rand(E, requires_grad=True)
    _, sizes = _saved_float_sizes(lambda: conv(g, x, edge_weight=w))
    assert max(sizes) < E * 2, f"a tensor of {max(sizes)} elements is kept for backward"
