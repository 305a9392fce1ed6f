"""Forward + backward of one GraphormerLayer on a padded batch of graphs: graphdl vs DGL.

Workload (defaults): 128 graphs of 50 nodes each, batched with the library's ``batch``; node
features ``(128, 50, 256)`` and a learned attention bias ``(128, 50, 50, 8)`` (a parameter, so
its gradient is computed as a spatial encoder's would be); the padding mask built from
``batch_num_nodes()``. The layer has feature size 256, feed-forward size 512 and 8 heads
(Graphormer-base's 768 / 768 / 32 run with ``--feat 768 --hidden 768 --heads 32``), dropout 0.1
and attention dropout 0.1, in training mode. One repetition is forward,
``backward`` of a weighted sum of the output, and clearing the gradients.

    python benchmarks/bench_gt.py --backends graphdl,dgl --repeat 5
    python benchmarks/bench_gt.py --graphs 32 --nodes 30 --feat 128 --hidden 256 --heads 8
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as H  # noqa: E402


def _library(backend: str) -> Any:
    if backend == "dgl":
        import dgl
        import dgl.nn.pytorch as dglnn

        return dgl, dglnn
    if backend == "graphdl":
        import graphdl
        import graphdl.nn as gnn

        return graphdl, gnn
    raise ValueError(f"{backend} has no GraphormerLayer")


def setup(backend: str, p: Dict[str, Any]) -> Callable[[], None]:
    lib, nn_mod = _library(backend)
    b, n, d, heads = p["graphs"], p["nodes"], p["feat"], p["heads"]
    graphs = []
    for i in range(b):
        src, dst = H.random_graph(n, 3 * n, seed=i)
        graphs.append(lib.graph((torch.from_numpy(src), torch.from_numpy(dst)), num_nodes=n))
    bg = lib.batch(graphs)
    sizes = torch.as_tensor(bg.batch_num_nodes()).long()
    n_max = int(sizes.max())
    valid = torch.arange(n_max).unsqueeze(0) < sizes.unsqueeze(1)
    mask = valid.unsqueeze(2) & ~valid.unsqueeze(1)
    x = torch.from_numpy(H.random_features(b * n_max, d)).view(b, n_max, d).requires_grad_(True)
    bias = torch.nn.Parameter(torch.from_numpy(H.random_features(b * n_max * n_max, heads, seed=3))
                              .view(b, n_max, n_max, heads) * 0.1)
    torch.manual_seed(0)
    layer = nn_mod.GraphormerLayer(feat_size=d, hidden_size=p["hidden"], num_heads=heads,
                                   dropout=0.1, attn_dropout=0.1)
    layer.train()
    weight = torch.linspace(-1.0, 1.0, d)
    params = list(layer.parameters()) + [bias, x]

    def step() -> None:
        out = layer(x, bias, mask)
        (out * weight).sum().backward()
        for t in params:
            t.grad = None

    return step


def make_cases(args: argparse.Namespace) -> List[H.Case]:
    params = dict(graphs=args.graphs, nodes=args.nodes, feat=args.feat, hidden=args.hidden, heads=args.heads)
    name = f"graphormer_b{args.graphs}_n{args.nodes}_d{args.feat}_h{args.heads}"

    def prepare() -> None:
        for i in range(args.graphs):
            H.random_graph(args.nodes, 3 * args.nodes, seed=i)
        H.random_features(args.graphs * args.nodes, args.feat)
        H.random_features(args.graphs * args.nodes * args.nodes, args.heads, seed=3)

    return [H.Case(name, params, prepare)]


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graphs", type=int, default=128)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--feat", type=int, default=256)
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--heads", type=int, default=8)


if __name__ == "__main__":
    if not any(a.startswith("--backends") for a in sys.argv):
        sys.argv += ["--backends", "graphdl,dgl"]
    H.main(__file__, setup, make_cases, description=__doc__.split("\n")[0], add_args=_add_args)
