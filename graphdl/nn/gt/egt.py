"""The Edge-augmented Graph Transformer layer: node and pairwise channels updated together."""
from __future__ import annotations

from typing import Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import nn

from ...base import DGLError

__all__ = ["EGTLayer"]


class EGTLayer(nn.Module):
    r"""EGT layer (`Hussain et al., KDD 2022 <https://arxiv.org/abs/2108.03348>`__).

    With :math:`\hat h = \operatorname{LN}(h)`, :math:`\hat e = \operatorname{LN}(e)` and per head
    :math:`k`:

    .. math::

        \hat A^k_{ij} = \operatorname{clip}_{[-5, 5]}(q^k_i \cdot k^k_j) + E^k \hat e_{ij}, \qquad
        G^k_{ij} = \sigma(G^k \hat e_{ij} + m_{ij}), \qquad
        \tilde A^k_{ij} = \operatorname{softmax}_j(\hat A^k_{ij} + m_{ij})\, G^k_{ij}

    .. math::

        \hat v^k_i = \log\Big(1 + \sum_j G^k_{ij}\Big) \sum_j \tilde A^k_{ij} v^k_j, \qquad
        h' = h + O_h\,\Vert_k \hat v^k, \qquad h'' = h' + \operatorname{FFN}_h(h')

    (the degree scaler is ``1`` for the first ``num_virtual_nodes`` nodes) and, with
    ``edge_update``, :math:`e' = e + O_e \hat A`, :math:`e'' = e' + \operatorname{FFN}_e(e')`.
    :math:`m` is an additive mask (``0`` where allowed, a large negative number elsewhere).
    The dot products are not scaled.

    Parameters
    ----------
    feat_size : int
        Node feature size; a multiple of ``num_heads``.
    edge_feat_size : int
        Pairwise (edge) feature size.
    num_heads : int
        Number of heads.
    num_virtual_nodes : int
        Number of leading virtual nodes, whose degree scaler is one.
    dropout : float
        Dropout on the node and edge outputs (default ``0``).
    attn_dropout : float
        Dropout on the attention weights (default ``0``).
    activation : torch.nn.Module
        Activation of the feed-forward blocks (default ``nn.ELU()``).
    edge_update : bool
        Also update and return the edge channel (default ``True``).

    Shapes
    ------
    ``nfeat`` :math:`(B, N, D)`; ``efeat`` :math:`(B, N, N, D_e)`; ``mask`` :math:`(B, N, N)`
    additive; output :math:`(B, N, D)` and, with ``edge_update``, :math:`(B, N, N, D_e)`.

    Examples
    --------
    >>> layer = EGTLayer(16, 8, num_heads=4, num_virtual_nodes=1)
    >>> h, e = layer(torch.rand(2, 5, 16), torch.rand(2, 5, 5, 8))
    """

    def __init__(self, feat_size: int, edge_feat_size: int, num_heads: int, num_virtual_nodes: int,
                 dropout: float = 0.0, attn_dropout: float = 0.0, activation: Optional[nn.Module] = None,
                 edge_update: bool = True) -> None:
        super().__init__()
        if feat_size % num_heads:
            raise DGLError(f"feat_size={feat_size} must be divisible by num_heads={num_heads}.")
        activation = nn.ELU() if activation is None else activation
        self.num_heads = num_heads
        self.num_virtual_nodes = num_virtual_nodes
        self.edge_update = edge_update
        self.dot_dim = feat_size // num_heads
        self.mha_ln_h = nn.LayerNorm(feat_size)
        self.mha_ln_e = nn.LayerNorm(edge_feat_size)
        self.edge_input = nn.Linear(edge_feat_size, num_heads)
        self.qkv_proj = nn.Linear(feat_size, feat_size * 3)
        self.gate = nn.Linear(edge_feat_size, num_heads)
        self.attn_dropout = nn.Dropout(attn_dropout)
        self.node_output = nn.Linear(feat_size, feat_size)
        self.mha_dropout_h = nn.Dropout(dropout)
        self.node_ffn = nn.Sequential(
            nn.LayerNorm(feat_size), nn.Linear(feat_size, feat_size), activation,
            nn.Linear(feat_size, feat_size), nn.Dropout(dropout),
        )
        if edge_update:
            self.edge_output = nn.Linear(num_heads, edge_feat_size)
            self.mha_dropout_e = nn.Dropout(dropout)
            self.edge_ffn = nn.Sequential(
                nn.LayerNorm(edge_feat_size), nn.Linear(edge_feat_size, edge_feat_size), activation,
                nn.Linear(edge_feat_size, edge_feat_size), nn.Dropout(dropout),
            )

    def forward(self, nfeat: torch.Tensor, efeat: torch.Tensor, mask: Optional[torch.Tensor] = None
                ) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        bsz, n, _ = nfeat.shape
        if efeat.shape[:3] != (bsz, n, n):
            raise DGLError(f"efeat must have shape ({bsz}, {n}, {n}, D_e), got {tuple(efeat.shape)}.")
        e_ln = self.mha_ln_e(efeat)
        qkv = self.qkv_proj(self.mha_ln_h(nfeat))
        e_bias = self.edge_input(e_ln)
        gates = self.gate(e_ln)
        # the 3 * D outputs are laid out as (3 * dot_dim, heads): heads vary fastest
        q, k, v = qkv.view(bsz, n, -1, self.num_heads).split(self.dot_dim, dim=2)
        attn_hat = torch.einsum("bldh,bmdh->blmh", q, k).clamp(-5, 5) + e_bias
        if mask is None:
            gates = torch.sigmoid(gates)
            attn = F.softmax(attn_hat, dim=2) * gates
        else:
            m = mask.unsqueeze(-1).to(attn_hat.dtype)
            gates = torch.sigmoid(gates + m)
            attn = F.softmax(attn_hat + m, dim=2) * gates
        v_attn = torch.einsum("blmh,bmkh->blkh", self.attn_dropout(attn), v)
        scalers = torch.log1p(gates.sum(dim=2, keepdim=True))
        if self.num_virtual_nodes > 0:
            virtual = torch.arange(n, device=nfeat.device).view(1, n, 1, 1) < self.num_virtual_nodes
            scalers = torch.where(virtual, torch.ones_like(scalers), scalers)
        v_attn = (v_attn * scalers).reshape(bsz, n, self.num_heads * self.dot_dim)
        h = nfeat + self.mha_dropout_h(self.node_output(v_attn))
        h = h + self.node_ffn(h)
        if not self.edge_update:
            return h
        e = efeat + self.mha_dropout_e(self.edge_output(attn_hat))
        e = e + self.edge_ffn(e)
        return h, e
