"""Parallel kernels keep working in DataLoader workers forked after the parent ran them."""
import subprocess
import sys
import textwrap

WORKERS = textwrap.dedent("""
    import torch
    import graphdl as dgl
    import graphdl.function as fn
    from graphdl.dataloading import GraphDataLoader

    {parent}

    class Data(torch.utils.data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            x = dgl.rand_graph({nodes}, {edges})
            x.ndata["h"] = torch.ones({nodes}, {feats})
            x.update_all(fn.copy_u("h", "m"), fn.sum("m", "o"))  # a parallel kernel in each worker
            return x, torch.tensor(float(x.ndata["o"].sum()))

    total = 0.0
    for bg, y in GraphDataLoader(Data(), batch_size=2, num_workers=2):
        total += float(y.sum())
    import numba
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel ran in this process
        layer = "none"
    print(layer, total)
""")

KERNEL_IN_PARENT = """
g = dgl.rand_graph(3000, 30000)
g.ndata["h"] = torch.randn(3000, 16)
g.update_all(fn.copy_u("h", "m"), fn.sum("m", "o"))  # a parallel kernel in the parent
"""

TORCH_IN_PARENT = """
x = torch.randn(1500, 1500)
(x @ x).sum()  # torch's OpenMP pool starts in the parent; no graphdl kernel has run
"""


def run_workers(parent: str, nodes: int, edges: int, feats: int, timeout: int):
    """Run the loader script in a fresh interpreter; the threading layer and the total it printed."""
    script = WORKERS.format(parent=parent.strip(), nodes=nodes, edges=edges, feats=feats)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr[-2000:]
    layer, total = out.stdout.split()
    return layer, total


def test_forked_workers_run_parallel_kernels():
    layer, total = run_workers(KERNEL_IN_PARENT, 2000, 20000, 16, timeout=300)
    assert layer in ("omp", "tbb", "workqueue")
    # every one of the 4 graphs has 20000 edges carrying 16 ones each
    assert float(total) == 4 * 20000 * 16


def test_serial_twin_matches_parallel_kernel():
    import numpy as np

    from graphdl._numba import serial_kernels_wanted
    from graphdl.ops import _numba_kernels as K

    assert not serial_kernels_wanted()
    rng = np.random.default_rng(0)
    indptr = np.array([0, 2, 2, 5], dtype=np.int64)
    col = rng.integers(0, 4, 5).astype(np.int64)
    a = rng.standard_normal((4, 3)).astype(np.float32)
    outs = []
    for fn in (K.spmm_copy_scaled_kernel.parallel, K.spmm_copy_scaled_kernel.serial):
        out = np.empty((3, 3), dtype=np.float32)
        empty = np.zeros(1, dtype=np.float32)
        fn(indptr, col, a, empty, False, empty, False, np.zeros((0, 0), np.float32), 0,
           np.zeros(0, np.int64), False, True, out)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6)
    np.testing.assert_allclose(outs[0][2], a[col[2:5]].mean(0), rtol=1e-5)
    assert K.spmm_copy_scaled_kernel.serial is not K.spmm_copy_scaled_kernel.parallel


def test_kernels_called_from_several_threads_at_once():
    import threading

    import torch

    import graphdl
    import graphdl.ops as ops

    g = graphdl.rand_graph(5000, 50000)
    x = torch.randn(5000, 16)
    ref = ops.copy_u_sum(g, x)
    bad = []

    def work():
        for _ in range(20):
            if not torch.allclose(ops.copy_u_sum(g, x), ref, atol=1e-4):
                bad.append(1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_workers_forked_after_torch_used_openmp_do_not_hang():
    _, total = run_workers(TORCH_IN_PARENT, 20000, 200000, 8, timeout=180)
    assert float(total) == 4 * 200000 * 8


def test_threads_follow_the_work():
    from graphdl._numba import MIN_WORK_PER_THREAD, threads_for

    assert threads_for(0, 2) == 1
    assert threads_for(MIN_WORK_PER_THREAD - 1, 2) == 1
    assert threads_for(2 * MIN_WORK_PER_THREAD, 2) == 2
    assert threads_for(100 * MIN_WORK_PER_THREAD, 2) == 2
    assert threads_for(100 * MIN_WORK_PER_THREAD, 1) == 1


def test_small_call_restores_the_thread_count():
    import numba
    import torch

    import graphdl
    import graphdl.ops as ops

    before = numba.get_num_threads()
    g = graphdl.graph(([0, 1, 2], [1, 2, 0]), num_nodes=3)
    x = torch.arange(6.0).reshape(3, 2)
    out = ops.copy_u_sum(g, x)
    assert numba.get_num_threads() == before
    torch.testing.assert_close(out, x[[2, 0, 1]])
