"""``graphdl datasets`` and ``graphdl info``: what is available, and what a graph file holds."""
from __future__ import annotations

import argparse
import os

from ._command import Command, CommandError
from ..data._binary import TENSOR_FILE_MAGIC
from ..data.catalog import catalog
from ..data.graph_serialize import load_graphs
from ..data.utils import load_tensors

__all__ = ["DATASETS_COMMAND", "INFO_COMMAND"]


def run_datasets(args: argparse.Namespace) -> int:
    rows = catalog()
    header = ("name", "graphs", "nodes", "edges", "classes", "offline")
    table = [header] + [
        (r["name"], str(r["graphs"]), str(r["nodes"]), str(r["edges"]), str(r["classes"]),
         r["offline"]) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def _describe_tensor(name: str, value) -> str:
    return f"{name}: shape {tuple(value.shape)}, {str(value.dtype).replace('torch.', '')}"


def run_info(args: argparse.Namespace) -> int:
    path = args.file
    if not os.path.exists(path):
        raise CommandError(f"file {path} does not exist")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a folder, not a graph file")
    with open(path, "rb") as f:
        head = f.read(8)
    if len(head) == 8 and int.from_bytes(head, "little") == TENSOR_FILE_MAGIC:
        tensors = load_tensors(path)
        print(f"{path}: tensor file with {len(tensors)} tensor(s), {os.path.getsize(path)} bytes")
        for name, value in tensors.items():
            print(f"  {_describe_tensor(name, value)}")
        return 0
    graphs, labels = load_graphs(path)
    print(f"{path}: {len(graphs)} graph(s), {os.path.getsize(path)} bytes")
    if labels:
        print("labels:")
        for name, value in labels.items():
            print(f"  {_describe_tensor(name, value)}")
    shown = graphs[:5]
    for i, g in enumerate(shown):
        print(f"graph {i}: id type {str(g.idtype).replace('torch.', '')}, "
              f"{g.num_nodes()} nodes, {g.num_edges()} edges")
        for nt in g.ntypes:
            print(f"  node type {nt!r}: {g.num_nodes(nt)} nodes")
            for name, value in g.nodes[nt].data.items():
                print(f"    {_describe_tensor(name, value)}")
        for cet in g.canonical_etypes:
            print(f"  edge type {cet}: {g.num_edges(cet)} edges")
            for name, value in g.edges[cet].data.items():
                print(f"    {_describe_tensor(name, value)}")
    if len(graphs) > len(shown):
        rest = graphs[len(shown):]
        print(f"... and {len(rest)} more graph(s) with {sum(g.num_nodes() for g in rest)} nodes and "
              f"{sum(g.num_edges() for g in rest)} edges in all")
    return 0


def _info_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="path of the graph file")


DATASETS_COMMAND = Command("datasets", "list the data sets and whether they are available offline",
                           lambda parser: None, run_datasets)
INFO_COMMAND = Command("info", "describe a file written by save_graphs or save_tensors", _info_arguments, run_info)
