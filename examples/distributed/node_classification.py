"""Train GraphSAGE on a partitioned graph across processes with DistributedDataParallel.

Partition once (one partition per rank)::

    python examples/distributed/partition_graph.py --dataset cora --num-parts 2 --output parts

Then train on one machine with 2 ranks::

    torchrun --nproc-per-node 2 examples/distributed/node_classification.py \\
        --graph-name cora --part-config parts/cora.json

across machines, the same script on every machine (ranks = total partitions)::

    torchrun --nnodes 2 --nproc-per-node 2 --rdzv-backend c10d --rdzv-endpoint HOST:29400 \\
        examples/distributed/node_classification.py --graph-name cora --part-config parts/cora.json

and as one process on a one-partition split: ``python ... --standalone``. With
``--checkpoint-dir`` and ``torchrun --max-restarts K`` a job whose rank dies resumes from the
last checkpoint (model, optimizer, epoch and the position inside it).
"""
import argparse
import json
import os
import signal
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import graphdl as dgl
import graphdl.distributed as gdist
from graphdl.dataloading import MultiLayerFullNeighborSampler, NeighborSampler
from graphdl.nn import SAGEConv


class SAGE(nn.Module):
    def __init__(self, in_feats: int, hidden: int, classes: int, layers: int, dropout: float):
        super().__init__()
        dims = [in_feats] + [hidden] * (layers - 1) + [classes]
        self.layers = nn.ModuleList(SAGEConv(a, b, "mean") for a, b in zip(dims[:-1], dims[1:]))
        self.dropout = nn.Dropout(dropout)

    def forward(self, blocks, x):
        h = x
        for i, (layer, block) in enumerate(zip(self.layers, blocks)):
            h = layer(block, h)
            if i != len(self.layers) - 1:
                h = self.dropout(F.relu(h))
        return h


def _all_sum(values):
    t = torch.tensor(values, dtype=torch.float64)
    if gdist.get_world_size() > 1:
        torch.distributed.all_reduce(t)
    return t.tolist()


def evaluate(model, g, nids, batch_size, num_layers):
    model.eval()
    loader = gdist.DistNodeDataLoader(g, nids, MultiLayerFullNeighborSampler(num_layers),
                                      batch_size=batch_size)
    correct = total = 0.0
    seen = set()
    with torch.no_grad():
        for input_nodes, seeds, blocks in loader:
            logits = model(blocks, g.ndata["feat"][input_nodes])
            labels = g.ndata["label"][seeds]
            keep = torch.tensor([int(s) not in seen for s in seeds.tolist()], dtype=torch.bool)
            seen.update(seeds.tolist())  # padded batches repeat seeds: count each once
            correct += float((logits.argmax(1)[keep] == labels[keep]).sum())
            total += float(keep.sum())
    correct, total = _all_sum([correct, total])
    model.train()
    return correct / max(total, 1.0)


def save_checkpoint(ckdir, step, model, opt, loader, epoch_stats):
    rank = gdist.get_rank()
    os.makedirs(ckdir, exist_ok=True)
    path = os.path.join(ckdir, f"ckpt-{step}-rank{rank}.pt")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "loader": loader.state_dict(),
                "step": step, "stats": epoch_stats, "rng": torch.get_rng_state()}, path + ".tmp")
    os.replace(path + ".tmp", path)
    gdist.barrier()  # every rank has written this step: it may become the latest
    if rank == 0:
        with open(os.path.join(ckdir, "latest.tmp"), "w") as f:
            f.write(str(step))
        os.replace(os.path.join(ckdir, "latest.tmp"), os.path.join(ckdir, "latest"))
    gdist.barrier()


def load_checkpoint(ckdir):
    latest = os.path.join(ckdir, "latest") if ckdir else None
    if not latest or not os.path.exists(latest):
        return None
    step = int(open(latest).read())
    return torch.load(os.path.join(ckdir, f"ckpt-{step}-rank{gdist.get_rank()}.pt"),
                      weights_only=False)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--graph-name", required=True)
    p.add_argument("--part-config", required=True)
    p.add_argument("--ip-config", default=None, help="accepted for DGL compatibility; not needed")
    p.add_argument("--standalone", action="store_true", help="one process, no torchrun")
    p.add_argument("--num-epochs", type=int, default=20)
    p.add_argument("--num-hidden", type=int, default=16)
    p.add_argument("--num-layers", type=int, default=2)
    p.add_argument("--fan-out", default="10,25")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--batch-size-eval", type=int, default=1000)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoint-dir", default=None)
    p.add_argument("--checkpoint-every", type=int, default=10, help="batches between checkpoints")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds a collective may wait")
    p.add_argument("--results", default=None, help="write final metrics as JSON here (rank 0)")
    p.add_argument("--die-at-step", type=int, default=-1, help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.standalone:
        for key in ("RANK", "WORLD_SIZE"):
            os.environ.pop(key, None)
    gdist.initialize(args.ip_config, timeout=args.timeout)
    torch.manual_seed(args.seed)
    dgl.seed(args.seed + gdist.get_rank())
    g = gdist.DistGraph(args.graph_name, part_config=args.part_config)
    train_nids = gdist.node_split(g.ndata["train_mask"], g.get_partition_book(), force_even=True)
    val_nids = gdist.node_split(g.ndata["val_mask"], g.get_partition_book(), force_even=True)
    test_nids = gdist.node_split(g.ndata["test_mask"], g.get_partition_book(), force_even=True)
    in_feats = g.ndata["feat"].shape[1]
    labels = g.ndata["label"].local_partition
    num_classes = gdist._comm.all_reduce_max(int(labels.max()) if labels.numel() else 0) + 1

    model = SAGE(in_feats, args.num_hidden, num_classes, args.num_layers, args.dropout)
    if gdist.get_world_size() > 1:
        model = nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    fanouts = [int(f) for f in args.fan_out.split(",")]
    loader = gdist.DistNodeDataLoader(g, train_nids, NeighborSampler(fanouts),
                                      batch_size=args.batch_size, shuffle=True, seed=args.seed)
    stats = {"best_val": -1.0, "test_at_best": 0.0}
    step = 0
    ck = load_checkpoint(args.checkpoint_dir)
    if ck is not None:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        loader.load_state_dict(ck["loader"])
        stats, step = ck["stats"], ck["step"]
        torch.set_rng_state(ck["rng"])
        if gdist.get_rank() == 0:
            print(f"resumed from step {step} (epoch {loader.epoch}, batch {loader.state_dict()['position']})",
                  flush=True)
    restart = int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0"))
    t0 = time.time()
    last_loss = float("nan")
    while loader.epoch < args.num_epochs:
        for input_nodes, seeds, blocks in loader:
            x = g.ndata["feat"][input_nodes]
            y = g.ndata["label"][seeds]
            loss = F.cross_entropy(model(blocks, x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            last_loss = loss.item()
            step += 1
            if step == args.die_at_step and restart == 0 and gdist.get_rank() == gdist.get_world_size() - 1:
                os.kill(os.getpid(), signal.SIGKILL)  # fault injection for the tests
            if args.checkpoint_dir and step % args.checkpoint_every == 0:
                save_checkpoint(args.checkpoint_dir, step, model, opt, loader, stats)
        val = evaluate(model, g, val_nids, args.batch_size_eval, args.num_layers)
        test = evaluate(model, g, test_nids, args.batch_size_eval, args.num_layers)
        if val > stats["best_val"]:
            stats = {"best_val": val, "test_at_best": test}
        if gdist.get_rank() == 0:
            print(f"epoch {loader.epoch - 1} loss {last_loss:.4f} val {val:.4f} test {test:.4f} "
                  f"({time.time() - t0:.1f}s)", flush=True)
    if gdist.get_rank() == 0:
        print(f"best val {stats['best_val']:.4f} test at best val {stats['test_at_best']:.4f}", flush=True)
        if args.results:
            with open(args.results, "w") as f:
                json.dump({**stats, "world_size": gdist.get_world_size(), "steps": step}, f)
    gdist.exit_client()


if __name__ == "__main__":
    main()
