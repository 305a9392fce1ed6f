"""Test accuracy of node_classification.py on Cora: one process against ranks under torchrun.

    python examples/distributed/accuracy_over_seeds.py --seeds 0,1,2,3,4 --ranks 2

For every seed, trains once with ``--standalone`` on a single partition and once with
``torchrun --nproc-per-node R`` on R METIS partitions, and prints the test accuracy at the best
validation accuracy of each run and the means. The global batch is the same in both: each of
the R ranks takes ``--batch-size / R`` seeds a step, so both runs make the same number of
optimizer steps on batches of the same size.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", default="0,1,2,3,4")
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--num-epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64, help="global batch (all ranks)")
    p.add_argument("--lr", type=float, default=0.03)
    args = p.parse_args()

    import graphdl
    from graphdl.distributed import partition_graph

    g = graphdl.data.CoraGraphDataset(verbose=False)[0]
    tmp = tempfile.mkdtemp()
    configs = {}
    for parts in (1, args.ranks):
        out = os.path.join(tmp, f"p{parts}")
        partition_graph(g, "cora", parts, out, balance_ntypes=g.ndata["train_mask"].long())
        configs[parts] = os.path.join(out, "cora.json")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    script = os.path.join(HERE, "node_classification.py")
    rows = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        row = {"seed": seed}
        for parts in (1, args.ranks):
            res = os.path.join(tmp, f"res{parts}-{seed}.json")
            common = [script, "--graph-name", "cora", "--part-config", configs[parts],
                      "--num-epochs", str(args.num_epochs), "--lr", str(args.lr),
                      "--batch-size", str(args.batch_size // parts), "--seed", str(seed),
                      "--results", res]
            if parts == 1:
                cmd = [sys.executable] + common + ["--standalone"]
            else:
                cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node",
                       str(parts), "--master-addr", "127.0.0.1", "--master-port", str(_port())] + common
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
            if out.returncode != 0:
                raise RuntimeError(out.stdout[-2000:] + out.stderr[-3000:])
            row[f"ranks{parts}"] = json.load(open(res))["test_at_best"]
        rows.append(row)
        print(json.dumps(row), flush=True)
    for parts in (1, args.ranks):
        vals = [r[f"ranks{parts}"] for r in rows]
        mean = sum(vals) / len(vals)
        std = (sum((v - mean) ** 2 for v in vals) / max(len(vals) - 1, 1)) ** 0.5
        print(f"{parts} rank(s): test accuracy {100 * mean:.2f} ± {100 * std:.2f} over "
              f"{len(vals)} seeds", flush=True)
    one = sum(r["ranks1"] for r in rows) / len(rows)
    many = sum(r[f"ranks{args.ranks}"] for r in rows) / len(rows)
    print(f"difference {100 * (many - one):+.2f} points", flush=True)


if __name__ == "__main__":
    main()
