"""prop_nodes / prop_edges and their traversal variants against step-by-step references."""
import pytest
import torch

import graphdl
import graphdl.function as fn
from graphdl import DGLError


def _path(n, idtype):
    u = list(range(n - 1))
    return graphdl.graph((u + [i + 1 for i in u], [i + 1 for i in u] + u), idtype=idtype)


def _msg(edges):
    return {"m": edges.src["x"]}


def _red(nodes):
    return {"x": nodes.data["x"] + nodes.mailbox["m"].sum(1)}


def _pull_ref(g, x, frontiers):
    """x[v] <- x[v] + sum of x over v's predecessors, frontier after frontier."""
    src, dst = g.edges()
    x = x.clone()
    for fr in frontiers:
        new = x.clone()
        for v in fr:
            mask = dst == v
            new[v] = x[v] + x[src[mask].long()].sum(0)
        x = new
    return x


def _send_ref(g, x, frontiers):
    src, dst = g.edges()
    x = x.clone()
    for fr in frontiers:
        new = x.clone()
        eids = torch.as_tensor(fr).long()
        for v in set(dst[eids].tolist()):
            chosen = eids[dst[eids] == v]
            new[v] = x[v] + x[src[chosen].long()].sum(0)
        x = new
    return x


def test_prop_nodes_bfs(idtype):
    g = _path(6, idtype)
    x = torch.arange(12, dtype=torch.float32).view(6, 2)
    g.ndata["x"] = x.clone()
    graphdl.prop_nodes_bfs(g, 0, _msg, _red)
    want = _pull_ref(g, x, [f.tolist() for f in graphdl.bfs_nodes_generator(g, 0)])
    assert torch.equal(g.ndata["x"], want)
    # the chain turns into a running sum: ones -> 2, 4, 6, ...
    g.ndata["x"] = torch.ones(6, 2)
    graphdl.prop_nodes_bfs(g, 0, _msg, _red)
    assert g.ndata["x"][:, 0].tolist() == [2.0, 4.0, 6.0, 8.0, 10.0, 11.0]


@pytest.mark.parametrize("has_rev,has_nt", [(False, False), (True, False), (False, True), (True, True)])
def test_prop_edges_dfs(idtype, has_rev, has_nt):
    g = _path(5, idtype)
    x = torch.rand(5, 3)
    g.ndata["x"] = x.clone()
    graphdl.prop_edges_dfs(g, 0, _msg, _red, has_reverse_edge=has_rev, has_nontree_edge=has_nt)
    frontiers = graphdl.dfs_labeled_edges_generator(g, 0, has_reverse_edge=has_rev, has_nontree_edge=has_nt,
                                                    return_labels=False)
    assert torch.allclose(g.ndata["x"], _send_ref(g, x, [f.tolist() for f in frontiers]))


def test_prop_nodes_topo_builtin_and_method(idtype):
    # a tree pointing to its root 0: leaves 1, 3, 4
    tree = graphdl.graph(([1, 2, 3, 4], [0, 0, 2, 2]), idtype=idtype)
    tree.ndata["x"] = torch.tensor([[0.0], [1.0], [0.0], [1.0], [1.0]])
    graphdl.prop_nodes_topo(tree, _msg, _red)
    assert tree.ndata["x"].flatten().tolist() == [3.0, 1.0, 2.0, 1.0, 1.0]
    # the method form with explicit frontiers
    g = graphdl.graph(([0, 1], [1, 2]), idtype=idtype)
    g.ndata["x"] = torch.tensor([[1.0], [0.0], [0.0]])
    g.prop_nodes([[1], [2]], fn.copy_u("x", "m"), fn.sum("m", "x"))
    assert g.ndata["x"].flatten().tolist() == [1.0, 1.0, 1.0]
    g.ndata["x"] = torch.tensor([[1.0], [0.0], [0.0]])
    g.prop_edges([[0], [1]], fn.copy_u("x", "m"), fn.sum("m", "x"))
    assert g.ndata["x"].flatten().tolist() == [1.0, 1.0, 1.0]


def test_bad_input():
    g = _path(3, torch.int64)
    g.ndata["x"] = torch.ones(3, 1)
    with pytest.raises(DGLError, match="cycle"):
        graphdl.prop_nodes_topo(g, _msg, _red)
    with pytest.raises(DGLError, match="message_func"):
        graphdl.prop_nodes(g, [[0]])
