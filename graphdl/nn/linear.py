"""Linear maps that depend on a node or edge type."""
from __future__ import annotations

import math
from typing import Dict, Hashable, Mapping, Optional

import torch
from torch import nn

from ..base import DGLError

__all__ = ["TypedLinear", "HeteroLinear", "HeteroEmbedding"]


class TypedLinear(nn.Module):
    r"""A linear map with one weight per type (`R-GCN <https://arxiv.org/abs/1703.06103>`__ style).

    .. math::

        y_i = x_i W_{t_i}

    ``regularizer='basis'`` writes each :math:`W_t = \sum_b a_{tb} V_b` over ``num_bases`` shared
    bases; ``'bdd'`` makes each :math:`W_t` block-diagonal with ``num_bases`` blocks.

    Parameters
    ----------
    in_size
        input size.
    out_size
        output size.
    num_types
        number of types.
    regularizer
        ``None`` (default), ``'basis'`` or ``'bdd'``.
    num_bases
        number of bases or blocks (required with a regularizer; for ``'bdd'`` it must
        divide both sizes).

    Shapes
    ------
    ``x`` :math:`(N, D_{in})`, ``x_type`` :math:`(N,)`; output :math:`(N, D_{out})`.

    Example
    -------
    >>> lin = TypedLinear(8, 4, num_types=3, regularizer='basis', num_bases=2)
    >>> y = lin(x, torch.randint(0, 3, (x.shape[0],)))
    """

    def __init__(
        self,
        in_size: int,
        out_size: int,
        num_types: int,
        regularizer: Optional[str] = None,
        num_bases: Optional[int] = None,
    ) -> None:
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.num_types = num_types
        self.regularizer = regularizer
        if regularizer is None:
            self.W = nn.Parameter(torch.empty(num_types, in_size, out_size))
        elif regularizer == "basis":
            if num_bases is None:
                raise DGLError("TypedLinear with regularizer='basis' needs num_bases.")
            self.W = nn.Parameter(torch.empty(num_bases, in_size, out_size))
            self.coeff = nn.Parameter(torch.empty(num_types, num_bases))
            self.num_bases = num_bases
        elif regularizer == "bdd":
            if num_bases is None:
                raise DGLError("TypedLinear with regularizer='bdd' needs num_bases.")
            if in_size % num_bases != 0 or out_size % num_bases != 0:
                raise DGLError(
                    f"With regularizer='bdd', num_bases={num_bases} must divide in_size={in_size} "
                    f"and out_size={out_size}."
                )
            self.submat_in = in_size // num_bases
            self.submat_out = out_size // num_bases
            self.W = nn.Parameter(torch.empty(num_types, num_bases * self.submat_in * self.submat_out))
            self.num_bases = num_bases
        else:
            raise DGLError(f"regularizer must be None, 'basis' or 'bdd', got {regularizer!r}.")
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.in_size)
        with torch.no_grad():
            nn.init.uniform_(self.W, -bound, bound)
            if self.regularizer == "basis":
                nn.init.xavier_uniform_(self.coeff, gain=nn.init.calculate_gain("relu"))

    def get_weight(self) -> torch.Tensor:
        """The per-type weights: :math:`(T, D_{in}, D_{out})`, or the packed blocks for ``'bdd'``."""
        if self.regularizer == "basis":
            bases = self.W.view(self.num_bases, self.in_size * self.out_size)
            return (self.coeff @ bases).view(self.num_types, self.in_size, self.out_size)
        return self.W

    def forward(self, x: torch.Tensor, x_type: torch.Tensor, sorted_by_type: bool = False) -> torch.Tensor:
        if x.shape[0] != x_type.shape[0]:
            raise DGLError(f"TypedLinear got {x.shape[0]} rows but {x_type.shape[0]} types.")
        if x.shape[-1] != self.in_size:
            raise DGLError(f"TypedLinear expects inputs of size {self.in_size}, got {x.shape[-1]}.")
        x_type = x_type.to(x.device).long()
        if x_type.numel() and (int(x_type.min()) < 0 or int(x_type.max()) >= self.num_types):
            raise DGLError(f"Type id {int(x_type.max())} is out of range for num_types={self.num_types}.")
        weight = self.get_weight()
        out = x.new_zeros(x.shape[0], self.out_size)
        # One dense product per type present: rows of a type share their weight.
        for t in torch.unique(x_type).tolist():
            rows = torch.nonzero(x_type == t).squeeze(1)
            xt = x[rows]
            if self.regularizer == "bdd":
                blocks = weight[t].view(self.num_bases, self.submat_in, self.submat_out)
                yt = torch.einsum("nbi,bio->nbo", xt.view(-1, self.num_bases, self.submat_in), blocks)
                yt = yt.reshape(-1, self.out_size)
            else:
                yt = xt @ weight[t]
            out = out.index_copy(0, rows, yt)
        return out

    def extra_repr(self) -> str:
        return (f"in_size={self.in_size}, out_size={self.out_size}, num_types={self.num_types}, "
                f"regularizer={self.regularizer}")


class HeteroLinear(nn.Module):
    r"""One ``nn.Linear`` per type, applied to a dict of features.

    .. math::

        y_t = x_t W_t + b_t

    Parameters
    ----------
    in_size
        input size per type, ``{type: size}``.
    out_size
        output size shared by all types.
    bias
        learn biases (default ``True``).

    Shapes
    ------
    ``feat`` ``{type: (N_t, in_size[type])}``; output ``{type: (N_t, out_size)}``.

    Example
    -------
    >>> lin = HeteroLinear({'user': 4, ('user', 'follows', 'user'): 3}, 2)
    """

    def __init__(self, in_size: Mapping[Hashable, int], out_size: int, bias: bool = True) -> None:
        super().__init__()
        self.linears = nn.ModuleDict({str(typ): nn.Linear(size, out_size, bias=bias) for typ, size in in_size.items()})

    def reset_parameters(self) -> None:
        for lin in self.linears.values():
            lin.reset_parameters()

    def forward(self, feat: Mapping[Hashable, torch.Tensor]) -> Dict[Hashable, torch.Tensor]:
        out = {}
        for typ, x in feat.items():
            key = str(typ)
            if key not in self.linears:
                raise DGLError(f"HeteroLinear has no linear map for type {typ!r}.")
            out[typ] = self.linears[key](x)
        return out


class HeteroEmbedding(nn.Module):
    r"""One ``nn.Embedding`` table per type.

    .. math::

        y_{t,i} = E_t[\mathrm{id}_i]

    Parameters
    ----------
    num_embeddings
        table size per type, ``{type: size}``.
    embedding_dim
        embedding size shared by all types.

    Shapes
    ------
    ``input_ids`` ``{type: (N_t,)}``; output ``{type: (N_t, embedding_dim)}``.

    Example
    -------
    >>> emb = HeteroEmbedding({'user': 10, 'item': 5}, 4)
    >>> out = emb({'user': torch.tensor([0, 3])})
    """

    def __init__(self, num_embeddings: Mapping[Hashable, int], embedding_dim: int) -> None:
        super().__init__()
        self.embeds = nn.ModuleDict({str(typ): nn.Embedding(n, embedding_dim) for typ, n in num_embeddings.items()})
        self.raw_keys = {str(typ): typ for typ in num_embeddings}

    def reset_parameters(self) -> None:
        for emb in self.embeds.values():
            emb.reset_parameters()

    @property
    def weight(self) -> Dict[Hashable, torch.Tensor]:
        """The tables keyed by the original type names."""
        return {self.raw_keys[key]: emb.weight for key, emb in self.embeds.items()}

    def forward(self, input_ids: Mapping[Hashable, torch.Tensor]) -> Dict[Hashable, torch.Tensor]:
        out = {}
        for typ, ids in input_ids.items():
            key = str(typ)
            if key not in self.embeds:
                raise DGLError(f"HeteroEmbedding has no table for type {typ!r}.")
            out[typ] = self.embeds[key](ids.long())
        return out
