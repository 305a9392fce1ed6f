import torch

import graphdl
from graphdl import EID, NID
from graphdl.dataloading import ClusterGCNSampler, DataLoader, SAINTSampler, ShaDowKHopSampler


def _graph(idtype, n=60, e=300):
    gen = torch.Generator().manual_seed(0)
    g = graphdl.graph((torch.randint(0, n, (e,), generator=gen), torch.randint(0, n, (e,), generator=gen)),
                      num_nodes=n, idtype=idtype)
    g.ndata["feat"] = torch.randn(n, 3, generator=gen)
    g.edata["w"] = torch.randn(e, generator=gen)
    return g


def _check_induced(g, sg):
    nid = sg.ndata[NID].long()
    eid = sg.edata[EID].long()
    u, v = g.edges()
    su, sv = sg.edges()
    assert torch.equal(nid[su.long()], u[eid].long()) and torch.equal(nid[sv.long()], v[eid].long())
    inside = torch.isin(u.long(), nid) & torch.isin(v.long(), nid)
    assert sorted(eid.tolist()) == torch.nonzero(inside).squeeze(1).tolist()
    assert torch.equal(sg.ndata["feat"], g.ndata["feat"][nid])
    assert torch.equal(sg.edata["w"], g.edata["w"][eid])


def test_cluster_gcn(idtype, tmp_path):
    g = _graph(idtype)
    path = str(tmp_path / "parts.pkl")
    sampler = ClusterGCNSampler(g, 6, cache_path=path, prefetch_ndata=["feat"])
    again = ClusterGCNSampler(g, 6, cache_path=path)
    assert torch.equal(sampler.partition_node_ids, again.partition_node_ids)
    assert sorted(sampler.partition_node_ids.tolist()) == list(range(60))
    seen = []
    for sg in DataLoader(g, torch.arange(6), sampler, batch_size=2, shuffle=True):
        _check_induced(g, sg)
        seen += sg.ndata[NID].tolist()
    assert sorted(seen) == list(range(60))


def test_shadow(idtype):
    graphdl.seed(0)
    g = _graph(idtype)
    seeds = torch.tensor([4, 8, 15])
    inp, out, sg = ShaDowKHopSampler([3, 2]).sample(g, seeds)
    _check_induced(g, sg)
    assert torch.equal(sg.ndata[NID], inp) and torch.equal(inp[:3].long(), seeds)
    inp, out, sg = ShaDowKHopSampler([-1]).sample(g, seeds, exclude_eids=torch.arange(100))
    assert bool((sg.edata[EID] >= 100).all())


def test_saint(idtype):
    graphdl.seed(1)
    g = _graph(idtype)
    for mode, budget in (("node", 20), ("edge", 15), ("walk", (5, 3))):
        sampler = SAINTSampler(mode, budget)
        for sg in DataLoader(g, torch.arange(3), sampler):
            _check_induced(g, sg)
            assert sg.num_nodes() > 0
            if mode == "node":
                assert sg.num_nodes() <= 20
            if mode == "edge":
                assert sg.num_nodes() <= 30


def test_partition_fallback_without_metis(idtype, monkeypatch):
    import sys

    from graphdl.dataloading.cluster_gcn import partition_nodes

    monkeypatch.setitem(sys.modules, "pymetis", None)  # import fails: the documented fallback runs
    g = _graph(idtype)
    parts = partition_nodes(g, 4)
    assert parts.shape == (60,) and sorted(set(parts.tolist())) == [0, 1, 2, 3]
    assert torch.bincount(torch.from_numpy(parts)).tolist() == [15, 15, 15, 15]
