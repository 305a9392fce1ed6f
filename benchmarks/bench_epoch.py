"""Mini-batch training epoch, overlapped: graphdl vs DGL 2.1, one interleaved run.

One measurement is a fixed number of training batches (``--batches``, after
``--warmup`` untimed ones) of a full mini-batch epoch: sample [15, 10, 5]
neighbours (input layer first) of 1,024 shuffled seeds, gather the input nodes'
features and the seeds' labels *in the sampler* (``prefetch_node_feats`` /
``prefetch_labels``, so with ``num_workers > 0`` they are gathered in the worker
process, overlapped with the model step), then a three-layer GraphSAGE-mean step
(hidden 256, cross-entropy, backward, Adam) in the main process.

Graph: 1,000,000 nodes, 20,000,000 uniform random edges plus one self-loop per
node, 100 float features, 47 classes (``_harness.random_graph`` & co, cached as
``.npy`` so both libraries read the same arrays). Each (library, workers) pair
runs in a fresh process; the pairs run interleaved for ``--rounds`` rounds. DGL
runs with ``$GRAPHDL_DGL_PYTHON`` (default ``/work/venv-dgl/bin/python`` if it
exists, else the harness's lookup) and ``DGLBACKEND=pytorch``.

Printed per run: seeds/s over the timed batches, wall seconds, CPU seconds of the
main process *and* its worker processes (user + system, from ``/proc``), peak RSS
of the main process; at the end the medians and graphdl / DGL throughput ratios.

    python benchmarks/bench_epoch.py                      # workers 0 and 1, 2 rounds
    python benchmarks/bench_epoch.py --workers 1 --rounds 3
    python benchmarks/bench_epoch.py --nodes 100000 --edges 2000000 --batches 5   # quick
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _harness as H  # noqa: E402

PREFIX = "@@EPOCH@@ "


def _tree_cpu_s() -> float:
    """User + system CPU seconds of this process and every live descendant."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(d)] = (int(parts[1]), int(parts[11]) + int(parts[12]))  # ppid, utime + stime
    mine, total, frontier = {os.getpid()}, 0, [os.getpid()]
    while frontier:
        p = frontier.pop()
        total += stats.get(p, (0, 0))[1]
        kids = [c for c, (pp, _) in stats.items() if pp == p and c not in mine]
        mine.update(kids)
        frontier.extend(kids)
    return total / tick


def child(a: argparse.Namespace) -> Dict[str, Any]:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(a.threads)
    if a.lib == "graphdl":
        import graphdl as lib
    else:
        import dgl as lib
    SAGEConv = lib.nn.SAGEConv
    t0 = time.perf_counter()
    src, dst = H.random_graph(a.nodes, a.edges, seed=0)
    idtype = getattr(torch, a.idtype)
    g = lib.graph((torch.from_numpy(src).to(idtype), torch.from_numpy(dst).to(idtype)), num_nodes=a.nodes)
    g.ndata["feat"] = torch.from_numpy(H.random_features(a.nodes, a.feats))
    g.ndata["label"] = torch.from_numpy(H.random_labels(a.nodes, a.classes))
    g.create_formats_()
    build_s = time.perf_counter() - t0

    class SAGE(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            dims = [a.feats] + [a.hidden] * (len(fanouts) - 1) + [a.classes]
            self.layers = nn.ModuleList(SAGEConv(i, o, "mean") for i, o in zip(dims[:-1], dims[1:]))

        def forward(self, blocks, x):
            for k, (layer, block) in enumerate(zip(self.layers, blocks)):
                x = layer(block, x)
                if k < len(self.layers) - 1:
                    x = F.relu(x)
            return x

    fanouts = [int(f) for f in a.fanouts.split(",")]
    torch.manual_seed(0)
    model = SAGE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(3)
    need = (a.warmup + a.batches + 4 * max(a.workers, 1)) * a.batch_size
    seeds = torch.from_numpy(rng.choice(a.nodes, size=min(a.nodes, need), replace=False)).to(idtype)
    sampler = lib.dataloading.NeighborSampler(fanouts, prefetch_node_feats=["feat"], prefetch_labels=["label"])
    kw: Dict[str, Any] = {}
    if a.workers > 0:
        kw = {"num_workers": a.workers, "persistent_workers": True, "prefetch_factor": a.prefetch}
    loader = lib.dataloading.DataLoader(g, seeds, sampler, batch_size=a.batch_size, shuffle=True,
                                        drop_last=True, **kw)
    it = iter(loader)

    def step() -> int:
        _, out, blocks = next(it)
        x = blocks[0].srcdata["feat"]
        y = blocks[-1].dstdata["label"]
        loss = F.cross_entropy(model(blocks, x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return int(out.shape[0])

    for _ in range(a.warmup):
        step()
    c0, w0 = _tree_cpu_s(), time.perf_counter()
    done = sum(step() for _ in range(a.batches))
    wall, cpu = time.perf_counter() - w0, _tree_cpu_s() - c0
    return {"lib": a.lib, "workers": a.workers, "seeds": done, "wall_s": wall, "cpu_s": cpu,
            "seeds_per_s": done / wall, "build_s": build_s, "peak_rss_mb": resource.getrusage(
                resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__,
            "version": getattr(lib, "__version__", "?")}


def _dgl_python() -> str:
    env = os.environ.get("GRAPHDL_DGL_PYTHON")
    if env:
        return env
    if Path("/work/venv-dgl/bin/python").exists():
        return "/work/venv-dgl/bin/python"
    p = H.dgl_python()
    if p is None:
        raise SystemExit("no DGL interpreter: set GRAPHDL_DGL_PYTHON")
    return str(p)


def run_one(a: argparse.Namespace, lib: str, workers: int) -> Dict[str, Any]:
    py = _dgl_python() if lib == "dgl" else sys.executable
    env = dict(os.environ, DGLBACKEND="pytorch", GRAPHDL_BENCH_CACHE=str(H.cache_dir()),
               PYTHONPATH=os.pathsep.join([str(HERE.parent)] + [p for p in os.environ.get("PYTHONPATH", "").split(
                   os.pathsep) if p and lib != "dgl"]))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = str(a.threads)
    argv = [py, __file__, "--_child", lib, "--workers", str(workers)] + [
        f"--{k.replace('_', '-')}={v}" for k, v in vars(a).items()
        if k not in ("_child", "workers", "libs", "rounds", "timeout", "workers_list")]
    try:
        out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=a.timeout)
    except subprocess.TimeoutExpired:
        return {"lib": lib, "workers": workers, "error": "timeout"}
    for line in out.stdout.splitlines():
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    return {"lib": lib, "workers": workers, "error": (out.stderr or out.stdout).strip().splitlines()[-3:]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nodes", type=int, default=1_000_000)
    p.add_argument("--edges", type=int, default=20_000_000, help="plus one self-loop per node")
    p.add_argument("--feats", type=int, default=100)
    p.add_argument("--classes", type=int, default=47)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--fanouts", default="15,10,5", help="input layer first")
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--batches", type=int, default=30, help="timed batches per run")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--workers", default="0,1", help="comma list of num_workers values to run")
    p.add_argument("--prefetch", type=int, default=2, help="prefetch_factor with workers")
    p.add_argument("--threads", type=int, default=2, help="torch/OpenMP/numba threads per process")
    p.add_argument("--idtype", choices=("int32", "int64"), default="int64")
    p.add_argument("--libs", default="graphdl,dgl")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--timeout", type=int, default=1800)
    p.add_argument("--_child", default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a._child:
        a.lib = a._child
        a.workers = int(a.workers)
        print(PREFIX + json.dumps(child(a)), flush=True)
        return
    H.random_graph(a.nodes, a.edges, seed=0)  # generate the cached inputs once, before any child
    H.random_features(a.nodes, a.feats)
    H.random_labels(a.nodes, a.classes)
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    print(f"# {a.nodes:,} nodes, {a.edges:,} + {a.nodes:,} edges, {a.feats} feats, fan-outs [{a.fanouts}], "
          f"batch {a.batch_size}, hidden {a.hidden}; {a.warmup} warm-up + {a.batches} timed batches; "
          f"{a.threads} threads; CPU {cpu}; load {os.getloadavg()}", flush=True)
    results: List[Dict[str, Any]] = []
    workers = [int(w) for w in a.workers.split(",")]
    for r in range(a.rounds):
        for w in workers:
            for lib in a.libs.split(","):
                res = run_one(a, lib, w)
                res["round"] = r
                res["load1"] = os.getloadavg()[0]
                results.append(res)
                print(json.dumps(res), flush=True)
    print("\n| library | workers | seeds/s (median) | wall s | CPU s (main + workers) | peak RSS MB | runs |")
    print("|---|---|---|---|---|---|---|")
    med: Dict[tuple, float] = {}
    for w in workers:
        for lib in a.libs.split(","):
            ok = [x for x in results if x["lib"] == lib and x["workers"] == w and "error" not in x]
            if not ok:
                print(f"| {lib} | {w} | error | | | | 0 |")
                continue
            med[lib, w] = statistics.median(x["seeds_per_s"] for x in ok)
            print(f"| {lib} | {w} | {med[lib, w]:,.0f} | {statistics.median(x['wall_s'] for x in ok):.1f} | "
                  f"{statistics.median(x['cpu_s'] for x in ok):.1f} | "
                  f"{statistics.median(x['peak_rss_mb'] for x in ok):,.0f} | {len(ok)} |")
    for w in workers:
        if ("graphdl", w) in med and ("dgl", w) in med:
            print(f"graphdl / DGL throughput, {w} workers: {med['graphdl', w] / med['dgl', w]:.2f}x")
    gd = [v for (lib, _), v in med.items() if lib == "graphdl"]
    dg = [v for (lib, _), v in med.items() if lib == "dgl"]
    if gd and dg:
        print(f"best graphdl / best DGL: {max(gd) / max(dg):.2f}x")


if __name__ == "__main__":
    main()
