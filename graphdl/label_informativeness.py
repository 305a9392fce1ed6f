"""Label informativeness of a node-labelled graph (Platonov et al., 2022).

An edge :math:`(\\xi, \\eta)` of the simple bidirected graph is drawn at random; label
informativeness is the mutual information of the two end labels normalised by the entropy
of :math:`y_\\xi`:

.. math::
    \\mathrm{LI} = -\\frac{\\sum_{c_1, c_2} p(c_1, c_2)\\log\\frac{p(c_1, c_2)}{p_\\xi(c_1) p_\\eta(c_2)}}
    {\\sum_c p_\\xi(c) \\log p_\\xi(c)}

with :math:`p_\\eta(c) = \\sum_{v \\in C_c} d(v) / 2|E|`. The edge variant draws edges uniformly
(so :math:`p_\\xi = p_\\eta` and :math:`\\mathrm{LI} = 2 - H(p) / H(p_\\eta)`); the node variant
draws :math:`\\xi` uniformly among nodes with neighbours, then one of its neighbours, and
takes :math:`p_\\xi(c) = |C_c| / |V|`. ``eps`` is added to every cell of :math:`p(c_1, c_2)`
so that empty cells have a finite logarithm.
"""
from __future__ import annotations

from typing import Any

import torch

from .base import DGLError
from .homophily import _edges_and_labels
from .transforms.functional import to_bidirected

__all__ = ["edge_label_informativeness", "node_label_informativeness"]


def _informativeness(graph: Any, y: Any, eps: float, node_weighted: bool) -> float:
    _edges_and_labels(graph, y)
    bg = to_bidirected(graph)
    src, dst, y = _edges_and_labels(bg, y)
    if src.numel() == 0:
        raise DGLError("Label informativeness is undefined for a graph without edges.")
    num_classes = int(y.max().item()) + 1
    deg = torch.bincount(dst, minlength=bg.num_nodes()).double()
    # p_eta: classes weighted by degree (the end of a uniformly drawn edge)
    p_eta = torch.zeros(num_classes, dtype=torch.float64).index_add_(0, y, deg)
    p_eta = p_eta / p_eta.sum()
    if node_weighted:
        # xi drawn uniformly among nodes with neighbours, eta among xi's neighbours
        w = 1.0 / ((deg > 0).sum() * deg[src])
        p_xi = torch.bincount(y, minlength=num_classes).double() / y.shape[0]
    else:
        w = torch.full((src.shape[0],), 1.0 / src.shape[0], dtype=torch.float64)
        p_xi = p_eta
    joint = torch.zeros(num_classes * num_classes, dtype=torch.float64)
    joint.index_add_(0, y[src] * num_classes + y[dst], w)
    joint = joint.view(num_classes, num_classes) + eps
    outer = p_xi[:, None] * p_eta[None, :]
    mutual = (joint * torch.log(joint / outer.clamp(min=eps))).sum()
    entropy = torch.xlogy(p_xi, p_xi).sum()  # 0 log 0 = 0 for an empty class
    return (-mutual / entropy).item()


def edge_label_informativeness(graph: Any, y: Any, eps: float = 1e-8) -> float:
    """Label informativeness with edges drawn uniformly.

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous graph; it is made simple and bidirected first.
    y : Tensor
        Node labels of shape ``(|V|,)``.
    eps : float
        Added inside logarithms and to denominators.

    Returns
    -------
    float
        The edge label informativeness.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2, 3], [1, 2, 0, 4]))
    >>> y = torch.tensor([0, 0, 0, 0, 1])
    >>> round(graphdl.edge_label_informativeness(g, y), 3)
    1.0
    """
    return _informativeness(graph, y, eps, node_weighted=False)


def node_label_informativeness(graph: Any, y: Any, eps: float = 1e-8) -> float:
    """Label informativeness with a node drawn uniformly, then one of its neighbours.

    Parameters
    ----------
    graph : DGLGraph
        A homogeneous graph; it is made simple and bidirected first.
    y : Tensor
        Node labels of shape ``(|V|,)``.
    eps : float
        Added inside logarithms and to denominators.

    Returns
    -------
    float
        The node label informativeness.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2, 3], [1, 2, 0, 4]))
    >>> y = torch.tensor([0, 0, 0, 0, 1])
    >>> round(graphdl.node_label_informativeness(g, y), 3)
    1.0
    """
    return _informativeness(graph, y, eps, node_weighted=True)
