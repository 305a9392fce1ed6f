"""Input checks shared by the explainers: each names the problem in one line."""
from __future__ import annotations

import inspect
from typing import Any, Dict, Mapping

import torch

from ...base import DGLError


def accepts_keyword(model: Any, name: str) -> bool:
    """True when ``model.forward`` takes a keyword argument ``name`` (or ``**kwargs``)."""
    try:
        params = inspect.signature(model.forward).parameters.values()
    except (TypeError, ValueError):  # a compiled or C forward: trust the caller
        return True
    return any(p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def require_keyword(model: Any, name: str, explainer: str) -> None:
    if not accepts_keyword(model, name):
        raise DGLError(f"{explainer} needs a model whose forward accepts the keyword argument {name!r}; "
                       f"{type(model).__name__}.forward does not.")


def require_edges(graph: Any, explainer: str) -> None:
    if graph.num_edges() == 0:
        raise DGLError(f"{explainer} cannot explain a graph with no edges: there is no edge to mask.")


def node_id(graph: Any, node: Any, ntype: Any = None) -> int:
    """Check one node id against ``graph`` and return it as a Python int."""
    if isinstance(node, torch.Tensor):
        if node.numel() != 1:
            raise DGLError(f"Expected one node id, got a tensor of shape {tuple(node.shape)}.")
        node = node.item()
    n = graph.num_nodes(ntype) if ntype is not None else graph.num_nodes()
    if int(node) != node or not 0 <= int(node) < n:
        where = f" of type {ntype!r}" if ntype is not None else ""
        raise DGLError(f"Node id {node} is out of range: the graph has {n} nodes{where}.")
    return int(node)


def node_ids(graph: Any, nodes: Any) -> torch.Tensor:
    """Check a set of distinct node ids of a homogeneous graph; return them as int64."""
    ids = torch.as_tensor(nodes if not isinstance(nodes, int) else [nodes]).reshape(-1).to(torch.int64)
    if ids.numel() == 0:
        raise DGLError("No node ids given to explain.")
    n = graph.num_nodes()
    bad = ids[(ids < 0) | (ids >= n)]
    if bad.numel():
        raise DGLError(f"Node id {int(bad[0])} is out of range: the graph has {n} nodes.")
    if torch.unique(ids).numel() != ids.numel():
        raise DGLError("The node ids to explain must be distinct.")
    return ids


def feature_rows(graph: Any, feat: Any, ntype: Any = None) -> None:
    """``feat`` must hold one row per node (per node type for a dict)."""
    if isinstance(feat, Mapping):
        for nt, value in feat.items():
            if nt not in graph.ntypes:
                raise DGLError(f"Features given for node type {nt!r}, which the graph lacks ({graph.ntypes}).")
            feature_rows(graph, value, nt)
        return
    n = graph.num_nodes(ntype) if ntype is not None else graph.num_nodes()
    if not isinstance(feat, torch.Tensor) or feat.dim() == 0 or feat.shape[0] != n:
        shape = tuple(feat.shape) if isinstance(feat, torch.Tensor) else type(feat).__name__
        where = f" of type {ntype!r}" if ntype is not None else ""
        raise DGLError(f"The features have shape {shape} but the graph has {n} nodes{where}: one row per node.")


def edge_mask_length(graph: Any, mask: Any, etype: Any = None) -> torch.Tensor:
    """A user-supplied edge mask must have one entry per edge."""
    m = graph.num_edges(etype) if etype is not None else graph.num_edges()
    if not isinstance(mask, torch.Tensor) or mask.reshape(-1).numel() != m:
        got = mask.reshape(-1).numel() if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise DGLError(f"The edge mask has {got} entries but the graph has {m} edges"
                       f"{'' if etype is None else f' of type {etype}'}.")
    return mask.reshape(-1)


def by_canonical(graph: Any, masks: Mapping[Any, torch.Tensor]) -> Dict[Any, torch.Tensor]:
    return {graph.to_canonical_etype(k): v for k, v in masks.items()}


def reverse_edges(src: torch.Tensor, dst: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """For each edge ``(u, v)``, the id of an edge ``(v, u)``, or the edge's own id when there is none."""
    src, dst = src.long(), dst.long()
    key = src * num_nodes + dst
    order = torch.argsort(key)
    sorted_key = key[order]
    want = dst * num_nodes + src
    pos = torch.searchsorted(sorted_key, want).clamp(max=max(key.numel() - 1, 0))
    found = sorted_key[pos] == want
    own = torch.arange(key.numel(), device=key.device)
    return torch.where(found, order[pos], own)


def symmetrise(mask: torch.Tensor, reverse: torch.Tensor) -> torch.Tensor:
    """Average each edge's weight with its reverse edge's: an undirected edge gets one weight."""
    return (mask + mask[reverse]) / 2
