"""Directional graph networks: PNA with aggregators along Laplacian eigenvector fields."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import torch
from torch import nn

from ...base import DGLError
from .pnaconv import _AGGREGATORS, _SCALERS, PNAConv, PNAConvTower, _aggregate

__all__ = ["DGNConv"]

_DIRECTIONAL = tuple(f"dir{k}-{kind}" for k in (1, 2, 3) for kind in ("av", "dx"))


def _directional(msg: torch.Tensor, h: torch.Tensor, eig: torch.Tensor, src: torch.Tensor, dst: torch.Tensor,
                 n: int, name: str) -> torch.Tensor:
    """``dir{k}-av`` or ``dir{k}-dx`` of the messages ``msg`` of edges ``src -> dst``."""
    k = int(name[3]) - 1
    if eig.shape[1] <= k:
        raise DGLError(f"Aggregator {name!r} needs at least {k + 1} eigenvector columns, got {eig.shape[1]}.")
    diff = eig[src, k] - eig[dst, k]
    total = torch.zeros(n, dtype=diff.dtype, device=diff.device).index_add_(0, dst, diff.abs())
    if name.endswith("av"):
        w = (diff.abs() / (total[dst] + 1e-30)).unsqueeze(-1)
        return torch.zeros_like(h).index_add_(0, dst, msg * w)
    w = (diff / (total[dst] + 1e-30)).unsqueeze(-1)
    weighted = torch.zeros_like(h).index_add_(0, dst, msg * w)
    w_sum = torch.zeros(n, 1, dtype=w.dtype, device=w.device).index_add_(0, dst, w)
    return (weighted - w_sum * h).abs()


class DGNConvTower(PNAConvTower):
    """One tower of :class:`DGNConv`: a PNA tower that also knows the directional aggregators."""

    layer_name = "DGNConv"

    def forward(self, graph: Any, node_feat: torch.Tensor, edge_feat: Optional[torch.Tensor] = None,
                eig_vec: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self._run(graph, node_feat, edge_feat, eig_vec)

    def _statistics(self, msg: torch.Tensor, node_feat: torch.Tensor, src: torch.Tensor, dst: torch.Tensor,
                    n: int, deg: torch.Tensor, eig_vec: Optional[torch.Tensor]) -> torch.Tensor:
        pieces: List[torch.Tensor] = []
        for name in self.aggregators:
            if name.startswith("dir"):
                pieces.append(_directional(msg, node_feat, eig_vec, src, dst, n, name))
            else:
                pieces.append(_aggregate(msg, dst, n, deg, [name]))
        return torch.cat(pieces, dim=1)


class DGNConv(PNAConv):
    r"""Directional graph network layer (`Beaini et al., ICML 2021 <https://arxiv.org/abs/2010.02863>`__).

    :class:`PNAConv` with six more aggregators along the field of the :math:`k`-th
    Laplacian eigenvector :math:`\phi_k` (:math:`k = 1, 2, 3`):

    .. math::

        w_{ji} = \frac{\phi_k(j) - \phi_k(i)}{\sum_{l \to i} |\phi_k(l) - \phi_k(i)| + 10^{-30}}, \qquad
        \text{dir}k\text{-av}: \sum_{j \to i} |w_{ji}|\, m_{ji}, \qquad
        \text{dir}k\text{-dx}: \Big|\sum_{j \to i} w_{ji}\, m_{ji} - h_i \sum_{j \to i} w_{ji}\Big|

    Parameters
    ----------
    in_size, out_size, aggregators, scalers, delta, dropout, num_towers, edge_feat_size, residual
        As for :class:`PNAConv`; ``aggregators`` may also name ``dir1-av``, ``dir1-dx``, …,
        ``dir3-dx``.

    Shapes
    ------
    ``node_feat`` :math:`(N, D_{in})`; ``edge_feat`` :math:`(E, D_e)`; ``eig_vec``
    :math:`(N, \ge k)` (e.g. from :func:`graphdl.laplacian_pe`); output :math:`(N, D_{out})`.

    Examples
    --------
    >>> conv = DGNConv(8, 8, ['dir1-av', 'dir1-dx', 'sum'], ['identity', 'amplification'], 2.5)
    >>> out = conv(g, x, eig_vec=graphdl.laplacian_pe(g, 2))
    """

    def __init__(self, in_size: int, out_size: int, aggregators: Sequence[str], scalers: Sequence[str],
                 delta: float, dropout: float = 0.0, num_towers: int = 1, edge_feat_size: int = 0,
                 residual: bool = True) -> None:
        plain = [a for a in aggregators if a not in _DIRECTIONAL]
        for name in plain:
            if name not in _AGGREGATORS:
                raise DGLError(f"Unknown DGN aggregator {name!r}; choose from {list(_AGGREGATORS + _DIRECTIONAL)}.")
        for name in scalers:
            if name not in _SCALERS:
                raise DGLError(f"Unknown DGN scaler {name!r}; choose from {list(_SCALERS)}.")
        super().__init__(in_size, out_size, plain or ["sum"], scalers, delta, dropout, num_towers,
                         edge_feat_size, residual)
        self.towers = nn.ModuleList([
            DGNConvTower(self.tower_in_size, self.tower_out_size, aggregators, scalers, delta,
                         dropout=dropout, edge_feat_size=edge_feat_size)
            for _ in range(num_towers)
        ])
        self.use_eig_vec = any(a.startswith("dir") for a in aggregators)

    def forward(self, graph: Any, node_feat: torch.Tensor, edge_feat: Optional[torch.Tensor] = None,
                eig_vec: Optional[torch.Tensor] = None) -> torch.Tensor:
        if self.use_eig_vec and (eig_vec is None or eig_vec.shape[0] != graph.num_nodes()):
            raise DGLError("This DGNConv uses directional aggregators: pass eig_vec with one row per node.")
        return self._through_towers(graph, node_feat, edge_feat, eig_vec)
