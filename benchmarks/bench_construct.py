"""Throughput and peak memory of ``graphdl construct`` on generated tables.

Generates a user/item table set (string ids, several edge files) with ``--edges`` user->item
rows, then runs ``graphdl construct`` in a child process and reports its wall time, rows per
second and peak resident memory (``ru_maxrss`` of the child), beside the size of the graph it
wrote. The tables: users (numeric ``age`` with ``max_min_norm``, categorical ``country``),
items (multi-valued ``genres``, multi-hot), and user->item ``orders`` (numeric ``amount`` with
``standard``, ``ts`` used for a leave-last-out split), reverse edges added.

Example::

    python benchmarks/bench_construct.py --edges 1000000 --workdir /tmp/bc --format parquet
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np


def generate(workdir: str, edges: int, users: int, items: int, files: int, fmt: str, seed: int = 0) -> str:
    """Write the tables and the gconstruct JSON under ``workdir``; returns the JSON's path."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    os.makedirs(workdir, exist_ok=True)
    ext = "parquet" if fmt == "parquet" else "csv"

    def write(table: "pa.Table", name: str) -> None:
        path = os.path.join(workdir, f"{name}.{ext}")
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(table, path)

    def ids(prefix: str, n) -> "pa.Array":
        import pyarrow.compute as pc

        return pc.binary_join_element_wise(prefix, pa.array(np.asarray(n)).cast(pa.string()), "")

    write(pa.table({"uid": ids("u", np.arange(users)), "age": rng.integers(18, 90, users).astype(np.float64),
                    "country": pa.array(rng.choice(np.array(["us", "de", "jp", "br", "in", "fr"]), users))}), "users")
    genres = np.array(["a|b", "b", "c|d|e", "a|e", "f", "b|c"])
    write(pa.table({"iid": ids("i", np.arange(items)), "genres": pa.array(rng.choice(genres, items))}), "items")
    per = -(-edges // files)
    names = []
    for k in range(files):
        n = min(per, edges - k * per)
        if n <= 0:
            break
        # skewed item popularity (Zipf-like), uniform users
        item = np.minimum((rng.pareto(1.2, n) * items / 20).astype(np.int64), items - 1)
        write(pa.table({"user": ids("u", rng.integers(0, users, n)), "item": ids("i", item),
                        "amount": rng.lognormal(3.0, 1.0, n), "ts": rng.integers(0, 10**9, n)}), f"orders-{k}")
        names.append(f"orders-{k}.{ext}")
    cfg = {
        "version": "gconstruct-v0.1", "add_reverse_edges": True,
        "nodes": [
            {"node_type": "user", "files": [f"users.{ext}"], "format": {"name": fmt}, "node_id_col": "uid",
             "features": [{"feature_col": "age", "transform": {"name": "max_min_norm"}},
                          {"feature_col": "country", "transform": {"name": "to_categorical"}}]},
            {"node_type": "item", "files": [f"items.{ext}"], "format": {"name": fmt}, "node_id_col": "iid",
             "features": [{"feature_col": "genres", "transform": {"name": "to_categorical", "separator": "|"}}]}],
        "edges": [
            {"relation": ["user", "orders", "item"], "files": names, "format": {"name": fmt},
             "source_id_col": "user", "dest_id_col": "item",
             "features": [{"feature_col": "amount", "transform": {"name": "standard"}}],
             "labels": [{"task_type": "link_prediction", "split_type": "leave_last_out", "time_col": "ts"}]}],
    }
    path = os.path.join(workdir, "construct.json")
    with open(path, "w") as fh:
        json.dump(cfg, fh, indent=1)
    return path


def graph_memory(path: str) -> int:
    """Bytes of a saved graph's arrays: source and destination ids of every relation (reverse
    relations included) plus every node and edge feature, label and mask tensor."""
    from graphdl.data.graph_serialize import load_graphs

    g = load_graphs(path)[0][0]
    total = 0
    for c in g.canonical_etypes:
        s, d = g.edges(etype=c)
        total += s.numel() * s.element_size() + d.numel() * d.element_size()
        total += sum(v.numel() * v.element_size() for v in g.edges[c].data.values())
    for nt in g.ntypes:
        total += sum(v.numel() * v.element_size() for v in g.nodes[nt].data.values())
    return total


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--edges", type=int, default=1_000_000)
    p.add_argument("--users", type=int, default=None, help="default: edges / 20")
    p.add_argument("--items", type=int, default=None, help="default: edges / 50")
    p.add_argument("--files", type=int, default=4, help="edge table files")
    p.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    p.add_argument("--workdir", required=True)
    p.add_argument("--json", default=None, help="append the result as a JSON line to this file")
    a = p.parse_args(argv)
    users = a.users or max(a.edges // 20, 10)
    items = a.items or max(a.edges // 50, 10)
    t = time.time()
    cfg = generate(a.workdir, a.edges, users, items, a.files, a.format)
    gen_s = time.time() - t
    out = os.path.join(a.workdir, "graph")
    t = time.time()
    code = ("import sys; from graphdl.workflows import construct_graph; "
            "construct_graph(sys.argv[1], sys.argv[2], progress=False)")
    subprocess.run([sys.executable, "-c", code, cfg, out], check=True)
    wall = time.time() - t
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # the interpreter with torch, pandas and pyarrow loaded, before any table is read
    probe = subprocess.run([sys.executable, "-c", "import resource, graphdl.workflows.construct, pyarrow, pandas; "
                            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                           check=True, capture_output=True, text=True)
    base_kib = int(probe.stdout.strip())
    graph_bytes = os.path.getsize(os.path.join(out, "graph.bin"))
    mem_bytes = graph_memory(os.path.join(out, "graph.bin"))
    res = {"edges": a.edges, "users": users, "items": items, "format": a.format, "files": a.files,
           "generate_s": round(gen_s, 1), "construct_s": round(wall, 1), "rows_per_s": round(a.edges / wall),
           "peak_rss_mib": round(peak_kib / 1024, 1), "import_rss_mib": round(base_kib / 1024, 1),
           "graph_bin_mib": round(graph_bytes / 2**20, 1),
           "peak_above_import_over_graph": round((peak_kib - base_kib) * 1024 / graph_bytes, 2),
           "graph_arrays_mib": round(mem_bytes / 2**20, 1),
           "peak_above_import_over_arrays": round((peak_kib - base_kib) * 1024 / mem_bytes, 2),
           "load": round(os.getloadavg()[0], 1)}
    print(json.dumps(res))
    if a.json:
        with open(a.json, "a") as fh:
            fh.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
