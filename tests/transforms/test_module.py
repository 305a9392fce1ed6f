"""Transform objects checked against edge-list loops and direct tensor formulas."""
import math

import pytest
import torch

import graphdl as dgl
from graphdl import DGLError
from graphdl.transforms import (
    AddEdge,
    AddMetaPaths,
    AddReverse,
    AddSelfLoop,
    BaseTransform,
    Compose,
    DropEdge,
    DropNode,
    FeatMask,
    GCNNorm,
    KHopGraph,
    LineGraph,
    NodeShuffle,
    RemoveSelfLoop,
    RowFeatNormalizer,
    ToSimple,
)


def _el(g, etype=None):
    u, v = g.edges(etype=etype)
    return list(zip(u.tolist(), v.tolist()))


def _graph(idtype):
    g = dgl.graph(([0, 1, 2, 2, 3, 3, 1], [1, 2, 2, 0, 1, 1, 0]), num_nodes=5, idtype=idtype)
    g.ndata["h"] = torch.rand(5, 4, generator=torch.Generator().manual_seed(0))
    g.edata["w"] = torch.arange(1.0, 8.0)
    return g


def _hetero(idtype):
    g = dgl.heterograph(
        {
            ("user", "follows", "user"): ([0, 1, 2, 3, 3], [1, 2, 0, 0, 1]),
            ("user", "plays", "game"): ([0, 1, 2, 2, 3], [0, 0, 1, 0, 2]),
            ("game", "liked-by", "user"): ([0, 2], [1, 4]),
        },
        {"user": 5, "game": 3},
        idtype=idtype,
    )
    g.edges["plays"].data["x"] = torch.arange(5.0)
    g.edges["follows"].data["x"] = torch.arange(5.0) + 10
    return g


def test_base_and_compose(idtype):
    with pytest.raises(NotImplementedError):
        BaseTransform()(None)
    assert repr(AddSelfLoop()) == "AddSelfLoop()"
    t = Compose([RemoveSelfLoop(), AddSelfLoop(), ToSimple()])
    g = _graph(idtype)
    out = t(g)
    pairs = sorted({(a, b) for a, b in _el(g) if a != b} | {(i, i) for i in range(5)})
    assert _el(out) == pairs
    assert "AddSelfLoop()" in repr(t)


def test_add_self_loop_module(idtype):
    g = _graph(idtype)
    out = AddSelfLoop()(g)
    kept = [(a, b) for a, b in _el(g) if a != b]
    assert _el(out) == kept + [(i, i) for i in range(5)]
    dup = AddSelfLoop(allow_duplicate=True)(g)
    assert dup.num_edges() == g.num_edges() + 5
    h = AddSelfLoop(new_etypes=True)(_hetero(idtype))
    assert ("user", "self", "user") in h.canonical_etypes and ("game", "self", "game") in h.canonical_etypes
    assert h.canonical_etypes == sorted(h.canonical_etypes)
    assert _el(h, ("game", "self", "game")) == [(0, 0), (1, 1), (2, 2)]
    assert h.num_edges("follows") == 10
    assert torch.equal(h.edges["plays"].data["x"], torch.arange(5.0))


def test_remove_self_loop_module(idtype):
    h = _hetero(idtype)
    h = dgl.add_self_loop(h, etype="follows")
    out = RemoveSelfLoop()(h)
    assert _el(out, "follows") == [(a, b) for a, b in _el(h, "follows") if a != b]


@pytest.mark.parametrize("copy_edata", [False, True])
def test_add_reverse_module(idtype, copy_edata):
    h = _hetero(idtype)
    out = AddReverse(copy_edata=copy_edata)(h)
    assert out.canonical_etypes == sorted(out.canonical_etypes)
    assert _el(out, "follows") == _el(h, "follows") + [(b, a) for a, b in _el(h, "follows")]
    assert _el(out, ("game", "rev_plays", "user")) == [(b, a) for a, b in _el(h, "plays")]
    assert _el(out, ("user", "rev_liked-by", "game")) == [(b, a) for a, b in _el(h, "liked-by")]
    fx = out.edges["follows"].data["x"]
    other = torch.arange(5.0) + 10 if copy_edata else torch.zeros(5)
    assert torch.equal(fx, torch.cat([torch.arange(5.0) + 10, other]))
    rev = out.edges[("game", "rev_plays", "user")].data
    assert ("x" in rev) == copy_edata
    sym = AddReverse(sym_new_etype=True)(h)
    assert _el(sym, ("user", "rev_follows", "user")) == [(b, a) for a, b in _el(h, "follows")]
    assert _el(sym, "follows") == _el(h, "follows")


def test_to_simple_line_khop_modules(idtype):
    g = _graph(idtype)
    s = ToSimple(aggregator="sum")(g)
    pairs = sorted(set(_el(g)))
    assert _el(s) == pairs
    assert s.edata["count"].tolist() == [_el(g).count(p) for p in pairs]
    i = _el(s).index((3, 1))
    assert s.edata["w"][i].item() == 5.0 + 6.0
    lg = LineGraph()(g)
    assert torch.equal(lg.ndata["w"], g.edata["w"])
    assert lg.num_nodes() == g.num_edges()
    kg = KHopGraph(2)(g)
    assert kg.num_edges() == sum(1 for a, b in _el(g) for c, d in _el(g) if b == c)


def test_add_metapaths(idtype):
    h = _hetero(idtype)
    t = AddMetaPaths({"upu": [("user", "plays", "game"), ("game", "liked-by", "user")]})
    out = t(h)
    want = sorted({(a, d) for a, b in _el(h, "plays") for c, d in _el(h, "liked-by") if b == c})
    assert _el(out, "upu") == want
    assert torch.equal(out.edges["plays"].data["x"], h.edges["plays"].data["x"])
    only = AddMetaPaths({"upu": ["plays", "liked-by"]}, keep_orig_edges=False)(h)
    assert only.canonical_etypes == [("user", "upu", "user")]


def test_row_feat_normalizer(idtype):
    g = _graph(idtype)
    h0 = g.ndata["h"].clone()
    out = RowFeatNormalizer(node_feat_names=["h"], edge_feat_names=["w"])(g)
    assert torch.allclose(out.ndata["h"], h0 / h0.sum(1, keepdim=True).clamp(min=1))
    w = torch.arange(1.0, 8.0)
    assert torch.allclose(out.edata["w"], w / w.sum())  # a 1-D feature is one row
    g2 = _graph(idtype)
    raw = torch.tensor([[1.0, 3.0], [0.0, 0.0], [2.0, 2.0], [5.0, -1.0], [0.0, 4.0]])
    g2.ndata["h"] = raw
    out2 = RowFeatNormalizer(subtract_min=True, node_feat_names=["h"])(g2)
    x = raw + 1  # the global minimum is -1
    assert torch.allclose(out2.ndata["h"], x / x.sum(1, keepdim=True).clamp(min=1))
    untouched = RowFeatNormalizer()(_graph(idtype))
    assert torch.equal(untouched.ndata["h"], _graph(idtype).ndata["h"])


def test_feat_mask(idtype):
    torch.manual_seed(0)
    g = _graph(idtype)
    h0 = g.ndata["h"].clone()
    out = FeatMask(p=0.5, node_feat_names=["h"])(g)
    masked = (out.ndata["h"] == 0).all(0)
    assert torch.equal(out.ndata["h"][:, ~masked], h0[:, ~masked])
    assert torch.equal(h0, _graph(idtype).ndata["h"])  # the input tensor was not modified in place
    all_masked = FeatMask(p=1.0, node_feat_names=["h"])(_graph(idtype))
    assert torch.all(all_masked.ndata["h"] == 0)
    with pytest.raises(DGLError, match="p"):
        FeatMask(p=1.5)


def test_gcn_norm(idtype):
    g = dgl.graph(([0, 1, 2, 3], [0, 0, 1, 1]), num_nodes=4, idtype=idtype)
    out = GCNNorm()(g)
    deg = [2, 2, 0, 0]
    ref = [1 / math.sqrt(deg[u] * deg[v]) if deg[u] and deg[v] else 0.0 for u, v in _el(g)]
    assert torch.allclose(out.edata["w"], torch.tensor(ref))
    g.edata["w"] = torch.tensor([0.1, 0.2, 0.3, 0.4])
    out = GCNNorm()(g)
    wdeg = [0.3, 0.7, 0.0, 0.0]
    ref = [w / math.sqrt(wdeg[u] * wdeg[v]) if wdeg[u] and wdeg[v] else 0.0
           for (u, v), w in zip(_el(g), [0.1, 0.2, 0.3, 0.4])]
    assert torch.allclose(out.edata["w"], torch.tensor(ref))
    h = GCNNorm()(_hetero(idtype))
    assert "w" in h.edges["follows"].data and "w" not in h.edges["plays"].data


def test_drop_and_add(idtype):
    torch.manual_seed(1)
    g = _graph(idtype)
    de = DropEdge(0.5)(g)
    assert de.num_nodes() == 5 and g.num_edges() == 7
    ws = de.edata["w"].tolist()
    assert [_el(g)[int(w) - 1] for w in ws] == _el(de)
    assert DropEdge(0.0)(g).num_edges() == 7 and DropEdge(1.0)(g).num_edges() == 0
    dn = DropNode(1.0)(g)
    assert dn.num_nodes() == 0 and dn.num_edges() == 0
    assert DropNode(0.0)(g).num_nodes() == 5
    ae = AddEdge(ratio=0.5)(g)
    assert ae.num_edges() == 7 + round(3.5) and _el(ae)[:7] == _el(g)
    with pytest.raises(DGLError):
        DropEdge(-0.1)


def test_node_shuffle(idtype):
    torch.manual_seed(2)
    g = _graph(idtype)
    h0 = g.ndata["h"].clone()
    out = NodeShuffle()(g)
    rows = {tuple(r) for r in h0.tolist()}
    assert {tuple(r) for r in out.ndata["h"].tolist()} == rows
    assert torch.equal(g.ndata["h"], h0)  # the input graph keeps its features
    assert not torch.equal(out.ndata["h"], h0)


def test_diffusion_keeps_ties_at_the_cut(idtype):
    # recorded with DGL 2.1: the entries tied with the N * avg_degree-th largest are all kept
    from graphdl.transforms import GDC, PPR

    g = dgl.graph(([0, 1, 2, 3, 4], [2, 3, 4, 5, 3]), idtype=idtype)
    out = PPR(avg_degree=2)(g)
    assert out.idtype == idtype
    assert set(_el(out)) == {(0, 0), (0, 2), (0, 4), (1, 1), (1, 3), (1, 5), (2, 2), (2, 3), (2, 4),
                             (3, 3), (3, 5), (4, 3), (4, 4), (4, 5), (5, 5)}
    assert GDC([0.3, 0.2, 0.1], avg_degree=2)(g).num_edges() == 15


def test_positional_modules(idtype):
    from graphdl.transforms import LapPE, LaplacianPE, RandomWalkPE

    g = dgl.to_bidirected(dgl.graph(([0, 1, 2, 3, 3], [1, 2, 3, 0, 1]), idtype=idtype))
    out = RandomWalkPE(3, feat_name="rw")(g)
    assert torch.equal(out.ndata["rw"], dgl.random_walk_pe(g, 3))
    out = LapPE(2, eigval_name="ev")(g)
    pe, ev = dgl.lap_pe(g, 2, return_eigval=True)
    assert torch.equal(out.ndata["PE"], pe)
    assert out.ndata["ev"].shape == (4, 2) and torch.equal(out.ndata["ev"][0], ev)
    assert LaplacianPE is LapPE


@pytest.mark.parametrize("op", ["raw", "rw", "gcn", "ppr"])
@pytest.mark.parametrize("weighted", [False, True])
def test_sign_diffusion(idtype, op, weighted):
    from graphdl.transforms import SIGNDiffusion

    g = dgl.graph(([0, 1, 2, 3, 3, 4, 0], [1, 2, 3, 0, 1, 4, 1]), num_nodes=6, idtype=idtype)
    g.ndata["feat"] = torch.randn(6, 3, generator=torch.Generator().manual_seed(3))
    w = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.5]) if weighted else torch.ones(7)
    if weighted:
        g.edata["w"] = w
    out = SIGNDiffusion(k=3, diffuse_op=op, eweight_name="w" if weighted else None, alpha=0.3)(g)
    a = torch.zeros(6, 6, dtype=torch.float64)  # a[v, u]: weight of u -> v
    for (u, v), x in zip(_el(g), w.tolist()):
        a[v, u] += x
    deg = a.sum(1)
    if op == "rw":
        t = torch.where(deg[:, None] > 0, a / deg.clamp(min=1e-300)[:, None], torch.zeros_like(a))
    elif op in ("gcn", "ppr"):
        inv = torch.where(deg > 0, deg.clamp(min=1e-300) ** -0.5, torch.zeros_like(deg))
        t = inv[:, None] * a * inv[None, :]
    else:
        t = a
    x0 = g.ndata["feat"].double()
    x = x0
    for i in range(1, 4):
        x = t @ x
        if op == "ppr":
            x = 0.7 * x + 0.3 * x0
        assert torch.allclose(out.ndata[f"out_feat_{i}"].double(), x, atol=1e-5)


def test_to_levi_and_svdpe(idtype):
    from graphdl.transforms import SVDPE, ToLevi

    g = _graph(idtype)
    lv = ToLevi()(g)
    assert lv.ntypes == ["edge", "node"]
    assert _el(lv, "n2e") == [(u, i) for i, (u, _) in enumerate(_el(g))]
    assert _el(lv, "e2n") == [(i, v) for i, (_, v) in enumerate(_el(g))]
    assert torch.equal(lv.nodes["edge"].data["w"], g.edata["w"])
    assert torch.equal(lv.nodes["node"].data["h"], g.ndata["h"])
    out = SVDPE(2, random_flip=False)(_graph(idtype))
    assert torch.equal(out.ndata["svd_pe"], dgl.svd_pe(g, 2, random_flip=False))


def _dense_w(g, w):
    n = g.num_nodes()
    a = torch.zeros(n, n, dtype=torch.float64)
    for (u, v), x in zip(_el(g), w):
        a[u, v] += x
    return a.numpy()


@pytest.mark.parametrize("weighted", [False, True])
def test_diffusion_transforms(idtype, weighted):
    import numpy as np
    import scipy.linalg as sl

    from graphdl.transforms import GDC, PPR, HeatKernel

    g = dgl.graph(([0, 1, 2, 3, 3, 4], [1, 2, 3, 0, 1, 4]), num_nodes=5, idtype=idtype)
    g.ndata["feat"] = torch.arange(10.0).reshape(5, 2)
    w = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] if weighted else [1.0] * 6
    if weighted:
        g.edata["w"] = torch.tensor(w)
    g.edata["other"] = torch.ones(6)
    a = _dense_w(g, w)
    n = 5
    refs = {
        "ppr": 0.3 * np.linalg.inv(np.eye(n) - 0.7 * a),
        "heat": sl.expm(-1.5 * (np.eye(n) - a)),
        "gdc": 0.2 * np.eye(n) + 0.5 * a + 0.1 * a @ a,
    }
    makers = {
        "ppr": lambda **kw: PPR(alpha=0.3, **kw),
        "heat": lambda **kw: HeatKernel(t=1.5, **kw),
        "gdc": lambda **kw: GDC([0.2, 0.5, 0.1], **kw),
    }
    for name, s in refs.items():
        full = makers[name](avg_degree=5)(g)
        want = [(u, v) for v in range(n) for u in range(n)]
        assert _el(full) == want
        assert np.allclose(full.edata["w"].double().numpy(), [s[u, v] for u, v in want], atol=1e-5)
        assert torch.equal(full.ndata["feat"], g.ndata["feat"]) and "other" not in full.edata
        thr = makers[name](eps=0.1)(g)
        assert _el(thr) == [(u, v) for v in range(n) for u in range(n) if s[u, v] >= 0.1]
        top = makers[name](avg_degree=1)(g)
        cut = sorted(s.reshape(-1), reverse=True)[n - 1]
        assert _el(top) == [(u, v) for v in range(n) for u in range(n) if s[u, v] >= cut - 1e-9 * abs(cut)]
