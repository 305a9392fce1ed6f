"""NodeEmbedding shared by two gloo processes, with SparseAdam / SparseAdagrad stepping it from
both, against one process that applies the gradients of both processes' losses."""
import os
import tempfile

import pytest
import torch
import torch.distributed as dist

from graphdl import DGLError
from graphdl.nn import NodeEmbedding
from graphdl.optim import SparseAdagrad, SparseAdam

N, D = 12, 3


def _init(t):
    g = torch.Generator().manual_seed(7)
    return t.copy_(torch.rand(t.shape, generator=g) * 2 - 1)


def _batches(rank, idtype):
    """Each rank's ids per step; rows 2 and 5 are used by both ranks (and twice by rank 0)."""
    per_rank = [
        [[0, 2, 2, 5], [1, 5, 7]],
        [[2, 3, 5, 11], [5, 8, 10, 10]],
    ]
    return [torch.tensor(b, dtype=idtype) for b in per_rank[rank]]


def _target(ids):
    return torch.arange(ids.numel() * D, dtype=torch.float32).view(-1, D) / 10.0


def _make_opt(kind, embs):
    return SparseAdam(embs, lr=0.05) if kind == "adam" else SparseAdagrad(embs, lr=0.05)


CASES = [(kind, idtype) for kind in ("adam", "adagrad") for idtype in (torch.int32, torch.int64)]


def _worker(rank, init_file, out_dir):
    """One process group for every case (starting processes is the slow part)."""
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    for i, (kind, idtype) in enumerate(CASES):
        _case(rank, out_dir, i, kind, idtype)
    dist.destroy_process_group()


def _case(rank, out_dir, i, kind, idtype):
    emb = NodeEmbedding(N, D, f"shared{i}", init_func=_init)
    idle = NodeEmbedding(N, D, f"idle{i}", init_func=_init)  # in the optimizer, never used
    opt = _make_opt(kind, [emb, idle])
    assert emb.world_size == 2 and emb.rank == rank
    for ids in _batches(rank, idtype):
        rows = emb(ids)
        loss = ((rows - _target(ids)) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    table = emb.all_get_embedding().clone()
    state = [t.clone() for t in emb.optm_state]
    dist.barrier()  # both have read before rank 0 overwrites
    # state written through one rank is seen by the other
    new_state = [torch.full_like(t, 0.5) for t in emb.optm_state]
    emb._all_set_optm_state(new_state)
    seen = [t.clone() for t in emb.optm_state]
    emb.all_set_embedding(torch.ones(N, D))
    ones = emb.weight.clone()
    torch.save({"table": table, "state": state, "seen": seen, "ones": ones,
                "idle": idle.weight.clone()}, os.path.join(out_dir, f"c{i}r{rank}.pt"))
    dist.barrier()


def _reference(kind, idtype):
    """One process, one table: at each step the two ranks' losses are added."""
    emb = NodeEmbedding(N, D, "ref", init_func=_init)
    opt = _make_opt(kind, [emb])
    steps = list(zip(_batches(0, idtype), _batches(1, idtype)))
    for ids0, ids1 in steps:
        opt.zero_grad()
        loss = sum(((emb(ids) - _target(ids)) ** 2).sum() for ids in (ids0, ids1))
        loss.backward()
        opt.step()
    return emb.weight.clone(), [t.clone() for t in emb.optm_state]


@pytest.fixture(scope="module")
def two_process_results():
    with tempfile.TemporaryDirectory() as d:
        init_file = os.path.join(d, "init")
        torch.multiprocessing.spawn(_worker, args=(init_file, d), nprocs=2, join=True)
        yield [[torch.load(os.path.join(d, f"c{i}r{r}.pt")) for r in (0, 1)] for i in range(len(CASES))]


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{k}-{t}" for k, t in CASES])
def test_two_processes_match_one(two_process_results, case):
    kind, idtype = CASES[case]
    r0, r1 = two_process_results[case]
    ref_table, ref_state = _reference(kind, idtype)
    init = _init(torch.empty(N, D))
    assert not torch.allclose(ref_table, init)  # the steps did something
    for r in (r0, r1):  # both processes read the same, right table and state
        torch.testing.assert_close(r["table"], ref_table, rtol=1e-5, atol=1e-6)
        for got, want in zip(r["state"], ref_state):
            torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
        for t in r["seen"]:
            assert torch.all(t == 0.5)
        assert torch.all(r["ones"] == 1)
        torch.testing.assert_close(r["idle"], init)
    unused = [4, 6, 9]
    torch.testing.assert_close(r0["table"][unused], init[unused])


def test_single_process_state_dict_round_trip():
    emb = NodeEmbedding(N, D, "solo", init_func=_init)
    assert emb.world_size == 0 and emb.rank == -1
    opt = SparseAdam([emb], lr=0.1)
    ids = torch.tensor([1, 3, 3])
    emb(ids).sum().backward()
    opt.step()
    saved = opt.state_dict()
    assert set(saved["state"]) == {"solo"} and saved["param_groups"][0]["lr"] == 0.1
    copy = [t.clone() for t in saved["state"]["solo"]]
    assert copy[0][3] == 1 and copy[0][0] == 0  # per-row step counts
    for t in emb.optm_state:
        t.zero_()
    opt.load_state_dict({"state": {"solo": copy}, "param_groups": [{"lr": 0.2}]})
    for got, want in zip(emb.optm_state, copy):
        assert torch.equal(got, want)
    assert opt.lr == 0.2
    with pytest.raises(DGLError, match="shape"):
        emb._all_set_optm_state([torch.zeros(2), copy[1], copy[2]])
    with pytest.raises(DGLError, match="no state"):
        opt.load_state_dict({"state": {}})
    with pytest.raises(DGLError, match="no optimizer state"):
        NodeEmbedding(2, 2, "bare")._all_set_optm_state([])
