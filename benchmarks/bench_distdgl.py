"""DGL 2.1's DistDGL on the partitions of bench_distributed.py, for docs/distributed.md.

    python benchmarks/bench_distdgl.py --nodes 1000000 --edges 20000000 --ranks 1,2 \
        --dgl-python /work/venv-dgl/bin/python

Builds the same random graph as bench_distributed.py (same ``--seed``), writes it with
graphdl's ``partition_graph`` (DGL 2.1 reads these files), then times DGL's own
``dgl.distributed.DistNodeDataLoader`` with ``dgl.dataloading.NeighborSampler([15, 10, 5])``,
batches of 1,024 training seeds, features read with ``g.ndata["feat"][input_nodes]``:

With ``--with-graphdl``, graphdl's loader (bench_distributed.py's worker) runs on the same
partition files just before DGL's, for each rank count.

* 1 rank: DGL's standalone mode (``DGL_DIST_MODE=standalone``, one partition, no servers);
* R ranks: DGL's distributed mode on this machine, R partitions: one ``DistGraphServer`` per
  partition (``ip_config`` lists 127.0.0.1 once per partition, each with its own port; shared
  memory disabled, since the R "machines" share one host) and one trainer per partition. DistDGL
  finds a trainer's machine by its IP address, which all ranks share here, so each trainer is
  told its machine id (``dgl.distributed.rpc_client.get_local_machine_id`` replaced).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

CLIENT = r"""
import json, os, sys, time
import torch, dgl
part_config, batches, rank = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ip_config = sys.argv[4] if len(sys.argv) > 4 else None
if ip_config is not None:
    # DistDGL finds a client's machine (= partition) by matching its IP against ip_config, so
    # on one host every client would take machine 0: tell each client its machine instead.
    import dgl.distributed.rpc_client as rpc_client
    rpc_client.get_local_machine_id = lambda server_namebook: rank
dgl.distributed.initialize(ip_config)
if ip_config is None or len(sys.argv) > 5:  # standalone, or a server's shared memory
    g = dgl.distributed.DistGraph("bench", part_config=part_config if ip_config is None else None)
else:
    gpb = dgl.distributed.load_partition_book(part_config, rank)[0]
    g = dgl.distributed.DistGraph("bench", gpb=gpb)
print("graph ready", file=sys.stderr, flush=True)
# The mask is read whole (a remote pull where needed): DGL's node_split on the DistTensor
# indexes the client's local store, which it does not hold when shared memory is disabled.
mask = g.ndata["train_mask"][torch.arange(g.num_nodes())]
seeds = dgl.distributed.node_split(mask, g.get_partition_book(), rank=rank)
sampler = dgl.dataloading.NeighborSampler([15, 10, 5])
loader = dgl.dataloading.DistNodeDataLoader(g, seeds, sampler, batch_size=1024, shuffle=True)
it = iter(loader)
next(it)
print("first batch", file=sys.stderr, flush=True)
t, c = time.perf_counter(), time.process_time()
done = 0
for _ in range(batches):
    try:
        inp, out, blocks = next(it)
    except StopIteration:
        it = iter(loader); inp, out, blocks = next(it)
    x = g.ndata["feat"][inp]
    done += out.numel()
wall, cpu = time.perf_counter() - t, time.process_time() - c
print("RESULT " + json.dumps({"seeds": done, "wall": wall, "cpu": cpu}), flush=True)
dgl.distributed.exit_client()
"""

SERVER = r"""
import sys
from dgl.distributed import DistGraphServer
sid, ip_config, num_clients, part_config = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
DistGraphServer(sid, ip_config, 1, num_clients, part_config, disable_shared_mem=sys.argv[5] == "1",
                graph_format=["csc", "coo"]).start()
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_dgl(python: str, config: str, ranks: int, batches: int, timeout: int,
            private_shm: bool = False):
    tmp = tempfile.mkdtemp()
    client = os.path.join(tmp, "client.py")
    server = os.path.join(tmp, "server.py")
    open(client, "w").write(CLIENT)
    open(server, "w").write(SERVER)
    env = dict(os.environ, DGLBACKEND="pytorch", OMP_NUM_THREADS=str(max(1, os.cpu_count() // ranks)))
    env.pop("PYTHONPATH", None)
    procs = []
    if ranks == 1:
        env["DGL_DIST_MODE"] = "standalone"
        clients = [subprocess.Popen([python, client, config, str(batches), "0"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    else:
        ip = os.path.join(tmp, "ip_config.txt")
        with open(ip, "w") as f:
            for _ in range(ranks):
                f.write(f"127.0.0.1 {_port()}\n")
        senv = dict(env, DGL_ROLE="server", DGL_DIST_MODE="distributed")
        cenv = dict(env, DGL_ROLE="client", DGL_DIST_MODE="distributed", DGL_NUM_SERVER="1",
                    DGL_NUM_CLIENT=str(ranks))
        if private_shm:
            # One machine per partition: each server and its trainer in a mount namespace of
            # their own with a private /dev/shm (DGL names its shared-memory arrays by feature
            # name only, so servers on one /dev/shm overwrite each other's), sharing memory
            # as DistDGL's server and trainers on one machine do.
            clients = []
            for r in range(ranks):
                line = (f"mount -t tmpfs tmpfs /dev/shm && "
                        f"(DGL_ROLE=server {python} {server} {r} {ip} {ranks} {config} 0 "
                        f"> {tmp}/server{r}.log 2>&1 &) && "
                        f"exec {python} {client} {config} {batches} {r} {ip} shm")
                clients.append(subprocess.Popen(["unshare", "--mount", "--propagation", "private",
                                                 "sh", "-c", line], env=cenv,
                                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                text=True))
        else:
            logs = [open(os.path.join(tmp, f"server{sid}.log"), "w") for sid in range(ranks)]
            for sid in range(ranks):
                procs.append(subprocess.Popen([python, server, str(sid), ip, str(ranks), config, "1"],
                                              env=senv, stdout=logs[sid], stderr=subprocess.STDOUT,
                                              text=True))
            clients = [subprocess.Popen([python, client, config, str(batches), str(r), ip],
                                        env=cenv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
                       for r in range(ranks)]
    rows, errs = [], []
    try:
        deadline = time.time() + timeout
        for p in clients:
            while (p.poll() is None and ranks > 1 and all(q.poll() is None for q in procs)
                   and time.time() < deadline):
                time.sleep(1)
            if p.poll() is None and any(q.poll() is not None for q in procs):
                timeout = 1  # a server is gone: its trainers would wait for it forever
            try:
                out, err = p.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                err = f"(timed out after {timeout}s)\n" + err
            rows += [json.loads(line[7:]) for line in out.splitlines() if line.startswith("RESULT ")]
            errs.append(err[-3000:])
    finally:
        for p in clients + procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    if len(rows) != ranks:
        servers = [f"server {i}: " + open(os.path.join(tmp, f"server{i}.log")).read()[-3000:]
                   for i in range(ranks) if ranks > 1]
        raise RuntimeError("DistDGL run failed:\n" + "\n".join(errs + servers))
    wall = max(r["wall"] for r in rows)
    return {"ranks": ranks, "seeds_per_s": round(sum(r["seeds"] for r in rows) / wall),
            "cpu_s": round(sum(r["cpu"] for r in rows), 1), "wall_s": round(wall, 1)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=1_000_000)
    p.add_argument("--edges", type=int, default=20_000_000)
    p.add_argument("--feats", type=int, default=100)
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--batches", type=int, default=5)
    p.add_argument("--method", default="random")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=int, default=1800)
    p.add_argument("--dgl-python", default="/work/venv-dgl/bin/python")
    p.add_argument("--private-shm", action="store_true",
                   help="R ranks: each server and its trainer in their own mount namespace with a "
                        "private /dev/shm (needs unshare and root), sharing memory as on a machine")
    p.add_argument("--with-graphdl", action="store_true",
                   help="also time graphdl (bench_distributed.py's worker) on the same partitions, "
                        "just before DGL, so both meet the same machine load")
    args = p.parse_args()

    import torch
    from bench_distributed import build, run_ranks
    from graphdl.distributed import partition_graph

    import graphdl

    graphdl.seed(args.seed)  # rand_graph draws from numpy's generator
    g = build(args.nodes, args.edges, args.feats)
    with tempfile.TemporaryDirectory() as tmp:
        for r in [int(x) for x in args.ranks.split(",")]:
            out = os.path.join(tmp, f"p{r}")
            partition_graph(g, "bench", r, out, part_method=args.method)
            if args.with_graphdl:
                try:
                    print("graphdl", json.dumps(run_ranks(os.path.join(out, "bench.json"), r,
                                                          args.batches)), flush=True)
                except Exception as err:
                    print("graphdl", r, "ranks failed:", str(err)[-3000:], flush=True)
            try:
                res = run_dgl(args.dgl_python, os.path.join(out, "bench.json"), r, args.batches,
                              args.timeout, args.private_shm)
                print("distdgl", json.dumps(res), flush=True)
            except Exception as err:  # report and go on to the next rank count
                print("distdgl", r, "ranks failed:", str(err)[-3000:], flush=True)


if __name__ == "__main__":
    main()
