import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import torch

import graphdl as dgl
from graphdl import DGLError
from graphdl.testing import get_cases


def _random_graph(idtype, n=25, e=90, seed=0):
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n, e)
    v = rng.integers(0, n, e)
    return dgl.graph((u, v), num_nodes=n, idtype=idtype), u, v


def test_degrees_match_scipy(idtype):
    g, u, v = _random_graph(idtype)
    a = sp.coo_matrix((np.ones(len(u)), (u, v)), shape=(25, 25)).tocsr()
    assert g.in_degrees().tolist() == np.asarray(a.sum(0)).ravel().astype(int).tolist()
    assert g.out_degrees().tolist() == np.asarray(a.sum(1)).ravel().astype(int).tolist()
    assert g.in_degrees(3) == int(a[:, 3].sum())
    assert g.in_degrees(torch.tensor([3, 4])).dtype == idtype


def test_in_out_edges_match_networkx(idtype):
    g, u, v = _random_graph(idtype)
    nxg = nx.MultiDiGraph()
    nxg.add_nodes_from(range(25))
    for i, (a, b) in enumerate(zip(u, v)):
        nxg.add_edge(int(a), int(b), key=i)
    for node in [0, 5, 24]:
        src, dst, eid = g.in_edges(node, form="all")
        ref = sorted((a, b, k) for a, b, k in nxg.in_edges(node, keys=True))
        assert sorted(zip(src.tolist(), dst.tolist(), eid.tolist())) == ref
        src, dst, eid = g.out_edges([node], form="all")
        ref = sorted((a, b, k) for a, b, k in nxg.out_edges(node, keys=True))
        assert sorted(zip(src.tolist(), dst.tolist(), eid.tolist())) == ref
        assert sorted(g.predecessors(node).tolist()) == sorted(a for a, _ in nxg.in_edges(node))
        assert sorted(g.successors(node).tolist()) == sorted(b for _, b in nxg.out_edges(node))


def test_edges_orders_and_forms(idtype):
    g, u, v = _random_graph(idtype)
    s, d = g.edges()
    assert s.tolist() == u.tolist() and d.tolist() == v.tolist()
    s, d, e = g.edges(form="all", order="srcdst")
    pairs = list(zip(s.tolist(), d.tolist()))
    assert pairs == sorted(pairs)
    assert torch.equal(u[e.numpy()] if False else torch.tensor(u)[e.long()], s.long())
    assert g.edges(form="eid").tolist() == list(range(90))
    with pytest.raises(DGLError, match="form"):
        g.edges(form="bad")


def test_edge_ids_has_edges_find_edges(idtype):
    g = dgl.graph(([0, 0, 1, 2, 0], [1, 2, 2, 0, 1]), idtype=idtype)
    assert g.edge_ids(0, 2) == 1
    assert g.edge_ids(torch.tensor([1, 2]), torch.tensor([2, 0])).tolist() == [2, 3]
    s, d, e = g.edge_ids([0], [1], return_uv=True)
    assert sorted(e.tolist()) == [0, 4] and s.tolist() == [0, 0] and d.tolist() == [1, 1]
    with pytest.raises(DGLError, match="no edge from node 2 to node 1"):
        g.edge_ids(2, 1)
    assert g.has_edges_between([0, 2, 1], [1, 1, 2]).tolist() == [True, False, True]
    # an id outside the graph raises, as edge_ids does and as DGL does ("invalid node IDs")
    with pytest.raises(DGLError, match="source node id 7"):
        g.has_edges_between([0, 7], [1, 0])
    with pytest.raises(DGLError, match="destination node id -1"):
        g.has_edges_between(0, -1)
    assert g.has_edges_between(0, 1) is True
    s, d = g.find_edges([3, 0])
    assert s.tolist() == [2, 0] and d.tolist() == [0, 1]
    with pytest.raises(DGLError, match="edge id 5"):
        g.find_edges([5])
    assert g.is_multigraph
    assert not dgl.graph(([0, 1], [1, 0])).is_multigraph
    assert g.has_nodes(torch.tensor([0, 3, -1])).tolist() == [True, False, False]


def test_adjacency_and_incidence_match_dense(idtype):
    g, u, v = _random_graph(idtype, n=8, e=20)
    dense = np.zeros((8, 8))
    np.add.at(dense, (u, v), 1)
    assert np.allclose(g.adj_external().to_dense().numpy(), dense)
    assert np.allclose(g.adj_external(transpose=True).to_dense().numpy(), dense.T)
    assert np.allclose(g.adj_external(scipy_fmt="csr").toarray(), dense)
    inc_in = g.inc("in").to_dense().numpy()
    assert np.allclose(inc_in.sum(1), dense.sum(0)) and np.allclose(inc_in.sum(0), 1)
    indptr, indices, eids = g.adj_tensors("csr")
    m = sp.csr_matrix((np.ones(20), indices.numpy(), indptr.numpy()), shape=(8, 8))
    assert np.allclose(m.toarray(), dense)


def test_ndata_edata_checked_writes(idtype):
    g, _, _ = _random_graph(idtype)
    g.ndata["h"] = torch.randn(25, 4)
    g.edata["w"] = torch.randn(90)
    with pytest.raises(DGLError, match="24 rows.*25 nodes"):
        g.ndata["bad"] = torch.randn(24, 4)
    with pytest.raises(DGLError, match="edges"):
        g.edata["bad"] = torch.randn(89)
    g.nodes[[0, 2]].data["h"] = torch.zeros(2, 4)
    assert torch.all(g.ndata["h"][[0, 2]] == 0)
    assert g.nodes[[0, 2]].data["h"].shape == (2, 4)
    g.edges[[1]].data["w"] = torch.tensor([5.0])
    assert float(g.edata["w"][1]) == 5.0
    with pytest.raises(DGLError, match="node id 25"):
        g.nodes[[25]].data["h"] = torch.zeros(1, 4)
    assert set(g.ndata.keys()) == {"h"}
    del g.ndata["h"]
    assert "h" not in g.ndata


def test_hetero_feature_views(idtype):
    (name, g), = get_cases(["hetero"], idtype=idtype)
    g.nodes["user"].data["x"] = torch.ones(10, 2)
    g.nodes["game"].data["x"] = torch.zeros(6, 2)
    assert set(g.ndata["x"]) == {"user", "game"}
    g.ndata["y"] = {"developer": torch.ones(3)}
    assert g.nodes["developer"].data["y"].shape == (3,)
    with pytest.raises(DGLError, match="dict"):
        g.ndata["z"] = torch.ones(19)
    with pytest.raises(DGLError, match="Unknown node type"):
        g.ndata["z"] = {"nobody": torch.ones(3)}
    g.edges["plays"].data["w"] = torch.ones(20)
    assert g.edata["w"] == {("user", "plays", "game"): g.edges["plays"].data["w"]}
    # relation slices share feature storage
    sub = g["plays"]
    assert sub.srctypes == ["user"] and sub.dsttypes == ["game"]
    sub.dstdata["new"] = torch.arange(6.0)
    assert torch.equal(g.nodes["game"].data["new"], torch.arange(6.0))
    assert torch.equal(g[("user", "plays", "game")].edata["w"], torch.ones(20))


def test_local_scope_restores_even_on_error(idtype):
    g, _, _ = _random_graph(idtype)
    g.ndata["h"] = torch.ones(25, 2)
    with g.local_scope():
        g.ndata["h"] = torch.zeros(25, 2)
        g.ndata["tmp"] = torch.zeros(25)
        g.edata["e"] = torch.zeros(90)
    assert torch.all(g.ndata["h"] == 1) and "tmp" not in g.ndata and "e" not in g.edata
    with pytest.raises(RuntimeError):
        with g.local_scope():
            g.ndata["tmp"] = torch.zeros(25)
            raise RuntimeError("boom")
    assert "tmp" not in g.ndata


def test_device_and_idtype_conversions(idtype):
    g, _, _ = _random_graph(idtype)
    g.ndata["h"] = torch.ones(25, 2)
    assert g.device == torch.device("cpu") and g.cpu() is g and g.to("cpu") is g
    other = torch.int64 if idtype == torch.int32 else torch.int32
    h = g.astype(other)
    assert h.idtype == other and h.edges()[0].dtype == other and h.in_degrees().dtype == other
    assert torch.equal(h.edges()[0].long(), g.edges()[0].long())
    assert g.int().idtype == torch.int32 and g.long().idtype == torch.int64
    c = g.clone()
    c.ndata["h"] = torch.zeros(25, 2)
    assert torch.all(g.ndata["h"] == 1)
    with pytest.raises(DGLError, match="on meta"):
        g.ndata["m"] = torch.ones(25, device="meta")


def test_mutation_keeps_features_aligned(idtype):
    g = dgl.graph(([0, 1, 2], [1, 2, 3]), idtype=idtype)
    g.ndata["h"] = torch.arange(4.0)
    g.edata["w"] = torch.arange(3.0)
    g.add_nodes(2, {"h": torch.tensor([10.0, 11.0])})
    assert g.num_nodes() == 6 and g.ndata["h"].tolist() == [0, 1, 2, 3, 10, 11]
    g.add_edges([4, 5], [5, 0])
    assert g.num_edges() == 5 and g.edata["w"].tolist() == [0, 1, 2, 0, 0]
    g.add_edges([7], [0])  # node 7 does not exist yet: nodes 6 and 7 are added
    assert g.num_nodes() == 8 and g.ndata["h"].tolist()[-2:] == [0, 0]
    g.remove_edges([0], store_ids=True)
    assert g.edata["_ID"].tolist() == [1, 2, 3, 4, 5]
    assert g.edata["w"].tolist() == [1, 2, 0, 0, 0]
    g.remove_nodes([1, 4], store_ids=True)
    assert g.ndata["_ID"].tolist() == [0, 2, 3, 5, 6, 7]
    assert g.ndata["h"].tolist() == [0, 2, 3, 11, 0, 0]
    # remaining edges: 2->3 (old id 2), 5->0, 7->0 relabelled
    s, d = g.edges()
    assert sorted(zip(s.tolist(), d.tolist())) == sorted([(1, 2), (3, 0), (5, 0)])
    with pytest.raises(DGLError, match="node id 9"):
        g.remove_nodes([9])


def test_errors_name_the_problem(idtype):
    g, _, _ = _random_graph(idtype)
    with pytest.raises(DGLError, match="node id 30"):
        g.in_edges(30)
    with pytest.raises(DGLError, match="-2"):
        g.out_degrees(torch.tensor([-2]))
    with pytest.raises(DGLError, match="Edge type 'x'"):
        g.num_edges("x")
    with pytest.raises(DGLError, match="Boolean"):
        g.in_edges(torch.tensor([True, False]))


def test_registry_cases_are_consistent(idtype):
    for name, g in get_cases(idtype=idtype):
        assert g.idtype == idtype, name
        for ce in g.canonical_etypes:
            adj = g._adj(ce)
            assert adj.num_src == (g.num_src_nodes(ce[0]) if g.is_block else g.num_nodes(ce[0]))
            assert int(g.in_degrees(etype=ce).sum()) == g.num_edges(ce)
    g = get_cases(["batched"], idtype=idtype)[0][1]
    assert g.batch_size == 4 and int(g.batch_num_nodes().sum()) == g.num_nodes()


def test_metagraph_and_type_ids():
    (_, g), = get_cases(["hetero"])
    mg = g.metagraph()
    assert set(mg.nodes) == {"user", "game", "developer"}
    assert mg.number_of_edges() == 4
    assert g.get_ntype_id("user") == 2 and g.get_etype_id(("user", "plays", "game")) == 3
    assert g.to_canonical_etype("develops") == ("developer", "develops", "game")


def test_remove_nodes_groups_edges_by_source(idtype):
    g = dgl.graph(([3, 0, 2, 1, 3, 0], [0, 1, 3, 2, 1, 2]), num_nodes=5, idtype=idtype)
    g.edata["w"] = torch.arange(6.0)
    g.remove_nodes([4], store_ids=True)
    s, d = g.edges()
    assert s.tolist() == [0, 0, 1, 2, 3, 3] and d.tolist() == [1, 2, 2, 3, 0, 1]
    assert g.edata["w"].tolist() == [1, 5, 3, 2, 0, 4] and g.edata["_ID"].tolist() == [1, 5, 3, 2, 0, 4]


def test_mutation_and_batch_counts(idtype):
    a = dgl.graph(([0, 1], [1, 2]), idtype=idtype)
    b = dgl.graph(([0, 0], [1, 1]), num_nodes=3, idtype=idtype)
    bg = dgl.batch([a, b])
    bg.remove_edges([0, 2])  # one edge of each member
    assert bg.batch_num_edges().tolist() == [1, 1] and bg.batch_num_nodes().tolist() == [3, 3]
    bg.remove_nodes([0])  # a node of the first member, and no edge with it remains
    assert bg.batch_num_nodes().tolist() == [2, 3] and bg.batch_num_edges().tolist() == [1, 1]
    bg.add_nodes(2)  # adding makes it one graph again, as in DGL
    assert bg.batch_size == 1 and bg.batch_num_nodes().tolist() == [7]


def test_etype2canonical_marks_shared_names():
    g = dgl.heterograph({("a", "r", "b"): ([0], [0]), ("b", "r", "b"): ([0], [0]), ("a", "s", "a"): ([0], [0])})
    assert g._etype2canonical == {"r": (), "s": ("a", "s", "a")}


def test_src_and_dst_prefixed_type_names_of_unibipartite_graphs(idtype):
    g = dgl.heterograph({("A", "AB", "B"): ([0, 0, 1], [1, 2, 5]),
                         ("A", "AC", "C"): ([1, 0], [0, 0])}, idtype=idtype)
    g.srcdata["h"] = torch.randn(2, 5)
    g.nodes["B"].data["h"] = torch.randn(6, 3)
    assert g.nodes["SRC/A"].data["h"] is g.srcdata["h"]
    assert torch.equal(g.nodes["DST/B"].data["h"], g.nodes["B"].data["h"])
    assert g.num_nodes("SRC/A") == 2 and g.num_nodes("DST/C") == 1
    with pytest.raises(DGLError):
        g.nodes["SRC/B"].data  # B is not a source type
    h = dgl.heterograph({("A", "AA", "A"): ([0], [1])}, idtype=idtype)
    with pytest.raises(DGLError):
        h.nodes["SRC/A"].data  # only uni-bipartite graphs and blocks have these names
