"""Homophily measures of a node-labelled graph (DGL's ``dgl.homophily``).

With :math:`\\mathcal{N}(v)` the predecessors of :math:`v`, :math:`C_k` the nodes of class
:math:`k` and :math:`C` the number of classes (``y.max() + 1``):

- node homophily: :math:`\\frac{1}{|V|}\\sum_v \\frac{|\\{u \\in \\mathcal{N}(v): y_u = y_v\\}|}{|\\mathcal{N}(v)|}`
  (a node without predecessors counts 0);
- edge homophily: the fraction of edges whose ends share a class;
- LINKX homophily: :math:`\\frac{1}{C-1}\\sum_k \\max(0, h_k - |C_k|/|V|)` with :math:`h_k` the
  fraction of same-class in-edges over all in-edges of class :math:`k` (0 for a class
  without in-edges);
- adjusted homophily: :math:`(h_{edge} - \\sum_k \\bar p(k)^2) / (1 - \\sum_k \\bar p(k)^2)` with
  :math:`\\bar p(k) = \\sum_{v \\in C_k} d(v) / 2|E|`, computed on the simple bidirected graph.

Each function returns a Python ``float``.
"""
from __future__ import annotations

from typing import Any, Tuple

import torch

from .base import DGLError
from .transforms.functional import to_bidirected

__all__ = ["node_homophily", "edge_homophily", "linkx_homophily", "adjusted_homophily"]


def _edges_and_labels(graph: Any, y: Any) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    y = torch.as_tensor(y)
    if y.dim() != 1 or y.shape[0] != graph.num_nodes():
        raise DGLError(f"Node labels must have shape ({graph.num_nodes()},), got {tuple(y.shape)}.")
    if y.is_floating_point() or y.dtype == torch.bool:
        raise DGLError(f"Node labels must be integer class ids, got dtype {y.dtype}.")
    src, dst = graph.edges()
    y = y.to(src.device).long()
    return src.long(), dst.long(), y


def node_homophily(graph: Any, y: Any) -> float:
    """Average over nodes of the fraction of predecessors sharing the node's class.

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous graph.
    y : Tensor
        Node labels of shape ``(|V|,)``.

    Returns
    -------
    float
        The node homophily.

    Examples
    --------
    >>> g = graphdl.graph(([1, 2, 0, 4], [0, 1, 2, 3]))
    >>> graphdl.node_homophily(g, torch.tensor([0, 0, 0, 0, 1]))
    0.6000000238418579
    """
    src, dst, y = _edges_and_labels(graph, y)
    n = graph.num_nodes()
    same = torch.zeros(n).index_add_(0, dst, (y[src] == y[dst]).float())
    deg = torch.zeros(n).index_add_(0, dst, torch.ones(dst.shape[0]))
    return (same / deg.clamp(min=1)).mean().item()


def edge_homophily(graph: Any, y: Any) -> float:
    """Fraction of edges joining two nodes of the same class.

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous graph.
    y : Tensor
        Node labels of shape ``(|V|,)``.

    Returns
    -------
    float
        The edge homophily.

    Examples
    --------
    >>> g = graphdl.graph(([1, 2, 0, 4], [0, 1, 2, 3]))
    >>> graphdl.edge_homophily(g, torch.tensor([0, 0, 0, 0, 1]))
    0.75
    """
    src, dst, y = _edges_and_labels(graph, y)
    if src.numel() == 0:
        raise DGLError("edge_homophily is undefined for a graph without edges.")
    return (y[src] == y[dst]).float().mean().item()


def linkx_homophily(graph: Any, y: Any) -> float:
    """Class-balanced homophily of LINKX (Lim et al., 2021).

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous graph.
    y : Tensor
        Node labels of shape ``(|V|,)``, with at least two classes.

    Returns
    -------
    float
        The LINKX homophily.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2, 3], [1, 2, 0, 4]))
    >>> round(graphdl.linkx_homophily(g, torch.tensor([0, 0, 0, 0, 1])), 4)
    0.2
    """
    src, dst, y = _edges_and_labels(graph, y)
    num_classes = int(y.max().item()) + 1 if y.numel() else 0
    if num_classes < 2:
        raise DGLError(f"linkx_homophily needs at least two classes, got {num_classes}.")
    same = torch.zeros(num_classes).index_add_(0, y[dst], (y[src] == y[dst]).float())
    total = torch.zeros(num_classes).index_add_(0, y[dst], torch.ones(dst.shape[0]))
    size = torch.bincount(y, minlength=num_classes).float()
    h = torch.where(total > 0, same / total.clamp(min=1), torch.zeros(()))
    value = (h - size / graph.num_nodes()).clamp(min=0).sum()
    return value.item() / (num_classes - 1)


def adjusted_homophily(graph: Any, y: Any) -> float:
    """Edge homophily corrected for the homophily expected from class degree totals.

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous graph; it is made simple and bidirected first.
    y : Tensor
        Node labels of shape ``(|V|,)``.

    Returns
    -------
    float
        The adjusted homophily (can be negative).

    Examples
    --------
    >>> g = graphdl.graph(([1, 2, 0, 4], [0, 1, 2, 3]))
    >>> round(graphdl.adjusted_homophily(g, torch.tensor([0, 0, 0, 0, 1])), 4)
    -0.1429
    """
    _edges_and_labels(graph, y)
    bg = to_bidirected(graph)
    src, dst, y = _edges_and_labels(bg, y)
    if src.numel() == 0:
        raise DGLError("adjusted_homophily is undefined for a graph without edges.")
    h_edge = (y[src] == y[dst]).float().mean()
    num_classes = int(y.max().item()) + 1
    deg = torch.zeros(num_classes).index_add_(0, y[dst], torch.ones(dst.shape[0]))
    expected = ((deg / dst.shape[0]) ** 2).sum()
    return ((h_edge - expected) / (1 - expected)).item()
