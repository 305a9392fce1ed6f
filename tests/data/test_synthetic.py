import networkx as nx
import pytest
import torch

from graphdl import DGLError
from graphdl.data import BA2MotifDataset, BACommunityDataset, BAShapeDataset, TreeCycleDataset, TreeGridDataset


def _edges(g):
    src, dst = g.edges()
    return src.tolist(), dst.tolist()


def _motif_subgraphs(g):
    """networkx graphs of each motif copy, built from the edges marked ``motif``."""
    src, dst = g.edges()
    mark, mid = g.edata["motif"], g.ndata["motif_id"]
    out = {}
    for u, v in zip(src[mark].tolist(), dst[mark].tolist()):
        assert int(mid[u]) == int(mid[v]) >= 0  # a motif edge joins two nodes of one copy
        out.setdefault(int(mid[u]), nx.Graph()).add_edge(u, v)
    return out


def test_ba_shapes_sizes_labels_and_houses():
    g = BAShapeDataset(seed=0, verbose=False)[0]
    assert g.num_nodes() == 300 + 80 * 5
    assert torch.bincount(g.ndata["label"]).tolist() == [300, 160, 160, 80]
    assert g.ndata["feat"].shape == (700, 1) and bool((g.ndata["feat"] == 1).all())
    houses = _motif_subgraphs(g)
    assert len(houses) == 80
    house = nx.Graph([(0, 1), (1, 2), (2, 3), (3, 0), (4, 0), (4, 1)])
    assert all(nx.is_isomorphic(h, house) for h in houses.values())
    # The roof (label 3) has degree 2 inside its house.
    for h in houses.values():
        roof = [v for v in h if int(g.ndata["label"][v]) == 3]
        assert len(roof) == 1 and h.degree(roof[0]) == 2
    assert BAShapeDataset(seed=0).num_classes == 4


def test_same_seed_same_graph_other_seed_other_graph():
    a, b, c = (BAShapeDataset(seed=s, verbose=False)[0] for s in (3, 3, 4))
    assert _edges(a) == _edges(b)
    assert _edges(a) != _edges(c)
    x, y = BACommunityDataset(seed=1)[0], BACommunityDataset(seed=1)[0]
    torch.testing.assert_close(x.ndata["feat"], y.ndata["feat"])


def test_perturbation_adds_the_requested_number_of_edges():
    base = BAShapeDataset(perturb_ratio=0.0, seed=0)[0].num_edges()
    g = BAShapeDataset(perturb_ratio=0.1, seed=0)[0]
    assert g.num_edges() == base + int(base * 0.1)
    assert int(g.edata["motif"].sum()) == 80 * 6
    src, dst = g.edges()
    assert bool((src != dst).all())


def test_ba_community_two_halves():
    g = BACommunityDataset(seed=0)[0]
    assert g.num_nodes() == 1400 and g.ndata["feat"].shape == (1400, 10)
    label = g.ndata["label"]
    assert int(label[:700].max()) == 3 and int(label[700:].min()) == 4
    means = g.ndata["feat"][:, :2]
    assert float(means[:700].mean()) < -0.8 and float(means[700:].mean()) > 0.8
    assert len(_motif_subgraphs(g)) == 160
    assert BACommunityDataset(seed=0).num_classes == 8


def test_tree_cycles_and_tree_grids():
    g = TreeCycleDataset(seed=0)[0]
    assert g.num_nodes() == 511 + 60 * 6 and torch.bincount(g.ndata["label"]).tolist() == [511, 360]
    cycles = _motif_subgraphs(g)
    assert len(cycles) == 60 and all(nx.is_isomorphic(c, nx.cycle_graph(6)) for c in cycles.values())
    g = TreeGridDataset(seed=0)[0]
    assert g.num_nodes() == 511 + 80 * 9
    grids = _motif_subgraphs(g)
    assert len(grids) == 80 and all(nx.is_isomorphic(c, nx.grid_2d_graph(3, 3)) for c in grids.values())
    assert (g.ndata["label"] == 1).sum() == 720


def test_ba_2motifs():
    data = BA2MotifDataset(seed=0, num_graphs=10)
    assert len(data) == 10 and data.num_classes == 2
    assert data.labels.tolist() == [0] * 5 + [1] * 5
    g, label = data[7]
    assert g.num_nodes() == 25 and g.ndata["feat"].shape == (25, 10) and int(label) == 1
    src, dst = g.edges()
    assert sorted(zip(src.tolist(), dst.tolist())) == sorted(zip(dst.tolist(), src.tolist()))
    motif = _motif_subgraphs(g)
    assert len(motif) == 1 and nx.is_isomorphic(next(iter(motif.values())), nx.cycle_graph(5))
    assert nx.is_isomorphic(_motif_subgraphs(data[0][0])[0], nx.house_graph())
    assert len(BA2MotifDataset()) == 1000


def test_bad_arguments():
    with pytest.raises(DGLError, match="perturb_ratio"):
        BAShapeDataset(perturb_ratio=1000.0, seed=0)
    with pytest.raises(DGLError, match="num_motifs"):
        TreeCycleDataset(num_motifs=0)
    with pytest.raises(DGLError, match="cycle_size"):
        TreeCycleDataset(cycle_size=2)
    with pytest.raises(IndexError):
        BAShapeDataset(seed=0)[1]
