"""Message propagation in a traversal order (DGL's ``dgl.propagate``).

``prop_nodes`` runs ``pull`` on each node frontier in turn and ``prop_edges`` runs
``send_and_recv`` on each edge frontier, so that a frontier sees the features its
predecessors were given by earlier frontiers. The ``_bfs``, ``_topo`` and ``_dfs`` variants
take their frontiers from :mod:`graphdl.traversal`.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from . import traversal
from .base import DGLError

__all__ = ["prop_nodes", "prop_nodes_bfs", "prop_nodes_topo", "prop_edges", "prop_edges_dfs"]


def _check_funcs(message_func: Any, reduce_func: Any) -> None:
    for what, f in (("message_func", message_func), ("reduce_func", reduce_func)):
        if f is None or isinstance(f, str):
            raise DGLError(f"Propagation needs an explicit {what}, got {f!r}.")


def _apply(apply_node_func: Any) -> Optional[Callable]:
    return None if apply_node_func in (None, "default") else apply_node_func


def prop_nodes(graph: Any, nodes_generator: Iterable[Any], message_func: Any = "default",
               reduce_func: Any = "default", apply_node_func: Any = "default", etype: Any = None) -> None:
    """Pull messages into the node frontiers one after another.

    Parameters
    ----------
    graph : DGLGraph
        The graph; its node features are updated in place.
    nodes_generator : iterable of node id tensors or lists
        The frontiers, in the order they are pulled.
    message_func, reduce_func : callable or built-in function
        As in :meth:`DGLGraph.pull`.
    apply_node_func : callable, optional
        As in :meth:`DGLGraph.pull`.
    etype : str or tuple, optional
        The edge type to propagate along.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1], [1, 2]))
    >>> g.ndata["x"] = torch.ones(3, 1)
    >>> graphdl.prop_nodes(g, [[1], [2]], fn.copy_u("x", "m"), fn.sum("m", "x"))
    >>> g.ndata["x"].flatten()
    tensor([1., 1., 1.])
    """
    _check_funcs(message_func, reduce_func)
    for frontier in nodes_generator:
        graph.pull(frontier, message_func, reduce_func, _apply(apply_node_func), etype=etype)


def prop_edges(graph: Any, edges_generator: Iterable[Any], message_func: Any = "default",
               reduce_func: Any = "default", apply_node_func: Any = "default", etype: Any = None) -> None:
    """Send messages along the edge frontiers one after another.

    Parameters
    ----------
    graph : DGLGraph
        The graph; its node features are updated in place.
    edges_generator : iterable of edge id tensors or lists
        The frontiers, in the order they are sent.
    message_func, reduce_func : callable or built-in function
        As in :meth:`DGLGraph.send_and_recv`.
    apply_node_func : callable, optional
        As in :meth:`DGLGraph.send_and_recv`.
    etype : str or tuple, optional
        The edge type to propagate along.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1], [1, 2]))
    >>> g.ndata["x"] = torch.ones(3, 1)
    >>> graphdl.prop_edges(g, [[0], [1]], fn.copy_u("x", "m"), fn.sum("m", "x"))
    >>> g.ndata["x"].flatten()
    tensor([1., 1., 1.])
    """
    _check_funcs(message_func, reduce_func)
    for frontier in edges_generator:
        graph.send_and_recv(frontier, message_func, reduce_func, _apply(apply_node_func), etype=etype)


def prop_nodes_bfs(graph: Any, source: Any, message_func: Any, reduce_func: Any, reverse: bool = False,
                   apply_node_func: Any = None) -> None:
    """:func:`prop_nodes` over the frontiers of :func:`~graphdl.bfs_nodes_generator`.

    Parameters
    ----------
    graph : DGLGraph
        A graph with one node type and one edge type.
    source : int, list or Tensor
        The BFS source node(s).
    message_func, reduce_func : callable or built-in function
        As in :meth:`DGLGraph.pull`.
    reverse : bool
        Traverse along in-edges.
    apply_node_func : callable, optional
        As in :meth:`DGLGraph.pull`.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1], [1, 2]))
    >>> g.ndata["x"] = torch.ones(3, 1)
    >>> graphdl.prop_nodes_bfs(g, 0, fn.copy_u("x", "m"), fn.sum("m", "x"))
    """
    prop_nodes(graph, traversal.bfs_nodes_generator(graph, source, reverse), message_func, reduce_func,
               apply_node_func)


def prop_nodes_topo(graph: Any, message_func: Any, reduce_func: Any, reverse: bool = False,
                    apply_node_func: Any = None) -> None:
    """:func:`prop_nodes` over the frontiers of :func:`~graphdl.topological_nodes_generator`.

    Parameters
    ----------
    graph : DGLGraph
        A directed acyclic graph with one node type and one edge type.
    message_func, reduce_func : callable or built-in function
        As in :meth:`DGLGraph.pull`.
    reverse : bool
        Order by out-edges (sinks first).
    apply_node_func : callable, optional
        As in :meth:`DGLGraph.pull`.

    Examples
    --------
    >>> tree = graphdl.graph(([1, 2], [0, 0]))
    >>> tree.ndata["x"] = torch.tensor([[0.0], [1.0], [1.0]])
    >>> graphdl.prop_nodes_topo(tree, fn.copy_u("x", "m"), fn.sum("m", "x"))
    >>> tree.ndata["x"][0]
    tensor([2.])
    """
    prop_nodes(graph, traversal.topological_nodes_generator(graph, reverse), message_func, reduce_func,
               apply_node_func)


def prop_edges_dfs(graph: Any, source: Any, message_func: Any, reduce_func: Any, reverse: bool = False,
                   has_reverse_edge: bool = False, has_nontree_edge: bool = False,
                   apply_node_func: Any = None) -> None:
    """:func:`prop_edges` over the frontiers of :func:`~graphdl.dfs_labeled_edges_generator`.

    Parameters
    ----------
    graph : DGLGraph
        A graph with one node type and one edge type.
    source : int, list or Tensor
        The DFS source node(s).
    message_func, reduce_func : callable or built-in function
        As in :meth:`DGLGraph.send_and_recv`.
    reverse : bool
        Traverse along in-edges.
    has_reverse_edge, has_nontree_edge : bool
        Also send along tree edges when the walk returns over them / along non-tree edges.
    apply_node_func : callable, optional
        As in :meth:`DGLGraph.send_and_recv`.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1], [1, 2]))
    >>> g.ndata["x"] = torch.ones(3, 1)
    >>> graphdl.prop_edges_dfs(g, 0, fn.copy_u("x", "m"), fn.sum("m", "x"))
    """
    frontiers = traversal.dfs_labeled_edges_generator(graph, source, reverse, has_reverse_edge, has_nontree_edge,
                                                      return_labels=False)
    prop_edges(graph, frontiers, message_func, reduce_func, apply_node_func)
