"""add_node_property_split (node properties against networkx) and add_nodepred_split."""
import networkx as nx
import numpy as np
import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.data.utils import _node_property, add_node_property_split, add_nodepred_split

NAMES = ["in_train_mask", "in_valid_mask", "in_test_mask", "out_valid_mask", "out_test_mask"]


def _graph(idtype):
    rng = np.random.default_rng(3)
    u = rng.integers(0, 60, 240)
    v = rng.integers(0, 60, 240)
    # a self-loop, a duplicate edge and an isolated node (60)
    u = np.concatenate([u, [4, 7, 7]])
    v = np.concatenate([v, [4, 9, 9]])
    return graphdl.graph((torch.tensor(u), torch.tensor(v)), num_nodes=61, idtype=idtype)


def _nx(g):
    h = nx.Graph()
    h.add_nodes_from(range(g.num_nodes()))
    u, v = g.edges()
    h.add_edges_from(zip(u.tolist(), v.tolist()))
    return h


@pytest.mark.parametrize("idtype", [torch.int32, torch.int64])
def test_properties_match_networkx(idtype):
    g = _graph(idtype)
    h = _nx(g)
    pr = np.array([nx.pagerank(h)[i] for i in range(g.num_nodes())])
    np.testing.assert_allclose(_node_property(g, "popularity"), pr, atol=1e-5)
    personal = {i: 0.0 for i in range(g.num_nodes())}
    personal[int(np.argmax(pr))] = 1.0
    ppr = nx.pagerank(h, personalization=personal)
    np.testing.assert_allclose(_node_property(g, "locality"),
                               [ppr[i] for i in range(g.num_nodes())], atol=1e-5)
    cc = nx.clustering(h)
    np.testing.assert_allclose(_node_property(g, "density"), [cc[i] for i in range(g.num_nodes())],
                               atol=1e-12)


@pytest.mark.parametrize("ascending", [True, False])
def test_split_puts_low_property_nodes_out_of_distribution(ascending):
    g = _graph(torch.int64)
    add_node_property_split([g], [0.3, 0.1, 0.1, 0.3, 0.2], "popularity", ascending=ascending,
                            random_seed=0)
    masks = torch.stack([g.ndata[k] for k in NAMES])
    assert torch.equal(masks.sum(0), torch.ones(g.num_nodes(), dtype=torch.int64))  # a partition
    pr = torch.from_numpy(_node_property(g, "popularity"))
    inside = pr[masks[:3].any(0)]
    outside = pr[masks[3:].any(0)]
    if ascending:
        assert inside.min() >= outside.max()
        assert pr[g.ndata["out_test_mask"]].max() <= pr[g.ndata["out_valid_mask"]].min()
    else:
        assert inside.max() <= outside.min()
    # same seed, same split
    again = _graph(torch.int64)
    add_node_property_split([again], [0.3, 0.1, 0.1, 0.3, 0.2], "popularity", ascending=ascending,
                            random_seed=0)
    for k in NAMES:
        assert torch.equal(again.ndata[k], g.ndata[k])


def test_property_split_errors():
    g = _graph(torch.int64)
    with pytest.raises(DGLError, match="property_name"):
        add_node_property_split([g], [0.3, 0.1, 0.1, 0.3, 0.2], "degree")
    with pytest.raises(DGLError, match="five"):
        add_node_property_split([g], [0.5, 0.5], "density")
    hg = graphdl.heterograph({("a", "r", "b"): (torch.tensor([0]), torch.tensor([0]))})
    with pytest.raises(DGLError, match="one node"):
        add_node_property_split([hg], [0.3, 0.1, 0.1, 0.3, 0.2], "density")


def test_add_nodepred_split():
    np.random.seed(0)
    g = _graph(torch.int32)
    add_nodepred_split([g], [0.6, 0.2, 0.2])
    m = torch.stack([g.ndata["train_mask"], g.ndata["val_mask"], g.ndata["test_mask"]])
    assert m.sum(1).tolist() == [36, 12, 13] and bool((m.sum(0) == 1).all())
    hg = graphdl.heterograph({("a", "r", "b"): (torch.tensor([0, 1]), torch.tensor([0, 0]))})
    add_nodepred_split([hg], [0.5, 0.5, 0.0], ntype="a")
    assert hg.nodes["a"].data["train_mask"].sum() == 1
    with pytest.raises(DGLError, match="three"):
        add_nodepred_split([g], [0.5, 0.5])
