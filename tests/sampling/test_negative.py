import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.sampling import global_uniform_negative_sampling


def test_global_uniform(idtype):
    graphdl.seed(0)
    gen = torch.Generator().manual_seed(0)
    u = torch.randint(0, 20, (100,), generator=gen)
    v = torch.randint(0, 20, (100,), generator=gen)
    g = graphdl.graph((u, v), num_nodes=20, idtype=idtype)
    nu, nv = global_uniform_negative_sampling(g, 50)
    assert nu.dtype == idtype and 0 < nu.numel() <= 50
    existing = set(zip(u.tolist(), v.tolist()))
    pairs = list(zip(nu.tolist(), nv.tolist()))
    assert not (set(pairs) & existing)
    assert all(a != b for a, b in pairs)
    assert len(set(pairs)) == len(pairs)
    nu, nv = global_uniform_negative_sampling(g, 300, exclude_self_loops=False, replace=True)
    assert nu.numel() <= 300 and not (set(zip(nu.tolist(), nv.tolist())) & existing)


def test_global_uniform_hetero(idtype):
    g = graphdl.heterograph({("a", "r", "b"): (torch.tensor([0, 1]), torch.tensor([0, 1])),
                             ("b", "s", "a"): (torch.tensor([0]), torch.tensor([0]))}, idtype=idtype)
    nu, nv = global_uniform_negative_sampling(g, 2, etype="r", redundancy=5.0)
    assert set(zip(nu.tolist(), nv.tolist())) <= {(0, 1), (1, 0)}
    with pytest.raises(DGLError):
        global_uniform_negative_sampling(g, 2)
