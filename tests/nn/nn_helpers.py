"""Shared references and checks for the nn tests: dense adjacency algebra and invariances."""
from __future__ import annotations

from typing import Callable, Optional, Tuple

import torch

import graphdl


def dense_adj(g, edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
    """``A[dst, src]`` summing parallel edges (weighted when ``edge_weight`` is given)."""
    src, dst = g.edges()
    w = torch.ones(src.shape[0]) if edge_weight is None else edge_weight.reshape(-1).double()
    a = torch.zeros(g.num_dst_nodes(), g.num_src_nodes(), dtype=torch.float64)
    a.index_put_((dst.long(), src.long()), w.double(), accumulate=True)
    return a


def random_graph(n: int, e: int, idtype: torch.dtype, seed: int = 0, self_loops: bool = True):
    gen = torch.Generator().manual_seed(seed)
    u = torch.randint(0, n, (e,), generator=gen)
    v = torch.randint(0, n, (e,), generator=gen)
    if self_loops:
        u = torch.cat([u, torch.arange(n)])
        v = torch.cat([v, torch.arange(n)])
    return graphdl.graph((u, v), num_nodes=n, idtype=idtype)


def shuffled_edges(g, seed: int = 1) -> Tuple[object, torch.Tensor]:
    """The same graph with its edges listed in another order, and that order."""
    src, dst = g.edges()
    perm = torch.randperm(src.shape[0], generator=torch.Generator().manual_seed(seed))
    return graphdl.graph((src[perm], dst[perm]), num_nodes=g.num_nodes(), idtype=g.idtype), perm


def relabelled(g, seed: int = 2) -> Tuple[object, torch.Tensor]:
    """The graph with node ``i`` renamed ``p[i]``, and ``p``."""
    src, dst = g.edges()
    p = torch.randperm(g.num_nodes(), generator=torch.Generator().manual_seed(seed))
    return graphdl.graph((p[src.long()], p[dst.long()]), num_nodes=g.num_nodes(), idtype=g.idtype), p


def check_edge_order_invariance(run: Callable[[object, Optional[torch.Tensor]], torch.Tensor], g, edge_data=None) -> None:
    """``run(graph, edge_data)`` gives the same node output whatever the edge order."""
    g2, perm = shuffled_edges(g)
    out1 = run(g, edge_data)
    out2 = run(g2, None if edge_data is None else edge_data[perm])
    torch.testing.assert_close(out1, out2, rtol=1e-4, atol=1e-5)


def check_relabel_equivariance(run: Callable[[object, torch.Tensor], torch.Tensor], g, x: torch.Tensor) -> None:
    """Renaming nodes permutes the output rows the same way."""
    g2, p = relabelled(g)
    x2 = torch.empty_like(x)
    x2[p] = x
    out1 = run(g, x)
    out2 = run(g2, x2)
    torch.testing.assert_close(out2[p], out1, rtol=1e-4, atol=1e-5)


def check_grads(module: torch.nn.Module, out: torch.Tensor) -> None:
    """Every parameter receives a finite, non-zero gradient."""
    module.zero_grad()
    (out * torch.linspace(-1.0, 1.0, out.numel()).reshape(out.shape)).sum().backward()
    for name, p in module.named_parameters():
        assert p.grad is not None, f"no gradient reached {name}"
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, f"zero gradient for {name}"


def frame_keys(g):
    return (sorted(g.srcdata.keys()), sorted(g.dstdata.keys()), sorted(g.edata.keys()))
