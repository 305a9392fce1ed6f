"""Conversions (scipy, networkx, random graphs, blocks, type flattening) checked against the
source objects themselves."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import torch

import graphdl as dgl
from graphdl.testing import user_game_graph
from graphdl import DGLError


def _el(g, etype=None):
    u, v = g.edges(etype=etype)
    return list(zip(u.tolist(), v.tolist()))


def _hetero(idtype):
    return user_game_graph(idtype, follows_self_loop=False)


@pytest.mark.parametrize("fmt", ["coo", "csr", "csc"])
def test_from_scipy(idtype, fmt):
    m = sp.coo_matrix((np.arange(1.0, 6.0), ([0, 2, 1, 3, 0], [1, 0, 3, 3, 2])), shape=(4, 4)).asformat(fmt)
    g = dgl.from_scipy(m, eweight_name="w", idtype=idtype)
    coo = m.tocoo()
    assert g.idtype == idtype and g.num_nodes() == 4
    assert _el(g) == list(zip(coo.row.tolist(), coo.col.tolist()))
    assert g.edata["w"].tolist() == coo.data.tolist()
    with pytest.raises(DGLError, match="square"):
        dgl.from_scipy(sp.random(3, 4, density=0.5))
    with pytest.raises(DGLError, match="scipy"):
        dgl.from_scipy(np.eye(3))


def test_bipartite_from_scipy(idtype):
    m = sp.random(3, 5, density=0.5, random_state=1, format="csr")
    g = dgl.bipartite_from_scipy(m, "u", "r", "v", eweight_name="w", idtype=idtype)
    coo = m.tocoo()
    assert g.num_nodes("u") == 3 and g.num_nodes("v") == 5
    assert _el(g) == list(zip(coo.row.tolist(), coo.col.tolist()))
    assert np.allclose(g.edata["w"].numpy(), coo.data)


@pytest.mark.parametrize("wrap", [np.array, torch.tensor, np.int64])
def test_networkx_edge_ids_held_in_arrays(idtype, wrap):
    # networkx attributes are often one-element arrays; they are read as the integer they hold
    dg = nx.DiGraph()
    dg.add_nodes_from([1, 3], bipartite=0)
    dg.add_nodes_from([2, 4, 5], bipartite=1)
    dg.add_edge(1, 4, eid=wrap([1]) if wrap is not np.int64 else wrap(1))
    dg.add_edge(3, 5, eid=wrap([0]) if wrap is not np.int64 else wrap(0))
    g = dgl.bipartite_from_networkx(dg, "u", "e", "v", edge_id_attr_name="eid", idtype=idtype)
    assert _el(g) == [(1, 2), (0, 1)]
    h = dgl.from_networkx(dg, edge_id_attr_name="eid", idtype=idtype)
    assert _el(h) == [(2, 4), (0, 3)]  # labels 1,2,3,4,5 -> 0..4
    dg.add_edge(1, 5, eid=np.array([0.5]))
    with pytest.raises(DGLError, match="one integer"):
        dgl.from_networkx(dg, edge_id_attr_name="eid")


def test_from_networkx(idtype):
    ng = nx.Graph()
    ng.add_nodes_from([3, 1, 2, 0])
    ng.add_edges_from([(3, 1), (0, 2), (1, 2)])
    for n in ng.nodes:
        ng.nodes[n]["x"] = torch.tensor([float(n), 2.0 * n])
    g = dgl.from_networkx(ng, node_attrs=["x"], idtype=idtype)
    assert g.num_nodes() == 4
    assert sorted(_el(g)) == sorted([(3, 1), (1, 3), (0, 2), (2, 0), (1, 2), (2, 1)])
    assert g.ndata["x"].tolist() == [[float(i), 2.0 * i] for i in range(4)]
    with pytest.raises(DGLError, match="undirected"):
        dgl.from_networkx(ng, edge_attrs=["w"])
    dg = nx.DiGraph()
    dg.add_edge("b", "a", id=1, w=1.0)
    dg.add_edge("a", "c", id=0, w=2.0)
    dg.add_edge("c", "b", id=2, w=3.0)
    g = dgl.from_networkx(dg, edge_attrs=["w"], edge_id_attr_name="id", idtype=idtype)
    # labels sorted: a=0, b=1, c=2; edges ordered by their "id" attribute
    assert _el(g) == [(0, 2), (1, 0), (2, 1)]
    assert g.edata["w"].tolist() == [2.0, 1.0, 3.0]
    mg = nx.MultiDiGraph()
    mg.add_edges_from([(0, 1), (0, 1), (1, 0)])
    assert _el(dgl.from_networkx(mg)) == [(0, 1), (0, 1), (1, 0)]
    with pytest.raises(DGLError, match="zz"):
        dgl.from_networkx(dg, node_attrs=["zz"])


def test_bipartite_from_networkx(idtype):
    bp = nx.DiGraph()
    bp.add_nodes_from(["x0", "x1", "x2"], bipartite=0)
    bp.add_nodes_from(["y0", "y1"], bipartite=1)
    bp.add_edges_from([("x0", "y0"), ("x1", "y1"), ("x2", "y0"), ("x0", "y1")], w=1.0)
    for i, n in enumerate(["x0", "x1", "x2"]):
        bp.nodes[n]["f"] = float(i)
    g = dgl.bipartite_from_networkx(bp, "u", "r", "v", u_attrs=["f"], e_attrs=["w"], idtype=idtype)
    assert g.num_nodes("u") == 3 and g.num_nodes("v") == 2
    assert sorted(_el(g)) == [(0, 0), (0, 1), (1, 1), (2, 0)]
    assert g.nodes["u"].data["f"].tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(DGLError, match="directed"):
        dgl.bipartite_from_networkx(bp.to_undirected(), "u", "r", "v")
    bad = nx.DiGraph()
    bad.add_node(0)
    with pytest.raises(DGLError, match="bipartite"):
        dgl.bipartite_from_networkx(bad, "u", "r", "v")


def test_to_networkx_roundtrip(idtype):
    g = dgl.graph(([0, 0, 2, 3], [1, 1, 0, 2]), num_nodes=5, idtype=idtype)
    g.ndata["h"] = torch.arange(10.0).reshape(5, 2)
    g.edata["w"] = torch.arange(4.0)
    nxg = dgl.to_networkx(g, node_attrs=["h"], edge_attrs=["w"])
    assert isinstance(nxg, nx.MultiDiGraph) and nxg.number_of_nodes() == 5
    edges = sorted(nxg.edges(data=True), key=lambda e: e[2]["id"])
    assert [(u, v) for u, v, _ in edges] == _el(g)
    assert [d["w"].item() for _, _, d in edges] == [0.0, 1.0, 2.0, 3.0]
    assert nxg.nodes[3]["h"].tolist() == [6.0, 7.0]
    back = dgl.from_networkx(nxg, node_attrs=["h"], edge_attrs=["w"], edge_id_attr_name="id", idtype=idtype)
    assert _el(back) == _el(g)
    assert torch.equal(back.ndata["h"], g.ndata["h"])
    h = dgl.to_networkx(_hetero(idtype))
    assert h.nodes[0]["ntype"] == "developer"
    assert h.number_of_edges() == 12


def test_to_networkx_hetero_features_per_type(idtype):
    # a listed feature goes on the items of the types that have it, in that type's shape
    g = dgl.heterograph({("user", "follows", "user"): ([0, 1], [1, 2]),
                         ("user", "follows", "topic"): ([1, 1], [1, 2]),
                         ("user", "plays", "game"): ([0, 3], [3, 4])}, idtype=idtype)
    g.nodes["game"].data["n"] = torch.randn(5, 3)
    g.nodes["user"].data["n"] = torch.randn(4, 2)
    g.edges["plays"].data["e"] = torch.randn(2, 2)
    nxg = dgl.to_networkx(g, node_attrs=["n"], edge_attrs=["e"])
    hom = dgl.to_homogeneous(g)
    for i, d in nxg.nodes(data=True):
        nt = g.ntypes[int(hom.ndata[dgl.NTYPE][i])]
        assert d["ntype"] == nt
        if nt == "topic":
            assert set(d) == {"ntype"}
        else:
            assert torch.equal(d["n"], g.nodes[nt].data["n"][int(hom.ndata[dgl.NID][i])])
    for u, v, d in nxg.edges(data=True):
        if d["etype"] == ("user", "plays", "game"):
            assert torch.equal(d["e"], g.edges["plays"].data["e"][int(hom.edata[dgl.EID][d["id"]])])
        else:
            assert set(d) == {"id", "etype"}
    with pytest.raises(DGLError, match="zz"):
        dgl.to_networkx(dgl.graph(([0], [1])), node_attrs=["zz"])


def test_rand_graph_and_bipartite(idtype):
    dgl.seed(0)
    g = dgl.rand_graph(10, 30, idtype=idtype)
    assert g.idtype == idtype and g.num_nodes() == 10 and g.num_edges() == 30
    assert len(set(_el(g))) == 30
    full = dgl.rand_graph(4, 16)
    assert sorted(_el(full)) == [(u, v) for u in range(4) for v in range(4)]
    b = dgl.rand_bipartite("a", "r", "b", 3, 5, 7, idtype=idtype)
    assert b.num_nodes("a") == 3 and b.num_nodes("b") == 5 and len(set(_el(b))) == 7
    with pytest.raises(DGLError, match="17"):
        dgl.rand_graph(4, 17)
    assert dgl.rand_graph(0, 0).num_nodes() == 0


def test_block_to_graph(idtype):
    h = _hetero(idtype)
    block = dgl.to_block(dgl.in_subgraph(h, {"game": [0, 1]}), {"game": torch.tensor([0, 1], dtype=idtype)})
    block.srcnodes["user"].data["q"] = torch.arange(float(block.num_src_nodes("user")))
    g = dgl.block_to_graph(block)
    assert g.ntypes == ["developer_src", "game_src", "user_src", "developer_dst", "game_dst", "user_dst"]
    assert g.canonical_etypes == [(s + "_src", e, d + "_dst") for s, e, d in block.canonical_etypes]
    for (s, e, d) in block.canonical_etypes:
        assert _el(g, (s + "_src", e, d + "_dst")) == _el(block, (s, e, d))
    assert torch.equal(g.nodes["user_src"].data["q"], block.srcnodes["user"].data["q"])
    assert torch.equal(g.nodes["game_dst"].data[dgl.NID], block.dstnodes["game"].data[dgl.NID])
    with pytest.raises(DGLError, match="block"):
        dgl.block_to_graph(h)


def test_to_homogeneous(idtype):
    h = _hetero(idtype)
    g = dgl.to_homogeneous(h, ndata=["a"])
    counts = [h.num_nodes(nt) for nt in h.ntypes]
    offs = np.concatenate([[0], np.cumsum(counts)[:-1]])
    assert g.num_nodes() == sum(counts)
    want, etype_ids, eids = [], [], []
    for i, (s, e, d) in enumerate(h.canonical_etypes):
        so, do = offs[h.ntypes.index(s)], offs[h.ntypes.index(d)]
        want += [(a + so, b + do) for a, b in _el(h, (s, e, d))]
        etype_ids += [i] * h.num_edges((s, e, d))
        eids += list(range(h.num_edges((s, e, d))))
    assert _el(g) == want
    assert g.edata[dgl.ETYPE].tolist() == etype_ids
    assert g.edata[dgl.EID].tolist() == eids
    assert g.ndata[dgl.NTYPE].tolist() == sum([[i] * c for i, c in enumerate(counts)], [])
    assert g.ndata[dgl.NID].tolist() == sum([list(range(c)) for c in counts], [])
    assert torch.equal(g.ndata["a"], torch.cat([h.nodes[nt].data["a"] for nt in h.ntypes]))
    g2, nc, ec = dgl.to_homogeneous(h, store_type=False, return_count=True)
    assert dgl.NTYPE not in g2.ndata and dgl.ETYPE not in g2.edata
    assert nc == counts and ec == [h.num_edges(c) for c in h.canonical_etypes]
    with pytest.raises(DGLError, match="x"):
        dgl.to_homogeneous(h, edata=["x"])


def test_to_homogeneous_types_without_nodes_or_edges_may_lack_features(idtype):
    h = dgl.heterograph({("a", "ab", "b"): ([0, 1], [1, 0]), ("b", "bc", "c"): ([], [])},
                        num_nodes_dict={"a": 2, "b": 2, "c": 0}, idtype=idtype)
    h.nodes["a"].data["x"] = torch.randn(2, 3)
    h.nodes["b"].data["x"] = torch.randn(2, 3)
    h.edges["ab"].data["w"] = torch.randn(2)
    g = dgl.to_homogeneous(h, ndata=["x"], edata=["w"])
    assert torch.equal(g.ndata["x"], torch.cat([h.nodes["a"].data["x"], h.nodes["b"].data["x"]]))
    assert torch.equal(g.edata["w"], h.edges["ab"].data["w"])
    del h.nodes["b"].data["x"]  # a type with nodes must still have it
    with pytest.raises(DGLError, match="'b'"):
        dgl.to_homogeneous(h, ndata=["x"])


def test_to_heterogeneous_roundtrip(idtype):
    h = _hetero(idtype)
    g = dgl.to_homogeneous(h, ndata=["a"])
    back = dgl.to_heterogeneous(g, h.ntypes, h.etypes)
    assert back.ntypes == h.ntypes
    assert sorted(back.canonical_etypes) == sorted(h.canonical_etypes)
    for c in h.canonical_etypes:
        assert _el(back, c) == _el(h, c)
    for nt in h.ntypes:
        assert torch.equal(back.nodes[nt].data["a"], h.nodes[nt].data["a"])
    assert back.nodes["game"].data[dgl.NID].tolist() == [2, 3, 4]
    assert dgl.NTYPE not in back.nodes["game"].data
    with pytest.raises(DGLError, match="out of range"):
        dgl.to_heterogeneous(g, h.ntypes[:2], h.etypes)
    bare = dgl.graph(([0], [1]), idtype=idtype)
    with pytest.raises(DGLError, match="_TYPE"):
        dgl.to_heterogeneous(bare, ["a"], ["r"])
