"""shared_tensor / call_once_and_share, alone and across two gloo processes."""
import os
import tempfile

import pytest
import torch
import torch.distributed as dist

import graphdl
import graphdl.multiprocessing as gmp


def test_reexports_torch_multiprocessing():
    assert gmp.Process is torch.multiprocessing.Process
    assert gmp.spawn is torch.multiprocessing.spawn


def test_single_process():
    t = gmp.shared_tensor((3, 2), torch.int64)
    assert t.shape == (3, 2) and t.dtype == torch.int64 and t.is_shared()
    out = gmp.call_once_and_share(lambda: torch.arange(6.0).view(3, 2), (3, 2), torch.float32)
    assert torch.equal(out, torch.arange(6.0).view(3, 2))
    with pytest.raises(graphdl.DGLError, match="shape"):
        gmp.call_once_and_share(lambda: torch.zeros(2), (3,), torch.float32)


def _worker(rank, init_file, result_file):
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    calls = []

    def compute():
        calls.append(rank)
        return torch.arange(5, dtype=torch.float64) * 10

    t = gmp.call_once_and_share(compute, (5,), torch.float64, rank=1)
    # rank 0 writes into the shared memory; rank 1 must see it
    s = gmp.shared_tensor(4, torch.int32)
    if rank == 0:
        s.copy_(torch.tensor([1, 2, 3, 4], dtype=torch.int32))
    dist.barrier()
    if rank == 1:
        with open(result_file, "w") as f:
            f.write(f"{t.tolist()}|{s.tolist()}|{calls}")
    dist.barrier()
    dist.destroy_process_group()


def test_two_processes():
    with tempfile.TemporaryDirectory() as d:
        init_file, result_file = os.path.join(d, "init"), os.path.join(d, "result")
        torch.multiprocessing.spawn(_worker, args=(init_file, result_file), nprocs=2, join=True)
        t, s, calls = open(result_file).read().split("|")
    assert t == str([0.0, 10.0, 20.0, 30.0, 40.0])
    assert s == str([1, 2, 3, 4])
    assert calls == "[1]"  # only rank 1 computed
