"""``g[src, :, dst]`` over several relations: one merged relation, checked edge by edge."""
import pytest
import torch

import graphdl
from graphdl.base import EID, ETYPE, NID, NTYPE, DGLError


def _hetero(idtype):
    return graphdl.heterograph({
        ("user", "follows", "user"): ([0, 1], [1, 2]),
        ("user", "plays", "game"): ([0, 1, 2, 1], [0, 0, 1, 1]),
        ("user", "wishes", "game"): ([0, 2], [1, 0]),
        ("developer", "develops", "game"): ([0, 1], [0, 1]),
    }, idtype=idtype)


def _check_edges_map_back(g, fg):
    src_t, dst_t = (fg.ntypes * 2)[:2] if len(fg.ntypes) == 1 else fg.ntypes
    u, v = fg.edges(order="eid")
    for i in range(fg.num_edges()):
        ce = g.canonical_etypes[int(fg.edata[ETYPE][i])]
        gu, gv = g.find_edges(fg.edata[EID][i:i + 1], ce)
        su, sv = int(u[i]), int(v[i])
        assert g.ntypes[int(fg.nodes[src_t].data[NTYPE][su])] == ce[0]
        assert g.ntypes[int(fg.nodes[dst_t].data[NTYPE][sv])] == ce[2]
        assert int(fg.nodes[src_t].data[NID][su]) == int(gu)
        assert int(fg.nodes[dst_t].data[NID][sv]) == int(gv)


def test_two_relations_between_two_types(idtype):
    g = _hetero(idtype)
    g.nodes["user"].data["h"] = torch.randn(3, 5)
    g.edges["plays"].data["e"] = torch.randn(4, 2)
    g.edges["wishes"].data["e"] = torch.randn(2, 2)
    g.edges["wishes"].data["f"] = torch.randn(2, 2)
    fg = g["user", :, "game"]
    assert fg.ntypes == ["user", "game"] and fg.etypes == ["plays+wishes"]
    assert fg.idtype == idtype and fg.num_edges() == 6
    assert torch.equal(fg.nodes["user"].data["h"], g.nodes["user"].data["h"])
    assert torch.equal(fg.edata["e"], torch.cat([g.edges["plays"].data["e"], g.edges["wishes"].data["e"]]))
    assert "f" not in fg.edata  # plays lacks it
    assert fg["plays+wishes"].num_edges() == 6
    _check_edges_map_back(g, fg)


def test_every_relation(idtype):
    g = _hetero(idtype)
    fg = g[:, :, :]
    assert fg.ntypes == ["developer+user", "game+user"]
    assert fg.etypes == ["develops+follows+plays+wishes"]
    assert fg.num_nodes("developer+user") == 5 and fg.num_nodes("game+user") == 5
    _check_edges_map_back(g, fg)


def test_same_source_and_destination_types_give_one_node_type(idtype):
    g = graphdl.heterograph({("user", "follows", "user"): ([0, 1, 2], [1, 2, 3]),
                             ("user", "knows", "user"): ([0, 2], [2, 3])}, idtype=idtype)
    g.ndata["h"] = torch.randn(4, 3)
    fg = g["user", :, "user"]
    assert fg.ntypes == ["user"] and fg.etypes == ["follows+knows"]
    assert torch.equal(fg.ndata["h"], g.ndata["h"])
    _check_edges_map_back(g, fg)


def test_one_match_is_the_relation_itself_and_none_raises(idtype):
    g = _hetero(idtype)
    fg = g["developer", :, "game"]
    assert fg.etypes == ["develops"]
    assert torch.equal(fg.edges()[0], g.edges(etype="develops")[0])
    with pytest.raises(DGLError, match="no edge type"):
        g["game", :, "user"]


def test_mismatched_feature_shapes_raise(idtype):
    g = _hetero(idtype)
    g.edges["plays"].data["e"] = torch.randn(4, 2)
    g.edges["wishes"].data["e"] = torch.randn(2, 3)
    with pytest.raises(DGLError, match="'e'"):
        g["user", :, "game"]
