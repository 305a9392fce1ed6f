"""The convolutions an explainer masks: edge weights against a dense weighted adjacency, forward and backward."""
import pytest
import torch

import graphdl
from graphdl.nn import APPNPConv, GCN2Conv, GINConv, GraphConv, SAGEConv


def _graph(idtype):
    gen = torch.Generator().manual_seed(0)
    n = 8
    u = torch.cat([torch.randint(0, n, (24,), generator=gen), torch.arange(n)])
    v = torch.cat([torch.randint(0, n, (24,), generator=gen), torch.arange(n)])
    return graphdl.graph((u, v), num_nodes=n, idtype=idtype)


def _dense(g, w):
    src, dst = g.edges()
    a = torch.zeros(g.num_nodes(), g.num_nodes(), dtype=w.dtype)
    return a.index_put((dst.long(), src.long()), w, accumulate=True)


def _sym(g, w):
    """D_in^{-1/2} A_w D_out^{-1/2} with weighted degrees (EdgeWeightNorm 'both')."""
    a = _dense(g, w)
    d_in = a.sum(1).clamp(min=1e-12).pow(-0.5)
    d_out = a.sum(0).clamp(min=1e-12).pow(-0.5)
    return d_in[:, None] * a * d_out[None, :]


def _graphconv_ref(conv, g, x, w):
    src, dst = g.edges()
    a = _dense(g, w)
    d_out = g.out_degrees().double().clamp(min=1).pow(-0.5)
    d_in = g.in_degrees().double().clamp(min=1).pow(-0.5)
    return (d_in[:, None] * (a @ (d_out[:, None] * x))) @ conv.weight + conv.bias


CASES = {
    "graphconv_none": (lambda: GraphConv(3, 4, norm="none"),
                       lambda m, g, x, w: _dense(g, w) @ x @ m.weight + m.bias),
    "graphconv_both": (lambda: GraphConv(3, 4, norm="both"), _graphconv_ref),
    "sage_mean": (lambda: SAGEConv(3, 4, "mean"),
                  lambda m, g, x, w: m.fc_self(x) + m.fc_neigh(_dense(g, w) @ x
                                                               / g.in_degrees().double().clamp(min=1)[:, None])),
    "gin_sum": (lambda: GINConv(torch.nn.Linear(3, 4), "sum", init_eps=0.3),
                lambda m, g, x, w: m.apply_func((1 + m.eps) * x + _dense(g, w) @ x)),
    "appnp": (lambda: APPNPConv(k=3, alpha=0.2), None),
}


def _appnp_ref(g, x, w, k=3, alpha=0.2):
    a = _sym(g, w)
    h = x
    for _ in range(k):
        h = (1 - alpha) * a @ h + alpha * x
    return h


@pytest.mark.parametrize("case", sorted(CASES))
def test_edge_weight_matches_dense(idtype, case):
    make, ref = CASES[case]
    torch.manual_seed(0)
    g = _graph(idtype)
    m = make().double()
    x = torch.randn(g.num_nodes(), 3, dtype=torch.float64, requires_grad=True)
    w = (torch.rand(g.num_edges(), dtype=torch.float64) + 0.1).requires_grad_()
    out = m(g, x, edge_weight=w)
    x2, w2 = x.detach().clone().requires_grad_(), w.detach().clone().requires_grad_()
    expect = _appnp_ref(g, x2, w2) if ref is None else ref(m, g, x2, w2)
    torch.testing.assert_close(out, expect)
    seed = torch.randn_like(out)
    (out * seed).sum().backward()
    (expect * seed).sum().backward()
    torch.testing.assert_close(w.grad, w2.grad)
    torch.testing.assert_close(x.grad, x2.grad)


def test_gcn2conv_edge_weight_matches_dense(idtype):
    torch.manual_seed(0)
    g = _graph(idtype)
    m = GCN2Conv(3, layer=2, alpha=0.1, lambda_=1.0, project_initial_features=True).double()
    x = torch.randn(g.num_nodes(), 3, dtype=torch.float64)
    x0 = torch.randn(g.num_nodes(), 3, dtype=torch.float64)
    w = (torch.rand(g.num_edges(), dtype=torch.float64) + 0.1).requires_grad_()
    out = m(g, x, x0, edge_weight=w)
    w2 = w.detach().clone().requires_grad_()
    h = (1 - m.alpha) * _sym(g, w2) @ x + m.alpha * x0
    eye = torch.eye(3, dtype=torch.float64)
    expect = h @ ((1 - m.beta) * eye + m.beta * m.weight1)
    if m.bias is not None:
        expect = expect + m.bias
    torch.testing.assert_close(out, expect)
    out.sum().backward()
    expect.sum().backward()
    torch.testing.assert_close(w.grad, w2.grad)


@pytest.mark.parametrize("case", sorted(CASES))
def test_unit_edge_weight_is_no_weight(case):
    make, _ = CASES[case]
    torch.manual_seed(1)
    g = _graph(torch.int64)
    m = make()
    x = torch.randn(g.num_nodes(), 3)
    torch.testing.assert_close(m(g, x, edge_weight=torch.ones(g.num_edges())), m(g, x), rtol=1e-5, atol=1e-6)
