"""Distributed mini-batch throughput and traffic, for docs/distributed.md.

    python benchmarks/bench_distributed.py --nodes 1000000 --edges 20000000 --ranks 1,2,4

1. Builds a random graph (N nodes, E edges, F float features), partitions it into ``max(ranks)``
   parts with METIS and with random assignment, and prints the partitioning time, the halo
   ratio (halo nodes / own nodes) and bytes on disk per node and per edge.
2. For each rank count R (a partitioning into R parts each time) runs ``torchrun`` with R ranks
   on this machine: each rank samples [15, 10, 5] neighbours for batches of 1,024 of its seeds
   and reads the input nodes' features, and the script prints seeds/s over all ranks and the
   bytes each mini-batch sent between ranks.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(n: int, e: int, f: int):
    import graphdl

    g = graphdl.rand_graph(n, e)
    g.ndata["feat"] = torch.randn(n, f)
    g.ndata["train_mask"] = torch.rand(n) < 0.1
    return g


def partition(g, parts: int, method: str, out: str):
    from graphdl.distributed import load_partition, partition_graph

    t = time.perf_counter()
    partition_graph(g, "bench", parts, out, part_method=method,
                    balance_ntypes=g.ndata["train_mask"].long() if method == "metis" else None)
    took = time.perf_counter() - t
    inner = halo = 0
    for p in range(parts):
        lg = load_partition(os.path.join(out, "bench.json"), p, load_feats=False)[0]
        k = int(lg.ndata["inner_node"].sum())
        inner += k
        halo += lg.num_nodes() - k
    size = sum(os.path.getsize(os.path.join(d, fn)) for d, _, fs in os.walk(out) for fn in fs)
    return {"method": method, "parts": parts, "seconds": round(took, 1),
            "halo_ratio": round(halo / max(inner, 1), 3), "bytes_on_disk": size}


WORKER = r"""
import json, os, sys, time, torch
sys.path.insert(0, os.environ["GRAPHDL_ROOT"])
import graphdl.distributed as gd
from graphdl.distributed import _comm
from graphdl.dataloading import NeighborSampler
gd.initialize(timeout=600)
g = gd.DistGraph("bench", part_config=sys.argv[1])
seeds = gd.node_split(g.ndata["train_mask"], g.get_partition_book())
loader = gd.DistNodeDataLoader(g, seeds, NeighborSampler([15, 10, 5]), batch_size=1024, shuffle=True)
batches = int(sys.argv[2])
it = iter(loader)
next(it)  # warm up (kernel compilation)
_comm.TRAFFIC.update(bytes_sent=0, exchanges=0)
gd.barrier()
t, c = time.perf_counter(), time.process_time()
done = 0
for _ in range(batches):
    try:
        inp, out, blocks = next(it)
    except StopIteration:
        it = iter(loader); inp, out, blocks = next(it)
    x = g.ndata["feat"][inp]
    done += out.numel()
gd.barrier()
wall, cpu = time.perf_counter() - t, time.process_time() - c
res = {"rank": gd.get_rank(), "seeds": done, "wall": wall, "cpu": cpu,
       "bytes_per_batch": _comm.TRAFFIC["bytes_sent"] / batches}
print("RESULT " + json.dumps(res), flush=True)
gd.exit_client()
"""


def run_ranks(config: str, ranks: int, batches: int):
    script = os.path.join(tempfile.mkdtemp(), "worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    env = dict(os.environ, GRAPHDL_ROOT=ROOT, OMP_NUM_THREADS=str(max(1, os.cpu_count() // ranks)))
    out = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", str(ranks),
                          "--master-addr", "127.0.0.1", "--master-port", str(_port()), script, config,
                          str(batches)], env=env, capture_output=True, text=True, timeout=3600)
    rows = [json.loads(line[7:]) for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if len(rows) != ranks:
        raise RuntimeError(out.stdout[-2000:] + out.stderr[-4000:])
    wall = max(r["wall"] for r in rows)
    return {"ranks": ranks, "seeds_per_s": round(sum(r["seeds"] for r in rows) / wall),
            "cpu_s": round(sum(r["cpu"] for r in rows), 1), "wall_s": round(wall, 1),
            "bytes_per_batch": round(sum(r["bytes_per_batch"] for r in rows) / ranks)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=1_000_000)
    p.add_argument("--edges", type=int, default=20_000_000)
    p.add_argument("--feats", type=int, default=100)
    p.add_argument("--ranks", default="1,2,4")
    p.add_argument("--batches", type=int, default=20)
    p.add_argument("--methods", default="metis,random")
    p.add_argument("--seed", type=int, default=0, help="seeds the random graph (bench_distdgl.py too)")
    args = p.parse_args()
    ranks = [int(r) for r in args.ranks.split(",")]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {args.nodes:,} nodes, {args.edges:,} edges, {args.feats} features; CPU {cpu}, "
          f"{os.cpu_count()} cores", flush=True)
    t = time.perf_counter()
    import graphdl

    graphdl.seed(args.seed)  # rand_graph draws from numpy's generator
    g = build(args.nodes, args.edges, args.feats)
    print(f"built in {time.perf_counter() - t:.1f}s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for method in args.methods.split(","):
            for r in ranks:
                out = os.path.join(tmp, f"{method}{r}")
                info = partition(g, r, method, out)
                info["bytes_per_node"] = round(info["bytes_on_disk"] / args.nodes, 1)
                print("partition", json.dumps(info), flush=True)
                print("throughput", method, json.dumps(run_ranks(os.path.join(out, "bench.json"), r,
                                                                   args.batches)), flush=True)


if __name__ == "__main__":
    main()
