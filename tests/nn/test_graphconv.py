import pytest
import torch

from graphdl import DGLError
from graphdl.nn import EdgeWeightNorm, GraphConv
from graphdl.testing.graphs import get_case

from nn_helpers import (
    check_edge_order_invariance,
    check_grads,
    check_relabel_equivariance,
    dense_adj,
    frame_keys,
    random_graph,
)

NORMS = ["both", "right", "left", "none"]


def dense_graphconv(g, x, weight, bias, norm, edge_weight=None):
    """A X W + b with DGL's degree normalisation written as dense algebra."""
    a = dense_adj(g, edge_weight)
    src, dst = g.edges()
    out_deg = torch.bincount(src.long(), minlength=g.num_src_nodes()).double().clamp(min=1)
    in_deg = torch.bincount(dst.long(), minlength=g.num_dst_nodes()).double().clamp(min=1)
    p = {"both": -0.5, "left": -1.0, "right": -1.0}
    if norm in ("both", "left"):
        a = a * out_deg.pow(p[norm]).unsqueeze(0)
    if norm in ("both", "right"):
        a = a * in_deg.pow(p[norm]).unsqueeze(1)
    out = a @ x.double() @ weight.double()
    if bias is not None:
        out = out + bias.double()
    return out.float()


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("sizes", [(5, 3), (3, 6)])
def test_graphconv_matches_dense(idtype, norm, sizes):
    g = random_graph(12, 40, idtype)
    conv = GraphConv(*sizes, norm=norm)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    x = torch.randn(12, sizes[0])
    out = conv(g, x)
    torch.testing.assert_close(out, dense_graphconv(g, x, conv.weight, conv.bias, norm), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("norm", NORMS)
def test_graphconv_edge_weight_matches_dense(idtype, norm):
    g = random_graph(10, 30, idtype)
    w = torch.rand(g.num_edges()) + 0.1
    conv = GraphConv(4, 3, norm=norm)
    x = torch.randn(10, 4)
    ref = dense_graphconv(g, x, conv.weight, conv.bias, norm, edge_weight=w)
    torch.testing.assert_close(conv(g, x, edge_weight=w), ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["block", "bipartite"])
def test_graphconv_block_and_bipartite(idtype, name):
    g = get_case(name, idtype)
    conv = GraphConv(4, 3, norm="both")
    xs = torch.randn(g.num_src_nodes(), 4)
    if name == "block":
        out = conv(g, xs)
    else:
        out = conv(g, (xs, torch.randn(g.num_dst_nodes(), 4)))
    assert out.shape == (g.num_dst_nodes(), 3)
    torch.testing.assert_close(out, dense_graphconv(g, xs, conv.weight, conv.bias, "both"), rtol=1e-4, atol=1e-5)


def test_graphconv_no_weight_and_external_weight(idtype):
    g = random_graph(8, 20, idtype)
    x = torch.randn(8, 4)
    w = torch.randn(4, 2)
    conv = GraphConv(4, 2, weight=False, bias=False)
    assert conv.weight is None
    torch.testing.assert_close(conv(g, x, weight=w), dense_graphconv(g, x, w, None, "both"), rtol=1e-4, atol=1e-5)
    prop = GraphConv(4, 4, weight=False, bias=False)
    torch.testing.assert_close(prop(g, x), dense_graphconv(g, x, torch.eye(4), None, "both"), rtol=1e-4, atol=1e-5)
    with pytest.raises(DGLError):
        GraphConv(4, 2)(g, x, weight=w)


def test_graphconv_invariances(idtype):
    g = random_graph(11, 35, idtype)
    conv = GraphConv(5, 3)
    x = torch.randn(11, 5)
    w = torch.rand(g.num_edges())
    check_edge_order_invariance(lambda gg, ew: conv(gg, x, edge_weight=ew), g, w)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)


def test_graphconv_int32_equals_int64():
    g64 = random_graph(9, 25, torch.int64)
    conv = GraphConv(4, 3)
    x = torch.randn(9, 4)
    torch.testing.assert_close(conv(g64.int(), x), conv(g64, x))


def test_graphconv_zero_in_degree(idtype):
    g = get_case("zero-degree", idtype)
    x = torch.randn(g.num_nodes(), 3)
    with pytest.raises(DGLError, match="in-edges"):
        GraphConv(3, 2)(g, x)
    out = GraphConv(3, 2, allow_zero_in_degree=True)(g, x)
    assert out.shape == (g.num_nodes(), 2)
    conv = GraphConv(3, 2)
    conv.set_allow_zero_in_degree(True)
    assert torch.isfinite(conv(g, x)).all()


def test_graphconv_grads_activation_and_scope(idtype):
    g = random_graph(8, 20, idtype)
    g.ndata["keep"] = torch.zeros(8)
    before = frame_keys(g)
    conv = GraphConv(4, 3, activation=torch.relu)
    out = conv(g, torch.randn(8, 4))
    assert (out >= 0).all()
    assert frame_keys(g) == before
    conv2 = GraphConv(4, 3)
    check_grads(conv2, conv2(g, torch.randn(8, 4)))


def test_graphconv_bad_arguments(idtype):
    g = random_graph(5, 8, idtype)
    with pytest.raises(DGLError):
        GraphConv(3, 2, norm="sym")
    with pytest.raises(DGLError, match="edge_weight"):
        GraphConv(3, 2)(g, torch.randn(5, 3), edge_weight=torch.ones(3))


def test_graphconv_reset_parameters():
    conv = GraphConv(4, 3)
    with torch.no_grad():
        conv.bias.fill_(2.0)
    conv.reset_parameters()
    assert torch.all(conv.bias == 0)


@pytest.mark.parametrize("norm", NORMS)
def test_edge_weight_norm_matches_dense(idtype, norm):
    g = random_graph(10, 30, idtype)
    w = torch.rand(g.num_edges()) + 0.1
    got = EdgeWeightNorm(norm=norm)(g, w)
    src, dst = g.edges()
    a = dense_adj(g, w)
    out_w = a.sum(0)[src.long()]
    in_w = a.sum(1)[dst.long()]
    want = w.double()
    if norm == "both":
        want = want / out_w.sqrt() / in_w.sqrt()
    elif norm == "left":
        want = want / out_w
    elif norm == "right":
        want = want / in_w
    torch.testing.assert_close(got.double(), want, rtol=1e-5, atol=1e-6)


def test_edge_weight_norm_rejects_negative(idtype):
    g = random_graph(5, 8, idtype)
    w = torch.rand(g.num_edges())
    w[0] = -1.0
    with pytest.raises(DGLError):
        EdgeWeightNorm("both")(g, w)
    with pytest.raises(DGLError):
        EdgeWeightNorm("sym")


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("sizes", [(5, 3), (3, 6)])
def test_graphconv_gradients_match_dense(idtype, norm, sizes):
    """Norms and bias are folded into the propagation kernel: its gradients must still be those
    of the dense formula, for the input, the weight and the bias."""
    g = random_graph(12, 40, idtype)
    conv = GraphConv(*sizes, norm=norm)
    torch.nn.init.uniform_(conv.bias, -1, 1)
    x = torch.randn(12, sizes[0], requires_grad=True)
    w = torch.randn(12, sizes[1])
    got = torch.autograd.grad((conv(g, x) * w).sum(), (x, conv.weight, conv.bias))
    ref = dense_graphconv(g, x, conv.weight, conv.bias, norm).double()
    want = torch.autograd.grad((ref * w.double()).sum(), (x, conv.weight, conv.bias))
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b.float(), rtol=1e-4, atol=1e-5)
