"""Group each node's neighbours by a tag: ``sort_csr_by_tag`` and ``sort_csc_by_tag``.

For every row of the CSR (out-edges; CSC: in-edges) the edges are ordered by tag, stably,
and the per-row tag boundaries are stored as node data ``tag_offset_name`` of shape
``(num_rows, num_tags + 1)``: the edges of row ``r`` with tag ``t`` are positions
``offset[r, t]`` to ``offset[r, t + 1]`` of that row in tag order. The tag of an edge is the
tag of its other end (``tag_type='node'``) or its own (``tag_type='edge'``); tags are
``0 .. num_tags - 1`` with ``num_tags = tag.max() + 1``.

The returned graph has the same edges, edge ids and features as the input; only its CSR
(CSC) is reordered, so ``adj_tensors('csr')`` and ``adj_external(scipy_fmt='csr')`` list each
row's edges in tag order. The per-edge tags are kept beside it (see :func:`tag_sorted_rows`)
for :func:`graphdl.sampling.sample_neighbors_biased`.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch

from ..base import DGLError

__all__ = ["sort_csr_by_tag", "sort_csc_by_tag"]

# graph attribute holding {(direction, tag_offset_name): per-edge tags indexed by edge id}
_ATTR = "_tag_sorted_edge_tags"


def _sort_by_tag(g: Any, tag: Any, tag_offset_name: str, tag_type: str, direction: str) -> Any:
    if len(g.canonical_etypes) != 1:
        raise DGLError(f"sort_{direction}_by_tag needs a graph with one edge type, got {g.canonical_etypes}.")
    if tag_type not in ("node", "edge"):
        raise DGLError(f"tag_type must be 'node' or 'edge', got {tag_type!r}.")
    tag = torch.as_tensor(tag)
    if tag.is_floating_point() or tag.dtype == torch.bool or tag.dim() != 1:
        raise DGLError(f"tag must be a 1-D integer tensor, got dtype {tag.dtype} and shape {tuple(tag.shape)}.")
    src, dst = g.edges()
    rows, others = (src, dst) if direction == "csr" else (dst, src)
    num_rows = g.num_src_nodes() if direction == "csr" else g.num_dst_nodes()
    num_other = g.num_dst_nodes() if direction == "csr" else g.num_src_nodes()
    expected = num_other if tag_type == "node" else g.num_edges()
    if tag.shape[0] != expected:
        raise DGLError(f"tag_type={tag_type!r} needs {expected} tags, got {tag.shape[0]}.")
    tag = tag.long().cpu()
    if tag.numel() and int(tag.min()) < 0:
        raise DGLError("Tags must be non-negative.")
    edge_tag = tag[others.long().cpu()] if tag_type == "node" else tag
    num_tags = int(tag.max()) + 1 if tag.numel() else 0
    counts = torch.zeros(num_rows * num_tags, dtype=torch.int64)
    counts.index_add_(0, rows.long().cpu() * num_tags + edge_tag, torch.ones_like(edge_tag))
    offsets = torch.zeros(num_rows, num_tags + 1, dtype=torch.int64)
    torch.cumsum(counts.view(num_rows, num_tags), 1, out=offsets[:, 1:])
    # the compressed rows themselves, each row's edges stably ordered by tag
    perm = torch.sort(rows.long().cpu() * max(num_tags, 1) + edge_tag, stable=True)[1]
    row_ptr = torch.zeros(num_rows + 1, dtype=torch.int64)
    torch.cumsum(torch.bincount(rows.long().cpu(), minlength=num_rows), 0, out=row_ptr[1:])
    idtype, device = g.idtype, g.device
    compressed = (row_ptr.to(device=device, dtype=idtype), others[perm.to(others.device)],
                  perm.to(device=device, dtype=idtype))
    out = g.clone()
    out._adjs = [g._adjs[0].with_row_order(direction, compressed)]
    if direction == "csr":
        out.srcdata[tag_offset_name] = offsets.to(g.device)
    else:
        out.dstdata[tag_offset_name] = offsets.to(g.device)
    tags: Dict[Tuple[str, str], torch.Tensor] = dict(getattr(g, _ATTR, {}) or {})
    tags[(direction, tag_offset_name)] = edge_tag
    setattr(out, _ATTR, tags)
    return out


def tag_sorted_rows(g: Any, direction: str, tag_offset_name: str) -> Optional[torch.Tensor]:
    """The per-edge tags recorded by ``sort_{direction}_by_tag`` (``None`` when absent)."""
    return (getattr(g, _ATTR, None) or {}).get((direction, tag_offset_name))


def sort_csr_by_tag(g: Any, tag: Any, tag_offset_name: str = "_TAG_OFFSET", tag_type: str = "node") -> Any:
    """Order each node's out-edges by tag and record the tag boundaries.

    Parameters
    ----------
    g : DGLGraph
        A graph with one edge type.
    tag : Tensor
        Integer tags of the destination nodes (``tag_type='node'``) or of the edges.
    tag_offset_name : str
        The source-node feature that receives the offsets, shape ``(N, num_tags + 1)``.
    tag_type : str
        ``'node'`` or ``'edge'``.

    Returns
    -------
    DGLGraph
        A copy of ``g`` with ``srcdata[tag_offset_name]``.

    Examples
    --------
    >>> g = graphdl.graph(([0, 0, 0, 1], [0, 1, 2, 0]))
    >>> graphdl.sort_csr_by_tag(g, torch.tensor([1, 0, 1])).ndata["_TAG_OFFSET"]
    tensor([[0, 1, 3],
            [0, 0, 1],
            [0, 0, 0]])
    """
    return _sort_by_tag(g, tag, tag_offset_name, tag_type, "csr")


def sort_csc_by_tag(g: Any, tag: Any, tag_offset_name: str = "_TAG_OFFSET", tag_type: str = "node") -> Any:
    """Order each node's in-edges by tag and record the tag boundaries.

    Parameters
    ----------
    g : DGLGraph
        A graph with one edge type.
    tag : Tensor
        Integer tags of the source nodes (``tag_type='node'``) or of the edges.
    tag_offset_name : str
        The destination-node feature that receives the offsets, shape ``(N, num_tags + 1)``.
    tag_type : str
        ``'node'`` or ``'edge'``.

    Returns
    -------
    DGLGraph
        A copy of ``g`` with ``dstdata[tag_offset_name]``.

    Examples
    --------
    >>> g = graphdl.graph(([0, 1, 2, 0], [0, 0, 0, 1]))
    >>> graphdl.sort_csc_by_tag(g, torch.tensor([1, 0, 1])).ndata["_TAG_OFFSET"]
    tensor([[0, 1, 3],
            [0, 0, 1],
            [0, 0, 0]])
    """
    return _sort_by_tag(g, tag, tag_offset_name, tag_type, "csc")
