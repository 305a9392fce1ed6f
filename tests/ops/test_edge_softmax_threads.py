"""The edge softmax gives bit-identical results on any number of threads."""
import json
import os
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent("""
    import json, sys
    import numba, torch
    import graphdl
    import graphdl.ops as ops
    from graphdl.ops import _numba_backend

    # small chunks, so that a graph of a few thousand edges is split into several
    _numba_backend._ENTRIES_PER_CHUNK = 500
    gen = torch.Generator().manual_seed(0)
    src = torch.randint(0, 300, (6000,), generator=gen)
    dst = torch.randint(0, 200, (6000,), generator=gen)
    x = (10 * torch.randn(6000, 3, generator=gen, dtype=torch.float64)).requires_grad_()
    w = torch.randn(6000, 3, generator=gen, dtype=torch.float64)
    runs = {}
    for idtype in ("int32", "int64"):
        g = graphdl.graph((src.to(getattr(torch, idtype)), dst.to(getattr(torch, idtype))), num_nodes=300)
        runs[idtype] = []
        for threads in range(1, numba.config.NUMBA_NUM_THREADS + 1):
            numba.set_num_threads(threads)
            out = ops.edge_softmax(g, x)
            grad = torch.autograd.grad((out * w).sum(), x)[0]
            runs[idtype].append([out.detach().reshape(-1).tolist(), grad.reshape(-1).tolist()])
    print(json.dumps(runs))
""")


def test_edge_softmax_independent_of_thread_count():
    # a fresh process, so that numba starts with three threads (the test session may have one)
    env = dict(os.environ, NUMBA_NUM_THREADS="3", OMP_NUM_THREADS="1", GRAPHDL_KERNEL_BACKEND="numba")
    done = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for idtype, runs in results.items():  # int32 and int64 ids
        assert len(runs) == 3, idtype
        for out, grad in runs[1:]:
            assert out == runs[0][0], idtype  # forward, exactly
            assert grad == runs[0][1], idtype  # backward, exactly
