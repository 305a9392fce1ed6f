"""Chebyshev spectral graph convolution."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Union

import torch
from torch import nn
from torch.nn import functional as F

from ... import function as fn
from ...base import DGLError, dgl_warning

__all__ = ["ChebConv"]


def _graph_sizes(graph: Any) -> List[int]:
    try:
        return [int(n) for n in graph.batch_num_nodes()]
    except (AttributeError, DGLError):
        return [graph.num_nodes()]


class ChebConv(nn.Module):
    r"""Chebyshev spectral convolution (`Defferrard et al., NeurIPS 2016 <https://arxiv.org/abs/1606.09375>`__).

    .. math::

        Z^{0} = X, \quad Z^{1} = \tilde{L} X, \quad Z^{k} = 2 \tilde{L} Z^{k-1} - Z^{k-2}, \qquad
        H = \sigma\Big(\sum_{k=0}^{K-1} Z^{k} W_k + b\Big)

    with :math:`\tilde{L} = 2L/\lambda_{max} - I` and
    :math:`L = I - D^{-1/2} A D^{-1/2}` (in-degrees, clamped to 1).

    Parameters
    ----------
    in_feats
        input size.
    out_feats
        output size.
    k
        Chebyshev order :math:`K`.
    activation
        callable on the output (default ``torch.nn.functional.relu``).
    bias
        learn a bias (default ``True``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})`; ``lambda_max`` one float per graph of the batch (computed
    with scipy when ``None``); output :math:`(N, D_{out})`.

    Example
    -------
    >>> out = ChebConv(10, 4, k=3)(g, x, lambda_max=[2.0])
    """

    def __init__(
        self,
        in_feats: int,
        out_feats: int,
        k: int,
        activation: Optional[Callable[[torch.Tensor], torch.Tensor]] = F.relu,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self._k = k
        self._in_feats = in_feats
        self._out_feats = out_feats
        self.activation = activation
        self.linear = nn.Linear(k * in_feats, out_feats, bias)

    def reset_parameters(self) -> None:
        self.linear.reset_parameters()

    def forward(
        self, graph: Any, feat: torch.Tensor, lambda_max: Optional[Union[Sequence[float], torch.Tensor]] = None
    ) -> torch.Tensor:
        with graph.local_scope():
            d_invsqrt = graph.in_degrees().float().clamp(min=1).pow(-0.5).unsqueeze(-1).to(feat.device)

            def a_hat(x: torch.Tensor) -> torch.Tensor:
                graph.ndata["h"] = x * d_invsqrt
                graph.update_all(fn.copy_u("h", "m"), fn.sum("m", "h"))
                return graph.ndata.pop("h") * d_invsqrt

            sizes = _graph_sizes(graph)
            if lambda_max is None:
                dgl_warning("ChebConv got no lambda_max; using 2, the bound for a normalised Laplacian. "
                            "Pass the largest eigenvalue of each graph's Laplacian for the exact scaling.")
                lambda_max = [2.0] * len(sizes)
            lam = torch.as_tensor(lambda_max, dtype=feat.dtype, device=feat.device).reshape(-1)
            if lam.numel() != len(sizes):
                raise DGLError(f"lambda_max has {lam.numel()} values for a batch of {len(sizes)} graphs.")
            lam = torch.repeat_interleave(lam, torch.tensor(sizes, device=feat.device)).unsqueeze(-1)
            re_norm = 2.0 / lam
            x0 = feat
            terms = [x0]
            if self._k > 1:
                # L~ x = (2/lambda) (x - A_hat x) - x
                x1 = -re_norm * a_hat(x0) + x0 * (re_norm - 1)
                terms.append(x1)
                for _ in range(2, self._k):
                    x2 = -2 * re_norm * a_hat(x1) + x1 * 2 * (re_norm - 1) - x0
                    terms.append(x2)
                    x0, x1 = x1, x2
            h = self.linear(torch.cat(terms, dim=1))
            if self.activation is not None:
                h = self.activation(h)
            return h
