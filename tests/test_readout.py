"""Readout on batched graphs checked against torch reductions on one graph at a time, with gradients."""
import pytest
import torch

import graphdl as dgl
from graphdl import DGLError

SIZES = [(4, 6), (0, 0), (1, 0), (6, 9)]


def _batch(idtype, feat_dim=3):
    gen = torch.Generator().manual_seed(0)
    gs = []
    for n, e in SIZES:
        u = torch.randint(0, max(n, 1), (e,), generator=gen)
        v = torch.randint(0, max(n, 1), (e,), generator=gen)
        g = dgl.graph((u, v), num_nodes=n, idtype=idtype)
        g.ndata["x"] = torch.randn(n, feat_dim, generator=gen)
        g.ndata["w"] = torch.rand(n, 1, generator=gen)
        g.edata["y"] = torch.randn(e, feat_dim, generator=gen)
        gs.append(g)
    return gs, dgl.batch(gs)


def _ref(x, op):
    if x.shape[0] == 0:
        return torch.zeros(x.shape[1:])
    return {"sum": x.sum(0), "mean": x.mean(0), "max": x.max(0).values, "min": x.min(0).values}[op]


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min"])
def test_readout_nodes_and_edges(idtype, op):
    gs, bg = _batch(idtype)
    out = dgl.readout_nodes(bg, "x", op=op)
    assert out.shape == (4, 3)
    assert torch.allclose(out, torch.stack([_ref(g.ndata["x"], op) for g in gs]), atol=1e-6)
    wout = dgl.readout_nodes(bg, "x", "w", op=op)
    assert torch.allclose(wout, torch.stack([_ref(g.ndata["x"] * g.ndata["w"], op) for g in gs]), atol=1e-6)
    eout = dgl.readout_edges(bg, "y", op=op)
    assert torch.allclose(eout, torch.stack([_ref(g.edata["y"], op) for g in gs]), atol=1e-6)
    short = {"sum": dgl.sum_nodes, "mean": dgl.mean_nodes, "max": dgl.max_nodes, "min": dgl.min_nodes}[op]
    assert torch.equal(short(bg, "x"), out)
    short_e = {"sum": dgl.sum_edges, "mean": dgl.mean_edges, "max": dgl.max_edges, "min": dgl.min_edges}[op]
    assert torch.equal(short_e(bg, "y"), eout)


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min"])
def test_readout_gradients(idtype, op):
    gs, bg = _batch(idtype)
    x = bg.ndata["x"].clone().requires_grad_(True)
    bg.ndata["x"] = x
    coef = torch.randn(4, 3)
    (dgl.readout_nodes(bg, "x", op=op) * coef).sum().backward()
    xr = bg.ndata["x"].detach().clone().requires_grad_(True)
    parts = torch.split(xr, [n for n, _ in SIZES])
    ref = torch.stack([_ref(p, op) for p in parts])
    (ref * coef).sum().backward()
    assert torch.allclose(x.grad, xr.grad, atol=1e-6)


def test_single_graph_is_batch_of_one(idtype):
    g = dgl.graph(([0, 1], [1, 2]), idtype=idtype)
    g.ndata["x"] = torch.arange(6.0).reshape(3, 2)
    assert dgl.sum_nodes(g, "x").tolist() == [[6.0, 9.0]]
    assert dgl.mean_nodes(g, "x").tolist() == [[2.0, 3.0]]


def test_softmax(idtype):
    gs, bg = _batch(idtype)
    x = bg.ndata["x"].clone().requires_grad_(True)
    bg.ndata["x"] = x
    out = dgl.softmax_nodes(bg, "x")
    ref_in = x.detach().clone().requires_grad_(True)
    ref = torch.cat([torch.softmax(p, 0) for p in torch.split(ref_in, [n for n, _ in SIZES])])
    assert torch.allclose(out, ref, atol=1e-6)
    coef = torch.randn_like(out)
    (out * coef).sum().backward()
    (ref * coef).sum().backward()
    assert torch.allclose(x.grad, ref_in.grad, atol=1e-6)
    eout = dgl.softmax_edges(bg, "y")
    eref = torch.cat([torch.softmax(p, 0) for p in torch.split(bg.edata["y"], [e for _, e in SIZES])])
    assert torch.allclose(eout, eref, atol=1e-6)


def test_broadcast(idtype):
    gs, bg = _batch(idtype)
    feat = torch.randn(4, 5)
    out = dgl.broadcast_nodes(bg, feat)
    assert torch.equal(out, torch.cat([feat[i].expand(n, 5) for i, (n, _) in enumerate(SIZES)]))
    eout = dgl.broadcast_edges(bg, feat)
    assert torch.equal(eout, torch.cat([feat[i].expand(e, 5) for i, (_, e) in enumerate(SIZES)]))
    with pytest.raises(DGLError, match="4 graphs"):
        dgl.broadcast_nodes(bg, torch.randn(3, 5))
    single = dgl.graph(([0], [1]), idtype=idtype)
    with pytest.warns(UserWarning):
        assert dgl.broadcast_nodes(single, torch.tensor([1.0, 2.0])).shape == (2, 2)


def _ref_topk(x, k, descending, sortby):
    n, d = x.shape
    vals = torch.zeros(k, d)
    if sortby is None:
        idx = torch.zeros(k, d, dtype=torch.long)
        for c in range(d):
            order = sorted(range(n), key=lambda i: -x[i, c] if descending else x[i, c])[:k]
            vals[: len(order), c] = x[order, c]
            idx[: len(order), c] = torch.tensor(order, dtype=torch.long)
        return vals, idx, min(n, k)
    order = sorted(range(n), key=lambda i: -x[i, sortby] if descending else x[i, sortby])[:k]
    vals[: len(order)] = x[order]
    return vals, torch.tensor(order, dtype=torch.long), min(n, k)


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("sortby", [None, 1])
def test_topk_nodes(idtype, descending, sortby):
    gs, bg = _batch(idtype)
    k = 3
    vals, idx = dgl.topk_nodes(bg, "x", k, descending=descending, sortby=sortby)
    assert vals.shape == (4, k, 3)
    assert idx.shape == ((4, k, 3) if sortby is None else (4, k))
    for b, g in enumerate(gs):
        rv, ri, m = _ref_topk(g.ndata["x"], k, descending, sortby)
        assert torch.allclose(vals[b], rv)
        assert torch.equal(idx[b][:m], ri[:m])
    ev, _ = dgl.topk_edges(bg, "y", 2)
    for b, g in enumerate(gs):
        assert torch.allclose(ev[b], _ref_topk(g.edata["y"], 2, True, None)[0])


def test_readout_hetero(idtype):
    def hg(n):
        g = dgl.heterograph({("user", "plays", "game"): ([0], [0])}, {"user": n, "game": 1}, idtype=idtype)
        g.nodes["user"].data["a"] = torch.arange(float(n)).unsqueeze(1)
        g.edges["plays"].data["b"] = torch.ones(1, 1) * n
        return g

    bg = dgl.batch([hg(2), hg(3)])
    assert dgl.sum_nodes(bg, "a", ntype="user").tolist() == [[1.0], [3.0]]
    assert dgl.mean_edges(bg, "b", etype="plays").tolist() == [[2.0], [3.0]]
    with pytest.raises(DGLError):
        dgl.sum_nodes(bg, "a")


def test_readout_bad_input(idtype):
    _, bg = _batch(idtype)
    with pytest.raises(DGLError, match="nope"):
        dgl.sum_nodes(bg, "nope")
    with pytest.raises(DGLError, match="prod"):
        dgl.readout_nodes(bg, "x", op="prod")
    with pytest.raises(DGLError, match="k"):
        dgl.topk_nodes(bg, "x", 0)
    bg.ndata["z"] = torch.randn(bg.num_nodes(), 2, 2)
    with pytest.raises(DGLError, match="2-D"):
        dgl.topk_nodes(bg, "z", 1)
