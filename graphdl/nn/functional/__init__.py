"""Functional forms used by the layers (``graphdl.nn.functional``)."""
from __future__ import annotations

from typing import Any

import torch

from ... import ops
from ...base import ALL

__all__ = ["edge_softmax"]


def edge_softmax(graph: Any, logits: torch.Tensor, eids: Any = ALL, norm_by: str = "dst") -> torch.Tensor:
    """Softmax of edge ``logits`` over the in-edges (``norm_by='dst'``) or out-edges of each node.

    Same as :func:`graphdl.ops.edge_softmax`.
    """
    return ops.edge_softmax(graph, logits, eids=eids, norm_by=norm_by)
