"""Batching checked against graphs handled one at a time."""
import pytest
import torch

import graphdl as dgl
from graphdl import DGLError


def _graph(n, e, seed, idtype):
    gen = torch.Generator().manual_seed(seed)
    if n == 0:
        u = v = torch.zeros(0, dtype=torch.int64)
    else:
        u = torch.randint(0, n, (e,), generator=gen)
        v = torch.randint(0, n, (e,), generator=gen)
    g = dgl.graph((u, v), num_nodes=n, idtype=idtype)
    g.ndata["h"] = torch.randn(n, 2, generator=gen)
    g.edata["w"] = torch.randn(u.shape[0], generator=gen)
    return g


def _members(idtype):
    return [_graph(5, 9, 0, idtype), _graph(1, 0, 1, idtype), _graph(0, 0, 2, idtype), _graph(7, 12, 3, idtype)]


def _edge_list(g, etype=None):
    u, v = g.edges(etype=etype)
    return list(zip(u.tolist(), v.tolist()))


def test_batch_is_disjoint_union(idtype):
    gs = _members(idtype)
    bg = dgl.batch(gs)
    assert bg.idtype == idtype
    assert bg.batch_size == 4
    assert bg.batch_num_nodes().tolist() == [5, 1, 0, 7]
    assert bg.batch_num_edges().tolist() == [9, 0, 0, 12]
    want, off = [], 0
    for g in gs:
        want += [(a + off, b + off) for a, b in _edge_list(g)]
        off += g.num_nodes()
    assert _edge_list(bg) == want
    assert torch.equal(bg.ndata["h"], torch.cat([g.ndata["h"] for g in gs]))
    assert torch.equal(bg.edata["w"], torch.cat([g.edata["w"] for g in gs]))


def test_unbatch_roundtrip(idtype):
    gs = _members(idtype)
    out = dgl.unbatch(dgl.batch(gs))
    assert len(out) == len(gs)
    for a, b in zip(gs, out):
        assert b.num_nodes() == a.num_nodes()
        assert _edge_list(b) == _edge_list(a)
        assert torch.equal(b.ndata["h"], a.ndata["h"])
        assert torch.equal(b.edata["w"], a.edata["w"])
        assert b.batch_size == 1


def test_unbatch_with_splits(idtype):
    g = dgl.graph(([0, 1, 2, 3, 4], [1, 0, 3, 4, 2]), idtype=idtype)
    g.ndata["h"] = torch.arange(5.0)
    a, b = dgl.unbatch(g, node_split=torch.tensor([2, 3]), edge_split=torch.tensor([2, 3]))
    assert _edge_list(a) == [(0, 1), (1, 0)]
    assert _edge_list(b) == [(0, 1), (1, 2), (2, 0)]
    assert b.ndata["h"].tolist() == [2.0, 3.0, 4.0]
    with pytest.raises(DGLError, match="outside"):
        dgl.unbatch(g, node_split=torch.tensor([3, 2]), edge_split=torch.tensor([2, 3]))
    with pytest.raises(DGLError, match="sums to"):
        dgl.unbatch(g, node_split=torch.tensor([2, 2]), edge_split=torch.tensor([2, 3]))
    with pytest.raises(DGLError, match="together"):
        dgl.unbatch(g, node_split=torch.tensor([2, 3]))


def test_slice_batch(idtype):
    gs = _members(idtype)
    bg = dgl.batch(gs)
    s = dgl.slice_batch(bg, 3, store_ids=True)
    assert _edge_list(s) == _edge_list(gs[3])
    assert s.ndata[dgl.NID].tolist() == list(range(6, 13))
    assert s.edata[dgl.EID].tolist() == list(range(9, 21))
    assert torch.equal(s.ndata["h"], gs[3].ndata["h"])
    empty = dgl.slice_batch(bg, 2)
    assert empty.num_nodes() == 0 and dgl.NID not in empty.ndata
    with pytest.raises(DGLError, match="4"):
        dgl.slice_batch(bg, 4)


def test_nested_batch_flattens(idtype):
    gs = _members(idtype)
    inner = dgl.batch(gs[:2])
    bg = dgl.batch([inner, gs[2], gs[3]])
    assert bg.batch_num_nodes().tolist() == [5, 1, 0, 7]
    assert [x.num_edges() for x in dgl.unbatch(bg)] == [9, 0, 0, 12]


def test_batch_feature_selection(idtype):
    gs = _members(idtype)
    assert list(dgl.batch(gs, ndata=None, edata=None).ndata.keys()) == []
    gs[0].ndata["extra"] = torch.ones(5)
    with pytest.raises(DGLError, match="extra"):
        dgl.batch(gs)
    bg = dgl.batch(gs, ndata=["h"])
    assert list(bg.ndata.keys()) == ["h"]
    with pytest.raises(DGLError, match="extra"):
        dgl.batch(gs, ndata=["extra"])


def test_batch_hetero(idtype):
    def hg(k):
        g = dgl.heterograph(
            {("user", "plays", "game"): ([0, 1][:k], [1, 0][:k]), ("user", "follows", "user"): ([0], [1])},
            {"user": 2 + k, "game": 2},
            idtype=idtype,
        )
        g.nodes["user"].data["a"] = torch.arange(2.0 + k)
        return g

    g1, g2 = hg(1), hg(2)
    bg = dgl.batch([g1, g2])
    assert bg.batch_num_nodes("user").tolist() == [3, 4]
    assert bg.batch_num_nodes("game").tolist() == [2, 2]
    assert bg.batch_num_edges("plays").tolist() == [1, 2]
    assert _edge_list(bg, "plays") == [(0, 1), (3, 3), (4, 2)]
    assert _edge_list(bg, "follows") == [(0, 1), (3, 4)]
    back = dgl.unbatch(bg)
    for a, b in zip([g1, g2], back):
        for et in a.canonical_etypes:
            assert _edge_list(a, et) == _edge_list(b, et)
        assert torch.equal(a.nodes["user"].data["a"], b.nodes["user"].data["a"])


def test_batch_bad_input(idtype):
    with pytest.raises(DGLError, match="empty"):
        dgl.batch([])
    g = _graph(3, 2, 0, idtype)
    other = dgl.heterograph({("a", "r", "b"): ([0], [0])}, idtype=idtype)
    with pytest.raises(DGLError, match="types"):
        dgl.batch([g, other])
    with pytest.raises(DGLError, match="id types"):
        dgl.batch([g, _graph(3, 2, 0, torch.int64 if idtype == torch.int32 else torch.int32)])
    h = _graph(3, 2, 1, idtype)
    h.ndata["h"] = torch.randn(3, 5)
    with pytest.raises(DGLError, match="'h'"):
        dgl.batch([g, h])


def test_batch_sorts_types(idtype):
    h = dgl.heterograph({("b", "x", "b"): ([0], [1]), ("a", "y", "b"): ([0], [0])}, idtype=idtype)
    rr = dgl.edge_type_subgraph(h, ["x", "y"])  # relations kept in the given order
    assert rr.canonical_etypes == [("b", "x", "b"), ("a", "y", "b")]
    bg = dgl.batch([rr, h])
    assert bg.canonical_etypes == sorted(h.canonical_etypes)
    assert _edge_list(bg, "x") == [(0, 1), (2, 3)]
