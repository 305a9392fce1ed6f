"""Subgraph extraction checked against edge-list loops written independently of the library."""
import pytest
import torch

import graphdl as dgl
from graphdl.testing import user_game_graph
from graphdl import DGLError


def _edges(g, etype=None):
    u, v = g.edges(etype=etype)
    return list(zip(u.tolist(), v.tolist()))


def _random_graph(idtype, n=12, e=40, seed=0):
    gen = torch.Generator().manual_seed(seed)
    u = torch.randint(0, n, (e,), generator=gen)
    v = torch.randint(0, n, (e,), generator=gen)
    g = dgl.graph((u, v), num_nodes=n, idtype=idtype)
    g.ndata["h"] = torch.randn(n, 3, generator=gen)
    g.edata["w"] = torch.randn(e, generator=gen)
    return g


def _hetero(idtype):
    return user_game_graph(idtype, node_feats=("user", "game"))


def _ref_node_subgraph(edges, nodes):
    """Edges among ``nodes``: source by source in the order of ``nodes``, edge id within."""
    pos = {x: i for i, x in enumerate(nodes)}
    out = []
    for s in nodes:
        for eid, (a, b) in enumerate(edges):
            if a == s and b in pos:
                out.append((eid, pos[a], pos[b]))
    return out


def test_node_subgraph_matches_reference(idtype):
    g = _random_graph(idtype)
    nodes = [7, 0, 3, 11, 5, 2]
    sg = dgl.node_subgraph(g, torch.tensor(nodes, dtype=idtype))
    ref = _ref_node_subgraph(_edges(g), nodes)
    assert sg.idtype == idtype
    assert sg.num_nodes() == len(nodes)
    assert sg.edata[dgl.EID].tolist() == [r[0] for r in ref]
    assert _edges(sg) == [(r[1], r[2]) for r in ref]
    assert sg.ndata[dgl.NID].tolist() == nodes
    assert torch.equal(sg.ndata["h"], g.ndata["h"][nodes])
    assert torch.equal(sg.edata["w"], g.edata["w"][[r[0] for r in ref]])
    # method form and list input agree
    sg2 = g.subgraph(nodes)
    assert _edges(sg2) == _edges(sg)


def test_node_subgraph_mask_norelabel_and_store_ids(idtype):
    g = _random_graph(idtype, seed=1)
    mask = torch.zeros(12, dtype=torch.bool)
    mask[[1, 4, 6, 9]] = True
    sg = dgl.node_subgraph(g, mask, store_ids=False)
    assert sg.num_nodes() == 4
    assert dgl.NID not in sg.ndata and dgl.EID not in sg.edata
    ref = _ref_node_subgraph(_edges(g), [1, 4, 6, 9])
    assert _edges(sg) == [(r[1], r[2]) for r in ref]
    keep = dgl.node_subgraph(g, [1, 4, 6, 9], relabel_nodes=False)
    assert keep.num_nodes() == 12
    assert _edges(keep) == [_edges(g)[r[0]] for r in ref]
    assert torch.equal(keep.ndata["h"], g.ndata["h"])


def test_node_subgraph_hetero(idtype):
    g = _hetero(idtype)
    sg = dgl.node_subgraph(g, {"user": [3, 0, 1], "game": [0, 2]})
    assert sg.canonical_etypes == g.canonical_etypes
    assert sg.num_nodes("developer") == 0
    assert sg.num_edges("develops") == 0
    for et in ("follows", "plays"):
        cet = g.to_canonical_etype(et)
        nodes_s = [3, 0, 1]
        nodes_d = [3, 0, 1] if cet[2] == "user" else [0, 2]
        pos_d = {x: i for i, x in enumerate(nodes_d)}
        ref = [(eid, nodes_s.index(a), pos_d[b]) for s in nodes_s
               for eid, (a, b) in enumerate(_edges(g, et)) if a == s and b in pos_d]
        assert sg.edges[et].data[dgl.EID].tolist() == [r[0] for r in ref]
        assert _edges(sg, et) == [(r[1], r[2]) for r in ref]
    assert sg.nodes["game"].data["a"].tolist() == [0.0, 20.0]
    assert sg.edges["plays"].data["x"].tolist() == [float(i) for i in sg.edges["plays"].data[dgl.EID].tolist()]


def test_edge_subgraph_numbers_nodes_by_first_appearance(idtype):
    g = _random_graph(idtype, seed=2)
    eids = [5, 1, 7, 3, 30]
    sg = dgl.edge_subgraph(g, torch.tensor(eids, dtype=idtype))
    ends = [_edges(g)[e] for e in eids]
    order = []
    for x in [a for a, _ in ends] + [b for _, b in ends]:
        if x not in order:
            order.append(x)
    assert sg.ndata[dgl.NID].tolist() == order
    assert sg.edata[dgl.EID].tolist() == eids
    assert _edges(sg) == [(order.index(a), order.index(b)) for a, b in ends]
    assert torch.equal(sg.edata["w"], g.edata["w"][eids])
    keep = dgl.edge_subgraph(g, eids, relabel_nodes=False)
    assert keep.num_nodes() == g.num_nodes() and dgl.NID not in keep.ndata
    assert _edges(keep) == ends
    old_kw = dgl.edge_subgraph(g, eids, preserve_nodes=True)
    assert old_kw.num_nodes() == g.num_nodes()
    assert _edges(g.edge_subgraph(eids)) == _edges(sg)


def test_edge_subgraph_hetero(idtype):
    g = _hetero(idtype)
    sg = dgl.edge_subgraph(g, {"follows": [3, 1], ("user", "plays", "game"): [4, 0]})
    # users: follows sources, follows destinations, then plays sources (first appearance)
    fol = [_edges(g, "follows")[i] for i in (3, 1)]
    ply = [_edges(g, "plays")[i] for i in (4, 0)]
    users = []
    for x in [a for a, _ in fol] + [b for _, b in fol] + [a for a, _ in ply]:
        if x not in users:
            users.append(x)
    assert sg.nodes["user"].data[dgl.NID].tolist() == users
    assert sg.nodes["game"].data[dgl.NID].tolist() == [2, 0]
    assert sg.num_nodes("developer") == 0
    assert sg.edges["plays"].data["x"].tolist() == [4.0, 0.0]


def _ref_in_edges(edges, nodes):
    return [eid for v in nodes for eid, (_, b) in enumerate(edges) if b == v]


def test_in_and_out_subgraph(idtype):
    g = _random_graph(idtype, seed=3)
    nodes = [4, 1, 9]
    ins = dgl.in_subgraph(g, nodes)
    assert ins.num_nodes() == g.num_nodes()
    assert ins.edata[dgl.EID].tolist() == _ref_in_edges(_edges(g), nodes)
    outs = dgl.out_subgraph(g, nodes)
    ref_out = [eid for u in nodes for eid, (a, _) in enumerate(_edges(g)) if a == u]
    assert outs.edata[dgl.EID].tolist() == ref_out
    rel = dgl.in_subgraph(g, nodes, relabel_nodes=True)
    used = set()
    for e in _ref_in_edges(_edges(g), nodes):
        used.update(_edges(g)[e])
    assert sorted(rel.ndata[dgl.NID].tolist()) == sorted(used)
    nid = rel.ndata[dgl.NID].tolist()
    assert [(nid[a], nid[b]) for a, b in _edges(rel)] == [_edges(g)[e] for e in rel.edata[dgl.EID].tolist()]
    assert torch.equal(rel.ndata["h"], g.ndata["h"][nid])
    assert _edges(g.in_subgraph(nodes)) == _edges(ins)
    assert _edges(g.out_subgraph(nodes)) == _edges(outs)


def test_in_subgraph_hetero_only_given_types(idtype):
    g = _hetero(idtype)
    sg = dgl.in_subgraph(g, {"game": [0]})
    assert sg.num_edges("follows") == 0
    assert sg.edges["plays"].data[dgl.EID].tolist() == [0, 1, 3]
    assert sg.edges["develops"].data[dgl.EID].tolist() == [1]


def _bfs(edges, seeds, k, inbound):
    seen = set(seeds)
    frontier = set(seeds)
    for _ in range(k):
        nxt = {a if inbound else b for a, b in edges if (b if inbound else a) in frontier}
        seen |= nxt
        frontier = nxt
    return sorted(seen)


@pytest.mark.parametrize("inbound", [True, False])
def test_khop_subgraph(idtype, inbound):
    g = _random_graph(idtype, n=15, e=20, seed=4)
    fn = dgl.khop_in_subgraph if inbound else dgl.khop_out_subgraph
    for k in (0, 1, 2):
        sg, inv = fn(g, [3, 8], k)
        want = _bfs(_edges(g), [3, 8], k, inbound)
        assert sg.ndata[dgl.NID].tolist() == want
        assert inv.tolist() == [want.index(3), want.index(8)]
        assert sg.num_edges() == len(_ref_node_subgraph(_edges(g), want))
    whole = fn(g, 3, 1, relabel_nodes=False)
    assert whole.num_nodes() == g.num_nodes()


def test_khop_hetero_returns_dicts(idtype):
    g = _hetero(idtype)
    sg, inv = dgl.khop_in_subgraph(g, {"game": 0}, 1)
    assert sorted(sg.nodes["user"].data[dgl.NID].tolist()) == [0, 1, 2]
    assert sg.nodes["developer"].data[dgl.NID].tolist() == [1]
    assert inv == {"game": torch.tensor([0])} and inv["game"].dtype == torch.int64


def test_type_subgraphs(idtype):
    g = _hetero(idtype)
    nts = dgl.node_type_subgraph(g, ["user", "game"])
    assert nts.ntypes == ["game", "user"]
    assert nts.canonical_etypes == [("user", "follows", "user"), ("user", "plays", "game")]
    assert _edges(nts, "plays") == _edges(g, "plays")
    assert nts.nodes["game"].data["a"] is g.nodes["game"].data["a"]
    ets = dgl.edge_type_subgraph(g, ["plays", "follows"])
    assert ets.canonical_etypes == [("user", "plays", "game"), ("user", "follows", "user")]
    assert ets.ntypes == ["game", "user"]
    assert torch.equal(ets.edges["plays"].data["x"], g.edges["plays"].data["x"])
    assert g.edge_type_subgraph(["develops"]).ntypes == ["developer", "game"]


def test_masks_of_any_length_select_their_true_positions(idtype):
    # DGL reads a mask as the positions of its True entries: a longer or shorter mask is
    # accepted when those positions are node ids
    g = _random_graph(idtype)
    long_mask = torch.zeros(20, dtype=torch.bool)
    long_mask[[1, 4]] = True
    short_mask = torch.tensor([False, True, False, False, True])
    ref = dgl.node_subgraph(g, torch.tensor([1, 4], dtype=idtype))
    for mask in (long_mask, short_mask):
        sg = dgl.node_subgraph(g, mask)
        assert sg.ndata[dgl.NID].tolist() == [1, 4]
        assert _edges(sg) == _edges(ref)
    h = _hetero(idtype)
    sg = h.subgraph({"user": torch.tensor([False, True, True]), "game": torch.tensor([True, False, False, False, False])})
    assert sg.nodes["user"].data[dgl.NID].tolist() == [1, 2]
    assert sg.nodes["game"].data[dgl.NID].tolist() == [0]
    es = h.edge_subgraph({"plays": torch.tensor([False, True, False, False, False, False, False])})
    assert es.edges["plays"].data[dgl.EID].tolist() == [1]


def test_type_subgraphs_share_feature_frames(idtype):
    g = _hetero(idtype)
    for sg in (dgl.node_type_subgraph(g, ["user", "game"]), dgl.edge_type_subgraph(g, ["plays"])):
        g.nodes["user"].data["late"] = torch.arange(5.0)
        g.edges["plays"].data["x2"] = torch.arange(5.0) * 2
        assert torch.equal(sg.nodes["user"].data["late"], torch.arange(5.0))
        assert torch.equal(sg.edges["plays"].data["x2"], torch.arange(5.0) * 2)
        sg.nodes["game"].data["back"] = torch.ones(3)
        assert torch.equal(g.nodes["game"].data["back"], torch.ones(3))
        del g.nodes["game"].data["back"]


def test_empty_and_zero_degree(idtype):
    g = dgl.graph(([], []), num_nodes=4, idtype=idtype)
    sg = dgl.node_subgraph(g, [2, 0])
    assert sg.num_nodes() == 2 and sg.num_edges() == 0
    es = dgl.edge_subgraph(g, torch.tensor([], dtype=idtype))
    assert es.num_nodes() == 0 and es.num_edges() == 0
    z = dgl.graph(([0, 1], [1, 0]), num_nodes=5, idtype=idtype)
    ins = dgl.in_subgraph(z, [3, 4], relabel_nodes=True)
    assert ins.num_nodes() == 0 and ins.num_edges() == 0
    sg, inv = dgl.khop_in_subgraph(z, [4], 3)
    assert sg.num_nodes() == 1 and inv.tolist() == [0]


def test_bad_input_raises(idtype):
    g = _random_graph(idtype)
    with pytest.raises(DGLError, match="12"):
        dgl.node_subgraph(g, [0, 12])
    with pytest.raises(DGLError, match="-1"):
        dgl.node_subgraph(g, [-1])
    # a mask is read as the positions of its True entries, which must be node ids
    mask = torch.zeros(14, dtype=torch.bool)
    mask[13] = True
    with pytest.raises(DGLError, match="13"):
        dgl.node_subgraph(g, mask)
    with pytest.raises(DGLError, match="40"):
        dgl.edge_subgraph(g, [40])
    with pytest.raises(DGLError):
        dgl.node_subgraph(g, torch.tensor([0.5]))
    h = _hetero(idtype)
    with pytest.raises(DGLError, match="movie"):
        dgl.node_subgraph(h, {"movie": [0]})
    with pytest.raises(DGLError, match="several node types"):
        dgl.node_subgraph(h, [0])
    with pytest.raises(DGLError, match="likes"):
        dgl.edge_subgraph(h, {"likes": [0]})
    with pytest.raises(DGLError, match="likes"):
        dgl.edge_type_subgraph(h, ["likes"])
    with pytest.raises(DGLError, match="movie"):
        dgl.node_type_subgraph(h, ["movie"])
    with pytest.raises(DGLError):
        dgl.khop_in_subgraph(g, [0], -1)


def test_output_device(idtype):
    g = _random_graph(idtype)
    sg = dgl.node_subgraph(g, [0, 1], output_device="cpu")
    assert sg.device == torch.device("cpu")
