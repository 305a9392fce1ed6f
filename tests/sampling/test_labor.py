import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.sampling import sample_labors


def test_labor(idtype):
    graphdl.seed(0)
    gen = torch.Generator().manual_seed(0)
    g = graphdl.graph((torch.randint(0, 50, (1000,), generator=gen), torch.randint(0, 50, (1000,), generator=gen)),
                      num_nodes=50, idtype=idtype)
    fr, imp = sample_labors(g, torch.arange(50), 4)
    eid = fr.edata[graphdl.EID].long()
    u, v = g.edges()
    assert torch.equal(u[eid], fr.edges()[0]) and torch.equal(v[eid], fr.edges()[1])
    # each seed keeps 4 edges on average: the total is close to 50 * 4
    assert 120 <= eid.numel() <= 280
    fr, _ = sample_labors(g, torch.arange(50), -1)
    assert fr.num_edges() == 1000
    fr, _ = sample_labors(g, torch.arange(50), 3, exclude_edges=torch.arange(500))
    assert bool((fr.edata[graphdl.EID] >= 500).all())
    a, _ = sample_labors(g, torch.arange(50), 3, random_seed=5)
    b, _ = sample_labors(g, torch.arange(50), 3, random_seed=5)
    assert torch.equal(a.edata[graphdl.EID], b.edata[graphdl.EID])
    with pytest.raises(DGLError):
        sample_labors(g, torch.arange(5), 3, importance_sampling=1)


def _inclusion_ref(w, k):
    # inclusion probability min(1, c * w) with c found by bisection on sum(min(1, c * w)) = k
    pos = [x for x in w if x > 0]
    if k < 0 or k >= len(pos):
        return [1.0 if x > 0 else 0.0 for x in w]
    lo, hi = 0.0, 1e9
    for _ in range(200):
        mid = (lo + hi) / 2
        if sum(min(1.0, mid * x) for x in pos) < k:
            lo = mid
        else:
            hi = mid
    return [min(1.0, hi * x) for x in w]


def test_labor_with_prob_frequencies(idtype):
    # a star: node 0 has 5 in-edges of weights 0, 1, 2, 3, 6 (and one excluded edge)
    w = torch.tensor([0.0, 1.0, 2.0, 3.0, 6.0, 5.0])
    g = graphdl.graph((torch.arange(1, 7), torch.zeros(6, dtype=torch.int64)), idtype=idtype)
    g.edata["p"] = w
    for k in (1, 2, 3):
        want = _inclusion_ref(w[:5].tolist(), k)
        hits = torch.zeros(6)
        runs = 3000
        for r in range(runs):
            fr, imp = sample_labors(g, torch.tensor([0], dtype=idtype), k, prob="p", random_seed=r,
                                    exclude_edges=torch.tensor([5]))
            hits[fr.edata[graphdl.EID].long()] += 1
            assert fr.idtype == idtype and imp[0].shape == (fr.num_edges(),)
        freq = hits / runs
        assert freq[0] == 0 and freq[5] == 0
        assert torch.allclose(freq[:5], torch.tensor(want, dtype=freq.dtype), atol=0.04), (k, freq, want)
        # the expected count is k
        assert abs(float(freq.sum()) - k) < 0.1
    fr, _ = sample_labors(g, torch.tensor([0], dtype=idtype), -1, prob="p")
    assert sorted(fr.edata[graphdl.EID].tolist()) == [1, 2, 3, 4, 5]
    with pytest.raises(DGLError, match="missing"):
        sample_labors(g, torch.tensor([0], dtype=idtype), 2, prob="nope")


def test_labor_sampler_with_prob(idtype):
    g = graphdl.graph((torch.arange(1, 7), torch.zeros(6, dtype=torch.int64)), idtype=idtype)
    g.edata["p"] = torch.tensor([0.0, 1.0, 0.0, 3.0, 0.0, 5.0])
    for _ in range(20):
        _, _, (blk,) = graphdl.dataloading.LaborSampler([-1], prob="p").sample(g, torch.tensor([0], dtype=idtype))
        assert sorted(blk.edata[graphdl.EID].tolist()) == [1, 3, 5]
