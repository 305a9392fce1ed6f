"""Helpers shared by the layers, and small utility modules.

* :func:`expand_as_pair` splits a layer input into source and destination features.
* :func:`check_zero_in_degree` raises the error layers give for nodes without in-edges.
* :class:`Identity`, :class:`Sequential`, :class:`JumpingKnowledge`, :class:`LabelPropagation`.
"""
from __future__ import annotations

import warnings
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import torch
from torch import nn

from .. import function as fn
from .._compat_torch import is_compiling
from ..base import DGLError

__all__ = [
    "expand_as_pair",
    "check_zero_in_degree",
    "as_edge_field",
    "Identity",
    "Sequential",
    "JumpingKnowledge",
    "LabelPropagation",
    "WeightBasis",
]

Feat = Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]


def expand_as_pair(input_: Any, g: Any = None) -> Tuple[Any, Any]:
    """Return ``(source input, destination input)``.

    A pair is returned unchanged. On a block the destination input is the first
    ``num_dst_nodes`` rows of the input (a block lists its destination nodes first among its
    sources). Otherwise the same input serves both sides.
    """
    if isinstance(input_, tuple):
        return input_
    if g is not None and g.is_block:
        if isinstance(input_, Mapping):
            dst = {k: v[: g.num_dst_nodes(k)] for k, v in input_.items()}
        else:
            dst = input_[: g.num_dst_nodes()]
        return input_, dst
    return input_, input_


def _zero_in_degree(in_degrees: torch.Tensor) -> Optional[Tuple[int, int]]:
    """``(how many, first)`` destination nodes without in-edges, or None when there are none."""
    zero = in_degrees == 0
    if not bool(zero.any()):
        return None
    return int(zero.sum()), int(torch.nonzero(zero)[0, 0])


def check_zero_in_degree(graph: Any, allow_zero_in_degree: bool) -> None:
    """Raise :class:`DGLError` when some destination node of ``graph`` has no in-edge.

    The check needs the data on the host, so it is skipped while ``torch.compile`` traces.
    """
    if allow_zero_in_degree or is_compiling():
        return
    found = graph._adj().derived("zero_in_degree", lambda: _zero_in_degree(graph.in_degrees()))
    if found is not None:
        count, first = found
        raise DGLError(
            f"There are {count} destination nodes with no in-edges (node {first} is one); "
            "their output would be invalid, which silently hurts many applications. "
            "Add self-loops to the graph (g = graphdl.add_self_loop(g)) or construct the "
            "module with allow_zero_in_degree=True to skip this check."
        )


def as_edge_field(graph: Any, edge_weight: torch.Tensor, feat_dim: int) -> torch.Tensor:
    """Check an edge weight's length and shape it to broadcast against ``feat_dim``-D node features."""
    if edge_weight.shape[0] != graph.num_edges():
        raise DGLError(
            f"edge_weight has {edge_weight.shape[0]} entries but the graph has {graph.num_edges()} edges."
        )
    if edge_weight.dim() == 1:
        edge_weight = edge_weight.reshape((-1,) + (1,) * (feat_dim - 1))
    return edge_weight


class Identity(nn.Module):
    """A module that returns its input, used as a placeholder (e.g. an identity residual)."""

    def forward(self, x: Any) -> Any:
        return x


def add_residual_and_bias(module: nn.Module, in_feats: int, out_feats: int, residual: bool, bias: bool) -> None:
    """Give ``module`` a ``res_fc`` and a ``bias`` as most convolutions have them.

    ``res_fc`` is a bias-free ``nn.Linear`` when ``residual`` and the sizes differ, an
    :class:`Identity` when they agree, and a ``None`` buffer without ``residual``; ``bias`` is an
    uninitialised ``(out_feats,)`` parameter, or a ``None`` buffer. The module's
    ``reset_parameters`` initialises them.
    """
    if residual:
        module.res_fc = nn.Linear(in_feats, out_feats, bias=False) if in_feats != out_feats else Identity()
    else:
        module.register_buffer("res_fc", None)
    if bias:
        module.bias = nn.Parameter(torch.empty(out_feats))
    else:
        module.register_buffer("bias", None)


class Sequential(nn.Sequential):
    """A chain of graph layers that all take the graph as their first argument.

    With one graph, each layer is called as ``layer(graph, *feats)``; its output (a tensor or a
    tuple of them) becomes the next layer's feature input. With a list of graphs (e.g. the blocks
    of a sampled mini-batch), layer ``i`` runs on ``graph[i]``.

    Example
    -------
    >>> net = Sequential(GraphConv(4, 8), GraphConv(8, 2))
    >>> out = net(g, x)
    """

    def forward(self, graph: Any, *feats: Any) -> Any:
        if isinstance(graph, (list, tuple)):
            if len(graph) != len(self):
                raise DGLError(
                    f"Sequential got {len(graph)} graphs for {len(self)} layers; they must match."
                )
            for layer, g in zip(self, graph):
                feats = _as_tuple(layer(g, *feats))
        elif graph is not None and hasattr(graph, "ndata"):
            for layer in self:
                feats = _as_tuple(layer(graph, *feats))
        else:
            raise DGLError(f"Sequential expects a graph or a list of graphs, got {type(graph).__name__}.")
        return feats[0] if len(feats) == 1 else feats


def _as_tuple(x: Any) -> tuple:
    return x if isinstance(x, tuple) else (x,)


class JumpingKnowledge(nn.Module):
    r"""Combine the node representations of all layers (`paper <https://arxiv.org/abs/1806.03536>`__).

    .. math::

        \text{cat}: h_v = [h_v^{(1)} \Vert \cdots \Vert h_v^{(L)}], \quad
        \text{max}: h_v = \max_l h_v^{(l)}, \quad
        \text{lstm}: h_v = \sum_l \alpha_v^{(l)} h_v^{(l)}

    where for ``lstm`` the scores :math:`\alpha` come from a bi-directional LSTM run over the
    layers followed by a linear layer and a softmax over layers.

    Parameters
    ----------
    mode
        ``'cat'``, ``'max'`` or ``'lstm'`` (default ``'cat'``).
    in_feats
        feature size of every layer; needed for ``'lstm'``.
    num_layers
        number of layers; needed for ``'lstm'``.

    Shapes
    ------
    input: a list of ``L`` tensors of shape :math:`(N, F)`; output :math:`(N, LF)` for
    ``cat``, :math:`(N, F)` otherwise.
    """

    def __init__(self, mode: str = "cat", in_feats: Optional[int] = None, num_layers: Optional[int] = None) -> None:
        super().__init__()
        if mode not in ("cat", "max", "lstm"):
            raise DGLError(f"JumpingKnowledge mode must be 'cat', 'max' or 'lstm', got {mode!r}.")
        self.mode = mode
        if mode == "lstm":
            if in_feats is None or num_layers is None:
                raise DGLError("JumpingKnowledge(mode='lstm') needs in_feats and num_layers.")
            hidden = (num_layers * in_feats) // 2
            self.lstm = nn.LSTM(in_feats, hidden, bidirectional=True, batch_first=True)
            self.att = nn.Linear(2 * hidden, 1)

    def reset_parameters(self) -> None:
        if self.mode == "lstm":
            self.lstm.reset_parameters()
            self.att.reset_parameters()

    def forward(self, feat_list: Sequence[torch.Tensor]) -> torch.Tensor:
        if self.mode == "cat":
            return torch.cat(list(feat_list), dim=-1)
        stacked = torch.stack(list(feat_list), dim=-1)  # (N, F, L)
        if self.mode == "max":
            return stacked.max(dim=-1)[0]
        seq = stacked.transpose(1, 2)  # (N, L, F)
        scores = self.att(self.lstm(seq)[0]).squeeze(-1)  # (N, L)
        alpha = torch.softmax(scores, dim=-1).unsqueeze(-1)
        return (seq * alpha).sum(dim=1)


class LabelPropagation(nn.Module):
    r"""Label propagation (`paper <https://arxiv.org/abs/2002.06755>`__, Zhu & Ghahramani 2002).

    .. math::

        Y^{(t+1)} = \alpha \tilde{A} Y^{(t)} + (1 - \alpha) Y^{(0)}

    where :math:`Y^{(0)}` holds one-hot labels on the labelled nodes and zeros elsewhere and
    :math:`\tilde{A}` is the adjacency normalised as chosen by ``norm_type``.

    Parameters
    ----------
    k
        number of propagation steps.
    alpha
        weight of the propagated part.
    norm_type
        ``'sym'`` (:math:`D^{-1/2}AD^{-1/2}`) or ``'row'`` (:math:`D^{-1}A`).
    clamp
        clamp the propagated values to ``[0, 1]`` after each step (default ``True``).
    normalize
        divide each row by its sum (L1) after each step (default ``False``).
    reset
        put the known labels back after each step (default ``False``).

    Shapes
    ------
    ``labels`` :math:`(N,)` int or :math:`(N, C)` soft labels, ``mask`` optional ids or
    boolean mask of labelled nodes; output :math:`(N, C)`.
    """

    def __init__(
        self,
        k: int,
        alpha: float,
        norm_type: str = "sym",
        clamp: bool = True,
        normalize: bool = False,
        reset: bool = False,
    ) -> None:
        super().__init__()
        if norm_type not in ("sym", "row"):
            raise DGLError(f"norm_type must be 'sym' or 'row', got {norm_type!r}.")
        self.k = k
        self.alpha = alpha
        self.norm_type = norm_type
        self.clamp = clamp
        self.normalize = normalize
        self.reset = reset

    @torch.no_grad()
    def forward(self, g: Any, labels: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        with g.local_scope():
            if labels.dtype in (torch.int32, torch.int64) and labels.dim() == 1:
                labels = torch.nn.functional.one_hot(labels.long()).float()
            y = labels.float()
            if mask is not None:
                y = torch.zeros_like(y)
                y[mask] = labels[mask].float()
            init = (1 - self.alpha) * y
            in_deg = g.in_degrees().float().clamp(min=1).to(y.device)
            out_deg = g.out_degrees().float().clamp(min=1).to(y.device)
            if self.norm_type == "sym":
                src_norm = out_deg.pow(-0.5).unsqueeze(1)
                dst_norm = in_deg.pow(-0.5).unsqueeze(1)
            else:
                src_norm = torch.ones_like(out_deg).unsqueeze(1)
                dst_norm = in_deg.pow(-1).unsqueeze(1)
            for _ in range(self.k):
                g.ndata["h"] = y * src_norm
                g.update_all(fn.copy_u("h", "m"), fn.sum("m", "h"))
                y = init + self.alpha * g.ndata.pop("h") * dst_norm
                if self.clamp:
                    y = y.clamp(0.0, 1.0)
                if self.normalize:
                    y = torch.nn.functional.normalize(y, p=1, dim=-1)
                if self.reset and mask is not None:
                    y[mask] = labels[mask].float()
            return y


class WeightBasis(nn.Module):
    r"""Weights as learned combinations of shared bases (the basis decomposition of R-GCN,
    `Schlichtkrull et al., 2018 <https://arxiv.org/abs/1703.06103>`__).

    .. math::

        W_o = \sum_{b=1}^{B} a_{ob} V_b, \qquad o = 1, \ldots, \text{num\_outputs}

    Parameters
    ----------
    shape : tuple of int
        Shape of each weight :math:`V_b` and :math:`W_o`.
    num_bases : int
        Number of bases :math:`B`.
    num_outputs : int
        Number of weights produced.

    Returns
    -------
    ``forward()`` gives the stacked weights, shape ``(num_outputs, *shape)``.

    Examples
    --------
    >>> weights = WeightBasis((4, 3), num_bases=2, num_outputs=5)()
    """

    def __init__(self, shape: Sequence[int], num_bases: int, num_outputs: int) -> None:
        super().__init__()
        self.shape = tuple(shape)
        self.num_bases = num_bases
        self.num_outputs = num_outputs
        if num_outputs <= num_bases:
            warnings.warn("The number of weight outputs should be larger than the number of bases.")
        self.weight = nn.Parameter(torch.empty(num_bases, *self.shape))
        self.w_comp = nn.Parameter(torch.empty(num_outputs, num_bases))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform bases and coefficients (ReLU gain)."""
        gain = nn.init.calculate_gain("relu")
        nn.init.xavier_uniform_(self.weight, gain=gain)
        nn.init.xavier_uniform_(self.w_comp, gain=gain)

    def forward(self) -> torch.Tensor:
        return torch.matmul(self.w_comp, self.weight.view(self.num_bases, -1)).view(self.num_outputs, *self.shape)
