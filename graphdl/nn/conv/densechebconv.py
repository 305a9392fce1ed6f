"""Chebyshev spectral convolution on a dense adjacency matrix."""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from ...base import DGLError

__all__ = ["DenseChebConv"]


class DenseChebConv(nn.Module):
    r"""Chebyshev graph convolution on a dense adjacency (`Defferrard et al., NeurIPS 2016
    <https://arxiv.org/abs/1606.09375>`__); :class:`ChebConv` for graphs given as a matrix.

    .. math::

        \hat L = \frac{2}{\lambda_{max}}\big(I - D^{-1/2} A D^{-1/2}\big) - I, \quad
        Z_0 = I,\ Z_1 = \hat L,\ Z_k = 2 \hat L Z_{k-1} - Z_{k-2}, \quad
        H' = \sum_{k=0}^{K-1} Z_k X W_k + b

    with :math:`D` the in-degrees clamped to at least one.

    Parameters
    ----------
    in_feats : int
        Input size.
    out_feats : int
        Output size.
    k : int
        Chebyshev order :math:`K`.
    bias : bool
        Learnable bias (default ``True``).

    Shapes
    ------
    ``adj`` :math:`(N, N)`; ``feat`` :math:`(N, D_{in})`; ``lambda_max`` a float or ``None``
    (then the largest real part of the Laplacian's eigenvalues); output :math:`(N, D_{out})`.

    Examples
    --------
    >>> out = DenseChebConv(5, 2, k=3)(adj, feat, lambda_max=2.0)
    """

    def __init__(self, in_feats: int, out_feats: int, k: int, bias: bool = True) -> None:
        super().__init__()
        self._in_feats = in_feats
        self._out_feats = out_feats
        self._k = k
        self.W = nn.Parameter(torch.empty(k, in_feats, out_feats))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_feats))
        else:
            self.register_buffer("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-normal weight per order (ReLU gain), zero bias."""
        if self.bias is not None:
            nn.init.zeros_(self.bias)
        for i in range(self._k):
            nn.init.xavier_normal_(self.W[i], nn.init.calculate_gain("relu"))

    def forward(self, adj: torch.Tensor, feat: torch.Tensor, lambda_max: Optional[float] = None) -> torch.Tensor:
        a = adj.to(feat)
        n = a.shape[0]
        if a.shape != (n, n) or feat.shape[0] != n:
            raise DGLError(f"adj must be square with one row per feature row, got {tuple(adj.shape)} "
                           f"and {tuple(feat.shape)}.")
        d = a.sum(dim=1).clamp(min=1).rsqrt()
        eye = torch.eye(n, dtype=a.dtype, device=a.device)
        lap = eye - d.unsqueeze(1) * a * d.unsqueeze(0)
        if lambda_max is None:
            lambda_max = torch.linalg.eigvals(lap).real.max()
        l_hat = 2 * lap / lambda_max - eye
        # Z_k X by the recurrence on X directly (no N x N powers)
        zx = [feat]
        if self._k > 1:
            zx.append(l_hat @ feat)
        for _ in range(2, self._k):
            zx.append(2 * (l_hat @ zx[-1]) - zx[-2])
        rst = sum(torch.matmul(z, w) for z, w in zip(zx, self.W))
        if self.bias is not None:
            rst = rst + self.bias
        return rst
