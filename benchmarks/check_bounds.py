"""Regression check for CI: fails when a kernel gets more than 2x further from its physical bound.

Each kernel of ``bench_kernels.py`` runs forward + backward on a small random graph in this
process, on one thread. Its CPU time (user + system, so time spent descheduled on a busy
machine does not count) is divided by its bound (``_bounds.py``: bytes that must move at the
copy bandwidth measured here, the copy also timed in CPU time). That ratio is compared with
the ratio recorded in ``bounds_baseline.json``: the check fails when a kernel's ratio is more
than ``--tolerance`` (default 2) times its recorded one in two measurements. A ratio, not a time, so a slower or
busier machine does not fail it; the whole check takes a few seconds once numba's cache is warm.

    python benchmarks/check_bounds.py             # check (exit status 1 on a regression)
    python benchmarks/check_bounds.py --record    # measure and write bounds_baseline.json
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bounds as B  # noqa: E402

BASELINE = Path(__file__).resolve().parent / "bounds_baseline.json"
NODES, EDGES, FEATS, HEADS = 20_000, 400_000, 32, 4


def _cpu_best(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of ``fn`` over ``repeat`` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def _machine() -> B.Machine:
    a = torch.ones(64 * 2**20 // 4)
    b = torch.empty_like(a)
    t = min(_cpu_best(lambda: b.copy_(a), 3) for _ in range(3))
    return B.Machine(2 * a.numel() * 4 / t / 1e9, 1.0)


def _kernels() -> Dict[str, Callable[[], None]]:
    import graphdl
    import graphdl.function as fn
    import graphdl.ops as ops

    gen = torch.Generator().manual_seed(0)
    src = torch.randint(0, NODES, (EDGES,), generator=gen)
    dst = torch.randint(0, NODES, (EDGES,), generator=gen)
    g = graphdl.graph((src, dst), num_nodes=NODES)
    g.create_formats_()
    x = torch.randn(NODES, FEATS, generator=gen, requires_grad=True)
    xh = torch.randn(NODES, HEADS, FEATS // HEADS, generator=gen, requires_grad=True)
    w = torch.rand(EDGES, 1, generator=gen, requires_grad=True)
    wh = torch.rand(EDGES, HEADS, 1, generator=gen, requires_grad=True)
    s = torch.randn(EDGES, HEADS, generator=gen, requires_grad=True)
    el = torch.randn(NODES, HEADS, 1, generator=gen, requires_grad=True)
    er = torch.randn(NODES, HEADS, 1, generator=gen, requires_grad=True)

    def block() -> torch.Tensor:
        with g.local_scope():
            g.ndata.update({"x": xh, "el": el, "er": er})
            g.apply_edges(fn.u_add_v("el", "er", "e"))
            g.edata["a"] = ops.edge_softmax(g, torch.nn.functional.leaky_relu(g.edata["e"], 0.2))
            g.update_all(fn.u_mul_e("x", "a", "m"), fn.sum("m", "h"))
            return g.ndata["h"]

    forward = {
        "copy_u_sum": lambda: ops.copy_u_sum(g, x),
        "u_mul_e_sum": lambda: ops.u_mul_e_sum(g, x, w),
        "u_mul_e_sum_heads": lambda: ops.u_mul_e_sum(g, xh, wh),
        "u_dot_v": lambda: ops.u_dot_v(g, x, x),
        "edge_softmax": lambda: ops.edge_softmax(g, s),
        "gat_block": block,
    }

    def step(f: Callable[[], torch.Tensor]) -> Callable[[], None]:
        return lambda: f().sum().backward()

    return {k: step(f) for k, f in forward.items()}


def measure(repeat: int, only: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """CPU time / bound of every kernel (or of those named in ``only``)."""
    torch.set_num_threads(1)
    m = _machine()
    ratios = {}
    for name, run in _kernels().items():
        if only is not None and name not in only:
            continue
        cost = B.kernel_cost(name, NODES, EDGES, FEATS, HEADS, ids=8)
        ratios[name] = _cpu_best(run, repeat) * 1e3 / cost.bound_ms(m)
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="write the measured ratios as the baseline")
    parser.add_argument("--tolerance", type=float, default=2.0, help="allowed factor over the recorded ratio")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    ratios = measure(args.repeat)
    if args.record:
        # the median of three measurements, so one quiet or busy moment does not set the baseline
        more = [measure(args.repeat) for _ in range(2)]
        ratios = {k: statistics.median([v, more[0][k], more[1][k]]) for k, v in ratios.items()}
        BASELINE.write_text(json.dumps({k: round(v, 3) for k, v in ratios.items()}, indent=1) + "\n")
        print(f"recorded {BASELINE.name}: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))
        return 0
    base = json.loads(BASELINE.read_text())
    over = [k for k, r in ratios.items() if k in base and r > args.tolerance * base[k]]
    if over:  # measure those once more: a real regression is slow both times, a busy moment is not
        again = measure(args.repeat, over)
        ratios.update({k: min(ratios[k], again[k]) for k in over})
    bad = []
    for name, r in ratios.items():
        ref = base.get(name)
        verdict = "new" if ref is None else ("FAIL" if r > args.tolerance * ref else "ok")
        print(f"{name:20s} CPU time / bound {r:6.2f}x  (recorded {ref if ref is not None else '—'})  {verdict}")
        if verdict == "FAIL":
            bad.append(name)
    print(f"{time.perf_counter() - t0:.1f} s; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if bad:
        print(f"more than {args.tolerance}x slower against the bound than recorded: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
