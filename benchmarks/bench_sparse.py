"""Sparse-matrix API (``dgl.sparse`` / ``graphdl.sparse``): graphdl vs DGL 2.1.

Cases, on the adjacency matrix of the benchmark graph (coalesced; random values):

* ``spmm``:   ``A @ X`` with ``X`` of shape ``(N, F)``, forward + backward to ``X``;
* ``gat``:    a sparse attention layer: ``bsddmm(A, Q, K^T)`` → ``softmax`` → ``bspmm(·, V)``
  with 4 heads of ``F/4``, forward + backward to ``Q``, ``K``, ``V``;
* ``spspmm``: ``A @ A`` (sparse × sparse), forward;
* ``spspmm_bwd``: the same, forward + backward to ``A.val`` (not in the default set).

Default graph: 100,000 nodes, 2,000,000 uniform random edges plus a self-loop per node.

    python benchmarks/bench_sparse.py --backends graphdl,dgl
    python benchmarks/bench_sparse.py --cases spmm --feats 64 --repeat 5
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402

CASES = ("spmm", "gat", "spspmm", "spspmm_bwd")
HEADS = 4


def setup(backend: str, p: Dict[str, Any]) -> Callable[[], None]:
    """Build the matrix and operands for one backend; return one repetition."""
    if backend == "graphdl":
        import graphdl.sparse as sp
    elif backend == "dgl":
        import dgl.sparse as sp
    else:
        raise RuntimeError(f"{backend} has no sparse-matrix API")
    s_np, d_np = H.random_graph(p["nodes"], p["edges"], seed=p["seed"])
    idx = torch.stack([torch.from_numpy(s_np), torch.from_numpy(d_np)]).to(getattr(torch, p["idtype"]))
    n, f = p["nodes"], p["feats"]
    A = sp.spmatrix(idx, shape=(n, n)).coalesce()
    gen = torch.Generator().manual_seed(7)
    A = sp.val_like(A, torch.rand(A.nnz, generator=gen))
    case = p["case"]
    if case == "spmm":
        x = torch.from_numpy(H.random_features(n, f)).requires_grad_()
        grad = torch.randn(n, f, generator=gen)
        A.csr(), A.csc()

        def step() -> None:
            x.grad = None
            (A @ x).backward(grad)

        return step
    if case == "gat":
        d = f // HEADS
        q, k, v = (torch.randn(n, d, HEADS, generator=gen).requires_grad_() for _ in range(3))
        grad = torch.randn(n, d, HEADS, generator=gen)
        A.csr(), A.csc()

        def step() -> None:
            for t in (q, k, v):
                t.grad = None
            scores = sp.bsddmm(A, q, k.transpose(0, 1))
            attn = scores.softmax()
            sp.bspmm(attn, v).backward(grad)

        return step
    val = A.val.clone().requires_grad_(case == "spspmm_bwd")
    B = sp.val_like(A, val)
    B.csr(), B.csc()

    def step() -> None:
        C = B @ B
        if case == "spspmm_bwd":
            val.grad = None
            C.val.sum().backward()

    return step


def make_cases(args: argparse.Namespace) -> List[H.Case]:
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    bad = [c for c in names if c not in CASES]
    if bad:
        raise SystemExit(f"unknown case(s) {bad}; choose from {list(CASES)}")

    def prepare() -> None:
        H.random_graph(args.nodes, args.edges, seed=args.seed)
        H.random_features(args.nodes, args.feats)

    out = []
    for c in names:
        params = {"case": c, "feats": args.feats, "nodes": args.nodes, "edges": args.edges,
                  "idtype": args.idtype, "seed": args.seed}
        label = {"spmm": f"A @ X F={args.feats}", "gat": f"sddmm+softmax+spmm {HEADS}x{args.feats // HEADS}",
                 "spspmm": "spspmm A @ A", "spspmm_bwd": "spspmm A @ A fwd+bwd"}[c]
        out.append(H.Case(label, params, prepare))
    return out


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", default="spmm,gat,spspmm", help="comma-separated subset of " + ", ".join(CASES))
    parser.add_argument("--feats", type=int, default=64)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    parser.add_argument("--idtype", default="int64", choices=["int32", "int64"])
    parser.add_argument("--seed", type=int, default=0)


if __name__ == "__main__":
    H.main(__file__, setup, make_cases, description=__doc__.split("\n")[0], add_args=_add_args)
