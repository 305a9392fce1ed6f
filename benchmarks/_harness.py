"""Shared machinery for comparing graphdl with DGL and PyTorch Geometric.

A benchmark script describes its workload as a list of :class:`Case` objects
(a name plus JSON-serialisable parameters) and one ``setup(backend, params)``
function that builds the workload for one backend and returns a
zero-argument callable: one repetition of the thing being timed.

For every case and backend the parent process starts a fresh subprocess:

* ``graphdl`` and ``pyg`` run with the current interpreter (``sys.executable``);
* ``dgl`` runs with the interpreter of the DGL virtual environment
  (``$GRAPHDL_DGL_PYTHON``, else ``benchmarks/.venv-dgl/bin/python`` of this
  checkout or of the main worktree; see ``benchmarks/setup_envs.sh``).

Each subprocess sets the same number of threads, builds the workload, runs
``warmup`` untimed and ``repeat`` timed repetitions, and prints one JSON line
(prefixed with :data:`RESULT_PREFIX`) holding the times, the resident set size
before the workload was built and the process's peak resident set size, the
library versions, or the error that stopped it. A backend that cannot run
(missing package, exception, crash, time-out) shows up as an error in the
table; it never stops the other backends.

Input data must be identical across backends, so graphs, features and labels
come from :func:`random_graph`, :func:`random_features` and
:func:`random_labels`: generated once with numpy from a fixed seed and cached as
``.npy`` files in :func:`cache_dir`, which every subprocess then reads. The
parent calls :func:`Case.prepare` hooks (or the script generates the data
itself) before starting any subprocess, so no two processes generate the same
file at once.

Typical script::

    import _harness as H

    def setup(backend, params):
        src, dst = H.random_graph(params["nodes"], params["edges"])
        ...
        return step

    if __name__ == "__main__":
        H.main(__file__, setup, make_cases, description="...")
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "BACKENDS",
    "RESULT_PREFIX",
    "Case",
    "Result",
    "add_common_args",
    "cache_dir",
    "dgl_python",
    "format_table",
    "main",
    "random_features",
    "random_graph",
    "random_labels",
    "run_case",
    "run_comparison",
]

#: Backends in the order they appear in tables.
BACKENDS: Tuple[str, ...] = ("graphdl", "dgl", "pyg")
_LABELS = {"graphdl": "graphdl", "dgl": "DGL", "pyg": "PyG"}
_BACKEND_MODULES = {"graphdl": "graphdl.nn", "dgl": "dgl.nn.pytorch", "pyg": "torch_geometric.nn"}

#: Marker in front of the JSON line a worker prints.
RESULT_PREFIX = "@@GRAPHDL_BENCH_RESULT@@ "

_WORKER_FLAG = "--_bench-worker"
_REPO_ROOT = Path(__file__).resolve().parent.parent

SetupFn = Callable[[str, Dict[str, Any]], Callable[[], Any]]


# --------------------------------------------------------------------------
# Shared input data
# --------------------------------------------------------------------------


def cache_dir() -> Path:
    """Directory holding the cached input arrays.

    ``$GRAPHDL_BENCH_CACHE`` if set, else ``graphdl-bench-cache`` in the
    system's temporary directory.
    """
    env = os.environ.get("GRAPHDL_BENCH_CACHE")
    path = Path(env) if env else Path(tempfile.gettempdir()) / "graphdl-bench-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cached(name: str, make: Callable[[], np.ndarray]) -> np.ndarray:
    """Load ``name`` from the cache, creating it with ``make`` if absent.

    The file is written under a temporary name and renamed, so a reader never
    sees a half-written array.
    """
    path = cache_dir() / name
    if not path.exists():
        arr = make()
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
        np.save(tmp, arr)
        os.replace(tmp, path)
    return np.load(path)


def random_graph(
    num_nodes: int, num_edges: int, seed: int = 0, self_loops: bool = True
) -> Tuple[np.ndarray, np.ndarray]:
    """Source and destination ids (int64) of a uniform random directed graph.

    ``num_edges`` endpoints pairs are drawn uniformly (duplicates and
    self-loops may occur); with ``self_loops`` one loop per node is appended
    after them, so the graph has ``num_edges + num_nodes`` edges and no node
    without in-edges.
    """

    def make() -> np.ndarray:
        rng = np.random.default_rng(seed)
        src = rng.integers(0, num_nodes, size=num_edges, dtype=np.int64)
        dst = rng.integers(0, num_nodes, size=num_edges, dtype=np.int64)
        if self_loops:
            loop = np.arange(num_nodes, dtype=np.int64)
            src = np.concatenate([src, loop])
            dst = np.concatenate([dst, loop])
        return np.stack([src, dst])

    name = f"graph_n{num_nodes}_e{num_edges}_s{seed}_l{int(self_loops)}.npy"
    edges = _cached(name, make)
    return edges[0], edges[1]


def random_features(num_rows: int, dim: int, seed: int = 1) -> np.ndarray:
    """A ``(num_rows, dim)`` float32 array of standard normal values."""

    def make() -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.standard_normal((num_rows, dim), dtype=np.float32)

    return _cached(f"feat_n{num_rows}_d{dim}_s{seed}.npy", make)


def random_labels(num_rows: int, num_classes: int, seed: int = 2) -> np.ndarray:
    """A ``(num_rows,)`` int64 array of class ids in ``[0, num_classes)``."""

    def make() -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.integers(0, num_classes, size=num_rows, dtype=np.int64)

    return _cached(f"label_n{num_rows}_c{num_classes}_s{seed}.npy", make)


# --------------------------------------------------------------------------
# Cases and results
# --------------------------------------------------------------------------


@dataclass
class Case:
    """One workload: a name for the table and parameters passed to ``setup``.

    ``prepare`` (run in the parent, before any worker) creates the cached
    input files the workers will read.
    """

    name: str
    params: Dict[str, Any] = field(default_factory=dict)
    prepare: Optional[Callable[[], Any]] = None


@dataclass
class Result:
    """What one backend reported for one case."""

    case: str
    backend: str
    times: List[float] = field(default_factory=list)
    cpu_times: List[float] = field(default_factory=list)
    base_rss_mb: Optional[float] = None
    peak_rss_mb: Optional[float] = None
    versions: Dict[str, str] = field(default_factory=dict)
    error: Optional[str] = None

    @property
    def median_ms(self) -> Optional[float]:
        """Median time of one repetition in milliseconds, if any ran."""
        if self.error or not self.times:
            return None
        return 1000.0 * statistics.median(self.times)

    @property
    def median_cpu_ms(self) -> Optional[float]:
        """Median CPU time (user + system, all threads) of one repetition in ms."""
        if self.error or not self.cpu_times:
            return None
        return 1000.0 * statistics.median(self.cpu_times)

    @property
    def work_rss_mb(self) -> Optional[float]:
        """Peak RSS above the RSS after importing the library, before building the workload."""
        if self.peak_rss_mb is None or self.base_rss_mb is None:
            return None
        return self.peak_rss_mb - self.base_rss_mb

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain data, with the derived figures added."""
        return {
            "case": self.case,
            "backend": self.backend,
            "times": self.times,
            "cpu_times": self.cpu_times,
            "median_cpu_ms": self.median_cpu_ms,
            "median_ms": self.median_ms,
            "base_rss_mb": self.base_rss_mb,
            "peak_rss_mb": self.peak_rss_mb,
            "work_rss_mb": self.work_rss_mb,
            "versions": self.versions,
            "error": self.error,
        }


# --------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------


def _rss_mb() -> float:
    """Current resident set size of this process in MiB (Linux)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return _peak_rss_mb()


def _peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _versions(backend: str) -> Dict[str, str]:
    out = {"python": platform.python_version(), "numpy": np.__version__}
    mods = {"graphdl": "graphdl", "dgl": "dgl", "pyg": "torch_geometric"}
    for key, mod in (("torch", "torch"), (backend, mods.get(backend, backend))):
        m = sys.modules.get(mod)
        if m is not None:
            out[key] = str(getattr(m, "__version__", "?"))
    return out


def _worker(setup: SetupFn, spec: Mapping[str, Any]) -> Dict[str, Any]:
    backend = spec["backend"]
    out: Dict[str, Any] = {"case": spec["case"], "backend": backend}
    try:
        import torch

        torch.set_num_threads(int(spec["threads"]))
        torch.manual_seed(0)
        # Import the library first so that "work" memory counts only the workload.
        module = _BACKEND_MODULES.get(backend)
        if module is not None:
            importlib.import_module(module)
        out["base_rss_mb"] = _rss_mb()
        step = setup(backend, dict(spec["params"]))
        sync = torch.cuda.synchronize if torch.cuda.is_initialized() else (lambda: None)
        for _ in range(int(spec["warmup"])):
            step()
        sync()
        times, cpu_times = [], []
        for _ in range(int(spec["repeat"])):
            c0, t0 = time.process_time(), time.perf_counter()
            step()
            sync()
            times.append(time.perf_counter() - t0)
            cpu_times.append(time.process_time() - c0)
        out["times"] = times
        out["cpu_times"] = cpu_times
    except BaseException as exc:  # report anything, the parent decides
        out["error"] = f"{type(exc).__name__}: {exc}".strip()
        out["traceback"] = traceback.format_exc(limit=6)
    # ru_maxrss and /proc/self/statm are sampled differently; the peak is at
    # least the current size.
    out["peak_rss_mb"] = max(_peak_rss_mb(), _rss_mb(), out.get("base_rss_mb", 0.0))
    out["versions"] = _versions(backend)
    return out


def _worker_main(setup: SetupFn, argv: Sequence[str]) -> None:
    spec = json.loads(argv[argv.index(_WORKER_FLAG) + 1])
    result = _worker(setup, spec)
    sys.stdout.flush()
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# --------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------


def dgl_python() -> Optional[Path]:
    """Interpreter of the DGL virtual environment, or ``None`` if there is none.

    Looks at ``$GRAPHDL_DGL_PYTHON``, then ``benchmarks/.venv-dgl`` in this
    checkout, then in the main worktree (so git worktrees share one venv).
    """
    env = os.environ.get("GRAPHDL_DGL_PYTHON")
    if env:
        return Path(env)
    candidates = [_REPO_ROOT / "benchmarks" / ".venv-dgl" / "bin" / "python"]
    try:
        common = subprocess.run(
            ["git", "-C", str(_REPO_ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        if common:
            candidates.append(Path(common).parent / "benchmarks" / ".venv-dgl" / "bin" / "python")
    except (OSError, subprocess.SubprocessError):
        pass
    for cand in candidates:
        if cand.exists():
            return cand
    return None


def _python_for(backend: str) -> Optional[Path]:
    if backend == "dgl":
        return dgl_python()
    return Path(sys.executable)


def _child_env(threads: int) -> Dict[str, str]:
    env = dict(os.environ)
    n = str(threads)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = n
    env["DGLBACKEND"] = "pytorch"
    env.setdefault("GRAPHDL_BENCH_CACHE", str(cache_dir()))
    # The repository root first, so this checkout's graphdl is the one imported.
    paths = [str(_REPO_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _last_lines(text: str, n: int = 3) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])


def run_case(
    script: str,
    case: Case,
    backend: str,
    repeat: int,
    warmup: int,
    threads: int,
    timeout: float,
) -> Result:
    """Run one case for one backend in a fresh subprocess of ``script``."""
    python = _python_for(backend)
    if python is None or not python.exists():
        return Result(case.name, backend, error=(
            "no DGL interpreter: run benchmarks/setup_envs.sh or set GRAPHDL_DGL_PYTHON"))
    spec = {"case": case.name, "backend": backend, "params": case.params,
            "repeat": repeat, "warmup": warmup, "threads": threads}
    cmd = [str(python), str(Path(script).resolve()), _WORKER_FLAG, json.dumps(spec)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=_child_env(threads))
    except subprocess.TimeoutExpired:
        return Result(case.name, backend, error=f"timed out after {timeout:.0f} s")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX):])
            res = Result(case.name, backend, times=data.get("times", []),
                         cpu_times=data.get("cpu_times", []),
                         base_rss_mb=data.get("base_rss_mb"),
                         peak_rss_mb=data.get("peak_rss_mb"),
                         versions=data.get("versions", {}), error=data.get("error"))
            if res.error and os.environ.get("GRAPHDL_BENCH_DEBUG"):
                print(data.get("traceback", ""), file=sys.stderr)
            return res
    return Result(case.name, backend, error=(
        f"worker exited with code {proc.returncode}: {_last_lines(proc.stderr)}"))


def _merge(first: Result, later: Result) -> Result:
    """Pool the repetitions of two runs of the same case and backend."""
    if first.error or later.error:
        return first if first.error else later
    peaks = [p for p in (first.peak_rss_mb, later.peak_rss_mb) if p is not None]
    bases = [b for b in (first.base_rss_mb, later.base_rss_mb) if b is not None]
    return Result(first.case, first.backend, times=first.times + later.times,
                  cpu_times=first.cpu_times + later.cpu_times,
                  base_rss_mb=min(bases) if bases else None,
                  peak_rss_mb=max(peaks) if peaks else None,
                  versions=first.versions)


def run_comparison(
    script: str,
    cases: Sequence[Case],
    backends: Sequence[str] = BACKENDS,
    repeat: int = 5,
    warmup: int = 1,
    threads: Optional[int] = None,
    timeout: float = 1800.0,
    verbose: bool = True,
    rounds: int = 1,
) -> List[Result]:
    """Run every case on every backend, one subprocess at a time.

    With ``rounds > 1`` the whole sweep is repeated and each (case, backend)
    pools the repetitions of all rounds, so a burst of background load spreads
    over all backends instead of landing on one.
    """
    threads = threads or os.cpu_count() or 1
    pooled: Dict[Tuple[str, str], Result] = {}
    for rnd in range(rounds):
        for case in cases:
            if case.prepare is not None and rnd == 0:
                case.prepare()
            for backend in backends:
                t0 = time.perf_counter()
                res = run_case(script, case, backend, repeat, warmup, threads, timeout)
                if verbose:
                    what = (f"median {res.median_ms:.1f} ms" if res.median_ms is not None
                            else f"ERROR {res.error}")
                    print(f"  [{rnd + 1}/{rounds}] {case.name:<20} {_LABELS.get(backend, backend):<8} "
                          f"{what} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
                key = (case.name, backend)
                pooled[key] = _merge(pooled[key], res) if key in pooled else res
    return list(pooled.values())


def _fmt(value: Optional[float], spec: str = ".1f") -> str:
    return "—" if value is None else format(value, spec)


def format_table(results: Sequence[Result], memory: bool = True, cpu: bool = False) -> str:
    """A Markdown table of medians, ratios against graphdl and peak memory.

    With ``cpu`` the medians are CPU time (user + system of all threads)
    instead of wall-clock time.
    """

    def median(r: Optional[Result]) -> Optional[float]:
        if r is None:
            return None
        return r.median_cpu_ms if cpu else r.median_ms

    unit = "CPU ms" if cpu else "ms"
    by_key = {(r.case, r.backend): r for r in results}
    cases = list(dict.fromkeys(r.case for r in results))
    backends = [b for b in BACKENDS if any(r.backend == b for r in results)]
    backends += sorted({r.backend for r in results} - set(backends))
    head = ["case"] + [f"{_LABELS.get(b, b)} {unit}" for b in backends]
    others = [b for b in backends if b != "graphdl"] if "graphdl" in backends else []
    head += [f"graphdl / {_LABELS.get(b, b)}" for b in others]
    if memory:
        head += [f"{_LABELS.get(b, b)} peak MiB" for b in backends]
        head += [f"{_LABELS.get(b, b)} work MiB" for b in backends]
    rows = []
    for c in cases:
        row = [c]
        for b in backends:
            r = by_key.get((c, b))
            row.append("error" if r is not None and r.error else _fmt(median(r)))
        g = by_key.get((c, "graphdl"))
        for b in others:
            r = by_key.get((c, b))
            gm, om = median(g), median(r)
            row.append(_fmt(gm / om, ".2f") + "x" if gm is not None and om else "—")
        if memory:
            for b in backends:
                r = by_key.get((c, b))
                row.append(_fmt(r.peak_rss_mb if r and not r.error else None, ".0f"))
            for b in backends:
                r = by_key.get((c, b))
                row.append(_fmt(r.work_rss_mb if r and not r.error else None, ".0f"))
        rows.append(row)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    errors = [r for r in results if r.error]
    if errors:
        lines.append("")
        for r in errors:
            lines.append(f"- {r.case} / {_LABELS.get(r.backend, r.backend)}: {r.error}")
    return "\n".join(lines)


def _describe_machine(results: Sequence[Result], threads: int) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    vers = {}
    for r in results:
        if r.versions and not r.error:
            vers.setdefault(r.backend, r.versions)
    ver_text = "; ".join(
        f"{_LABELS.get(b, b)}: " + ", ".join(f"{k} {v}" for k, v in v_.items() if k != "python")
        for b, v_ in vers.items())
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu}, "
            f"{os.cpu_count()} cores, {threads} threads; load average {load}\n{ver_text}")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Options every comparison benchmark accepts."""
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions per case (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed repetitions first (default 1)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the whole sweep this many times, pooling repetitions (default 1)")
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="comma-separated subset of graphdl,dgl,pyg (default all)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch/OpenMP/numba threads in every process (default: all cores)")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds one backend may take for one case (default 1800)")
    parser.add_argument("--json", default=None, help="also write all results to this JSON file")


def main(
    script: str,
    setup: SetupFn,
    make_cases: Callable[[argparse.Namespace], Sequence[Case]],
    description: str = "",
    add_args: Optional[Callable[[argparse.ArgumentParser], None]] = None,
    argv: Optional[Sequence[str]] = None,
) -> List[Result]:
    """Entry point of a benchmark script, for the parent and its workers alike.

    In a worker (started with the private worker flag) this runs one case and
    exits. Otherwise it parses the command line, runs all cases on the chosen
    backends and prints the table.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if _WORKER_FLAG in argv:
        _worker_main(setup, argv)
        sys.exit(0)
    parser = argparse.ArgumentParser(description=description)
    add_common_args(parser)
    if add_args is not None:
        add_args(parser)
    args = parser.parse_args(argv)
    backends = [b.strip().lower() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        parser.error(f"unknown backend(s) {unknown}; choose from {list(BACKENDS)}")
    threads = args.threads or os.cpu_count() or 1
    cases = make_cases(args)
    results = run_comparison(script, cases, backends, args.repeat, args.warmup, threads,
                             args.timeout, rounds=args.rounds)
    print(_describe_machine(results, threads))
    print(f"median of {args.rounds} x {args.repeat} repetitions, {args.warmup} warm-up per process; "
          "peak = peak RSS of the process, work = peak RSS minus RSS after importing the library")
    print()
    print(format_table(results))
    print()
    print("CPU time per step (user + system of all threads; less sensitive to other jobs than wall time):")
    print()
    print(format_table(results, memory=False, cpu=True))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"argv": argv, "threads": threads, "machine": _describe_machine(results, threads),
                       "results": [r.to_dict() for r in results]}, f, indent=1)
    return results
