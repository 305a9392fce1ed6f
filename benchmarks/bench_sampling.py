"""Neighbour sampling for mini-batch training: graphdl vs DGL vs PyG.

One repetition iterates a data loader over ``--batches`` batches of ``--batch-size``
shuffled seed nodes, sampling ``--fanouts`` neighbours per layer (DGL order: input layer
first) and building the message-flow graphs; no features are gathered and no model runs.

* graphdl: ``graphdl.dataloading.NeighborSampler`` + ``DataLoader``;
* DGL 2.1: ``dgl.dataloading.NeighborSampler`` + ``DataLoader``;
* PyG: ``torch_geometric.loader.NeighborLoader`` (needs ``pyg-lib`` or ``torch-sparse``).

Default workload: 1,000,000 nodes, 20,000,000 uniform random edges (plus one self-loop
per node), fan-outs [15, 10, 5], batches of 1024. Besides the harness table the script
prints seeds per second and sampled edges per second (edges of all blocks of a batch,
averaged over the warm-up repetitions of each backend).

    python benchmarks/bench_sampling.py
    python benchmarks/bench_sampling.py --backends graphdl,dgl --repeat 3
    python benchmarks/bench_sampling.py --nodes 100000 --edges 2000000   # quick check
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402


def _edge_file(backend: str, params: Dict[str, Any]) -> Path:
    key = f"n{params['nodes']}_e{params['edges']}_b{params['batch_size']}_f{'-'.join(map(str, params['fanouts']))}"
    return H.cache_dir() / f"sampling_edges_{backend}_{key}.json"


def _seeds(p: Dict[str, Any]) -> torch.Tensor:
    rng = np.random.default_rng(p["seed"] + 17)
    n = min(p["nodes"], p["batches"] * p["batch_size"])
    return torch.from_numpy(rng.choice(p["nodes"], size=n, replace=False))


def setup(backend: str, p: Dict[str, Any]) -> Callable[[], None]:
    """Build graph and loader for one backend; return one pass over the loader."""
    src, dst = H.random_graph(p["nodes"], p["edges"], seed=p["seed"])
    src_t, dst_t = torch.from_numpy(src), torch.from_numpy(dst)
    seeds = _seeds(p)
    fanouts: List[int] = list(p["fanouts"])
    idtype = getattr(torch, p["idtype"])
    counted: List[int] = []

    if backend == "pyg":
        from torch_geometric.data import Data
        from torch_geometric.loader import NeighborLoader

        data = Data(edge_index=torch.stack([src_t, dst_t]), num_nodes=p["nodes"])
        loader = NeighborLoader(data, num_neighbors=list(reversed(fanouts)), input_nodes=seeds,
                                batch_size=p["batch_size"], shuffle=True)

        def count(batch: Any) -> int:
            return int(batch.edge_index.shape[1])
    else:
        if backend == "graphdl":
            import graphdl as lib
        elif backend == "dgl":
            import dgl as lib
        else:
            raise ValueError(f"unknown backend {backend!r}")
        g = lib.graph((src_t.to(idtype), dst_t.to(idtype)), num_nodes=p["nodes"])
        sampler = lib.dataloading.NeighborSampler(fanouts)
        loader = lib.dataloading.DataLoader(g, seeds.to(idtype), sampler, batch_size=p["batch_size"],
                                            shuffle=True, num_workers=p["workers"])

        def count(batch: Any) -> int:
            return sum(int(b.num_edges()) for b in batch[2])

    def step() -> None:
        for batch in loader:
            if len(counted) < p["batches"]:
                counted.append(count(batch))
                if len(counted) == p["batches"]:
                    _edge_file(backend, p).write_text(json.dumps({"edges_per_batch": float(np.mean(counted))}))

    return step


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=20_000_000,
                        help="random edges; one self-loop per node is added on top")
    parser.add_argument("--fanouts", default="15,10,5", help="fan-out per layer, input layer first")
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--batches", type=int, default=20, help="batches per timed repetition")
    parser.add_argument("--workers", type=int, default=0, help="data loader worker processes")
    parser.add_argument("--idtype", choices=("int32", "int64"), default="int64")
    parser.add_argument("--seed", type=int, default=0)


def make_cases(args: argparse.Namespace) -> List[H.Case]:
    fanouts = [int(x) for x in args.fanouts.split(",") if x.strip()]
    params = {"nodes": args.nodes, "edges": args.edges, "fanouts": fanouts, "batch_size": args.batch_size,
              "batches": args.batches, "workers": args.workers, "idtype": args.idtype, "seed": args.seed}
    name = f"fanouts {fanouts}, batch {args.batch_size}"
    return [H.Case(name, params, prepare=lambda: H.random_graph(args.nodes, args.edges, seed=args.seed))]


def _throughput(results: List[H.Result], cases: List[H.Case]) -> str:
    lines = ["| case | library | seeds/s | sampled edges/s | edges per batch |", "|---|---|---|---|---|"]
    params = {c.name: c.params for c in cases}
    for r in results:
        p = params[r.case]
        if r.error or r.median_ms is None:
            lines.append(f"| {r.case} | {r.backend} | error | error | — |")
            continue
        seeds = min(p["nodes"], p["batches"] * p["batch_size"])
        per_s = seeds / (r.median_ms / 1000.0)
        f = _edge_file(r.backend, p)
        epb = json.loads(f.read_text())["edges_per_batch"] if f.exists() else None
        eps = f"{epb * p['batches'] / (r.median_ms / 1000.0):,.0f}" if epb else "—"
        lines.append(f"| {r.case} | {r.backend} | {per_s:,.0f} | {eps} | {epb:,.0f} |" if epb else
                     f"| {r.case} | {r.backend} | {per_s:,.0f} | — | — |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser_args = [a for a in sys.argv[1:]]
    res = H.main(__file__, setup, make_cases, description=__doc__.split("\n")[0], add_args=_add_args)
    ns = argparse.ArgumentParser()
    H.add_common_args(ns)
    _add_args(ns)
    print()
    print(_throughput(list(res), list(make_cases(ns.parse_args(parser_args)))))
