"""Gated graph convolution (GRU node updates)."""
from __future__ import annotations

from typing import Any, Optional

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError

__all__ = ["GatedGraphConv"]


class GatedGraphConv(nn.Module):
    r"""Gated graph sequence layer (`Li et al., ICLR 2016 <https://arxiv.org/abs/1511.05493>`__).

    .. math::

        h_i^{0} = [x_i \Vert 0], \qquad
        a_i^{t} = \sum_{j \in \mathcal{N}(i)} W_{e_{ji}} h_j^{t} + b_{e_{ji}}, \qquad
        h_i^{t+1} = \mathrm{GRU}(a_i^{t}, h_i^{t})

    repeated ``n_steps`` times, with one linear map per edge type.

    Parameters
    ----------
    in_feats
        input size (at most ``out_feats``; the input is zero-padded).
    out_feats
        output size.
    n_steps
        number of steps.
    n_etypes
        number of edge types.
    bias
        give the linear maps and the GRU a bias (default ``True``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})`; ``etypes`` :math:`(E,)` (may be omitted when
    ``n_etypes == 1``); output :math:`(N, D_{out})`.

    Example
    -------
    >>> out = GatedGraphConv(4, 8, n_steps=2, n_etypes=3)(g, x, etypes)
    """

    def __init__(self, in_feats: int, out_feats: int, n_steps: int, n_etypes: int, bias: bool = True) -> None:
        super().__init__()
        if in_feats > out_feats:
            raise DGLError(f"GatedGraphConv needs in_feats <= out_feats, got {in_feats} > {out_feats}.")
        self._in_feats = in_feats
        self._out_feats = out_feats
        self._n_steps = n_steps
        self._n_etypes = n_etypes
        self.linears = nn.ModuleList([nn.Linear(out_feats, out_feats, bias=bias) for _ in range(n_etypes)])
        self.gru = nn.GRUCell(out_feats, out_feats, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        gain = nn.init.calculate_gain("relu")
        self.gru.reset_parameters()
        for linear in self.linears:
            nn.init.xavier_normal_(linear.weight, gain=gain)
            if linear.bias is not None:
                nn.init.zeros_(linear.bias)

    def forward(self, graph: Any, feat: torch.Tensor, etypes: Optional[torch.Tensor] = None) -> torch.Tensor:
        with graph.local_scope():
            if etypes is None:
                if self._n_etypes != 1:
                    raise DGLError(f"GatedGraphConv with n_etypes={self._n_etypes} needs the etypes argument.")
                etypes = torch.zeros(graph.num_edges(), dtype=torch.long, device=feat.device)
            etypes = torch.as_tensor(etypes, device=feat.device).long()
            if etypes.shape[0] != graph.num_edges():
                raise DGLError(f"etypes has {etypes.shape[0]} entries but the graph has {graph.num_edges()} edges.")
            if etypes.numel() and int(etypes.max()) >= self._n_etypes:
                raise DGLError(f"Edge type {int(etypes.max())} is out of range for n_etypes={self._n_etypes}.")
            pad = feat.new_zeros(feat.shape[0], self._out_feats - feat.shape[1])
            h = torch.cat([feat, pad], dim=-1)
            src = graph.edges()[0].long().to(feat.device)
            for _ in range(self._n_steps):
                if self._n_etypes == 1:
                    graph.ndata["h"] = self.linears[0](h)
                    graph.update_all(fn.copy_u("h", "m"), fn.sum("m", "a"))
                else:
                    msg = h.new_zeros(graph.num_edges(), self._out_feats)
                    for t, linear in enumerate(self.linears):
                        eids = torch.nonzero(etypes == t).squeeze(1)
                        if eids.numel():
                            msg = msg.index_copy(0, eids, linear(h)[src[eids]])
                    graph.edata["m"] = msg
                    graph.update_all(fn.copy_e("m", "m"), fn.sum("m", "a"))
                h = self.gru(graph.ndata.pop("a"), h)
            return h
