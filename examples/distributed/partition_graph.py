"""Partition a data set for distributed training (DGL's ``partition_graph`` layout).

    python examples/distributed/partition_graph.py --dataset cora --num-parts 2 --output parts
"""
import argparse


import graphdl as dgl
from graphdl.distributed import partition_graph


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", default="cora", choices=["cora", "citeseer"])
    p.add_argument("--num-parts", type=int, default=2)
    p.add_argument("--part-method", default="metis", choices=["metis", "random"])
    p.add_argument("--num-hops", type=int, default=1)
    p.add_argument("--raw-dir", default=None, help="folder holding the data set's raw files")
    p.add_argument("--output", default="parts")
    args = p.parse_args()
    cls = {"cora": dgl.data.CoraGraphDataset, "citeseer": dgl.data.CiteseerGraphDataset}[args.dataset]
    g = cls(raw_dir=args.raw_dir, verbose=False)[0] if args.raw_dir else cls(verbose=False)[0]
    g.ndata["feat"] = g.ndata["feat"].float()
    partition_graph(g, args.dataset, args.num_parts, args.output, num_hops=args.num_hops,
                    part_method=args.part_method, balance_ntypes=g.ndata["train_mask"].long(),
                    balance_edges=True)
    print(f"wrote {args.num_parts} partitions of {args.dataset} to {args.output}/{args.dataset}.json")


if __name__ == "__main__":
    main()
