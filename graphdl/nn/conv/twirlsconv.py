"""TWIRLS: graph propagation as unfolded iterations of a (reweighted) least-squares energy."""
from __future__ import annotations

from typing import Any, Optional

import torch
import torch.nn.functional as F
from torch import nn

from ... import function as fn
from ...base import DGLError

__all__ = ["TWIRLSConv", "TWIRLSUnfoldingAndAttention"]


class _MLP(nn.Module):
    """``num_layers`` linear layers with (norm →) ReLU → dropout between them (and before the
    first one when ``init_activate``)."""

    def __init__(self, input_d: int, hidden_d: int, output_d: int, num_layers: int, dropout: float, norm: str,
                 init_activate: bool) -> None:
        super().__init__()
        if norm not in ("none", "batch", "layer"):
            raise DGLError(f"norm must be 'none', 'batch' or 'layer', got {norm!r}.")
        self.init_activate = init_activate
        self.norm = norm
        self.dropout = dropout
        sizes = [input_d] + [hidden_d] * (num_layers - 1) + [output_d] if num_layers > 0 else []
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
        self.norm_cnt = num_layers - 1 + int(init_activate)
        if norm == "batch":
            self.norms = nn.ModuleList([nn.BatchNorm1d(hidden_d) for _ in range(self.norm_cnt)])
        elif norm == "layer":
            self.norms = nn.ModuleList([nn.LayerNorm(hidden_d) for _ in range(self.norm_cnt)])
        self.reset_params()

    def reset_params(self) -> None:
        for layer in self.layers:
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)

    def _activate(self, x: torch.Tensor, idx: int) -> torch.Tensor:
        if self.norm != "none":
            x = self.norms[idx](x)
        return F.dropout(F.relu(x), self.dropout, training=self.training)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        idx = 0
        if self.init_activate:
            x = self._activate(x, idx)
            idx += 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i != len(self.layers) - 1:
                x = self._activate(x, idx)
                idx += 1
        return x


class TWIRLSUnfoldingAndAttention(nn.Module):
    r"""The propagation part of TWIRLS (`Yang et al., ICML 2021 <https://arxiv.org/abs/2103.06064>`__).

    Gradient steps on :math:`\lVert Y - X \rVert^2 + \lambda\, \operatorname{tr}(Y^\top L Y)`
    with edge weights :math:`w` (initially one) and :math:`\tilde D = \lambda D + (1 - \lambda) I`;
    preconditioned (``precond=True``):

    .. math::

        Y^{k+1} = (1 - \alpha) Y^k + \alpha\lambda\, \tilde D^{-1/2} W \tilde D^{-1/2} Y^k + \alpha \tilde D^{-1} X

    otherwise :math:`Y^{k+1} = (1 - \alpha\lambda - \alpha) Y^k + \alpha\lambda\, D^{-1/2} W D^{-1/2} Y^k + \alpha X`.
    After step ``attn_aft`` (and before the first one with ``init_att``) the weights are
    reweighted from the current :math:`Y` (scaled by :math:`\eta` with ``use_eta``):

    .. math::

        w_{ij} = 1 \big/ \operatorname{clip}\big((\max(\lVert y_i - y_j \rVert^2, 0) + 10^{-7})^{1 - p/2}, \tau, T\big) + 10^{-9}

    (values above :math:`T > 0` give :math:`w = 10^{-9}`), and :math:`D` becomes the weighted
    in-degree. :math:`\alpha` defaults to :math:`1 / (1 + \lambda)` when ``alp <= 0``.

    Parameters
    ----------
    d : int
        Feature size.
    alp : float
        Step size :math:`\alpha`.
    lam : float
        Regularisation :math:`\lambda`.
    prop_step : int
        Number of steps.
    attn_aft : int
        Reweight after this step, ``-1`` for never (default ``-1``).
    tau, T, p : float
        Reweighting parameters (defaults ``0.2``, ``-1``, ``1``).
    use_eta : bool
        Learn a per-feature scale :math:`\eta` for reweighting (default ``False``).
    init_att : bool
        Reweight before the first step (default ``False``).
    attn_dropout : float
        Dropout on the reweighted edge weights (default ``0``).
    precond : bool
        Preconditioned steps (default ``True``).

    Shapes
    ------
    ``X`` :math:`(N, d)`; output :math:`(N, d)`. The graph should have self-loops.

    Examples
    --------
    >>> out = TWIRLSUnfoldingAndAttention(8, 0.5, 1.0, prop_step=4)(g, x)
    """

    def __init__(self, d: int, alp: float, lam: float, prop_step: int, attn_aft: int = -1, tau: float = 0.2,
                 T: float = -1, p: float = 1, use_eta: bool = False, init_att: bool = False,
                 attn_dropout: float = 0.0, precond: bool = True) -> None:
        super().__init__()
        self.d = d
        self.alp = alp if alp > 0 else 1 / (lam + 1)
        self.lam = lam
        self.tau = tau
        self.T = T
        self.p = p
        self.prop_step = prop_step
        self.attn_aft = attn_aft
        self.use_eta = use_eta
        self.init_att = init_att
        self.attn_dropout = attn_dropout
        self.precond = precond
        self.etas = nn.Parameter(torch.ones(d)) if use_eta else None

    def _reweight(self, graph: Any, y: torch.Tensor) -> torch.Tensor:
        if self.etas is not None:
            y = y * self.etas.view(-1)
        src, dst = graph.edges()
        w = (y[src.long()] - y[dst.long()]).square().sum(-1, keepdim=True)
        w = torch.pow(F.relu(w) + 1e-7, 1 - 0.5 * self.p).clamp(min=self.tau)
        if self.T > 0:
            w = torch.where(w > self.T, torch.full_like(w, float("inf")), w)
        return 1 / w + 1e-9

    def _weighted_degree(self, graph: Any, w: torch.Tensor) -> torch.Tensor:
        graph.edata["w"] = w
        graph.update_all(fn.copy_e("w", "m"), fn.sum("m", "deg"))
        return graph.dstdata.pop("deg")

    def _ax(self, graph: Any, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        graph.srcdata["h"] = x
        graph.edata["w"] = w
        graph.update_all(fn.u_mul_e("h", "w", "m"), fn.sum("m", "h"))
        return graph.dstdata.pop("h")

    def forward(self, g: Any, X: torch.Tensor) -> torch.Tensor:
        with g.local_scope():
            w = torch.ones(g.num_edges(), 1, dtype=X.dtype, device=X.device)
            deg = g.in_degrees().to(X).unsqueeze(-1)
            y = X

            def reweight(y: torch.Tensor) -> tuple:
                w_new = self._reweight(g, y)
                deg_new = self._weighted_degree(g, w_new)
                return F.dropout(w_new, self.attn_dropout, training=self.training), deg_new

            if self.init_att:
                w, deg = reweight(y)
            alp, lam = self.alp, self.lam
            for k in range(self.prop_step):
                if self.precond:
                    d = (lam * deg + 1 - lam).pow(-0.5)
                    y = (1 - alp) * y + alp * lam * d * self._ax(g, d * y, w) + alp * (lam * deg + 1 - lam).pow(-1) * X
                else:
                    d = deg.pow(-0.5)
                    y = (1 - alp * lam - alp) * y + alp * lam * d * self._ax(g, d * y, w) + alp * X
                if k == self.attn_aft - 1:
                    w, deg = reweight(y)
            return y


class TWIRLSConv(nn.Module):
    r"""TWIRLS layer (`Yang et al., ICML 2021 <https://arxiv.org/abs/2103.06064>`__): an MLP, the
    unfolded propagation of :class:`TWIRLSUnfoldingAndAttention` on the graph with exactly one
    self-loop per node, and another MLP:

    .. math::

        H = \operatorname{MLP}_{aft}\big(\operatorname{Unfold}_{G + I}(\operatorname{MLP}_{bef}(X))\big)

    With ``attention`` the edges are reweighted after ``prop_step // 2`` steps.

    Parameters
    ----------
    input_d, output_d, hidden_d : int
        Input, output and hidden sizes.
    prop_step : int
        Propagation steps.
    num_mlp_before, num_mlp_after : int
        Layers of the two MLPs (defaults ``1``, ``1``).
    norm : str
        ``'none'``, ``'batch'`` or ``'layer'`` in the MLPs (default ``'none'``).
    precond : bool
        Preconditioned propagation (default ``True``).
    alp, lam : float
        Step size (``0``: :math:`1/(1+\lambda)`) and regularisation (defaults ``0``, ``1``).
    attention : bool
        Reweight the edges half way (default ``False``).
    tau, T, p : float
        Reweighting parameters (defaults ``0.2``, ``-1``, ``1``).
    use_eta : bool
        Learnable feature scale for reweighting (default ``False``).
    attn_bef : bool
        Also reweight before propagating (default ``False``).
    dropout, attn_dropout, inp_dropout : float
        Dropout in the MLPs, on the edge weights and on the input (default ``0``).

    Shapes
    ------
    ``feat`` :math:`(N, D_{in})`; output :math:`(N, D_{out})`.

    Examples
    --------
    >>> out = TWIRLSConv(10, 2, 128, prop_step=64)(g, x)
    """

    def __init__(self, input_d: int, output_d: int, hidden_d: int, prop_step: int, num_mlp_before: int = 1,
                 num_mlp_after: int = 1, norm: str = "none", precond: bool = True, alp: float = 0,
                 lam: float = 1, attention: bool = False, tau: float = 0.2, T: float = -1, p: float = 1,
                 use_eta: bool = False, attn_bef: bool = False, dropout: float = 0.0,
                 attn_dropout: float = 0.0, inp_dropout: float = 0.0) -> None:
        super().__init__()
        self.input_d, self.output_d, self.hidden_d = input_d, output_d, hidden_d
        self.prop_step = prop_step
        self.num_mlp_before, self.num_mlp_after = num_mlp_before, num_mlp_after
        self.norm = norm
        self.precond = precond
        self.attention = attention
        self.alp, self.lam, self.tau, self.T, self.p = alp, lam, tau, T, p
        self.use_eta = use_eta
        self.init_att = attn_bef
        self.dropout, self.attn_dropout, self.inp_dropout = dropout, attn_dropout, inp_dropout
        self.attn_aft = prop_step // 2 if attention else -1
        size_bef = output_d if num_mlp_after == 0 else hidden_d
        size_aft = input_d if num_mlp_before == 0 else hidden_d
        self.mlp_bef = _MLP(input_d, hidden_d, size_bef, num_mlp_before, dropout, norm, init_activate=False)
        self.unfolding = TWIRLSUnfoldingAndAttention(hidden_d, alp, lam, prop_step, self.attn_aft, tau, T, p,
                                                     use_eta, attn_bef, attn_dropout, precond)
        self.mlp_aft = _MLP(size_aft, hidden_d, output_d, num_mlp_after, dropout, norm,
                            init_activate=num_mlp_before > 0 and num_mlp_after > 0)

    def forward(self, graph: Any, feat: torch.Tensor) -> torch.Tensor:
        graph = graph.remove_self_loop().add_self_loop()
        x = feat
        if self.inp_dropout > 0:
            x = F.dropout(x, self.inp_dropout, training=self.training)
        x = self.unfolding(graph, self.mlp_bef(x))
        return self.mlp_aft(x)
