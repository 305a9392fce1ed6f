import networkx as nx
import numpy as np
import pytest
import torch

from graphdl import DGLError
from graphdl.data import MiniGCDataset, SBMMixtureDataset


def _nx(g):
    src, dst = g.edges()
    out = nx.Graph()
    out.add_nodes_from(range(g.num_nodes()))
    out.add_edges_from(zip(src.tolist(), dst.tolist()))
    return out


def test_minigc_shapes_and_labels():
    data = MiniGCDataset(16, 8, 12, seed=0)
    assert len(data) == 16 and data.num_classes == 8
    assert data.labels.tolist() == [c for c in range(8) for _ in range(2)]
    for g, label in (data[i] for i in range(16)):
        h = _nx(g)
        src, dst = g.edges()
        assert sorted(zip(src.tolist(), dst.tolist())) == sorted(zip(dst.tolist(), src.tolist()))
        n = g.num_nodes()
        if label == 0:
            assert nx.is_isomorphic(h, nx.cycle_graph(n)) and 8 <= n <= 12
        elif label == 1:
            assert nx.is_isomorphic(h, nx.star_graph(n - 1))
        elif label == 6:
            assert h.number_of_edges() == n * (n - 1) // 2
        elif label == 4:
            assert all(d == int(np.log2(n)) for _, d in h.degree())
    a, b = MiniGCDataset(8, 5, 9, seed=3), MiniGCDataset(8, 5, 9, seed=3)
    assert [g.num_nodes() for g, _ in a] == [g.num_nodes() for g, _ in b]
    with pytest.raises(DGLError):
        MiniGCDataset(8, 10, 5)


def test_sbm_mixture_items_and_collate():
    data = SBMMixtureDataset(3, 40, 2, avg_deg=3, rng=np.random.RandomState(0))
    assert len(data) == 3
    g, lg, deg_g, deg_lg, pm_pd = data[0]
    assert g.num_nodes() == 40 and lg.num_nodes() == g.num_edges()
    src, dst = g.edges()
    assert sorted(zip(src.tolist(), dst.tolist())) == sorted(zip(dst.tolist(), src.tolist()))
    assert bool((src != dst).all())
    torch.testing.assert_close(deg_g, g.in_degrees().float())
    torch.testing.assert_close(pm_pd, src)
    bg, blg, dg, dlg, pp = data.collate_fn([data[0], data[1]])
    assert bg.num_nodes() == 80 and dg.shape == (80,) and int(pp.max()) < 80
    assert blg.num_nodes() == g.num_edges() + data[1][0].num_edges()
    with pytest.raises(DGLError, match="multiple"):
        SBMMixtureDataset(2, 41, 2)


def test_sbm_intra_block_density_dominates():
    data = SBMMixtureDataset(1, 400, 2, pq=[(5.0, 0.5)], rng=np.random.RandomState(1))
    src, dst = data[0][0].edges()
    same = (src < 200) == (dst < 200)
    assert float(same.float().mean()) > 0.8
