import torch

import graphdl
from graphdl.sampling import PinSAGESampler, RandomWalkNeighborSampler


def test_pinsage(idtype):
    graphdl.seed(0)
    gen = torch.Generator().manual_seed(0)
    u = torch.randint(0, 12, (80,), generator=gen)
    i = torch.randint(0, 8, (80,), generator=gen)
    g = graphdl.heterograph({("user", "buys", "item"): (u, i), ("item", "bought-by", "user"): (i, u)},
                            idtype=idtype)
    sampler = PinSAGESampler(g, "item", "user", 3, 0.5, 50, 3)
    seeds = torch.tensor([0, 1, 2])
    ng = sampler(seeds)
    assert ng.ntypes == ["item"] and ng.num_nodes() == 8 and ng.idtype == idtype
    src, dst = ng.edges()
    assert set(dst.tolist()) <= {0, 1, 2}
    w = ng.edata["weights"]
    for s in seeds.tolist():
        assert int((dst == s).sum()) <= 3
    # one traversal goes item -> user -> item along real edges
    one = RandomWalkNeighborSampler(g, 1, 0.0, 20, 100, metapath=["bought-by", "buys"])(seeds)
    pairs = set(zip(u.tolist(), i.tolist()))
    for a, b in zip(*[t.tolist() for t in one.edges()]):
        assert any((x, a) in pairs and (x, b) in pairs for x in range(12))
    assert bool((w > 0).all())


def test_random_walk_neighbor_sampler_counts(idtype):
    graphdl.seed(1)
    # a directed cycle: one traversal from v always ends at v + 1
    n = 6
    g = graphdl.graph((torch.arange(n), (torch.arange(n) + 1) % n), idtype=idtype)
    sampler = RandomWalkNeighborSampler(g, 1, 0.0, 10, 2)
    ng = sampler(torch.tensor([0, 3]))
    src, dst = ng.edges()
    assert sorted(zip(src.tolist(), dst.tolist())) == [(1, 0), (4, 3)]
    assert ng.edata["weights"].tolist() == [10, 10]
