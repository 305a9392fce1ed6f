"""Physical lower bounds of the benchmark workloads on the machine that runs them.

A workload's bound is the time the machine needs just to move the bytes the computation
must read and write and to do the multiply-adds of its dense matrix products:

    bound = bytes / copy bandwidth + GEMM FLOPs / GEMM rate

with both rates measured in the same process (:func:`measure_machine`). The two terms add
because propagations and matrix products run as separate kernels one after the other (a
propagation is memory-bound, a product compute-bound). "Must move" counts, per pass:

* the compressed adjacency (``indptr`` once per row, one id per entry, one edge id per
  entry where edge data is read);
* one gathered feature row per edge (4 bytes per float; the rows are random, and at the
  default sizes the feature matrix does not fit in the cache) and one written output row
  per destination node;
* per-edge values read or written once (``E x H`` floats);
* dense layers: inputs, weights and outputs once each.

The backward pass of a propagation is a propagation over the reverse graph of the same
width; an edge-wise gradient (SDDMM) gathers both endpoint rows. Cheap elementwise work
(activations, biases, the loss) is counted as one read and one write of its tensor. The
models here mirror ``bench_training.py`` and ``bench_kernels.py``; a layer whose input is
wider than its output propagates after the product, as DGL's and graphdl's layers do.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import torch

__all__ = ["Cost", "Machine", "bounds_table", "gat_block_cost", "kernel_cost", "measure_machine", "training_cost"]

F32 = 4


@dataclass
class Machine:
    """Measured rates: copy bandwidth (bytes read + written per second) and float32 GEMM rate.

    ``copy_gbs``/``gemm_gflops`` are per second of wall time; the ``*_cpu`` rates per second of
    CPU time (user + system of all threads), which a busy machine distorts far less.
    """

    copy_gbs: float
    gemm_gflops: float
    copy_gbs_cpu: float = 0.0
    gemm_gflops_cpu: float = 0.0

    def describe(self) -> str:
        return (f"copy bandwidth {self.copy_gbs:.1f} GB/s, float32 GEMM {self.gemm_gflops:.0f} GFLOP/s per wall "
                f"second; {self.copy_gbs_cpu:.1f} GB/s, {self.gemm_gflops_cpu:.0f} GFLOP/s per CPU second")

    def per_cpu_second(self) -> "Machine":
        return Machine(self.copy_gbs_cpu, self.gemm_gflops_cpu)


@dataclass
class Cost:
    """Bytes that must move and GEMM FLOPs of one repetition of a workload."""

    bytes: float = 0.0
    flops: float = 0.0
    parts: List[Tuple[str, float, float]] = field(default_factory=list)

    def add(self, what: str, nbytes: float = 0.0, flops: float = 0.0) -> "Cost":
        self.bytes += nbytes
        self.flops += flops
        self.parts.append((what, nbytes, flops))
        return self

    def bound_ms(self, m: Machine) -> float:
        return 1e3 * (self.bytes / (m.copy_gbs * 1e9) + self.flops / (m.gemm_gflops * 1e9))


def _best(fn, repeat: int, clock=time.perf_counter) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def measure_machine(copy_mb: int = 64, gemm_n: int = 1024, repeat: int = 15) -> Machine:
    """Copy bandwidth of a large tensor copy and the rate of a square float32 GEMM (best of ``repeat``).

    Both run on torch's current thread count, as the workloads do. The best repetition is
    kept: a bound is what the machine can do, not what a busy moment allowed.
    """
    a = torch.ones(copy_mb * 2**20 // F32)
    b = torch.empty_like(a)
    x = torch.randn(gemm_n, gemm_n)
    y = torch.randn(gemm_n, gemm_n)
    moved, flops = 2 * a.numel() * F32 / 1e9, 2 * gemm_n**3 / 1e9
    rates = []
    for clock in (time.perf_counter, time.process_time):
        rates.append(moved / _best(lambda: b.copy_(a), repeat, clock))
        rates.append(flops / _best(lambda: torch.mm(x, y), repeat, clock))
    return Machine(*rates)


def _spmm(c: Cost, what: str, n: int, e: int, width: int, ids: int, edge_vals: int = 0) -> None:
    """One propagation: adjacency, one gathered row per edge, one written row per node."""
    c.add(what, (n + 1) * ids + e * ids + e * width * F32 + n * width * F32
          + (e * ids + e * edge_vals * F32 if edge_vals else 0))


def _sddmm(c: Cost, what: str, n: int, e: int, width: int, out: int, ids: int) -> None:
    """Edge-wise op of both endpoints: two gathered rows per edge (the destination's in order)."""
    c.add(what, (n + 1) * ids + 2 * e * ids + e * width * F32 + n * width * F32 + e * out * F32)


def _dense(c: Cost, what: str, n: int, fin: int, fout: int, grad_input: bool) -> None:
    """``X @ W`` forward and its backward (weight gradient, and input gradient if needed)."""
    c.add(what + " fwd", (n * fin + fin * fout + n * fout) * F32, 2.0 * n * fin * fout)
    c.add(what + " bwd dW", (n * fin + n * fout + fin * fout) * F32, 2.0 * n * fin * fout)
    if grad_input:
        c.add(what + " bwd dX", (n * fout + fin * fout + n * fin) * F32, 2.0 * n * fin * fout)


def _elementwise(c: Cost, what: str, numel: int, passes: int = 2) -> None:
    """A read and a write per pass (forward, backward)."""
    c.add(what, passes * 2 * numel * F32)


def kernel_cost(kernel: str, n: int, e: int, feats: int, heads: int = 4, ids: int = 8) -> Cost:
    """Forward + backward of one ``bench_kernels.py`` case (``e`` counts every edge, loops included)."""
    c = Cost()
    if kernel == "copy_u_sum":
        _spmm(c, "fwd", n, e, feats, ids)
        _spmm(c, "bwd", n, e, feats, ids)
    elif kernel in ("u_mul_e_sum", "u_mul_e_sum_heads"):
        h = 1 if kernel == "u_mul_e_sum" else heads
        _spmm(c, "fwd", n, e, feats, ids, edge_vals=h)
        _spmm(c, "bwd dx", n, e, feats, ids, edge_vals=h)
        _sddmm(c, "bwd dw", n, e, feats, h, ids)
    elif kernel == "u_dot_v":
        _sddmm(c, "fwd", n, e, feats, 1, ids)
        _spmm(c, "bwd du", n, e, feats, ids, edge_vals=1)
        _spmm(c, "bwd dv", n, e, feats, ids, edge_vals=1)
    elif kernel == "edge_softmax":
        c.add("fwd", (n + 1) * ids + e * ids + 2 * e * heads * F32)
        c.add("bwd", (n + 1) * ids + e * ids + 3 * e * heads * F32)
    elif kernel == "gat_block":
        return gat_block_cost(n, e, heads, feats // heads, ids)
    else:
        raise ValueError(f"no cost model for kernel {kernel!r}")
    return c


def gat_block_cost(n: int, e: int, heads: int, dim: int, ids: int = 8) -> Cost:
    """``u_add_v`` -> leaky ReLU -> edge softmax -> ``u_mul_e`` sum, forward and backward."""
    c = Cost()
    _sddmm(c, "u_add_v fwd", n, e, heads, heads, ids)
    _elementwise(c, "leaky_relu", e * heads)
    c.add("softmax fwd", (n + 1) * ids + e * ids + 2 * e * heads * F32)
    _spmm(c, "u_mul_e fwd", n, e, heads * dim, ids, edge_vals=heads)
    _spmm(c, "u_mul_e bwd dx", n, e, heads * dim, ids, edge_vals=heads)
    _sddmm(c, "u_mul_e bwd da", n, e, heads * dim, heads, ids)
    c.add("softmax bwd", (n + 1) * ids + e * ids + 3 * e * heads * F32)
    c.add("u_add_v bwd", 2 * ((n + 1) * ids + e * ids + e * heads * F32 + n * heads * F32))
    return c


def training_cost(model: str, n: int, e: int, feats: int, hidden: int, classes: int, heads: int = 4,
                  ids: int = 8) -> Cost:
    """One ``bench_training.py`` step: forward, backward, Adam (parameters are negligible)."""
    c = Cost()
    dims = [(feats, hidden), (hidden, classes)]
    for i, (fin, fout) in enumerate(dims):
        first = i == 0
        if model == "gcn":
            _dense(c, f"L{i} linear", n, fin, fout, grad_input=not first)
            width = min(fin, fout)
            _spmm(c, f"L{i} propagate fwd", n, e, width, ids)
            _spmm(c, f"L{i} propagate bwd", n, e, width, ids)
        elif model == "sage":
            _dense(c, f"L{i} self+neigh linear", n, fin, 2 * fout, grad_input=not first)
            width = min(fin, fout)
            _spmm(c, f"L{i} mean fwd", n, e, width, ids)
            if not first or fin > fout:
                _spmm(c, f"L{i} mean bwd", n, e, width, ids)
        elif model == "gat":
            h = heads if first else 1
            d = fout // heads if first else fout
            _dense(c, f"L{i} linear", n, fin, h * d, grad_input=not first)
            _elementwise(c, f"L{i} el/er", n * h * d)
            gat = gat_block_cost(n, e, h, d, ids)
            c.bytes += gat.bytes
            c.parts += [(f"L{i} {w}", b, f) for w, b, f in gat.parts]
        else:
            raise ValueError(f"no cost model for model {model!r}")
        if first:
            _elementwise(c, "activation", n * hidden)
    _elementwise(c, "loss", n * classes)
    return c


def ratios(measured_ms: float, cost: Cost, m: Machine) -> Dict[str, float]:
    b = cost.bound_ms(m)
    return {"bound_ms": b, "ratio": measured_ms / b if b else float("nan")}


def bounds_table(results, costs: Dict[str, Cost], threads=None) -> str:
    """Markdown: each case's bound beside graphdl's median wall and CPU time and the other libraries'.

    ``results`` are the harness's results; ``costs`` maps case names to their cost. The machine's
    rates are measured here, in the parent process, on ``threads`` threads (default: torch's).
    """
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        m = measure_machine()
    finally:
        torch.set_num_threads(before)
    by = {(r.case, r.backend): r for r in results}
    others = [b for b in ("dgl", "pyg") if any(r.backend == b for r in results)]
    label = {"dgl": "DGL", "pyg": "PyG"}
    head = ["case", "MB moved", "GFLOP", "bound ms", "CPU bound ms", "graphdl ms", "graphdl / bound",
            "graphdl CPU ms", "graphdl CPU / CPU bound"]
    for b in others:
        head += [f"{label[b]} ms", f"{label[b]} CPU / CPU bound", f"graphdl / {label[b]}"]
    lines = [f"Physical bounds ({m.describe()}; bound = bytes / bandwidth + FLOPs / GEMM rate, "
             "with the wall-time rates; CPU bound with the CPU-time rates):", "",
             "| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]

    def ms(r):
        return None if r is None or r.error else r.median_ms

    def f(x, spec=".1f", suffix=""):
        return "—" if x is None else format(x, spec) + suffix

    def cpu(r):
        return None if r is None or r.error else r.median_cpu_ms

    for case, cost in costs.items():
        bound, cbound = cost.bound_ms(m), cost.bound_ms(m.per_cpu_second())
        g = by.get((case, "graphdl"))
        gm, gc = ms(g), cpu(g)
        row = [case, f(cost.bytes / 1e6, ".0f"), f(cost.flops / 1e9, ".2f"), f(bound), f(cbound),
               f(gm), f(gm / bound if gm else None, ".2f", "x"), f(gc), f(gc / cbound if gc else None, ".2f", "x")]
        for b in others:
            o = by.get((case, b))
            om, oc = ms(o), cpu(o)
            row += [f(om), f(oc / cbound if oc else None, ".2f", "x"),
                    f(gm / om if gm and om else None, ".2f", "x")]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)
