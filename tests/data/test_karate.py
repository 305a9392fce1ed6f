import networkx as nx
import torch

from graphdl.data import KarateClubDataset


def test_karate_matches_networkx():
    ds = KarateClubDataset()
    g = ds[0]
    ref = nx.karate_club_graph()
    assert len(ds) == 1 and ds.num_classes == 2
    assert g.num_nodes() == 34 and g.num_edges() == 156
    u, v = g.edges()
    got = set(zip(u.tolist(), v.tolist()))
    assert got == {(a, b) for a, b in ref.edges()} | {(b, a) for a, b in ref.edges()}
    pairs = list(zip(u.tolist(), v.tolist()))
    assert pairs == sorted(pairs)  # DGL 2.1 lists them in this order too
    expected = torch.tensor([int(ref.nodes[i]["club"] != "Mr. Hi") for i in range(34)])
    assert torch.equal(g.ndata["label"], expected)
