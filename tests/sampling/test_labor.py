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
