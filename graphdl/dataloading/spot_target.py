"""SpotTarget (Deng et al., 2023): keep low-degree target edges out of their own neighbourhood.

In link prediction a seed edge ``(u, v)`` is excluded from the message-flow graph of its
batch (with its reverse, by the ``exclude`` rule of
:func:`~graphdl.dataloading.find_exclude_eids`) only when

.. math::

    \\min(d_{in}(u), d_{in}(v)) < \\tau,

with :math:`\\tau` the degree threshold: edges at low-degree nodes are the ones whose presence
leaks the target, while excluding edges at high-degree nodes would only shift the degree
distribution away from the one seen at test time.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

import torch

from .._graph.ids import to_id_tensor
from ..base import DGLError
from .base import find_exclude_eids

__all__ = ["SpotTarget"]


class SpotTarget:
    """An ``exclude`` callable for :func:`~graphdl.dataloading.as_edge_prediction_sampler`.

    Parameters
    ----------
    g : DGLGraph
        The graph the seed edges come from, with one edge type (degrees are read from it).
    exclude : str
        How to exclude a low-degree seed edge: ``'self'``, ``'reverse_id'`` or ``'reverse_types'``.
    degree_threshold : int
        :math:`\\tau`: an edge is excluded when one of its ends has fewer in-edges.
    reverse_eids : Tensor or dict, optional
        For ``exclude='reverse_id'``.
    reverse_etypes : dict, optional
        For ``exclude='reverse_types'``.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2, 2, 3], [1, 2, 0, 1, 1]))
    >>> SpotTarget(g, "self", degree_threshold=1)(torch.tensor([0, 4]))  # node 3 has no in-edge
    tensor([4])
    """

    def __init__(self, g: Any, exclude: str, degree_threshold: int = 10, reverse_eids: Any = None,
                 reverse_etypes: Optional[Mapping[Any, Any]] = None) -> None:
        self.g = g
        self.exclude = exclude
        self.degree_threshold = degree_threshold
        self.reverse_eids = reverse_eids
        self.reverse_etypes = reverse_etypes

    def __call__(self, seed_edges: Any) -> Any:
        g = self.g
        if len(g.canonical_etypes) != 1 or isinstance(seed_edges, Mapping):
            raise DGLError("SpotTarget needs a graph with one edge type and a tensor of seed edge ids.")
        ids = to_id_tensor(seed_edges, g.idtype, g.device, "edge")
        src, dst = g.find_edges(ids)
        deg = torch.minimum(g.in_degrees(src), g.in_degrees(dst))
        low = ids[deg < self.degree_threshold]
        return find_exclude_eids(g, low, self.exclude, self.reverse_eids, self.reverse_etypes)
