"""Between a batched graph's packed node rows and the padded ``(B, N_max, ...)`` layout that the
dense transformer layers take, and the attention mask for the padding."""
from __future__ import annotations

from typing import Any, Tuple

import torch

from ...base import DGLError

__all__ = ["to_dense_batch", "from_dense_batch", "attention_mask"]


def _sizes(graph: Any, device: torch.device) -> torch.Tensor:
    return torch.as_tensor(graph.batch_num_nodes(), device=device).long()


def to_dense_batch(graph: Any, feat: torch.Tensor, fill_value: float = 0.0) -> Tuple[torch.Tensor, torch.Tensor]:
    r"""Scatter the node rows of a batched graph into one padded tensor per graph.

    Parameters
    ----------
    graph : DGLGraph
        A batched graph (or a single graph, a batch of one).
    feat : torch.Tensor
        Node features :math:`(N, *)`, graph after graph as in the batch.
    fill_value : float
        Value of the padding rows (default ``0``).

    Returns
    -------
    dense : torch.Tensor
        :math:`(B, N_{max}, *)`.
    valid : torch.Tensor
        Boolean :math:`(B, N_{max})`, ``True`` for real nodes.

    Examples
    --------
    >>> x, valid = to_dense_batch(graphdl.batch([g1, g2]), feat)
    """
    if feat.shape[0] != graph.num_nodes():
        raise DGLError(f"feat has {feat.shape[0]} rows but the graph has {graph.num_nodes()} nodes.")
    sizes = _sizes(graph, feat.device)
    bsz = sizes.shape[0]
    n_max = int(sizes.max()) if bsz else 0
    valid = torch.arange(n_max, device=feat.device).unsqueeze(0) < sizes.unsqueeze(1)
    dense = feat.new_full((bsz, n_max) + tuple(feat.shape[1:]), fill_value)
    dense[valid] = feat
    return dense, valid


def from_dense_batch(graph: Any, dense: torch.Tensor) -> torch.Tensor:
    r"""The inverse of :func:`to_dense_batch`: the packed :math:`(N, *)` node rows.

    Parameters
    ----------
    graph : DGLGraph
        The batched graph that ``dense`` was made from.
    dense : torch.Tensor
        :math:`(B, N_{max}, *)`.

    Returns
    -------
    torch.Tensor
        :math:`(N, *)`.
    """
    sizes = _sizes(graph, dense.device)
    if dense.shape[0] != sizes.shape[0] or (sizes.numel() and dense.shape[1] < int(sizes.max())):
        raise DGLError(f"dense of shape {tuple(dense.shape)} does not fit graphs of sizes {sizes.tolist()}.")
    valid = torch.arange(dense.shape[1], device=dense.device).unsqueeze(0) < sizes.unsqueeze(1)
    return dense[valid]


def attention_mask(valid: torch.Tensor) -> torch.Tensor:
    r"""Boolean attention mask :math:`(B, N_{max}, N_{max})` for :class:`BiasedMHA` and
    :class:`GraphormerLayer`: ``True`` (not allowed) where a real node would attend to padding.

    Rows of padding nodes are left open so that no row is masked everywhere (a softmax over no
    entries has no value); their outputs are meaningless and :func:`from_dense_batch` drops them.
    For :class:`EGTLayer`'s additive mask use ``attention_mask(valid) * -1e9``.

    Parameters
    ----------
    valid : torch.Tensor
        Boolean :math:`(B, N_{max})` from :func:`to_dense_batch`.

    Returns
    -------
    torch.Tensor
        Boolean :math:`(B, N_{max}, N_{max})`.
    """
    valid = valid.to(torch.bool)
    return valid.unsqueeze(2) & ~valid.unsqueeze(1)
