"""Atomic convolution: radial-pooled neighbour features per atom type."""
from __future__ import annotations

import math
from typing import Any, Optional

import torch
from torch import nn

from ... import function as fn
from ...base import DGLError

__all__ = ["AtomicConv", "RadialPooling"]


class RadialPooling(nn.Module):
    r"""Radial filters of :class:`AtomicConv`, one per :math:`k`:

    .. math::

        f_k(r) = \exp\big(-\gamma_k (r - \mu_k)^2\big) \cdot
        \tfrac{1}{2}\big(\cos(\pi r / R_k) + 1\big)\,[r \le R_k]

    Parameters
    ----------
    interaction_cutoffs, rbf_kernel_means, rbf_kernel_scaling : torch.Tensor
        :math:`R_k`, :math:`\mu_k`, :math:`\gamma_k`, each of shape :math:`(K,)`; learnable.
    """

    def __init__(self, interaction_cutoffs: torch.Tensor, rbf_kernel_means: torch.Tensor,
                 rbf_kernel_scaling: torch.Tensor) -> None:
        super().__init__()
        self.interaction_cutoffs = nn.Parameter(interaction_cutoffs.reshape(-1, 1, 1).float())
        self.rbf_kernel_means = nn.Parameter(rbf_kernel_means.reshape(-1, 1, 1).float())
        self.rbf_kernel_scaling = nn.Parameter(rbf_kernel_scaling.reshape(-1, 1, 1).float())

    def forward(self, distances: torch.Tensor) -> torch.Tensor:
        """``distances`` :math:`(E, 1)` to filter values :math:`(K, E, 1)`."""
        rbf = torch.exp(-self.rbf_kernel_scaling * (distances - self.rbf_kernel_means) ** 2)
        cos = 0.5 * (torch.cos(math.pi * distances / self.interaction_cutoffs) + 1)
        return rbf * torch.where(distances <= self.interaction_cutoffs, cos, torch.zeros_like(cos))


class AtomicConv(nn.Module):
    r"""Atomic convolution (`Gomes et al., 2017 <https://arxiv.org/abs/1703.10603>`__).

    .. math::

        h_i' = \Big\Vert_{c=1}^{C} \Big\Vert_{k=1}^{K} \sum_{j \to i} x^{(c)}_j\, f_k(r_{ji})

    where :math:`x^{(c)}_j = [\text{feat}_j = t_c]` for the atom types ``features_to_use`` (or
    the raw feature when ``None``, :math:`C = 1`), and :math:`f_k` the radial filters of
    :class:`RadialPooling`. The output column is :math:`c K + k`.

    Parameters
    ----------
    interaction_cutoffs, rbf_kernel_means, rbf_kernel_scaling : torch.Tensor
        Shape :math:`(K,)` each; see :class:`RadialPooling`.
    features_to_use : torch.Tensor, optional
        Atom types :math:`t_c`, shape :math:`(C,)` (a fixed parameter).

    Shapes
    ------
    ``feat`` :math:`(N, 1)`; ``distances`` :math:`(E, 1)`; output :math:`(N, K C)`.

    Examples
    --------
    >>> conv = AtomicConv(torch.tensor([12., 12.]), torch.tensor([0., 2.]), torch.tensor([4., 4.]),
    ...                   features_to_use=torch.tensor([6., 8.]))
    >>> out = conv(g, atom_types, dist)
    """

    def __init__(self, interaction_cutoffs: torch.Tensor, rbf_kernel_means: torch.Tensor,
                 rbf_kernel_scaling: torch.Tensor, features_to_use: Optional[torch.Tensor] = None) -> None:
        super().__init__()
        self.radial_pooling = RadialPooling(interaction_cutoffs, rbf_kernel_means, rbf_kernel_scaling)
        if features_to_use is None:
            self.num_channels = 1
            self.features_to_use = None
        else:
            self.num_channels = len(features_to_use)
            self.features_to_use = nn.Parameter(features_to_use.float(), requires_grad=False)

    def forward(self, graph: Any, feat: torch.Tensor, distances: torch.Tensor) -> torch.Tensor:
        if distances.shape[0] != graph.num_edges():
            raise DGLError(f"distances has {distances.shape[0]} rows but the graph has {graph.num_edges()} edges.")
        filters = self.radial_pooling(distances.reshape(-1, 1)).to(feat)  # (K, E, 1)
        if self.features_to_use is not None:
            feat = (feat == self.features_to_use).to(feat)  # (N, C)
        with graph.local_scope():
            graph.ndata["hv"] = feat
            graph.edata["he"] = filters.squeeze(-1).transpose(0, 1)  # (E, K)
            graph.apply_edges(fn.copy_u("hv", "hv"))
            # outer product per edge: (E, C, K) flattened to C * K columns
            graph.edata["m"] = (graph.edata.pop("hv").unsqueeze(-1) * graph.edata["he"].unsqueeze(1)).flatten(1)
            graph.update_all(fn.copy_e("m", "m"), fn.sum("m", "h"))
            return graph.ndata["h"].view(graph.num_nodes(), -1)
