"""SpotTarget against a per-edge degree loop, alone and inside an edge-prediction loader."""
import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.dataloading import SpotTarget


def _ref(g, seeds, tau):
    deg = g.in_degrees().tolist()
    u, v = g.edges()
    return [e for e in seeds.tolist() if min(deg[int(u[e])], deg[int(v[e])]) < tau]


@pytest.mark.parametrize("tau", [1, 2, 4])
def test_low_degree_edges_and_reverses(idtype, tau):
    torch.manual_seed(0)
    g = graphdl.rand_graph(30, 60).astype(idtype)
    src, dst = g.edges()
    g2 = graphdl.graph((torch.cat([src, dst]), torch.cat([dst, src])), num_nodes=30, idtype=idtype)
    rev = torch.cat([torch.arange(60, 120), torch.arange(0, 60)])
    seeds = torch.arange(0, 60, 3, dtype=idtype)
    want = _ref(g2, seeds, tau)
    assert SpotTarget(g2, "self", degree_threshold=tau)(seeds).tolist() == want
    got = SpotTarget(g2, "reverse_id", degree_threshold=tau, reverse_eids=rev)(seeds)
    assert got.tolist() == want + [e + 60 for e in want]


def test_in_an_edge_loader(idtype):
    torch.manual_seed(1)
    g = graphdl.rand_graph(40, 100).astype(idtype)
    sampler = graphdl.dataloading.as_edge_prediction_sampler(
        graphdl.dataloading.MultiLayerFullNeighborSampler(1), exclude=SpotTarget(g, "self", degree_threshold=3))
    loader = graphdl.dataloading.DataLoader(g, torch.arange(100), sampler, batch_size=10)
    for _, pair, (block,) in loader:
        seeds = pair.edata[graphdl.EID]
        low = set(_ref(g, seeds, 3))
        kept = set(block.edata[graphdl.EID].tolist())
        assert not (low & kept)
        # the full-neighbour block keeps every other seed edge (it ends at a pair-graph node)
        assert {int(e) for e in seeds} - low <= kept


def test_one_edge_type_only():
    hg = graphdl.heterograph({("a", "r", "b"): ([0], [0]), ("b", "s", "a"): ([0], [0])})
    with pytest.raises(DGLError, match="one edge type"):
        SpotTarget(hg, "self")({"r": torch.tensor([0])})
