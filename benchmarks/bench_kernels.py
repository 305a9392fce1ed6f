"""Message-passing kernels alone: graphdl vs DGL vs PyG, forward + backward.

Kernels (DGL names; PyG runs the same computation with gather + ``scatter``):

* ``copy_u_sum``:   sum of source features over in-edges, ``x`` is ``(N, F)``;
* ``u_mul_e_sum``:  same with one weight per edge, ``w`` is ``(E, 1)``;
* ``u_mul_e_sum_heads``: attention-style, ``x`` is ``(N, 4, F/4)``, ``w`` is ``(E, 4, 1)``;
* ``u_dot_v``:      per-edge dot product of endpoint features, ``(E, 1)``;
* ``edge_softmax``: softmax over each node's in-edges of ``(E, 4)`` scores (F is ignored);
* ``gat_block``:    a GAT attention block written with the built-ins, ``x`` is ``(N, 4, F/4)``:
  ``apply_edges(u_add_v)`` -> leaky ReLU -> ``edge_softmax`` -> ``update_all(u_mul_e, sum)``.

One repetition is the forward call and ``backward`` with a fixed random output gradient.
Default graph: 100,000 nodes, 2,000,000 uniform random edges plus a self-loop per node.
After the tables the script prints every case's physical bound (``_bounds.py``: the bytes
it must move at this machine's measured copy bandwidth) beside the measured times.

    python benchmarks/bench_kernels.py
    python benchmarks/bench_kernels.py --kernels copy_u_sum --feats 64 --backends graphdl,dgl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bounds as B  # noqa: E402
import _harness as H  # noqa: E402

KERNELS = ("copy_u_sum", "u_mul_e_sum", "u_mul_e_sum_heads", "u_dot_v", "edge_softmax", "gat_block")
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
    elif p["kernel"] == "gat_block":
        out["x"] = x.reshape(n, HEADS, f // HEADS)
        out["el"] = torch.randn(n, HEADS, 1, generator=gen)
        out["er"] = torch.randn(n, HEADS, 1, generator=gen)
    return {k: v.clone().requires_grad_() for k, v in out.items()}


def _dgl_like(lib: Any, g: Any, kernel: str) -> Callable[..., torch.Tensor]:
    ops = lib.ops
    if kernel == "copy_u_sum":
        return lambda t: ops.copy_u_sum(g, t["x"])
    if kernel in ("u_mul_e_sum", "u_mul_e_sum_heads"):
        return lambda t: ops.u_mul_e_sum(g, t["x"], t["w"])
    if kernel == "u_dot_v":
        return lambda t: ops.u_dot_v(g, t["x"], t["x"])
    if kernel == "gat_block":
        return lambda t: _gat_block(lib, g, t)
    return lambda t: ops.edge_softmax(g, t["s"])


def _gat_block(lib: Any, g: Any, t: Dict[str, torch.Tensor]) -> torch.Tensor:
    fn = lib.function
    with g.local_scope():
        g.ndata.update({"x": t["x"], "el": t["el"], "er": t["er"]})
        g.apply_edges(fn.u_add_v("el", "er", "e"))
        g.edata["a"] = lib.ops.edge_softmax(g, torch.nn.functional.leaky_relu(g.edata["e"], 0.2))
        g.update_all(fn.u_mul_e("x", "a", "m"), fn.sum("m", "h"))
        return g.ndata["h"]


def _pyg(src: torch.Tensor, dst: torch.Tensor, n: int, kernel: str) -> Callable[..., torch.Tensor]:
    from torch_geometric.utils import scatter, softmax

    if kernel == "copy_u_sum":
        return lambda t: scatter(t["x"][src], dst, 0, dim_size=n, reduce="sum")
    if kernel in ("u_mul_e_sum", "u_mul_e_sum_heads"):
        return lambda t: scatter(t["x"][src] * t["w"], dst, 0, dim_size=n, reduce="sum")
    if kernel == "u_dot_v":
        return lambda t: (t["x"][src] * t["x"][dst]).sum(-1, keepdim=True)
    if kernel == "gat_block":
        def block(t: Dict[str, torch.Tensor]) -> torch.Tensor:
            a = softmax(torch.nn.functional.leaky_relu(t["el"][src] + t["er"][dst], 0.2), dst, num_nodes=n)
            return scatter(t["x"][src] * a, dst, 0, dim_size=n, reduce="sum")
        return block
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
            if k == "gat_block":
                name = f"{k} H={HEADS} F={f}"
            cases.append(H.Case(name, params, prepare))
    return cases


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kernels", default=",".join(KERNELS), help="comma-separated subset of " + ", ".join(KERNELS))
    parser.add_argument("--feats", default="16,64,128", help="feature sizes (default 16,64,128)")
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    parser.add_argument("--idtype", default="int64", choices=["int32", "int64"])
    parser.add_argument("--seed", type=int, default=0)


def _cost(c: H.Case) -> B.Cost:
    p = c.params
    ids = 4 if p["idtype"] == "int32" else 8
    return B.kernel_cost(p["kernel"], p["nodes"], p["edges"] + p["nodes"], p["feats"], HEADS, ids)


if __name__ == "__main__":
    results = H.main(__file__, setup, make_cases, description=__doc__.split("\n")[0], add_args=_add_args)
    parser = argparse.ArgumentParser(add_help=False)
    H.add_common_args(parser)
    _add_args(parser)
    known, _ = parser.parse_known_args()
    print()
    print(B.bounds_table(results, {c.name: _cost(c) for c in make_cases(known)}, known.threads))
