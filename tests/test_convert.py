import numpy as np
import pytest
import scipy.sparse as sp
import torch

import graphdl as dgl
from graphdl import DGLError


def test_graph_from_pairs_lists_numpy_tensors(idtype):
    for data in [([0, 1, 2], [1, 2, 0]), (np.array([0, 1, 2]), np.array([1, 2, 0])),
                 (torch.tensor([0, 1, 2]), torch.tensor([1, 2, 0]))]:
        g = dgl.graph(data, idtype=idtype)
        assert g.idtype == idtype
        assert g.num_nodes() == 3 and g.num_edges() == 3
        u, v = g.edges()
        assert u.tolist() == [0, 1, 2] and v.tolist() == [1, 2, 0]


def test_idtype_inferred_from_tensors():
    g = dgl.graph((torch.tensor([0, 1], dtype=torch.int32), torch.tensor([1, 0], dtype=torch.int32)))
    assert g.idtype == torch.int32
    assert dgl.graph(([0], [1])).idtype == torch.int64


def test_num_nodes_and_range_errors():
    g = dgl.graph(([0, 1], [1, 2]), num_nodes=10)
    assert g.num_nodes() == 10
    with pytest.raises(DGLError, match="5"):
        dgl.graph(([0, 5], [1, 2]), num_nodes=4)
    with pytest.raises(DGLError, match="-1"):
        dgl.graph(([0, -1], [1, 2]))
    with pytest.raises(DGLError, match="differ in length"):
        dgl.graph(([0, 1, 2], [1, 2]))
    with pytest.raises(DGLError, match="integer"):
        dgl.graph((torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])))


def test_graph_from_csr_and_csc_agree_with_scipy(idtype):
    rng = np.random.default_rng(0)
    m = sp.random(12, 12, density=0.3, random_state=1, format="csr")
    indptr, indices = m.indptr, m.indices
    eids = rng.permutation(m.nnz)
    g = dgl.graph(("csr", (torch.tensor(indptr), torch.tensor(indices), torch.tensor(eids))), idtype=idtype)
    assert g.num_edges() == m.nnz
    # edge eids[k] is the k-th stored entry of the CSR
    rows = np.repeat(np.arange(12), np.diff(indptr))
    u, v = g.find_edges(torch.tensor(eids))
    assert u.tolist() == rows.tolist() and v.tolist() == indices.tolist()
    gc = dgl.graph(("csc", (torch.tensor(indptr), torch.tensor(indices), [])), idtype=idtype)
    u, v = gc.edges()
    assert v.tolist() == rows.tolist() and u.tolist() == indices.tolist()
    assert dgl.graph(("coo", ([0, 1], [1, 0]))).num_edges() == 2


def test_heterograph_types_sorted_and_counts(idtype):
    g = dgl.heterograph({
        ("user", "plays", "game"): ([0, 1, 2], [0, 0, 1]),
        ("user", "follows", "user"): ([0, 1], [1, 2]),
        ("developer", "develops", "game"): ([0], [1]),
    }, num_nodes_dict={"user": 5}, idtype=idtype)
    assert g.ntypes == ["developer", "game", "user"]
    assert g.etypes == ["develops", "follows", "plays"]
    assert g.canonical_etypes[2] == ("user", "plays", "game")
    assert g.num_nodes("user") == 5 and g.num_nodes("game") == 2 and g.num_nodes() == 8
    assert g.num_edges("plays") == 3 and g.num_edges() == 6
    assert not g.is_homogeneous and not g.is_unibipartite
    with pytest.raises(DGLError, match="out of range"):
        dgl.heterograph({("a", "r", "b"): ([3], [0])}, num_nodes_dict={"a": 2})


def test_heterograph_str_keys_and_ambiguity():
    g = dgl.heterograph({"follows": ([0, 1], [1, 2])})
    assert g.canonical_etypes == [("_N", "follows", "_N")]
    g = dgl.heterograph({("a", "r", "b"): ([0], [0]), ("b", "r", "a"): ([0], [0])})
    with pytest.raises(DGLError, match="ambiguous"):
        g.num_edges("r")
    with pytest.raises(DGLError, match="does not exist"):
        g.num_edges("nope")
    with pytest.raises(DGLError, match="does not exist"):
        g.num_nodes("c")


def test_unibipartite_src_dst_types(idtype):
    g = dgl.heterograph({("user", "buys", "item"): ([0, 1], [1, 0]),
                         ("user", "views", "item"): ([0], [0])}, idtype=idtype)
    assert g.is_unibipartite
    assert g.srctypes == ["user"] and g.dsttypes == ["item"]
    assert g.num_src_nodes() == 2 and g.num_dst_nodes() == 2
    g.srcdata["x"] = torch.ones(2, 3)
    assert torch.equal(g.nodes["user"].data["x"], torch.ones(2, 3))


def test_create_block(idtype):
    b = dgl.create_block(([0, 1, 2], [1, 0, 1]), num_src_nodes=5, num_dst_nodes=2, idtype=idtype)
    assert b.is_block and b.num_src_nodes() == 5 and b.num_dst_nodes() == 2
    assert b.srctypes == ["_N"] and b.dsttypes == ["_N"]
    b.srcdata["h"] = torch.ones(5, 2)
    b.dstdata["h"] = torch.zeros(2, 2)
    assert b.srcdata["h"].shape == (5, 2) and b.dstdata["h"].shape == (2, 2)
    with pytest.raises(DGLError, match="srcdata"):
        b.ndata["h"]
    # a type name on both sides of a block means its source nodes, as in DGL
    assert b.num_nodes("_N") == 5 and b.nodes["_N"].data["h"] is b.srcdata["h"]
    with pytest.raises(DGLError, match="out of range"):
        dgl.create_block(([0, 7], [0, 0]), num_src_nodes=5, num_dst_nodes=1)
    hb = dgl.create_block({("user", "clicks", "item"): ([0, 1], [0, 0]), ("item", "rev", "user"): ([0], [1])},
                          num_src_nodes={"user": 3, "item": 1}, num_dst_nodes={"user": 2, "item": 1})
    assert hb.srctypes == ["item", "user"] and hb.num_src_nodes("user") == 3 and hb.num_dst_nodes("user") == 2
    assert hb.num_edges(("user", "clicks", "item")) == 2


def test_empty_graph():
    g = dgl.graph(([], []))
    assert g.num_nodes() == 0 and g.num_edges() == 0
    g = dgl.graph(([], []), num_nodes=3)
    assert g.in_degrees().tolist() == [0, 0, 0]


def test_graph_from_a_list_of_edge_pairs(idtype):
    graphdl = dgl
    # DGL's rule: a list holds (u, v) edges, a tuple holds (U, V) id lists
    g = graphdl.graph([(0, 5), (1, 6)], idtype=idtype)
    assert [x.tolist() for x in g.edges()] == [[0, 1], [5, 6]] and g.num_nodes() == 7
    assert [x.tolist() for x in graphdl.graph(((0, 5), (1, 6))).edges()] == [[0, 5], [1, 6]]
    assert [x.tolist() for x in graphdl.graph([[0, 1], [1, 2], [3, 4]]).edges()] == [[0, 1, 3], [1, 2, 4]]
    empty = graphdl.graph([])
    assert empty.num_nodes() == 0 and empty.num_edges() == 0
    with pytest.raises(graphdl.DGLError, match=r"\(u, v\) pairs"):
        graphdl.graph([(0, 1, 2)])
