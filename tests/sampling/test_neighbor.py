import numpy as np
import pytest
import scipy.stats
import torch

import graphdl
from graphdl import DGLError
from graphdl.sampling import sample_etype_neighbors, sample_neighbors, select_topk

# Tolerance of the frequency tests: a correct sampler fails at most once in a million runs.
P_FAIL = 1e-6


def _random_graph(idtype, n=40, e=400, seed=0):
    gen = torch.Generator().manual_seed(seed)
    u = torch.randint(0, n, (e,), generator=gen)
    v = torch.randint(0, n, (e,), generator=gen)
    return graphdl.graph((u, v), num_nodes=n, idtype=idtype)


def _edges(g, etype=None):
    u, v = g.edges(etype=etype)
    return u.long(), v.long()


def _check_frontier(g, fr, seeds, fanout, edge_dir="in", replace=False, etype=None):
    """Every picked edge is a real edge of g adjacent to a seed, counts obey the fan-out."""
    gu, gv = _edges(g, etype)
    fu, fv = _edges(fr, etype)
    eid = fr.edges[etype].data[graphdl.EID].long() if etype else fr.edata[graphdl.EID].long()
    assert torch.equal(gu[eid], fu) and torch.equal(gv[eid], fv)
    side = fv if edge_dir == "in" else fu
    assert set(side.tolist()) <= set(seeds.tolist())
    for s in seeds.tolist():
        mine = eid[side == s]
        deg = int(((gv if edge_dir == "in" else gu) == s).sum())
        if fanout < 0:
            assert mine.numel() == deg
        elif replace:
            assert mine.numel() == (fanout if deg > 0 else 0)
        else:
            assert mine.numel() == min(fanout, deg)
            assert mine.unique().numel() == mine.numel()


@pytest.mark.parametrize("edge_dir", ["in", "out"])
@pytest.mark.parametrize("fanout", [0, 1, 3, 50, -1])
def test_sample_neighbors_structure(idtype, edge_dir, fanout):
    graphdl.seed(0)
    g = _random_graph(idtype)
    seeds = torch.tensor([0, 5, 7, 39, 12])
    fr = sample_neighbors(g, seeds, fanout, edge_dir=edge_dir)
    assert fr.num_nodes() == g.num_nodes() and fr.idtype == idtype
    _check_frontier(g, fr, seeds, fanout, edge_dir)


def test_sample_neighbors_replace(idtype):
    graphdl.seed(1)
    g = _random_graph(idtype)
    seeds = torch.arange(40)
    fr = sample_neighbors(g, seeds, 30, replace=True)
    _check_frontier(g, fr, seeds, 30, replace=True)


def test_large_fanout_without_replacement(idtype):
    # fan-outs above the small-sample threshold of the kernel use the shuffle path
    graphdl.seed(2)
    n = 200
    u = torch.arange(n).repeat(3)
    v = torch.zeros(3 * n, dtype=torch.long)
    g = graphdl.graph((u, v), num_nodes=n, idtype=idtype)
    fr = sample_neighbors(g, torch.tensor([0]), 100)
    _check_frontier(g, fr, torch.tensor([0]), 100)


def test_features_copied(idtype):
    g = _random_graph(idtype)
    g.ndata["x"] = torch.randn(40, 3)
    g.edata["w"] = torch.randn(400)
    fr = sample_neighbors(g, torch.tensor([1, 2]), 2)
    assert torch.equal(fr.ndata["x"], g.ndata["x"])
    assert torch.equal(fr.edata["w"], g.edata["w"][fr.edata[graphdl.EID].long()])
    fr = sample_neighbors(g, torch.tensor([1, 2]), 2, copy_ndata=False, copy_edata=False)
    assert "x" not in fr.ndata and "w" not in fr.edata


def test_exclude_edges(idtype):
    g = _random_graph(idtype)
    excl = torch.arange(0, 400, 2)
    for s in range(5):
        graphdl.seed(s)
        fr = sample_neighbors(g, torch.arange(40), -1, exclude_edges=excl)
        eid = fr.edata[graphdl.EID].long()
        assert not np.isin(eid.numpy(), excl.numpy()).any()
        assert eid.numel() == 200
        fr = sample_neighbors(g, torch.arange(40), 2, exclude_edges=excl)
        assert not np.isin(fr.edata[graphdl.EID].long().numpy(), excl.numpy()).any()


def test_prob_zero_and_mask(idtype):
    g = _random_graph(idtype)
    mask = torch.rand(400, generator=torch.Generator().manual_seed(3)) > 0.5
    g.edata["m"] = mask
    g.edata["p"] = mask.float() * 2.5
    for name in ("m", "p"):
        for replace in (False, True):
            fr = sample_neighbors(g, torch.arange(40), 3, prob=name, replace=replace)
            eid = fr.edata[graphdl.EID].long()
            assert bool(mask[eid].all())
            if not replace:
                for s in range(40):
                    avail = int((mask & (g.edges()[1].long() == s)).sum())
                    assert int((fr.edges()[1] == s).sum()) == min(3, avail)


def _star(weights, copies, idtype):
    """``copies`` destination nodes, each with in-edges of the given weights."""
    k = len(weights)
    dst = torch.arange(copies).repeat_interleave(k)
    src = copies + torch.arange(k).repeat(copies)
    g = graphdl.graph((src, dst), num_nodes=copies + k, idtype=idtype)
    g.edata["p"] = torch.tensor(weights, dtype=torch.float64).repeat(copies)
    return g


def _chi2_ok(observed, expected_p):
    observed = np.asarray(observed, np.float64)
    exp = observed.sum() * np.asarray(expected_p)
    stat = ((observed - exp) ** 2 / exp).sum()
    return stat < scipy.stats.chi2.ppf(1 - P_FAIL, len(observed) - 1)


def test_prob_frequencies_with_replacement(idtype):
    graphdl.seed(4)
    w = [1.0, 2.0, 3.0, 4.0, 0.0]
    g = _star(w, 1, idtype)
    fr = sample_neighbors(g, torch.tensor([0]), 20000, prob="p", replace=True)
    cls = fr.edges()[0].long() - 1
    counts = np.bincount(cls.numpy(), minlength=5)
    assert counts[4] == 0
    assert _chi2_ok(counts[:4], np.array(w[:4]) / 10)


def test_prob_frequencies_without_replacement(idtype):
    graphdl.seed(5)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    p = w / w.sum()
    copies = 4000
    g = _star(list(w), copies, idtype)
    # one pick per node: probability proportional to the weight
    fr = sample_neighbors(g, torch.arange(copies), 1, prob="p")
    counts = np.bincount(fr.edges()[0].long().numpy() - copies, minlength=4)
    assert _chi2_ok(counts, p)
    # two picks: inclusion probability of successive sampling without replacement
    fr = sample_neighbors(g, torch.arange(copies), 2, prob="p")
    incl = p + np.array([sum(p[j] * p[i] / (1 - p[j]) for j in range(4) if j != i) for i in range(4)])
    counts = np.bincount(fr.edges()[0].long().numpy() - copies, minlength=4)
    # each node contributes 2 picks; the first-pick class is a fair multinomial test of pairs
    for i in range(4):
        lo, hi = scipy.stats.binom.interval(1 - P_FAIL / 4, copies, incl[i])
        assert lo <= counts[i] <= hi


def test_uniform_frequencies(idtype):
    graphdl.seed(6)
    copies = 3000
    g = _star([1.0] * 5, copies, idtype)
    fr = sample_neighbors(g, torch.arange(copies), 2)
    counts = np.bincount(fr.edges()[0].long().numpy() - copies, minlength=5)
    assert _chi2_ok(counts, np.full(5, 0.2))


def test_reproducible(idtype):
    g = _random_graph(idtype)
    graphdl.seed(7)
    a = sample_neighbors(g, torch.arange(40), 3).edata[graphdl.EID]
    graphdl.seed(7)
    b = sample_neighbors(g, torch.arange(40), 3).edata[graphdl.EID]
    c = sample_neighbors(g, torch.arange(40), 3).edata[graphdl.EID]
    assert torch.equal(a, b) and not torch.equal(b, c)


def _hetero(idtype):
    gen = torch.Generator().manual_seed(8)
    r = lambda a, b, e: (torch.randint(0, a, (e,), generator=gen), torch.randint(0, b, (e,), generator=gen))
    return graphdl.heterograph({
        ("user", "follows", "user"): r(10, 10, 40),
        ("user", "plays", "game"): r(10, 6, 30),
        ("game", "played-by", "user"): r(6, 10, 30),
    }, {"user": 10, "game": 6}, idtype=idtype)


def test_hetero(idtype):
    graphdl.seed(9)
    g = _hetero(idtype)
    seeds = {"user": torch.tensor([0, 3]), "game": torch.tensor([1, 2, 5])}
    fan = {"follows": 2, "plays": 1, "played-by": 3}
    fr = sample_neighbors(g, seeds, fan)
    assert fr.ntypes == g.ntypes and fr.canonical_etypes == g.canonical_etypes
    for cet in g.canonical_etypes:
        _check_frontier(g, fr, seeds[cet[2]], fan[cet[1]], etype=cet)
    fr = sample_neighbors(g, {"game": torch.tensor([0])}, -1)
    assert fr.num_edges("follows") == 0 and fr.num_edges("played-by") == 0
    assert fr.num_edges("plays") == int((g.edges(etype="plays")[1] == 0).sum())


def test_errors(idtype):
    g = _random_graph(idtype)
    with pytest.raises(DGLError, match="40"):
        sample_neighbors(g, torch.tensor([40]), 2)
    with pytest.raises(DGLError):
        sample_neighbors(g, torch.tensor([0]), 2, edge_dir="both")
    with pytest.raises(DGLError, match="nope"):
        sample_neighbors(g, torch.tensor([0]), 2, prob="nope")
    # exclude_edges ids past the edge count are ignored (DGL's rule), see
    # test_excluded_edge_ids_past_the_edge_count_are_ignored
    h = _hetero(idtype)
    with pytest.raises(DGLError):
        sample_neighbors(h, {"user": torch.tensor([0])}, {"follows": 1})
    with pytest.raises(DGLError):
        sample_neighbors(h, torch.tensor([0]), 1)
    g.edata["neg"] = -torch.ones(400)
    with pytest.raises(DGLError, match="neg"):
        sample_neighbors(g, torch.tensor([0]), 2, prob="neg")


def test_select_topk(idtype):
    g = _random_graph(idtype)
    g.edata["w"] = torch.randperm(400).float()
    for ascending in (False, True):
        for edge_dir in ("in", "out"):
            fr = select_topk(g, 3, "w", edge_dir=edge_dir, ascending=ascending)
            u, v = _edges(g)
            w = g.edata["w"]
            got = fr.edata[graphdl.EID].long()
            key = v if edge_dir == "in" else u
            for s in range(40):
                ids = torch.nonzero(key == s).squeeze(1)
                ref = ids[torch.argsort(w[ids], descending=not ascending)[:3]]
                mine = got[(fr.edges()[1 if edge_dir == "in" else 0].long() == s)]
                assert sorted(ref.tolist()) == sorted(mine.tolist())
    fr = select_topk(g, 2, "w", nodes=torch.tensor([3]), exclude_edges=torch.arange(200))
    assert bool((fr.edata[graphdl.EID] >= 200).all())


def test_sample_etype_neighbors(idtype):
    graphdl.seed(10)
    g = _random_graph(idtype)
    g.edata[graphdl.ETYPE] = torch.arange(400) % 3
    fr = sample_etype_neighbors(g, torch.arange(40), torch.tensor([0, 1, 2]), [1, 0, 2])
    eid = fr.edata[graphdl.EID].long()
    et = g.edata[graphdl.ETYPE][eid]
    v = g.edges()[1].long()
    for s in range(40):
        mine = et[fr.edges()[1].long() == s]
        for t, k in enumerate([1, 0, 2]):
            avail = int(((v == s) & (g.edata[graphdl.ETYPE] == t)).sum())
            assert int((mine == t).sum()) == min(k, avail)


def test_threaded_split_gives_same_picks(idtype, monkeypatch):
    from graphdl.sampling import _threads

    g = _random_graph(idtype, n=300, e=6000)
    seeds = torch.randperm(300, generator=torch.Generator().manual_seed(0))[:200]
    monkeypatch.setattr(_threads, "MIN_WORK_PER_THREAD", 1)
    results = []
    for threads in (1, 3):
        monkeypatch.setattr(_threads, "num_threads", lambda t=threads: t)
        graphdl.seed(13)
        fr = sample_neighbors(g, seeds, 5)
        results.append((fr.edges(), fr.edata[graphdl.EID]))
    assert len(_threads.split(200, 1000)) == 3
    (a, ea), (b, eb) = results
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and torch.equal(ea, eb)


def test_etype_neighbors_with_per_type_prob_lists():
    import graphdl as _dgl

    h = _dgl.graph(([0, 1, 2, 3, 4], [5, 5, 5, 5, 5]))
    h.edata[_dgl.ETYPE] = torch.tensor([0, 1, 0, 1, 1])
    # type 0 edges are eids 0, 2; type 1 edges are eids 1, 3, 4: only eids 2 and 4 have weight
    prob = [torch.tensor([0.0, 1.0]), torch.tensor([0.0, 0.0, 1.0])]
    for _ in range(5):
        sg = _dgl.sampling.sample_etype_neighbors(h, [5], [0, 1], [1, 1], prob=prob)
        assert sorted(sg.edata[_dgl.EID].tolist()) == [2, 4]
    sg = _dgl.sampling.sample_etype_neighbors(h, [5], [0, 1], [2, 3], prob=[torch.tensor([]), None])
    assert sorted(sg.edata[_dgl.EID].tolist()) == [0, 1, 2, 3, 4]  # empty: uniform
    with pytest.raises(_dgl.DGLError, match="prob"):
        _dgl.sampling.sample_etype_neighbors(h, [5], [0, 1], [1, 1], prob=[torch.ones(3), torch.ones(3)])


def test_excluded_edge_ids_past_the_edge_count_are_ignored():
    import graphdl as _dgl

    g = _dgl.graph(([0, 1, 2, 3], [4, 4, 4, 4]))
    sg = _dgl.sampling.sample_neighbors(g, [4], -1, exclude_edges=torch.tensor([1, 4, 99]))
    assert sorted(sg.edata[_dgl.EID].tolist()) == [0, 2, 3]


def test_fused_with_repeated_seeds(idtype):
    # every occurrence of a repeated seed is a destination node with its own edges; as a
    # source the node is its first occurrence (DGL's fused sampler accepts repeated seeds)
    g = _random_graph(idtype)
    seeds = torch.tensor([5, 3, 5, 7, 3], dtype=idtype)
    b = graphdl.sampling.sample_neighbors_fused(g, seeds, -1)
    src_nid, dst_nid = b.srcdata[graphdl.NID], b.dstdata[graphdl.NID]
    assert dst_nid.tolist() == seeds.tolist() and src_nid[:5].tolist() == seeds.tolist()
    assert src_nid.dtype == idtype
    u, v = b.edges()
    eid = b.edata[graphdl.EID].long()
    gu, gv = g.edges()
    assert torch.equal(src_nid[u.long()], gu[eid]) and torch.equal(dst_nid[v.long()], gv[eid])
    for pos, node in enumerate(seeds.tolist()):
        want = sorted(g.in_edges(node, form="eid").tolist())
        assert sorted(eid[v == pos].tolist()) == want
    # neighbours that are seeds point at the seed's first position
    first = {n: seeds.tolist().index(n) for n in seeds.tolist()}
    for loc, node in zip(u.tolist(), src_nid[u.long()].tolist()):
        if node in first:
            assert loc == first[node]
    assert len(set(src_nid[5:].tolist()) & set(seeds.tolist())) == 0
    with pytest.raises(DGLError, match="edge_dir='in' only"):
        graphdl.sampling.sample_neighbors_fused(g, seeds, 2, edge_dir="out")
