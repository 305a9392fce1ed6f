"""merge against a per-graph loop: edges concatenated, later node features win."""
import pytest
import torch

import graphdl
from graphdl import DGLError


def test_merge_hetero(idtype):
    g1 = graphdl.heterograph({("a", "to", "b"): ([0, 1], [1, 0])}, idtype=idtype)
    g1.nodes["a"].data["h"] = torch.randn(2, 3)
    g1.nodes["b"].data["h"] = torch.randn(2, 3)
    g1.edges["to"].data["w"] = torch.randn(2, 3)
    g2 = graphdl.heterograph({("a", "to", "b"): ([1, 2, 3], [2, 3, 5])}, idtype=idtype)
    g2.nodes["a"].data["h"] = torch.randn(4, 3)
    g2.nodes["b"].data["h"] = torch.randn(6, 3)
    g2.edges["to"].data["w"] = torch.randn(3, 3)
    g2.add_nodes(3, ntype="a")
    m = graphdl.merge([g1, g2])
    assert m.idtype == idtype
    u, v = m.edges()
    assert u.tolist() == [0, 1, 1, 2, 3] and v.tolist() == [1, 0, 2, 3, 5]
    assert torch.equal(m.edges["to"].data["w"], torch.cat([g1.edges["to"].data["w"], g2.edges["to"].data["w"]]))
    for nt in ("a", "b"):
        assert m.num_nodes(nt) == max(g1.num_nodes(nt), g2.num_nodes(nt))
        # reference: write rows graph after graph
        ref = torch.zeros(m.num_nodes(nt), 3)
        for g in (g1, g2):
            val = g.nodes[nt].data["h"]
            ref[: val.shape[0]] = val
        assert torch.equal(m.nodes[nt].data["h"], ref)


def test_merge_union_of_node_features():
    g1 = graphdl.graph(([0, 1], [1, 2]))
    g1.ndata["h"] = torch.ones(3, 2)
    g2 = graphdl.graph(([0], [4]))
    g2.ndata["x"] = torch.full((5,), 3.0)
    m = graphdl.merge([g1, g2])
    assert m.ndata["h"][:, 0].tolist() == [1, 1, 1, 0, 0]
    assert m.ndata["x"].tolist() == [3.0] * 5


def test_merge_bad_input():
    with pytest.raises(DGLError, match="at least one"):
        graphdl.merge([])
    g1 = graphdl.graph(([0], [1]))
    g1.edata["w"] = torch.ones(1)
    with pytest.raises(DGLError, match="'w'"):
        graphdl.merge([g1, graphdl.graph(([0], [1]))])
    h = graphdl.heterograph({("a", "r", "a"): ([0], [0])})
    with pytest.raises(DGLError, match="lacks the types"):
        graphdl.merge([h, g1])
