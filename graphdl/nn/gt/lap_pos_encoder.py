"""Laplacian positional encoding learned from eigenpairs (SAN / GraphGPS)."""
from __future__ import annotations

from typing import List

import torch
from torch import nn

from ...base import DGLError

__all__ = ["LapPosEncoder"]


def _mlp(in_dim: int, dim: int, num_layer: int) -> List[nn.Module]:
    """``num_layer`` ReLU linear layers from ``in_dim`` to ``dim`` through width ``2 * dim``."""
    if num_layer == 1:
        return [nn.Linear(in_dim, dim), nn.ReLU()]
    layers: List[nn.Module] = [nn.Linear(in_dim, 2 * dim), nn.ReLU()]
    for _ in range(num_layer - 2):
        layers += [nn.Linear(2 * dim, 2 * dim), nn.ReLU()]
    return layers + [nn.Linear(2 * dim, dim), nn.ReLU()]


class LapPosEncoder(nn.Module):
    r"""Learned Laplacian positional encoding (`Kreuzer et al., NeurIPS 2021
    <https://arxiv.org/abs/2106.03893>`__).

    Each node has :math:`k` pairs :math:`(u_{ij}, \lambda_j)` (its eigenvector entries and the
    eigenvalues); padded pairs are ``NaN``. With :math:`\rho` a linear map of the pairs followed
    by a Transformer encoder or a ReLU MLP (DeepSet):

    .. math::

        p_i = \operatorname{MLP}_{post}\Big(\sum_{j \text{ not padded}} \rho\big([u_{ij}, \lambda_j]\big)_j\Big)

    Parameters
    ----------
    model_type : str
        ``'Transformer'`` or ``'DeepSet'``.
    num_layer : int
        Number of Transformer layers, or of DeepSet linear layers.
    k : int
        Number of eigenpairs per node.
    dim : int
        Output size.
    n_head : int
        Transformer heads (default ``1``).
    batch_norm : bool
        Batch-normalise the raw pairs over the :math:`k` channels (default ``False``).
    num_post_layer : int
        Layers of the MLP after the sum, ``0`` for none (default ``0``).

    Shapes
    ------
    ``eigvals`` and ``eigvecs`` :math:`(N, k)` (as :func:`graphdl.lap_pe` with
    ``return_eigval=True, padding=True`` gives them); output :math:`(N, \text{dim})`.

    Examples
    --------
    >>> vecs, vals = graphdl.lap_pe(g, 3, padding=True, return_eigval=True)
    >>> pe = LapPosEncoder('DeepSet', 2, 3, 8)(vals.expand(g.num_nodes(), -1), vecs)
    """

    def __init__(self, model_type: str, num_layer: int, k: int, dim: int, n_head: int = 1,
                 batch_norm: bool = False, num_post_layer: int = 0) -> None:
        super().__init__()
        self.model_type = model_type
        self.linear = nn.Linear(2, dim)
        if model_type == "Transformer":
            layer = nn.TransformerEncoderLayer(d_model=dim, nhead=n_head, batch_first=True)
            self.pe_encoder = nn.TransformerEncoder(layer, num_layers=num_layer, enable_nested_tensor=False)
        elif model_type == "DeepSet":
            if num_layer == 1:
                layers: List[nn.Module] = [nn.ReLU()]
            else:
                self.linear = nn.Linear(2, 2 * dim)
                layers = [nn.ReLU()]
                for _ in range(num_layer - 2):
                    layers += [nn.Linear(2 * dim, 2 * dim), nn.ReLU()]
                layers += [nn.Linear(2 * dim, dim), nn.ReLU()]
            self.pe_encoder = nn.Sequential(*layers)
        else:
            raise DGLError(f"model_type {model_type!r} is not allowed, must be 'Transformer' or 'DeepSet'.")
        self.raw_norm = nn.BatchNorm1d(k) if batch_norm else None
        self.post_mlp = nn.Sequential(*_mlp(dim, dim, num_post_layer)) if num_post_layer > 0 else None

    def forward(self, eigvals: torch.Tensor, eigvecs: torch.Tensor) -> torch.Tensor:
        if eigvals.shape != eigvecs.shape or eigvals.dim() != 2:
            raise DGLError(f"eigvals and eigvecs must both be (N, k), got {tuple(eigvals.shape)} "
                           f"and {tuple(eigvecs.shape)}.")
        pairs = torch.stack((eigvecs, eigvals), dim=2).float()
        empty = torch.isnan(pairs)
        pairs = pairs.masked_fill(empty, 0.0)
        if self.raw_norm is not None:
            pairs = self.raw_norm(pairs)
        enc = self.linear(pairs)
        padded = empty[:, :, 1]
        if self.model_type == "Transformer":
            enc = self.pe_encoder(src=enc, src_key_padding_mask=padded)
        else:
            enc = self.pe_encoder(enc)
        enc = enc.masked_fill(padded.unsqueeze(-1), 0.0).sum(dim=1)
        if self.post_mlp is not None:
            enc = self.post_mlp(enc)
        return enc
