"""Graph-level readout: reduce, normalise, broadcast and rank node/edge features per member graph.

All functions work on batched graphs (a single graph is a batch of one). Member ``b`` owns the
``batch_num_nodes()[b]`` consecutive nodes (``batch_num_edges()[b]`` edges) after those of members
``0..b-1``. Reductions over a member without nodes (edges) give zeros.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from .base import DGLError, dgl_warning

__all__ = [
    "readout_nodes",
    "readout_edges",
    "sum_nodes",
    "sum_edges",
    "mean_nodes",
    "mean_edges",
    "max_nodes",
    "max_edges",
    "min_nodes",
    "min_edges",
    "softmax_nodes",
    "softmax_edges",
    "broadcast_nodes",
    "broadcast_edges",
    "topk_nodes",
    "topk_edges",
]

_OPS = ("sum", "mean", "max", "min")


def _segments(counts: torch.Tensor, device: torch.device) -> torch.Tensor:
    counts = counts.to(device).long()
    return torch.repeat_interleave(torch.arange(counts.shape[0], device=device), counts)


def segment_reduce(counts: torch.Tensor, x: torch.Tensor, op: str) -> torch.Tensor:
    """Reduce consecutive row segments of ``x`` (lengths ``counts``) with ``op``.

    Empty segments give zeros.
    """
    if op not in _OPS:
        raise DGLError(f"Unknown readout op {op!r}; use one of {list(_OPS)}.")
    counts = counts.to(x.device).long()
    if int(counts.sum()) != x.shape[0]:
        raise DGLError(f"Feature has {x.shape[0]} rows but the graph has {int(counts.sum())} items.")
    bsz = counts.shape[0]
    seg = _segments(counts, x.device)
    out = x.new_zeros((bsz,) + tuple(x.shape[1:]))
    if op in ("sum", "mean"):
        out = out.index_add(0, seg, x)
        if op == "mean":
            denom = counts.clamp(min=1).to(out.dtype).reshape((bsz,) + (1,) * (x.dim() - 1))
            out = out / denom
        return out
    idx = seg.reshape((-1,) + (1,) * (x.dim() - 1)).expand_as(x)
    return out.scatter_reduce(0, idx, x, reduce="amax" if op == "max" else "amin", include_self=False)


def _node_feat(graph: Any, feat: str, ntype: Optional[str]) -> torch.Tensor:
    data = graph.nodes[ntype].data if ntype is not None else graph.ndata
    if feat not in data:
        raise DGLError(f"The graph has no node feature {feat!r}.")
    return data[feat]


def _edge_feat(graph: Any, feat: str, etype: Any) -> torch.Tensor:
    data = graph.edges[etype].data if etype is not None else graph.edata
    if feat not in data:
        raise DGLError(f"The graph has no edge feature {feat!r}.")
    return data[feat]


def _weighted(x: torch.Tensor, w: Optional[torch.Tensor]) -> torch.Tensor:
    if w is None:
        return x
    if w.shape[0] != x.shape[0]:
        raise DGLError(f"Weight has {w.shape[0]} rows but the feature has {x.shape[0]}.")
    w = w.reshape(w.shape + (1,) * max(0, x.dim() - w.dim()))
    return x * w


def readout_nodes(graph: Any, feat: str, weight: Optional[str] = None, *, op: str = "sum",
                  ntype: Optional[str] = None) -> torch.Tensor:
    """Per-graph ``op`` (sum, mean, max, min) of node feature ``feat``, optionally times ``weight``.

    Returns a tensor of shape ``(batch_size, *feat_shape)``. ``mean`` divides the (weighted) sum
    by the number of nodes.
    """
    x = _node_feat(graph, feat, ntype)
    w = _node_feat(graph, weight, ntype) if weight is not None else None
    return segment_reduce(graph.batch_num_nodes(ntype), _weighted(x, w), op)


def readout_edges(graph: Any, feat: str, weight: Optional[str] = None, *, op: str = "sum",
                  etype: Any = None) -> torch.Tensor:
    """Per-graph ``op`` (sum, mean, max, min) of edge feature ``feat``, optionally times ``weight``."""
    x = _edge_feat(graph, feat, etype)
    w = _edge_feat(graph, weight, etype) if weight is not None else None
    return segment_reduce(graph.batch_num_edges(etype), _weighted(x, w), op)


def sum_nodes(graph: Any, feat: str, weight: Optional[str] = None, *, ntype: Optional[str] = None) -> torch.Tensor:
    """Per-graph sum of node feature ``feat`` (see :func:`readout_nodes`)."""
    return readout_nodes(graph, feat, weight, op="sum", ntype=ntype)


def sum_edges(graph: Any, feat: str, weight: Optional[str] = None, *, etype: Any = None) -> torch.Tensor:
    """Per-graph sum of edge feature ``feat``."""
    return readout_edges(graph, feat, weight, op="sum", etype=etype)


def mean_nodes(graph: Any, feat: str, weight: Optional[str] = None, *, ntype: Optional[str] = None) -> torch.Tensor:
    """Per-graph mean of node feature ``feat``."""
    return readout_nodes(graph, feat, weight, op="mean", ntype=ntype)


def mean_edges(graph: Any, feat: str, weight: Optional[str] = None, *, etype: Any = None) -> torch.Tensor:
    """Per-graph mean of edge feature ``feat``."""
    return readout_edges(graph, feat, weight, op="mean", etype=etype)


def max_nodes(graph: Any, feat: str, weight: Optional[str] = None, *, ntype: Optional[str] = None) -> torch.Tensor:
    """Per-graph element-wise max of node feature ``feat``."""
    return readout_nodes(graph, feat, weight, op="max", ntype=ntype)


def max_edges(graph: Any, feat: str, weight: Optional[str] = None, *, etype: Any = None) -> torch.Tensor:
    """Per-graph element-wise max of edge feature ``feat``."""
    return readout_edges(graph, feat, weight, op="max", etype=etype)


def min_nodes(graph: Any, feat: str, weight: Optional[str] = None, *, ntype: Optional[str] = None) -> torch.Tensor:
    """Per-graph element-wise min of node feature ``feat``."""
    return readout_nodes(graph, feat, weight, op="min", ntype=ntype)


def min_edges(graph: Any, feat: str, weight: Optional[str] = None, *, etype: Any = None) -> torch.Tensor:
    """Per-graph element-wise min of edge feature ``feat``."""
    return readout_edges(graph, feat, weight, op="min", etype=etype)


def segment_softmax(counts: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Softmax over the rows of each consecutive segment of ``x``."""
    counts = counts.to(x.device).long()
    if int(counts.sum()) != x.shape[0]:
        raise DGLError(f"Feature has {x.shape[0]} rows but the graph has {int(counts.sum())} items.")
    seg = _segments(counts, x.device)
    mx = segment_reduce(counts, x.detach(), "max")
    e = torch.exp(x - mx[seg])
    den = x.new_zeros((counts.shape[0],) + tuple(x.shape[1:])).index_add(0, seg, e)
    return e / den[seg]


def softmax_nodes(graph: Any, feat: str, *, ntype: Optional[str] = None) -> torch.Tensor:
    """Softmax of node feature ``feat`` over the nodes of each graph; shape of the feature."""
    return segment_softmax(graph.batch_num_nodes(ntype), _node_feat(graph, feat, ntype))


def softmax_edges(graph: Any, feat: str, *, etype: Any = None) -> torch.Tensor:
    """Softmax of edge feature ``feat`` over the edges of each graph."""
    return segment_softmax(graph.batch_num_edges(etype), _edge_feat(graph, feat, etype))


def _broadcast(counts: torch.Tensor, graph_feat: torch.Tensor, bsz: int) -> torch.Tensor:
    if graph_feat.dim() == 0 or graph_feat.shape[0] != bsz:
        if bsz == 1:
            dgl_warning("graph_feat should have a leading batch dimension; adding one for a single graph.")
            graph_feat = graph_feat.unsqueeze(0)
        else:
            raise DGLError(
                f"graph_feat has leading size {graph_feat.shape[0] if graph_feat.dim() else 0} "
                f"but the batch has {bsz} graphs."
            )
    return torch.repeat_interleave(graph_feat, counts.to(graph_feat.device).long(), dim=0)


def broadcast_nodes(graph: Any, graph_feat: torch.Tensor, *, ntype: Optional[str] = None) -> torch.Tensor:
    """Copy row ``b`` of ``graph_feat`` (shape ``(B, *)``) to every node of graph ``b``."""
    return _broadcast(graph.batch_num_nodes(ntype), graph_feat, graph.batch_size)


def broadcast_edges(graph: Any, graph_feat: torch.Tensor, *, etype: Any = None) -> torch.Tensor:
    """Copy row ``b`` of ``graph_feat`` (shape ``(B, *)``) to every edge of graph ``b``."""
    return _broadcast(graph.batch_num_edges(etype), graph_feat, graph.batch_size)


def _pad_value(dtype: torch.dtype, descending: bool) -> float:
    if dtype.is_floating_point:
        return float("-inf") if descending else float("inf")
    info = torch.iinfo(dtype)
    return info.min if descending else info.max


def _topk(counts: torch.Tensor, x: torch.Tensor, k: int, descending: bool,
          sortby: Optional[int]) -> Tuple[torch.Tensor, torch.Tensor]:
    if x.dim() != 2:
        raise DGLError(f"topk expects a 2-D feature (N, D), got shape {tuple(x.shape)}.")
    k = int(k)
    if k <= 0:
        raise DGLError(f"k must be positive, got {k}.")
    if sortby is not None and not (-x.shape[1] <= sortby < x.shape[1]):
        raise DGLError(f"sortby={sortby} is out of range for features of size {x.shape[1]}.")
    counts = counts.to(x.device).long()
    bsz, dim = counts.shape[0], x.shape[1]
    width = max(k, int(counts.max()) if bsz else 0)
    pad = _pad_value(x.dtype, descending)
    seg = _segments(counts, x.device)
    starts = torch.cumsum(counts, 0) - counts
    pos = torch.arange(x.shape[0], device=x.device) - starts[seg]
    dense = x.new_full((bsz, width, dim), pad)
    dense[seg, pos] = x
    valid = torch.zeros((bsz, width), dtype=torch.bool, device=x.device)
    valid[seg, pos] = True
    if sortby is None:
        _, order = torch.sort(dense, dim=1, descending=descending, stable=True)
        idx = order[:, :k, :]
        vals = torch.gather(dense, 1, idx)
        ok = torch.gather(valid.unsqueeze(2).expand(-1, -1, dim), 1, idx)
    else:
        _, order = torch.sort(dense[:, :, sortby], dim=1, descending=descending, stable=True)
        idx = order[:, :k]
        vals = torch.gather(dense, 1, idx.unsqueeze(2).expand(-1, -1, dim))
        ok = torch.gather(valid, 1, idx).unsqueeze(2).expand(-1, -1, dim)
    vals = torch.where(ok, vals, torch.zeros_like(vals))
    return vals, idx


def topk_nodes(graph: Any, feat: str, k: int, *, descending: bool = True, sortby: Optional[int] = None,
               ntype: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-graph top-``k`` of node feature ``feat`` (shape ``(N, D)``).

    With ``sortby=None`` every feature column is ranked independently: returns values
    ``(B, k, D)`` and indices ``(B, k, D)``; otherwise whole rows are ranked by column ``sortby``
    and the indices have shape ``(B, k)``. Indices count from the first node of each graph.
    Graphs with fewer than ``k`` nodes are padded with zeros.
    """
    return _topk(graph.batch_num_nodes(ntype), _node_feat(graph, feat, ntype), k, descending, sortby)


def topk_edges(graph: Any, feat: str, k: int, *, descending: bool = True, sortby: Optional[int] = None,
               etype: Any = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-graph top-``k`` of edge feature ``feat`` (see :func:`topk_nodes`)."""
    return _topk(graph.batch_num_edges(etype), _edge_feat(graph, feat, etype), k, descending, sortby)
