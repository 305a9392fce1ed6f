"""Edge-conditioned convolution (NNConv / MPNN)."""
from __future__ import annotations

from typing import Any, Callable, Tuple, Union

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError
from ..utils import add_residual_and_bias, expand_as_pair

__all__ = ["NNConv"]

# looked up when called, so that importing this module needs no kernels
_REDUCERS = {
    "sum": lambda msg, out: fn.sum(msg, out),
    "max": lambda msg, out: fn.max(msg, out),
    "mean": lambda msg, out: fn.mean(msg, out),
}


class NNConv(nn.Module):
    r"""Edge-conditioned convolution (`Gilmer et al., ICML 2017 <https://arxiv.org/abs/1704.01212>`__).

    .. math::

        h_i' = h_i W_{res} + \mathrm{aggregate}_{j \in \mathcal{N}(i)} \big(h_j \cdot f_\Theta(e_{ji})\big) + b

    where :math:`f_\Theta` maps each edge feature to an :math:`D_{in} \times D_{out}` matrix.

    Parameters
    ----------
    in_feats
        input size, or a pair.
    out_feats
        output size.
    edge_func
        module mapping edge features :math:`(E, *)` to :math:`(E, D_{in} D_{out})`.
    aggregator_type
        ``'mean'`` (default), ``'sum'`` or ``'max'``.
    residual
        add a residual connection (default ``False``).
    bias
        learn a bias (default ``True``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})` or a pair; ``efeat`` :math:`(E, *)`; output :math:`(N_{dst}, D_{out})`.

    Example
    -------
    >>> conv = NNConv(4, 2, torch.nn.Linear(3, 8), 'mean')
    >>> out = conv(g, x, e)
    """

    def __init__(
        self,
        in_feats: Union[int, Tuple[int, int]],
        out_feats: int,
        edge_func: Callable[[torch.Tensor], torch.Tensor],
        aggregator_type: str = "mean",
        residual: bool = False,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if aggregator_type not in _REDUCERS:
            raise DGLError(f"Invalid aggregator_type {aggregator_type!r}; must be one of {list(_REDUCERS)}.")
        self._in_src_feats, self._in_dst_feats = expand_as_pair(in_feats)
        self._out_feats = out_feats
        self.edge_func = edge_func
        self._aggre_type = aggregator_type
        add_residual_and_bias(self, self._in_dst_feats, out_feats, residual, bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        gain = nn.init.calculate_gain("relu")
        if self.bias is not None:
            nn.init.zeros_(self.bias)
        if isinstance(self.res_fc, nn.Linear):
            nn.init.xavier_normal_(self.res_fc.weight, gain=gain)

    def forward(self, graph: Any, feat: Any, efeat: torch.Tensor) -> torch.Tensor:
        with graph.local_scope():
            feat_src, feat_dst = expand_as_pair(feat, graph)
            weights = self.edge_func(efeat).view(-1, self._in_src_feats, self._out_feats)
            if weights.shape[0] != graph.num_edges():
                raise DGLError(f"efeat gives {weights.shape[0]} edge matrices for {graph.num_edges()} edges.")
            src = graph.edges()[0].long().to(feat_src.device)
            # one (1 x D_in) @ (D_in x D_out) product per edge
            graph.edata["m"] = torch.bmm(feat_src[src].unsqueeze(1), weights).squeeze(1)
            graph.update_all(fn.copy_e("m", "m"), _REDUCERS[self._aggre_type]("m", "neigh"))
            rst = graph.dstdata["neigh"]
            if self.res_fc is not None:
                rst = rst + self.res_fc(feat_dst)
            if self.bias is not None:
                rst = rst + self.bias
            return rst
