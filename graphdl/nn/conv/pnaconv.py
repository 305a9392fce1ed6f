"""Principal neighbourhood aggregation (PNA)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import torch
from torch import nn

from ...base import DGLError

__all__ = ["PNAConv"]

_AGGREGATORS = ("mean", "sum", "max", "min", "std", "var", "moment3", "moment4", "moment5")
_SCALERS = ("identity", "amplification", "attenuation")


def _scatter(values: torch.Tensor, index: torch.Tensor, n: int, how: str) -> torch.Tensor:
    out = values.new_zeros((n,) + values.shape[1:])
    if how == "sum":
        return out.index_add(0, index, values)
    idx = index.view(-1, *([1] * (values.dim() - 1))).expand_as(values)
    return out.scatter_reduce(0, idx, values, "amax" if how == "max" else "amin", include_self=False)


def _aggregate(msg: torch.Tensor, dst: torch.Tensor, n: int, deg: torch.Tensor, names: Sequence[str]) -> torch.Tensor:
    """Concatenate the named neighbourhood statistics of ``msg`` grouped by ``dst``.

    With ``d`` the in-degree and ``mu = sum(x) / d``, ``var = sum((x - mu)^2) / d``,
    ``std = sqrt(var + 1e-30)`` and ``moment<k> = sign(m_k) |m_k|^(1/k)`` with
    ``m_k = sum((x - mu)^k) / d``, as DGL defines them.

    The centred statistics are computed from centred messages (two passes) in float64 and
    rounded back. The roots amplify a rounding residual ``r`` of a statistic whose true value
    is 0 into ``r^(1/k)``: a float32 residual of about ``1e-7 * x^3`` in the third moment of
    a node with two in-edges (whose third moment is exactly 0) becomes ``5e-3 * x`` under the
    cube root, and ``E[x^2] - E[x]^2`` leaves such residuals wherever the variance is small.
    In float64 the residual is about ``1e-16 * x^3``, its cube root ``5e-6 * x``, and it no
    longer depends on the summation order of one processor.
    """
    inv = (1.0 / deg.clamp(min=1)).unsqueeze(-1)
    cache: Dict[str, torch.Tensor] = {}

    def mean() -> torch.Tensor:
        if "mean" not in cache:
            cache["mean"] = _scatter(msg, dst, n, "sum") * inv
        return cache["mean"]

    def central(k: int) -> torch.Tensor:
        """``m_k`` in float64."""
        key = f"central{k}"
        if key not in cache:
            if "centred" not in cache:
                m64 = msg.double()
                mu = _scatter(m64, dst, n, "sum") * inv.double()
                cache["centred"] = m64 - mu[dst]
            cache[key] = _scatter(cache["centred"] ** k, dst, n, "sum") * inv.double()
        return cache[key]

    parts: List[torch.Tensor] = []
    for name in names:
        if name == "mean":
            parts.append(mean())
        elif name == "sum":
            parts.append(_scatter(msg, dst, n, "sum"))
        elif name in ("max", "min"):
            parts.append(_scatter(msg, dst, n, name))
        elif name == "var":
            parts.append(central(2).to(msg.dtype))
        elif name == "std":
            parts.append(torch.sqrt(central(2) + 1e-30).to(msg.dtype))
        else:
            k = int(name[-1])
            moment = central(k)
            rooted = torch.sign(moment) * torch.pow(moment.abs() + 1e-30, 1.0 / k)
            parts.append(rooted.to(msg.dtype) * (deg > 0).unsqueeze(-1).to(msg.dtype))
    return torch.cat(parts, dim=1)


class PNAConvTower(nn.Module):
    """One tower of :class:`PNAConv`: message MLP ``M``, aggregation, update MLP ``U``."""

    def __init__(
        self,
        in_size: int,
        out_size: int,
        aggregators: Sequence[str],
        scalers: Sequence[str],
        delta: float,
        dropout: float = 0.0,
        edge_feat_size: int = 0,
    ) -> None:
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.aggregators = list(aggregators)
        self.scalers = list(scalers)
        self.delta = delta
        self.edge_feat_size = edge_feat_size
        self.M = nn.Linear(2 * in_size + edge_feat_size, in_size)
        self.U = nn.Linear((len(self.aggregators) * len(self.scalers) + 1) * in_size, out_size)
        self.dropout = nn.Dropout(dropout)
        self.batchnorm = nn.BatchNorm1d(out_size)

    layer_name = "PNAConv"  # named in the error messages

    def forward(self, graph: Any, node_feat: torch.Tensor, edge_feat: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self._run(graph, node_feat, edge_feat, None)

    def _statistics(self, msg: torch.Tensor, node_feat: torch.Tensor, src: torch.Tensor, dst: torch.Tensor,
                    n: int, deg: torch.Tensor, eig_vec: Optional[torch.Tensor]) -> torch.Tensor:
        """The aggregators' results side by side, ``(n, len(aggregators) * in_size)``."""
        return _aggregate(msg, dst, n, deg, self.aggregators)

    def _run(self, graph: Any, node_feat: torch.Tensor, edge_feat: Optional[torch.Tensor],
             eig_vec: Optional[torch.Tensor]) -> torch.Tensor:
        """Messages, the aggregators (:meth:`_statistics`), the scalers, then ``U``, the graph-size
        normalisation, batch norm and dropout."""
        src, dst = graph.edges()
        src, dst = src.long().to(node_feat.device), dst.long().to(node_feat.device)
        n = graph.num_nodes()
        parts = [node_feat[src], node_feat[dst]]
        if self.edge_feat_size > 0:
            if edge_feat is None:
                raise DGLError(f"This {self.layer_name} was built with edge_feat_size > 0: pass edge_feat.")
            parts.append(edge_feat)
        msg = self.M(torch.cat(parts, dim=-1))
        deg = torch.bincount(dst, minlength=n).to(node_feat.dtype)
        h = self._statistics(msg, node_feat, src, dst, n, deg, eig_vec)
        log_deg = torch.log(deg + 1).unsqueeze(-1)
        scaled = []
        for scaler in self.scalers:
            if scaler == "identity":
                scaled.append(h)
            elif scaler == "amplification":
                scaled.append(h * (log_deg / self.delta))
            else:
                # zero-degree rows of h are zero; keep them zero instead of 0 * inf
                factor = torch.where(deg.unsqueeze(-1) > 0, self.delta / log_deg.clamp(min=1e-30), torch.zeros_like(log_deg))
                scaled.append(h * factor)
        h = self.U(torch.cat([node_feat] + scaled, dim=-1))
        sizes = [int(s) for s in graph.batch_num_nodes()]
        snorm = torch.cat([torch.full((s, 1), 1.0 / s, dtype=h.dtype, device=h.device) for s in sizes if s > 0])
        h = h * snorm.sqrt()
        return self.dropout(self.batchnorm(h))


class PNAConv(nn.Module):
    r"""Principal neighbourhood aggregation (`Corso et al., NeurIPS 2020 <https://arxiv.org/abs/2004.05718>`__).

    .. math::

        m_{ji} = M([h_j \Vert h_i \Vert e_{ji}]), \qquad
        h_i' = U\Big(h_i \,\Big\Vert \bigoplus_{s \in S} \bigoplus_{a \in A} s(d_i)\, a(\{m_{ji}\})\Big)

    per tower (each tower sees a slice of the features); the towers' outputs are concatenated,
    mixed by a linear layer with LeakyReLU, and added to the input when ``residual``. Scalers:
    identity, amplification :math:`\log(d+1)/\delta`, attenuation :math:`\delta/\log(d+1)`.

    Parameters
    ----------
    in_size
        input size.
    out_size
        output size.
    aggregators
        names among ``mean, sum, max, min, std, var, moment3, moment4, moment5``.
    scalers
        names among ``identity, amplification, attenuation``.
    delta
        the average of :math:`\log(d+1)` over the training graphs.
    dropout
        dropout in the towers (default ``0.``).
    num_towers
        number of towers; must divide both sizes (default ``1``).
    edge_feat_size
        edge feature size, ``0`` for none (default ``0``).
    residual
        add the input to the output when the sizes agree (default ``True``).

    Shapes
    ------
    ``node_feat`` :math:`(N, D_{in})`; ``edge_feat`` :math:`(E, D_e)`; output :math:`(N, D_{out})`.

    Example
    -------
    >>> conv = PNAConv(8, 8, ['mean', 'max'], ['identity', 'amplification'], delta=2.5)
    >>> out = conv(g, x)
    """

    def __init__(
        self,
        in_size: int,
        out_size: int,
        aggregators: Sequence[str],
        scalers: Sequence[str],
        delta: float,
        dropout: float = 0.0,
        num_towers: int = 1,
        edge_feat_size: int = 0,
        residual: bool = True,
    ) -> None:
        super().__init__()
        for name in aggregators:
            if name not in _AGGREGATORS:
                raise DGLError(f"Unknown PNA aggregator {name!r}; choose from {list(_AGGREGATORS)}.")
        for name in scalers:
            if name not in _SCALERS:
                raise DGLError(f"Unknown PNA scaler {name!r}; choose from {list(_SCALERS)}.")
        if in_size % num_towers or out_size % num_towers:
            raise DGLError(f"num_towers={num_towers} must divide in_size={in_size} and out_size={out_size}.")
        self.in_size = in_size
        self.out_size = out_size
        self.tower_in_size = in_size // num_towers
        self.tower_out_size = out_size // num_towers
        self.edge_feat_size = edge_feat_size
        self.residual = residual and in_size == out_size
        self.towers = nn.ModuleList(
            [
                PNAConvTower(self.tower_in_size, self.tower_out_size, aggregators, scalers, delta,
                             dropout=dropout, edge_feat_size=edge_feat_size)
                for _ in range(num_towers)
            ]
        )
        self.mixing_layer = nn.Sequential(nn.Linear(out_size, out_size), nn.LeakyReLU())

    def reset_parameters(self) -> None:
        for tower in self.towers:
            tower.M.reset_parameters()
            tower.U.reset_parameters()
            tower.batchnorm.reset_parameters()
        self.mixing_layer[0].reset_parameters()

    def forward(self, graph: Any, node_feat: torch.Tensor, edge_feat: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self._through_towers(graph, node_feat, edge_feat)

    def _through_towers(self, graph: Any, node_feat: torch.Tensor, *tower_args: Any) -> torch.Tensor:
        """Each tower on its slice of the features, then the mixing layer and the residual."""
        width = self.tower_in_size
        h = torch.cat(
            [tower(graph, node_feat[:, i * width:(i + 1) * width], *tower_args) for i, tower in enumerate(self.towers)],
            dim=1,
        )
        out = self.mixing_layer(h)
        if self.residual:
            out = out + node_feat
        return out
