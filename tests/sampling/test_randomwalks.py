import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.sampling import pack_traces, random_walk


def _graph(idtype):
    gen = torch.Generator().manual_seed(0)
    u = torch.randint(0, 30, (150,), generator=gen)
    v = torch.randint(0, 30, (150,), generator=gen)
    return graphdl.graph((u, v), num_nodes=31, idtype=idtype)  # node 30 has no out-edges


def _check_traces(g, traces, eids, etypes):
    for tr, er in zip(traces.tolist(), eids.tolist()):
        for j, (a, b) in enumerate(zip(tr[:-1], tr[1:])):
            if b < 0:
                assert all(x < 0 for x in tr[j + 1:]) and all(x < 0 for x in er[j:])
                break
            u, v = g.find_edges(torch.tensor([er[j]]), etype=etypes[j])
            assert (int(u), int(v)) == (a, b)


def test_random_walk_homo(idtype):
    graphdl.seed(0)
    g = _graph(idtype)
    starts = torch.tensor([0, 1, 2, 30, 5])
    traces, eids, types = random_walk(g, starts, length=6, return_eids=True)
    assert traces.shape == (5, 7) and eids.shape == (5, 6) and traces.dtype == idtype
    assert torch.equal(traces[:, 0].long(), starts)
    assert bool((traces[3, 1:] == -1).all())
    assert torch.equal(types, torch.zeros(7, dtype=types.dtype))
    _check_traces(g, traces, eids, [None] * 6)


def test_random_walk_prob_and_restart(idtype):
    graphdl.seed(1)
    g = _graph(idtype)
    g.edata["p"] = (torch.arange(150) % 2).float()
    traces, eids, _ = random_walk(g, torch.arange(30), length=5, prob="p", return_eids=True)
    ok = eids >= 0
    assert bool((eids[ok].long() % 2 == 1).all())
    traces, _ = random_walk(g, torch.arange(30).repeat(20), length=4, restart_prob=1.0)
    assert bool((traces[:, 1:] == -1).all())
    traces, _ = random_walk(g, torch.arange(30).repeat(20), length=4,
                            restart_prob=torch.tensor([0.0, 1.0, 0.0, 0.0]))
    assert bool((traces[:, 2:] == -1).all())


def test_random_walk_metapath(idtype):
    graphdl.seed(2)
    g = graphdl.heterograph({
        ("user", "plays", "game"): (torch.tensor([0, 1, 2, 2]), torch.tensor([0, 0, 1, 2])),
        ("game", "played-by", "user"): (torch.tensor([0, 0, 1, 2]), torch.tensor([0, 1, 2, 2])),
    }, idtype=idtype)
    mp = ["plays", "played-by"] * 2
    traces, eids, types = random_walk(g, torch.tensor([0, 1, 2]), metapath=mp, return_eids=True)
    assert traces.shape == (3, 5)
    uid, gid = g.get_ntype_id("user"), g.get_ntype_id("game")
    assert types.tolist() == [uid, gid, uid, gid, uid]
    _check_traces(g, traces, eids, mp)
    with pytest.raises(DGLError):
        random_walk(g, torch.tensor([0]), length=3)
    with pytest.raises(DGLError):
        random_walk(g, torch.tensor([0]), metapath=["plays", "plays"])


def test_random_walk_errors(idtype):
    g = _graph(idtype)
    with pytest.raises(DGLError, match="31"):
        random_walk(g, torch.tensor([31]), length=2)
    with pytest.raises(DGLError):
        random_walk(g, torch.tensor([0]))


def test_pack_traces():
    traces = torch.tensor([[0, 1, -1, -1], [2, 3, 4, 5], [6, -1, -1, -1]])
    types = torch.tensor([0, 1, 0, 1])
    vids, vtypes, lengths, offsets = pack_traces(traces, types)
    assert vids.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert vtypes.tolist() == [0, 1, 0, 1, 0, 1, 0]
    assert lengths.tolist() == [2, 4, 1]
    assert offsets.tolist() == [0, 2, 6]


def test_node2vec(idtype):
    graphdl.seed(3)
    g = _graph(idtype)
    traces, eids = graphdl.sampling.node2vec_random_walk(g, torch.arange(31), 1.0, 1.0, 5, return_eids=True)
    assert traces.shape == (31, 6)
    _check_traces(g, traces, eids, [None] * 5)
    # a tiny return parameter makes walks on a path graph bounce back and forth
    n = 20
    u = torch.cat([torch.arange(n - 1), torch.arange(1, n)])
    v = torch.cat([torch.arange(1, n), torch.arange(n - 1)])
    path = graphdl.graph((u, v), idtype=idtype)
    tr = graphdl.sampling.node2vec_random_walk(path, torch.full((200,), 10), 0.01, 100.0, 4)
    back = (tr[:, 2] == tr[:, 0]).float().mean()
    tr = graphdl.sampling.node2vec_random_walk(path, torch.full((200,), 10), 100.0, 0.01, 4)
    forward = (tr[:, 2] != tr[:, 0]).float().mean()
    assert back > 0.9 and forward > 0.9
    with pytest.raises(DGLError):
        graphdl.sampling.node2vec_random_walk(g, torch.tensor([0]), 0.0, 1.0, 3)
