"""Full-graph training step of GCN, GraphSAGE-mean and GAT: graphdl vs DGL vs PyG.

One step is: forward pass of a two-layer model over the whole graph,
cross-entropy loss on every node, backward pass, one Adam update.

Models (the same structure in every library):

* ``gcn``:  GraphConv(F, H) -> ReLU -> GraphConv(H, C); symmetric ("both")
  normalisation. PyG: GCNConv with ``add_self_loops=False`` because the graph
  already has one loop per node (DGL's GraphConv adds none either).
* ``sage``: SAGEConv(F, H, "mean") -> ReLU -> SAGEConv(H, C, "mean").
* ``gat``:  GATConv(F, 16, 4 heads) -> concatenate heads (64) -> ELU ->
  GATConv(64, C, 1 head) -> mean over heads; the structure of DGL's GAT
  example with hidden size 16 x 4 heads and no dropout (dropout draws random
  masks differently in each library and is not what is being compared). PyG:
  ``add_self_loops=False`` as for GCN.

After the tables the script prints each model's physical bound (``_bounds.py``: bytes
that must move at the measured copy bandwidth plus GEMM FLOPs at the measured GEMM rate).

Default workload: 100,000 nodes, 2,000,000 uniform random edges plus one
self-loop per node, 128 input features, hidden size 64, 16 classes.

    python benchmarks/bench_training.py                       # everything
    python benchmarks/bench_training.py --models gcn --backends graphdl,dgl
    python benchmarks/bench_training.py --nodes 10000 --edges 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bounds as B  # noqa: E402
import _harness as H  # noqa: E402

MODELS = ("gcn", "sage", "gat")
GAT_HEADS = 4


class DGLStyleNet(torch.nn.Module):
    """Two-layer model written against DGL's module API (graphdl.nn or dgl.nn)."""

    def __init__(self, nn_mod: Any, model: str, in_feats: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.model = model
        if model == "gcn":
            self.layers = torch.nn.ModuleList(
                [nn_mod.GraphConv(in_feats, hidden), nn_mod.GraphConv(hidden, classes)])
        elif model == "sage":
            self.layers = torch.nn.ModuleList(
                [nn_mod.SAGEConv(in_feats, hidden, "mean"), nn_mod.SAGEConv(hidden, classes, "mean")])
        elif model == "gat":
            head_dim = hidden // GAT_HEADS
            self.layers = torch.nn.ModuleList(
                [nn_mod.GATConv(in_feats, head_dim, num_heads=GAT_HEADS),
                 nn_mod.GATConv(head_dim * GAT_HEADS, classes, num_heads=1)])
        else:
            raise ValueError(f"unknown model {model!r}")

    def forward(self, g: Any, x: torch.Tensor) -> torch.Tensor:
        first, second = self.layers
        if self.model == "gat":
            h = F.elu(first(g, x).flatten(1))
            return second(g, h).mean(1)
        return second(g, F.relu(first(g, x)))


class PyGNet(torch.nn.Module):
    """The same two-layer models written with torch_geometric.nn."""

    def __init__(self, model: str, in_feats: int, hidden: int, classes: int) -> None:
        super().__init__()
        import torch_geometric.nn as pyg_nn

        self.model = model
        if model == "gcn":
            self.layers = torch.nn.ModuleList(
                [pyg_nn.GCNConv(in_feats, hidden, add_self_loops=False),
                 pyg_nn.GCNConv(hidden, classes, add_self_loops=False)])
        elif model == "sage":
            self.layers = torch.nn.ModuleList(
                [pyg_nn.SAGEConv(in_feats, hidden, aggr="mean"),
                 pyg_nn.SAGEConv(hidden, classes, aggr="mean")])
        elif model == "gat":
            head_dim = hidden // GAT_HEADS
            self.layers = torch.nn.ModuleList(
                [pyg_nn.GATConv(in_feats, head_dim, heads=GAT_HEADS, add_self_loops=False),
                 pyg_nn.GATConv(head_dim * GAT_HEADS, classes, heads=1, concat=False,
                                add_self_loops=False)])
        else:
            raise ValueError(f"unknown model {model!r}")

    def forward(self, edge_index: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        first, second = self.layers
        act = F.elu if self.model == "gat" else F.relu
        return second(act(first(x, edge_index)), edge_index)


def _inputs(p: Dict[str, Any]):
    src, dst = H.random_graph(p["nodes"], p["edges"], seed=p["seed"])
    x = torch.from_numpy(H.random_features(p["nodes"], p["feats"]))
    y = torch.from_numpy(H.random_labels(p["nodes"], p["classes"]))
    return torch.from_numpy(src), torch.from_numpy(dst), x, y


def setup(backend: str, p: Dict[str, Any]) -> Callable[[], None]:
    """Build graph, model and optimiser for one backend; return one training step."""
    src, dst, x, y = _inputs(p)
    idtype = getattr(torch, p["idtype"])
    if backend == "pyg":
        graph: Any = torch.stack([src, dst])
        model: torch.nn.Module = PyGNet(p["model"], p["feats"], p["hidden"], p["classes"])
    else:
        if backend == "graphdl":
            import graphdl as lib
            import graphdl.nn as nn_mod
        elif backend == "dgl":
            import dgl as lib
            import dgl.nn.pytorch as nn_mod
        else:
            raise ValueError(f"unknown backend {backend!r}")
        graph = lib.graph((src.to(idtype), dst.to(idtype)), num_nodes=p["nodes"])
        model = DGLStyleNet(nn_mod, p["model"], p["feats"], p["hidden"], p["classes"])
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()

    def step() -> None:
        opt.zero_grad()
        loss = F.cross_entropy(model(graph, x), y)
        loss.backward()
        opt.step()

    return step


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of gcn,sage,gat")
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=2_000_000,
                        help="random edges; one self-loop per node is added on top")
    parser.add_argument("--feats", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=64, help="hidden size (GAT: split over 4 heads)")
    parser.add_argument("--classes", type=int, default=16)
    parser.add_argument("--idtype", choices=("int32", "int64"), default="int64",
                        help="id type of the graphdl and DGL graphs (PyG always uses int64)")
    parser.add_argument("--seed", type=int, default=0)


def make_cases(args: argparse.Namespace) -> List[H.Case]:
    models = [m.strip().lower() for m in args.models.split(",") if m.strip()]
    bad = [m for m in models if m not in MODELS]
    if bad:
        raise SystemExit(f"unknown model(s) {bad}; choose from {list(MODELS)}")
    if "gat" in models and args.hidden % GAT_HEADS:
        raise SystemExit(f"--hidden must be a multiple of {GAT_HEADS} for GAT, got {args.hidden}")
    base = {"nodes": args.nodes, "edges": args.edges, "feats": args.feats, "hidden": args.hidden,
            "classes": args.classes, "idtype": args.idtype, "seed": args.seed}

    def prepare() -> None:
        H.random_graph(args.nodes, args.edges, seed=args.seed)
        H.random_features(args.nodes, args.feats)
        H.random_labels(args.nodes, args.classes)

    return [H.Case(m, dict(base, model=m), prepare) for m in models]


def _cost(c: H.Case) -> B.Cost:
    p = c.params
    ids = 4 if p["idtype"] == "int32" else 8
    return B.training_cost(p["model"], p["nodes"], p["edges"] + p["nodes"], p["feats"], p["hidden"],
                           p["classes"], GAT_HEADS, ids)


if __name__ == "__main__":
    results = H.main(__file__, setup, make_cases, description=__doc__.split("\n")[0], add_args=_add_args)
    parser = argparse.ArgumentParser(add_help=False)
    H.add_common_args(parser)
    _add_args(parser)
    known, _ = parser.parse_known_args()
    print()
    print(B.bounds_table(results, {c.name: _cost(c) for c in make_cases(known)}, known.threads))
