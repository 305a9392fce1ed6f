"""Neighbour sampling biased by tag: ``sample_neighbors_biased``.

The graph must come from :func:`graphdl.sort_csc_by_tag` (``edge_dir='in'``) or
:func:`graphdl.sort_csr_by_tag` (``edge_dir='out'``). An edge whose tag is ``t`` is drawn
with probability proportional to ``bias[t]``; the draw is :func:`sample_neighbors` with
those per-edge weights, so an edge of weight 0 is never taken and without replacement a seed
keeps all its edges of non-zero weight when it has at most ``fanout`` of them.
"""
from __future__ import annotations

from typing import Any

import torch

from ..base import DGLError
from .neighbor import sample_neighbors
from ..transforms.tag_sort import tag_sorted_rows

__all__ = ["sample_neighbors_biased"]

_WEIGHT = "__graphdl_tag_bias__"


def sample_neighbors_biased(g: Any, nodes: Any, fanout: int, bias: Any, edge_dir: str = "in",
                            tag_offset_name: str = "_TAG_OFFSET", replace: bool = False,
                            copy_ndata: bool = True, copy_edata: bool = True, output_device: Any = None) -> Any:
    """Sample ``fanout`` neighbours of each seed with probabilities set by the neighbours' tags.

    Parameters
    ----------
    g : DGLGraph
        A graph with one edge type, sorted by :func:`~graphdl.sort_csc_by_tag` (in-edges) or
        :func:`~graphdl.sort_csr_by_tag` (out-edges) under ``tag_offset_name``.
    nodes : Tensor or list
        Seed node ids.
    fanout : int
        Edges per seed (``-1``: every edge of non-zero bias).
    bias : Tensor
        Non-negative weight of each tag, shape ``(num_tags,)``.
    edge_dir : str
        ``'in'`` or ``'out'``.
    tag_offset_name : str
        The node feature the sort wrote.
    replace : bool
        Sample with replacement.
    copy_ndata, copy_edata : bool
        Carry node features / the features of the picked edges.
    output_device : device, optional
        Device of the result.

    Returns
    -------
    DGLGraph
        The frontier: every node of ``g``, the sampled edges, with ``edata[EID]``.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2, 0], [3, 3, 3, 1]))
    >>> g = graphdl.sort_csc_by_tag(g, torch.tensor([0, 1, 1, 0]))
    >>> sg = graphdl.sampling.sample_neighbors_biased(g, [3], 2, torch.tensor([0.0, 1.0]))
    >>> sorted(sg.edges()[0].tolist())
    [1, 2]
    """
    if edge_dir not in ("in", "out"):
        raise DGLError(f"edge_dir must be 'in' or 'out', got {edge_dir!r}.")
    direction = "csc" if edge_dir == "in" else "csr"
    edge_tag = tag_sorted_rows(g, direction, tag_offset_name)
    if edge_tag is None:
        needed = "sort_csc_by_tag" if edge_dir == "in" else "sort_csr_by_tag"
        raise DGLError(f"sample_neighbors_biased with edge_dir={edge_dir!r} needs a graph returned by "
                       f"graphdl.{needed}(g, tag, tag_offset_name={tag_offset_name!r}).")
    if not isinstance(fanout, int):
        raise DGLError(f"fanout must be an int, got {type(fanout).__name__}.")
    bias = torch.as_tensor(bias)
    if bias.dim() != 1 or not bias.is_floating_point():
        raise DGLError(f"bias must be a 1-D float tensor, got dtype {bias.dtype} and shape {tuple(bias.shape)}.")
    num_tags = int(edge_tag.max()) + 1 if edge_tag.numel() else 0
    if bias.shape[0] < num_tags:
        raise DGLError(f"bias has {bias.shape[0]} entries but the graph has {num_tags} tags.")
    if bool((bias < 0).any()):
        raise DGLError("bias must be non-negative.")
    with g.local_scope():
        g.edata[_WEIGHT] = bias.cpu().float()[edge_tag].to(g.device)
        sg = sample_neighbors(g, nodes, fanout, edge_dir=edge_dir, prob=_WEIGHT, replace=replace,
                              copy_ndata=copy_ndata, copy_edata=copy_edata, output_device=output_device)
    if _WEIGHT in sg.edata:
        del sg.edata[_WEIGHT]
    return sg
