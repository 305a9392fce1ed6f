"""Message-passing kernels alone: graphdl vs DGL vs PyG, forward + backward.

Kernels (DGL names; PyG runs the same computation with gather + ``scatter``):

* ``copy_u_sum``:   sum of source features over in-edges, ``x`` is ``(N, F)``;
* ``u_mul_e_sum``:  same with one weight per edge, ``w`` is ``(E, 1)``;
* ``u_mul_e_sum_heads``: attention-style, ``x`` is ``(N, 4, F/4)``, ``w`` is ``(E, 4, 1)``;
* ``u_dot_v``:      per-edge dot product of endpoint features, ``(E, 1)``;
* ``edge_softmax``: softmax over each node's in-edges of ``(E, 4)`` scores (F is ignored).

One repetition is the forward call and ``backward`` with a fixed random output gradient.
Default graph: 100,000 nodes, 2,000,000 uniform random edges plus a self-loop per node.
After the table the script prints the memory-bandwidth bound of ``copy_u_sum`` at F=64:
the bytes it must move divided by the measured copy bandwidth of this machine.

    python benchmarks/bench_kernels.py
    python benchmarks/bench_kernels.py --kernels copy_u_sum --feats 64 --backends graphdl,dgl
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

KERNELS = ("copy_u_sum", "u_mul_e_sum", "u_mul_e_sum_heads", "u_dot_v", "edge_softmax")
HEADS = 4


def _inputs(p: Dict[str, Any], num_edges: int) -> Dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(7)
    n, f = p["nodes"], p["feats"]
    x = torch.from_numpy(H.random_features(n, f))
    out: Dict[str, torch.Tensor] = {"x": x}
    if p["kernel"] == "u_mul_e_sum":
        out["w"] = torch.rand(num_edges, 1, generator=gen)
    elif p["kernel"] == "u_mul_e_sum_heads":
        out["x"] = x.reshape(n, HEADS, f // HEADS)
        out["w"] = torch.rand(num_edges, HEADS, 1, generator=gen)
    elif p["kernel"] == "edge_softmax":
        out = {"s": torch.randn(num_edges, HEADS, generator=gen)}
    return {k: v.clone().requires_grad_() for k, v in out.items()}


def _dgl_like(lib: Any, g: Any, kernel: str) -> Callable[..., torch.Tensor]:
    ops = lib.ops
    if kernel == "copy_u_sum":
        return lambda t: ops.copy_u_sum(g, t["x"])
    if kernel in ("u_mul_e_sum", "u_mul_e_sum_heads"):
        return lambda t: ops.u_mul_e_sum(g, t["x"], t["w"])
    if kernel == "u_dot_v":
        return lambda t: ops.u_dot_v(g, t["x"], t["x"])
    return lambda t: ops.edge_softmax(g, t["s"])


def _pyg(src: torch.Tensor, dst: torch.Tensor, n: int, kernel: str) -> Callable[..., torch.Tensor]:
    from torch_geometric.utils import scatter, softmax

    if kernel == "copy_u_sum":
        return lambda t: scatter(t["x"][src], dst, 0, dim_size=n, reduce="sum")
    if kernel in ("u_mul_e_sum", "u_mul_e_sum_heads"):
        return lambda t: scatter(t["x"][src] * t["w"], dst, 0, dim_size=n, reduce="sum")
    if kernel == "u_dot_v":
        return lambda t: (t["x"][src] * t["x"][dst]).sum(-1, keepdim=True)
    return lambda t: softmax(t["s"], dst, num_nodes=n)


def setup(backend: str, p: Dict[str, Any]) -> Callable[[], None]:
    """Build the graph and inputs for one backend; return one forward + backward."""
    s_np, d_np = H.random_graph(p["nodes"], p["edges"], seed=p["seed"])
    src, dst = torch.from_numpy(s_np), torch.from_numpy(d_np)
    tensors = _inputs(p, src.shape[0])
    if backend == "pyg":
        fn = _pyg(src, dst, p["nodes"], p["kernel"])
    else:
        if backend == "graphdl":
            import graphdl as lib
        else:
            import dgl as lib
        g = lib.graph((src, dst), num_nodes=p["nodes"], idtype=getattr(torch, p["idtype"]))
        g.create_formats_()
        fn = _dgl_like(lib, g, p["kernel"])
    grad = torch.randn(fn(tensors).shape, generator=torch.Generator().manual_seed(3))

    def step() -> None:
        for t in tensors.values():
            t.grad = None
        fn(tensors).backward(grad)

    return step


def make_cases(args: argparse.Namespace) -> List[H.Case]:
    kernels = [k.strip() for k in args.kernels.split(",") if k.strip()]
    bad = [k for k in kernels if k not in KERNELS]
    if bad:
        raise SystemExit(f"unknown kernel(s) {bad}; choose from {list(KERNELS)}")
    feats = [int(f) for f in args.feats.split(",")]

    def prepare() -> None:
        H.random_graph(args.nodes, args.edges, seed=args.seed)
        for f in feats:
            H.random_features(args.nodes, f)

    cases = []
    for k in kernels:
        for f in ([feats[0]] if k == "edge_softmax" else feats):
            params = {"kernel": k, "feats": f, "nodes": args.nodes, "edges": args.edges,
                      "idtype": args.idtype, "seed": args.seed}
            name = f"{k} H={HEADS}" if k == "edge_softmax" else f"{k} F={f}"
            cases.append(H.Case(name, params, prepare))
    return cases


def copy_bandwidth_gbs(size_mb: int = 512, repeat: int = 5) -> float:
    """Copy bandwidth (bytes read + written per second) of a large tensor copy, in GB/s."""
    a = torch.ones(size_mb * 2**20 // 4)
    b = torch.empty_like(a)
    b.copy_(a)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        b.copy_(a)
        best = min(best, time.perf_counter() - t0)
    return 2 * a.numel() * 4 / best / 1e9


def spmm_bound(nodes: int, edges: int, feats: int, id_bytes: int = 8) -> Dict[str, float]:
    """Bytes copy_u_sum must move (index arrays, one gathered source row per edge, the output)."""
    e = edges + nodes
    moved = (nodes + 1) * id_bytes + e * id_bytes + e * feats * 4 + nodes * feats * 4
    bw = copy_bandwidth_gbs()
    return {"bytes_mb": moved / 1e6, "bandwidth_gbs": bw, "bound_ms": moved / (bw * 1e9) * 1e3}


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kernels", default=",".join(KERNELS), help="comma-separated subset of " + ", ".join(KERNELS))
    parser.add_argument("--feats", default="16,64,128", help="feature sizes (default 16,64,128)")
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    parser.add_argument("--idtype", default="int64", choices=["int32", "int64"])
    parser.add_argument("--seed", type=int, default=0)


if __name__ == "__main__":
    results = H.main(__file__, setup, make_cases, description=__doc__.split("\n")[0], add_args=_add_args)
    if "--_bench-worker" not in sys.argv:
        parser = argparse.ArgumentParser(add_help=False)
        _add_args(parser)
        known, _ = parser.parse_known_args()
        b = spmm_bound(known.nodes, known.edges, 64)
        print(f"\ncopy_u_sum F=64 forward, memory-bandwidth bound: {b['bytes_mb']:.0f} MB must move; "
              f"measured copy bandwidth {b['bandwidth_gbs']:.1f} GB/s -> {b['bound_ms']:.1f} ms")
