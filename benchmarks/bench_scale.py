"""Scale: time and peak memory of whole-graph phases on graphs up to ogbn-products size.

Graph: ``--nodes`` nodes and ``--edges`` edges in all (uniform random edges plus one
self-loop per node, ``_harness.random_graph``), 100 float features, 47 classes. The
default is the size of ogbn-products (2,449,029 nodes, 61,859,140 edges).
``--series`` instead runs a series of total edge counts at ogbn-products' average degree
(nodes = edges × 2,449,029 / 61,859,140).

Each phase runs in a fresh process per library, one after the other (never two at
once), and reports its wall and CPU time and the process's peak resident set size
(``ru_maxrss``); ``base MB`` is the resident size after importing the library and
reading the input arrays (edge ids, features, labels), before building anything:

* ``build``: ``graph((src, dst))`` and ``create_formats_()`` (times of both);
* ``train``: one full-graph training step (1 warm-up, ``--steps`` timed) of a two-layer
  GraphSAGE-mean (100 → ``--hidden`` → 47, ReLU, cross-entropy on every node, backward,
  Adam);
* ``infer``: layer-wise inference over all nodes as DGL's examples do it: per layer, a
  ``DataLoader`` over all nodes with ``MultiLayerFullNeighborSampler(1)`` in batches of
  ``--infer-batch``, each batch's output written into a preallocated ``N × out`` tensor;
* ``epoch``: ``--batches`` mini-batches (after 2 warm-up) of a [15, 10, 5] neighbour
  sampler with batch 1,024, features and labels gathered by the sampler, three-layer
  GraphSAGE-mean hidden 256 (the workload of ``bench_epoch.py``), ``num_workers=0``.

Input arrays are read with ``np.fromfile`` (no memory map, so mapped file pages do not
count), the edge ids as int64 for both libraries (``--idtype`` picks what is passed).

    python benchmarks/bench_scale.py                                 # products size, all phases
    python benchmarks/bench_scale.py --series 1e6,4e6,16e6,61859140 --phases build,train
    python benchmarks/bench_scale.py --plot docs/scale.png --from results.jsonl
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _harness as H  # noqa: E402

PREFIX = "@@SCALE@@ "
PRODUCTS_NODES, PRODUCTS_EDGES = 2_449_029, 61_859_140


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_rows(path: Path, rows: int, cols: int, dtype: np.dtype, row: int) -> np.ndarray:
    """Row ``row`` of a C-ordered ``(rows, cols)`` .npy file, read into fresh memory."""
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        np.lib.format.read_array_header_1_0(f)
        start = f.tell()
    return np.fromfile(path, dtype=dtype, count=cols, offset=start + row * cols * np.dtype(dtype).itemsize)


def _read_all(path: Path, dtype: np.dtype) -> np.ndarray:
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        shape, _, _ = np.lib.format.read_array_header_1_0(f)
        start = f.tell()
    return np.fromfile(path, dtype=dtype, offset=start).reshape(shape)


def _inputs(n: int, e_total: int, feats: int, classes: int) -> Dict[str, Path]:
    """Create the cached arrays (parent process) and return their paths."""
    H.random_graph(n, e_total - n, seed=0)
    H.random_features(n, feats)
    H.random_labels(n, classes)
    c = H.cache_dir()
    return {"graph": c / f"graph_n{n}_e{e_total - n}_s0_l1.npy", "feat": c / f"feat_n{n}_d{feats}_s1.npy",
            "label": c / f"label_n{n}_c{classes}_s2.npy"}


def child(a: argparse.Namespace) -> Dict[str, Any]:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(a.threads)
    if a.lib == "graphdl":
        import graphdl as lib
    else:
        import dgl as lib
    n, e = a.nodes, a.edges
    paths = _inputs(n, e, a.feats, a.classes)
    src = torch.from_numpy(_read_rows(paths["graph"], 2, e, np.int64, 0))
    dst = torch.from_numpy(_read_rows(paths["graph"], 2, e, np.int64, 1))
    need_feats = a.phase != "build"
    x = torch.from_numpy(_read_all(paths["feat"], np.float32)) if need_feats else None
    y = torch.from_numpy(_read_all(paths["label"], np.int64)) if need_feats else None
    idtype = getattr(torch, a.idtype)
    if idtype != torch.int64:
        src, dst = src.to(idtype), dst.to(idtype)
    base = _rss_mb()
    out: Dict[str, Any] = {"lib": a.lib, "phase": a.phase, "nodes": n, "edges": e, "base_mb": base}
    w0, c0 = time.perf_counter(), time.process_time()
    g = lib.graph((src, dst), num_nodes=n)
    del src, dst
    w1, c1 = time.perf_counter(), time.process_time()
    g.create_formats_()
    w2, c2 = time.perf_counter(), time.process_time()
    out.update(graph_s=w1 - w0, graph_cpu_s=c1 - c0, formats_s=w2 - w1, formats_cpu_s=c2 - c1,
               idtype=str(g.idtype))
    SAGEConv = lib.nn.SAGEConv

    def sage(dims: List[int]) -> nn.ModuleList:
        torch.manual_seed(0)
        return nn.ModuleList(SAGEConv(i, o, "mean") for i, o in zip(dims[:-1], dims[1:]))

    if a.phase == "train":
        layers = sage([a.feats, a.hidden, a.classes])
        opt = torch.optim.Adam(layers.parameters(), lr=1e-2)

        def step() -> float:
            h = F.relu(layers[0](g, x))
            loss = F.cross_entropy(layers[1](g, h), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return float(loss)

        step()
        w, c = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            out["loss"] = step()
        out.update(step_s=(time.perf_counter() - w) / a.steps, step_cpu_s=(time.process_time() - c) / a.steps)
    elif a.phase == "infer":
        dims = [a.feats, a.hidden, a.classes]
        layers = sage(dims)
        sampler = lib.dataloading.MultiLayerFullNeighborSampler(1)
        loader = lib.dataloading.DataLoader(g, torch.arange(n, dtype=g.idtype), sampler,
                                            batch_size=a.infer_batch, shuffle=False)
        w, c = time.perf_counter(), time.process_time()
        h = x
        with torch.no_grad():
            for k, layer in enumerate(layers):
                nxt = torch.empty(n, dims[k + 1])
                for inp, outp, blocks in loader:
                    r = layer(blocks[0], h[inp.long()])
                    nxt[outp.long()] = F.relu(r) if k == 0 else r
                h = nxt
        out.update(infer_s=time.perf_counter() - w, infer_cpu_s=time.process_time() - c,
                   checksum=float(h[:1000].sum()))
    elif a.phase == "epoch":
        g.ndata["feat"] = x
        g.ndata["label"] = y
        layers = sage([a.feats, 256, 256, a.classes])
        opt = torch.optim.Adam(layers.parameters(), lr=1e-3)
        sampler = lib.dataloading.NeighborSampler([15, 10, 5], prefetch_node_feats=["feat"],
                                                  prefetch_labels=["label"])
        seeds = torch.from_numpy(np.random.default_rng(3).choice(n, size=(a.batches + 2) * 1024, replace=False))
        it = iter(lib.dataloading.DataLoader(g, seeds.to(g.idtype), sampler, batch_size=1024, shuffle=True))

        def mb_step() -> None:
            _, _, blocks = next(it)
            hh = blocks[0].srcdata["feat"]
            for k, (layer, b) in enumerate(zip(layers, blocks)):
                hh = layer(b, hh)
                if k < 2:
                    hh = F.relu(hh)
            loss = F.cross_entropy(hh, blocks[-1].dstdata["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()

        for _ in range(2):
            mb_step()
        w, c = time.perf_counter(), time.process_time()
        for _ in range(a.batches):
            mb_step()
        out.update(batch_s=(time.perf_counter() - w) / a.batches, batch_cpu_s=(time.process_time() - c) / a.batches)
    out["peak_mb"] = _peak_mb()
    out["version"] = getattr(lib, "__version__", "?")
    return out


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


def run_one(a: argparse.Namespace, lib: str, phase: str, n: int, e: int) -> Dict[str, Any]:
    py = _dgl_python() if lib == "dgl" else sys.executable
    env = dict(os.environ, DGLBACKEND="pytorch", GRAPHDL_BENCH_CACHE=str(H.cache_dir()),
               PYTHONPATH=str(HERE.parent) if lib == "dgl" else os.pathsep.join(
                   [str(HERE.parent)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = str(a.threads)
    argv = [py, __file__, "--_child", lib, "--phase", phase, "--nodes", str(n), "--edges", str(e),
            "--feats", str(a.feats), "--classes", str(a.classes), "--hidden", str(a.hidden), "--steps",
            str(a.steps), "--infer-batch", str(a.infer_batch), "--batches", str(a.batches), "--threads",
            str(a.threads), "--idtype", a.idtype]
    try:
        res = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=a.timeout)
    except subprocess.TimeoutExpired:
        return {"lib": lib, "phase": phase, "nodes": n, "edges": e, "error": "timeout"}
    for line in res.stdout.splitlines():
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
    return {"lib": lib, "phase": phase, "nodes": n, "edges": e, "error": " | ".join(tail) or f"rc {res.returncode}"}


def _slope(xs: List[float], ys: List[float]) -> float:
    lx, ly = np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float))
    return float(np.polyfit(lx, ly, 1)[0])


def plot(rows: List[Dict[str, Any]], path: str) -> None:
    """Log–log plot of the training step's CPU time and peak memory against edges, with slopes.

    CPU time (user + system of all threads), not wall time: on a shared machine the wall
    time measures the load as much as the step.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for lib, style in (("graphdl", "o-"), ("dgl", "s--")):
        pts = sorted((r["edges"], r["step_cpu_s"], r["peak_mb"]) for r in rows
                     if r.get("phase") == "train" and r.get("lib") == lib and "error" not in r)
        if len(pts) < 2:
            continue
        es, ts, ms = zip(*pts)
        label = "graphdl" if lib == "graphdl" else "DGL 2.1"
        axes[0].loglog(es, ts, style, label=f"{label} (slope {_slope(es, ts):.2f})")
        axes[1].loglog(es, [m / 1024 for m in ms], style, label=f"{label} (slope {_slope(es, ms):.2f})")
    axes[0].set_ylabel("training step, CPU s (user + sys)")
    axes[1].set_ylabel("peak RSS, GiB")
    for ax in axes:
        ax.set_xlabel("edges")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("Full-graph GraphSAGE step at ogbn-products' average degree")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nodes", type=int, default=PRODUCTS_NODES)
    p.add_argument("--edges", type=int, default=PRODUCTS_EDGES, help="in all, self-loops included")
    p.add_argument("--series", default=None, help="comma list of total edge counts (nodes follow)")
    p.add_argument("--feats", type=int, default=100)
    p.add_argument("--classes", type=int, default=47)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--steps", type=int, default=1, help="timed training steps (after one warm-up)")
    p.add_argument("--infer-batch", type=int, default=131072)
    p.add_argument("--batches", type=int, default=10, help="timed mini-batches in the epoch phase")
    p.add_argument("--phases", default="build,train,infer,epoch")
    p.add_argument("--libs", default="graphdl,dgl")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--idtype", choices=("int32", "int64"), default="int64")
    p.add_argument("--timeout", type=int, default=1800)
    p.add_argument("--out", default=None, help="append result lines (JSON) to this file")
    p.add_argument("--plot", default=None, help="write the log–log plot of the train rows here")
    p.add_argument("--from", dest="from_", default=None, help="plot from this results file, run nothing")
    p.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    p.add_argument("--_child", default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a._child:
        a.lib = a._child
        print(PREFIX + json.dumps(child(a)), flush=True)
        return
    if a.from_:
        rows = [json.loads(ln) for ln in open(a.from_) if ln.strip()]
        plot(rows, a.plot)
        for lib in ("graphdl", "dgl"):
            tr = sorted((r for r in rows if r.get("phase") == "train" and r.get("lib") == lib and "error" not in r),
                        key=lambda r: r["edges"])
            if len(tr) >= 2:
                es = [r["edges"] for r in tr]
                print(f"{lib}: slope of step time {_slope(es, [r['step_s'] for r in tr]):.2f}, "
                      f"of step CPU time {_slope(es, [r['step_cpu_s'] for r in tr]):.2f}, "
                      f"of peak RSS {_slope(es, [r['peak_mb'] for r in tr]):.2f}, "
                      f"of peak − base {_slope(es, [r['peak_mb'] - r['base_mb'] for r in tr]):.2f}; "
                      f"between the two largest: CPU time {_slope(es[-2:], [r['step_cpu_s'] for r in tr[-2:]]):.2f}, "
                      f"peak RSS {_slope(es[-2:], [r['peak_mb'] for r in tr[-2:]]):.2f}")
        return
    sizes = [(a.nodes, a.edges)]
    if a.series:
        sizes = []
        for s in a.series.split(","):
            e = int(float(s))
            sizes.append((max(1, round(e * PRODUCTS_NODES / PRODUCTS_EDGES)), e))
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    print(f"# CPU {cpu}; {a.threads} threads; load {os.getloadavg()}", flush=True)
    rows = []
    for n, e in sizes:
        _inputs(n, e, a.feats, a.classes)
        for phase in a.phases.split(","):
            for lib in a.libs.split(","):
                r = run_one(a, lib, phase, n, e)
                r["load1"] = os.getloadavg()[0]
                rows.append(r)
                line = json.dumps(r)
                print(line, flush=True)
                if a.out:
                    with open(a.out, "a") as f:
                        f.write(line + "\n")
    if a.plot:
        plot(rows, a.plot)


if __name__ == "__main__":
    main()
