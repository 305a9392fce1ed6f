"""Graph traversals that return their visit order as frontiers (DGL's ``dgl.traversal``).

Every generator walks the CSR of a graph with one node type and one edge type (the CSC when
``reverse=True``, i.e. along in-edges) and returns a tuple of id tensors, one per frontier,
with the graph's id type. The order inside a frontier is deterministic: frontier nodes are
expanded in their order, each node's edges in increasing edge id.

- BFS: frontier ``k`` holds the nodes first reached at depth ``k`` (the sources are frontier
  0, sharing one visited set); the edge variant holds the edges that first reached them.
- Topological: Kahn's algorithm level by level; frontier 0 holds the nodes of in-degree 0 in
  id order, a node joins the next frontier at the edge that brings its remaining in-degree to
  0. A cycle raises :class:`~graphdl.DGLError`.
- DFS: every source is walked on its own (its own visited set); frontier ``k`` holds the
  ``k``-th event of each source's walk, in source order. Labelled events are ``FORWARD``
  (tree edge entered), ``REVERSE`` (tree edge left, when ``has_reverse_edge``) and
  ``NONTREE`` (edge to an already visited node, when ``has_nontree_edge``).
"""
from __future__ import annotations

from typing import Any, List, Tuple, Union

import numpy as np
import torch

from .base import DGLError

__all__ = [
    "bfs_nodes_generator",
    "bfs_edges_generator",
    "topological_nodes_generator",
    "dfs_edges_generator",
    "dfs_labeled_edges_generator",
]

#: labels of :func:`dfs_labeled_edges_generator`'s events
FORWARD, REVERSE, NONTREE = 0, 1, 2

Frontiers = Tuple[torch.Tensor, ...]


def _adjacency(graph: Any, reverse: bool) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, neighbours, eids)`` along out-edges (in-edges when ``reverse``)."""
    if len(graph.ntypes) != 1 or len(graph.canonical_etypes) != 1:
        raise DGLError("Traversals need a graph with one node type and one edge type, got node types "
                       f"{graph.ntypes} and edge types {graph.canonical_etypes}.")
    indptr, nbr, eid = graph.adj_tensors("csc" if reverse else "csr")
    return (indptr.cpu().numpy().astype(np.int64), nbr.cpu().numpy().astype(np.int64),
            eid.cpu().numpy().astype(np.int64))


def _sources(graph: Any, source: Any) -> np.ndarray:
    src = torch.as_tensor(source) if not isinstance(source, torch.Tensor) else source
    if src.dtype == torch.bool or src.is_floating_point():
        raise DGLError(f"Traversal sources must be integer node ids, got dtype {src.dtype}.")
    src = src.reshape(-1).cpu().numpy().astype(np.int64)
    n = graph.num_nodes()
    if src.size and (src.min() < 0 or src.max() >= n):
        raise DGLError(f"Traversal source ids must lie in [0, {n}), got {src.tolist()}.")
    return src


def _out(graph: Any, arrays: List[np.ndarray]) -> Frontiers:
    return tuple(torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64)).to(graph.idtype).to(graph.device)
                 for a in arrays)


def _edges_of(indptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Positions into the neighbour array of every edge of ``nodes``, node after node."""
    starts, ends = indptr[nodes], indptr[nodes + 1]
    counts = ends - starts
    if counts.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(counts.sum(), dtype=np.int64)


def _bfs(graph: Any, source: Any, reverse: bool) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    indptr, nbr, eid = _adjacency(graph, reverse)
    visited = np.zeros(graph.num_nodes(), dtype=bool)
    frontier = _sources(graph, source)
    frontier = frontier[np.sort(np.unique(frontier, return_index=True)[1])]
    visited[frontier] = True
    nodes, edges = [frontier], []
    while True:
        pos = _edges_of(indptr, frontier)
        pos = pos[~visited[nbr[pos]]]
        if pos.size == 0:
            break
        # the first edge reaching each new node discovers it
        _, first = np.unique(nbr[pos], return_index=True)
        pos = pos[np.sort(first)]
        frontier = nbr[pos]
        visited[frontier] = True
        nodes.append(frontier)
        edges.append(eid[pos])
    return nodes, edges


def bfs_nodes_generator(graph: Any, source: Any, reverse: bool = False) -> Frontiers:
    """Nodes in breadth-first order, one tensor per depth.

    Parameters
    ----------
    graph : DGLGraph
        A graph with one node type and one edge type.
    source : int, list or Tensor
        The source node(s); together they form the first frontier.
    reverse : bool
        Walk along in-edges instead of out-edges.

    Returns
    -------
    tuple of Tensor
        Frontier ``k`` holds the nodes first reached after ``k`` hops.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 1, 2], [1, 2, 3, 3]))
    >>> graphdl.bfs_nodes_generator(g, 0)
    (tensor([0]), tensor([1]), tensor([2, 3]))
    """
    return _out(graph, _bfs(graph, source, reverse)[0])


def bfs_edges_generator(graph: Any, source: Any, reverse: bool = False) -> Frontiers:
    """Edges of the breadth-first tree, one tensor per depth.

    Parameters
    ----------
    graph : DGLGraph
        A graph with one node type and one edge type.
    source : int, list or Tensor
        The source node(s).
    reverse : bool
        Walk along in-edges instead of out-edges.

    Returns
    -------
    tuple of Tensor
        Frontier ``k`` holds the ids of the edges that first reached the nodes at depth ``k + 1``.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 1, 2], [1, 2, 3, 3]))
    >>> graphdl.bfs_edges_generator(g, 0)
    (tensor([0]), tensor([1, 2]))
    """
    return _out(graph, _bfs(graph, source, reverse)[1])


def topological_nodes_generator(graph: Any, reverse: bool = False) -> Frontiers:
    """Nodes in topological order, level by level.

    Parameters
    ----------
    graph : DGLGraph
        A directed acyclic graph with one node type and one edge type.
    reverse : bool
        Order by out-edges instead (sinks first).

    Returns
    -------
    tuple of Tensor
        Frontier ``k`` holds the nodes whose longest path from a source has ``k`` edges.

    Raises
    ------
    DGLError
        If the graph has a cycle.

    Examples
    --------
    >>> g = graphdl.graph(([0, 0, 1], [1, 2, 2]))
    >>> graphdl.topological_nodes_generator(g)
    (tensor([0]), tensor([1]), tensor([2]))
    """
    indptr, nbr, _ = _adjacency(graph, reverse)
    n = graph.num_nodes()
    remaining = np.bincount(nbr, minlength=n).astype(np.int64)
    frontier = np.flatnonzero(remaining == 0)
    levels, done = [], 0
    while frontier.size:
        levels.append(frontier)
        done += frontier.size
        targets = nbr[_edges_of(indptr, frontier)]
        remaining -= np.bincount(targets, minlength=n)
        if targets.size == 0:
            break
        # a node joins the next level at the edge that brings its in-degree to zero,
        # which is its last occurrence among this level's edges
        rev = targets[::-1]
        uniq, first_in_rev = np.unique(rev, return_index=True)
        last = targets.size - 1 - first_in_rev
        ready = remaining[uniq] == 0
        frontier = uniq[ready][np.argsort(last[ready], kind="stable")]
    if done != n:
        raise DGLError(f"topological_nodes_generator: the graph has a cycle ({n - done} of {n} nodes "
                       "are never free of unvisited predecessors).")
    return _out(graph, levels)


def _dfs_events(indptr: np.ndarray, nbr: np.ndarray, eid: np.ndarray, n: int, root: int,
                has_reverse_edge: bool, has_nontree_edge: bool) -> Tuple[List[int], List[int]]:
    """The labelled event sequence of one depth-first walk from ``root`` (iterative)."""
    visited = np.zeros(n, dtype=bool)
    visited[root] = True
    edges: List[int] = []
    labels: List[int] = []
    # stack of (node, next edge position, edge that entered node or -1)
    stack = [[root, int(indptr[root]), -1]]
    while stack:
        top = stack[-1]
        node, pos, entered = top
        if pos < indptr[node + 1]:
            top[1] = pos + 1
            v = int(nbr[pos])
            if not visited[v]:
                visited[v] = True
                edges.append(int(eid[pos]))
                labels.append(FORWARD)
                stack.append([v, int(indptr[v]), int(eid[pos])])
            elif has_nontree_edge:
                edges.append(int(eid[pos]))
                labels.append(NONTREE)
        else:
            stack.pop()
            if entered >= 0 and has_reverse_edge:
                edges.append(entered)
                labels.append(REVERSE)
    return edges, labels


def _dfs_frontiers(graph: Any, source: Any, reverse: bool, has_reverse_edge: bool,
                   has_nontree_edge: bool) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    indptr, nbr, eid = _adjacency(graph, reverse)
    walks = [_dfs_events(indptr, nbr, eid, graph.num_nodes(), int(s), has_reverse_edge, has_nontree_edge)
             for s in _sources(graph, source)]
    depth = max((len(w[0]) for w in walks), default=0)
    edges = [np.array([w[0][k] for w in walks if k < len(w[0])], dtype=np.int64) for k in range(depth)]
    labels = [np.array([w[1][k] for w in walks if k < len(w[1])], dtype=np.int64) for k in range(depth)]
    return edges, labels


def dfs_edges_generator(graph: Any, source: Any, reverse: bool = False) -> Frontiers:
    """Tree edges of depth-first walks, in the order they are entered.

    Parameters
    ----------
    graph : DGLGraph
        A graph with one node type and one edge type.
    source : int, list or Tensor
        The source node(s); each source is walked independently.
    reverse : bool
        Walk along in-edges instead of out-edges.

    Returns
    -------
    tuple of Tensor
        Frontier ``k`` holds the ``k``-th tree edge of every source's walk, in source order.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 0], [1, 2, 2]))
    >>> graphdl.dfs_edges_generator(g, 0)
    (tensor([0]), tensor([1]))
    """
    return _out(graph, _dfs_frontiers(graph, source, reverse, False, False)[0])


def dfs_labeled_edges_generator(graph: Any, source: Any, reverse: bool = False, has_reverse_edge: bool = False,
                                has_nontree_edge: bool = False, return_labels: bool = True
                                ) -> Union[Frontiers, Tuple[Frontiers, Frontiers]]:
    """Edges of depth-first walks with what happened on them.

    Parameters
    ----------
    graph : DGLGraph
        A graph with one node type and one edge type.
    source : int, list or Tensor
        The source node(s); each source is walked independently.
    reverse : bool
        Walk along in-edges instead of out-edges.
    has_reverse_edge : bool
        Also report a tree edge when the walk goes back over it (label ``REVERSE`` = 1).
    has_nontree_edge : bool
        Also report edges to already visited nodes (label ``NONTREE`` = 2).
    return_labels : bool
        Return the labels beside the edges.

    Returns
    -------
    tuple of Tensor, or (tuple of Tensor, tuple of Tensor)
        The edge frontiers (frontier ``k`` holds the ``k``-th event of every source's walk),
        and when ``return_labels`` the matching labels (``FORWARD`` = 0 for tree edges).

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 0], [1, 2, 2]))
    >>> graphdl.dfs_labeled_edges_generator(g, 0, has_reverse_edge=True, has_nontree_edge=True)
    ((tensor([0]), tensor([1]), tensor([1]), tensor([0]), tensor([2])), (tensor([0]), tensor([0]), tensor([1]), tensor([1]), tensor([2])))
    """
    edges, labels = _dfs_frontiers(graph, source, reverse, has_reverse_edge, has_nontree_edge)
    if not return_labels:
        return _out(graph, edges)
    lab = tuple(torch.from_numpy(a).to(graph.device) for a in labels)
    return _out(graph, edges), lab
