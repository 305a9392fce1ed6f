"""Parallel kernels keep working in DataLoader workers forked after the parent ran them."""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import torch
    import graphdl as dgl
    import graphdl.function as fn
    from graphdl.dataloading import GraphDataLoader

    g = dgl.rand_graph(3000, 30000)
    g.ndata["h"] = torch.randn(3000, 16)
    g.update_all(fn.copy_u("h", "m"), fn.sum("m", "o"))  # a parallel kernel in the parent

    class Data(torch.utils.data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            x = dgl.rand_graph(2000, 20000)
            x.ndata["h"] = torch.ones(2000, 16)
            x.update_all(fn.copy_u("h", "m"), fn.sum("m", "o"))  # and one in each worker
            return x, torch.tensor(float(x.ndata["o"].sum()))

    total = 0.0
    for bg, y in GraphDataLoader(Data(), batch_size=2, num_workers=2):
        total += float(y.sum())
    import numba
    print(numba.threading_layer(), total)
""")


def test_forked_workers_run_parallel_kernels():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    layer, total = out.stdout.split()
    assert layer in ("tbb", "workqueue")
    # every one of the 4 graphs has 20000 edges carrying 16 ones each
    assert float(total) == 4 * 20000 * 16
