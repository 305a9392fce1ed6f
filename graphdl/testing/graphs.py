"""A registry of small labelled graphs that the test suite (and users' tests) reuse.

Each case is built fresh on every call, for a given id type, so tests may mutate it.

Labels:
    ``homo``         homogeneous, a few dozen nodes, random edges
    ``bipartite``    one relation between two node types
    ``block``        a message-flow block (destination nodes first among the sources)
    ``batched``      several homogeneous graphs batched into one
    ``hetero``       several node and edge types
    ``zero-degree``  some nodes have no in-edges
    ``empty``        nodes but no edges
    ``self-loop``    every node has a self-loop
    ``multigraph``   repeated edges between the same pair
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Tuple

import torch

from ..convert import create_block, graph, heterograph
from ..heterograph import DGLGraph

__all__ = ["LABELS", "get_cases", "graph_cases", "get_case", "user_game_graph"]


def _rng(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _homo(idtype: torch.dtype) -> DGLGraph:
    gen = _rng(0)
    n, e = 20, 60
    u = torch.randint(0, n, (e,), generator=gen)
    v = torch.randint(0, n, (e,), generator=gen)
    # every node gets at least one in-edge so degree-normalised layers are well defined
    u = torch.cat([u, torch.roll(torch.arange(n), 1)])
    v = torch.cat([v, torch.arange(n)])
    return graph((u, v), num_nodes=n, idtype=idtype)


def _bipartite(idtype: torch.dtype) -> DGLGraph:
    gen = _rng(1)
    ns, nd, e = 12, 7, 30
    u = torch.cat([torch.randint(0, ns, (e,), generator=gen), torch.arange(nd)])
    v = torch.cat([torch.randint(0, nd, (e,), generator=gen), torch.arange(nd)])
    return heterograph({("user", "buys", "item"): (u, v)}, {"user": ns, "item": nd}, idtype=idtype)


def _block(idtype: torch.dtype) -> DGLGraph:
    gen = _rng(2)
    ns, nd, e = 15, 6, 40
    u = torch.cat([torch.randint(0, ns, (e,), generator=gen), torch.arange(nd)])
    v = torch.cat([torch.randint(0, nd, (e,), generator=gen), torch.arange(nd)])
    return create_block((u, v), num_src_nodes=ns, num_dst_nodes=nd, idtype=idtype)


def _batched(idtype: torch.dtype) -> DGLGraph:
    sizes = [(5, 9), (1, 0), (8, 20), (4, 6)]
    us, vs, off = [], [], 0
    gen = _rng(3)
    for n, e in sizes:
        us.append(torch.randint(0, n, (e,), generator=gen) + off)
        vs.append(torch.randint(0, n, (e,), generator=gen) + off)
        off += n
    g = graph((torch.cat(us), torch.cat(vs)), num_nodes=off, idtype=idtype)
    g.set_batch_num_nodes(torch.tensor([n for n, _ in sizes]))
    g.set_batch_num_edges(torch.tensor([e for _, e in sizes]))
    return g


def _hetero(idtype: torch.dtype) -> DGLGraph:
    gen = _rng(4)

    def rel(ns: int, nd: int, e: int):
        return (torch.randint(0, ns, (e,), generator=gen), torch.randint(0, nd, (e,), generator=gen))

    return heterograph(
        {
            ("user", "follows", "user"): rel(10, 10, 25),
            ("user", "plays", "game"): rel(10, 6, 20),
            ("game", "played-by", "user"): rel(6, 10, 20),
            ("developer", "develops", "game"): rel(3, 6, 6),
        },
        {"user": 10, "game": 6, "developer": 3},
        idtype=idtype,
    )


def _zero_degree(idtype: torch.dtype) -> DGLGraph:
    # nodes 5..9 receive nothing; node 9 is isolated
    return graph(([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 0, 0, 1, 2]), num_nodes=10, idtype=idtype)


def _empty(idtype: torch.dtype) -> DGLGraph:
    return graph(([], []), num_nodes=6, idtype=idtype)


def _self_loop(idtype: torch.dtype) -> DGLGraph:
    n = 8
    u = torch.cat([torch.arange(n), torch.tensor([0, 2, 4, 6])])
    v = torch.cat([torch.arange(n), torch.tensor([1, 3, 5, 7])])
    return graph((u, v), num_nodes=n, idtype=idtype)


def _multigraph(idtype: torch.dtype) -> DGLGraph:
    return graph(([0, 0, 0, 1, 1, 2, 3, 3], [1, 1, 2, 2, 2, 0, 3, 0]), num_nodes=4, idtype=idtype)


_BUILDERS: Dict[str, Callable[[torch.dtype], DGLGraph]] = {
    "homo": _homo,
    "bipartite": _bipartite,
    "block": _block,
    "batched": _batched,
    "hetero": _hetero,
    "zero-degree": _zero_degree,
    "empty": _empty,
    "self-loop": _self_loop,
    "multigraph": _multigraph,
}

# Which properties each case has; tests select cases by property.
_TAGS: Dict[str, Tuple[str, ...]] = {
    "homo": ("homo", "dglgraph", "has-edges"),
    "bipartite": ("bipartite", "has-edges"),
    "block": ("block", "bipartite", "has-edges"),
    "batched": ("homo", "batched", "dglgraph"),
    "hetero": ("hetero", "has-edges"),
    "zero-degree": ("homo", "zero-degree", "dglgraph", "has-edges"),
    "empty": ("homo", "zero-degree", "empty", "dglgraph"),
    "self-loop": ("homo", "self-loop", "dglgraph", "has-edges"),
    "multigraph": ("homo", "multigraph", "dglgraph", "has-edges"),
}

LABELS: List[str] = list(_BUILDERS)


def get_cases(
    labels: Optional[Iterable[str]] = None,
    exclude: Iterable[str] = (),
    idtype: torch.dtype = torch.int64,
) -> List[Tuple[str, DGLGraph]]:
    """Fresh ``(name, graph)`` pairs whose tags include any of ``labels`` and none of ``exclude``."""
    want = set(labels) if labels is not None else None
    skip = set(exclude)
    out = []
    for name, build in _BUILDERS.items():
        tags = set(_TAGS[name]) | {name}
        if want is not None and not (tags & want):
            continue
        if tags & skip:
            continue
        out.append((name, build(idtype)))
    return out


def graph_cases(labels: Optional[Iterable[str]] = None, exclude: Iterable[str] = ()):
    """Pytest parameters ``(name, idtype)`` for ``get_case`` style use with both id types."""
    names = [n for n, _ in get_cases(labels, exclude)]
    return [(n, idt) for n in names for idt in (torch.int32, torch.int64)]


def get_case(name: str, idtype: torch.dtype = torch.int64) -> DGLGraph:
    return _BUILDERS[name](idtype)


def user_game_graph(
    idtype: torch.dtype = torch.int64,
    follows_self_loop: bool = True,
    node_feats: Iterable[str] = ("user", "game", "developer"),
) -> DGLGraph:
    """A small heterograph whose every id can be followed by hand.

    Relations: ``user -follows-> user`` (``0→1, 1→2, 2→0, 3→0, 3→1`` and, with
    ``follows_self_loop``, ``4→4``), ``user -plays-> game`` (``0→0, 1→0, 2→1, 2→0, 3→2``) and
    ``developer -develops-> game`` (``0→1, 1→0``); 5 users, 3 games, 2 developers.

    Features: node feature ``"a"`` on the types in ``node_feats`` (users ``0..4``, games
    ``0, 10, 20``, developers ``0, 100``) and edge feature ``"x"`` (``0..4``) on ``plays``.

    Examples
    --------
    >>> from graphdl.testing import user_game_graph
    >>> user_game_graph().num_edges("plays")
    5
    """
    follows = ([0, 1, 2, 3, 3, 4], [1, 2, 0, 0, 1, 4]) if follows_self_loop else ([0, 1, 2, 3, 3], [1, 2, 0, 0, 1])
    g = heterograph(
        {
            ("user", "follows", "user"): follows,
            ("user", "plays", "game"): ([0, 1, 2, 2, 3], [0, 0, 1, 0, 2]),
            ("developer", "develops", "game"): ([0, 1], [1, 0]),
        },
        {"user": 5, "game": 3, "developer": 2},
        idtype=idtype,
    )
    scale = {"user": 1.0, "game": 10.0, "developer": 100.0}
    for nt in node_feats:
        g.nodes[nt].data["a"] = torch.arange(float(g.num_nodes(nt))) * scale[nt]
    g.edges["plays"].data["x"] = torch.arange(5.0)
    return g
