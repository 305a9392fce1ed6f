"""Ready-made node classifiers built from :mod:`graphdl.nn` layers.

The five models of the citation-graph benchmarks, each shaped like the example of the paper
that introduced it (and like DGL's examples). ``graphdl train``, ``examples/`` and
:func:`graphdl.training.train_minibatch_node_classification` all build their models here, so
a model is defined once.

Every model is called as ``model(g, x)`` with ``g`` a graph, or, for the models that support
mini-batch training (:class:`GCN`, :class:`SAGE`, :class:`GAT`), a list of blocks with one
block per layer. Layers are kept in ``self.layers`` so that checkpoints name them
``layers.0``, ``layers.1``...

This module sits above :mod:`graphdl.nn` and is imported by nothing in the library below it.

Examples
--------
Every model on a whole graph, and the mini-batch ones on a list of two blocks:

>>> import graphdl as dgl, torch
>>> from graphdl.models import MINIBATCH_MODELS, MODELS, build_model
>>> g = dgl.add_self_loop(dgl.graph(([0, 1, 2], [1, 2, 0])))
>>> x = torch.randn(3, 4)
>>> [tuple(build_model(name, 4, 3)(g, x).shape) for name in MODELS]
[(3, 3), (3, 3), (3, 3), (3, 3), (3, 3)]
>>> blocks = [dgl.to_block(g), dgl.to_block(g)]
>>> [tuple(build_model(name, 4, 3)(blocks, x).shape) for name in MINIBATCH_MODELS]
[(3, 3), (3, 3), (3, 3)]
"""
from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .base import DGLError
from .nn.conv import APPNPConv, GATConv, GraphConv, SAGEConv, SGConv

__all__ = ["GCN", "SAGE", "GAT", "APPNP", "SGC", "MODELS", "build_model"]


def _layer_graph(g: Any, i: int) -> Any:
    """The graph layer ``i`` runs on: block ``i`` of a list, else the whole graph."""
    return g[i] if isinstance(g, (list, tuple)) else g


def _whole_graph_only(g: Any, name: str) -> None:
    if isinstance(g, (list, tuple)):
        raise DGLError(f"{name} propagates over the whole graph; it does not run on blocks.")


class GCN(nn.Module):
    """Two :class:`~graphdl.nn.GraphConv` layers with ReLU and dropout between them (Kipf & Welling).

    Parameters
    ----------
    in_feats, n_classes : int
        Input feature size and number of classes.
    hidden : int
        Hidden size (default 16, the paper's).
    dropout : float
        Dropout before the second layer (default 0.5).

    """

    def __init__(self, in_feats: int, n_classes: int, hidden: int = 16, dropout: float = 0.5) -> None:
        super().__init__()
        self.layers = nn.ModuleList([GraphConv(in_feats, hidden, activation=F.relu),
                                     GraphConv(hidden, n_classes)])
        self.dropout = nn.Dropout(dropout)

    def forward(self, g: Any, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            if i:
                x = self.dropout(x)
            x = layer(_layer_graph(g, i), x)
        return x


class SAGE(nn.Module):
    """A stack of :class:`~graphdl.nn.SAGEConv` layers with ReLU and dropout between them
    (Hamilton et al.).

    Parameters
    ----------
    in_feats : int
        Input feature size.
    hidden_feats : int
        Hidden size.
    out_feats : int
        Output size (number of classes).
    num_layers : int
        Number of layers (default 2).
    aggregator_type : str
        ``"mean"``, ``"gcn"``, ``"pool"`` or ``"lstm"`` (default ``"mean"``).
    dropout : float
        Dropout on every layer's input but the first (default 0.5).
    input_dropout : bool
        Also apply dropout to the first layer's input (default ``False``).

    """

    def __init__(self, in_feats: int, hidden_feats: int, out_feats: int, num_layers: int = 2,
                 aggregator_type: str = "mean", dropout: float = 0.5, input_dropout: bool = False) -> None:
        super().__init__()
        dims = [in_feats] + [hidden_feats] * (num_layers - 1) + [out_feats]
        self.layers = nn.ModuleList(
            SAGEConv(dims[i], dims[i + 1], aggregator_type,
                     feat_drop=dropout if (i or input_dropout) else 0.0,
                     activation=F.relu if i < num_layers - 1 else None)
            for i in range(num_layers)
        )

    def forward(self, g: Any, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(_layer_graph(g, i), x)
        return x


class GAT(nn.Module):
    """Two :class:`~graphdl.nn.GATConv` layers: ``heads`` heads of ``hidden`` units with ELU,
    then ``out_heads`` averaged output heads (Veličković et al.).

    Parameters
    ----------
    in_feats, n_classes : int
        Input feature size and number of classes.
    hidden : int
        Units per head (default 8).
    heads : int
        Heads of the first layer (default 8).
    out_heads : int
        Heads of the output layer, averaged (default 1; the paper uses 8 on Pubmed).
    feat_drop, attn_drop : float
        Dropout on features and attention weights (default 0.6).

    """

    def __init__(self, in_feats: int, n_classes: int, hidden: int = 8, heads: int = 8, out_heads: int = 1,
                 feat_drop: float = 0.6, attn_drop: float = 0.6) -> None:
        super().__init__()
        self.layers = nn.ModuleList([
            GATConv(in_feats, hidden, heads, feat_drop=feat_drop, attn_drop=attn_drop, activation=F.elu),
            GATConv(hidden * heads, n_classes, out_heads, feat_drop=feat_drop, attn_drop=attn_drop),
        ])

    def forward(self, g: Any, x: torch.Tensor) -> torch.Tensor:
        x = self.layers[0](_layer_graph(g, 0), x).flatten(1)
        return self.layers[1](_layer_graph(g, 1), x).mean(1)


class APPNP(nn.Module):
    """An MLP whose predictions are propagated by personalised PageRank (Klicpera et al.).

    Parameters
    ----------
    in_feats, n_classes : int
        Input feature size and number of classes.
    hidden : int
        Hidden size of the MLP (default 64).
    dropout : float
        Dropout before each linear layer (default 0.5).
    k : int
        Propagation steps (default 10).
    alpha : float
        Teleport probability (default 0.1).
    edge_drop : float
        Dropout on edges at each propagation step (default 0.5, the paper's).

    """

    def __init__(self, in_feats: int, n_classes: int, hidden: int = 64, dropout: float = 0.5, k: int = 10,
                 alpha: float = 0.1, edge_drop: float = 0.5) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_feats, hidden), nn.ReLU(),
                                 nn.Dropout(dropout), nn.Linear(hidden, n_classes))
        self.propagate = APPNPConv(k, alpha, edge_drop=edge_drop)

    def forward(self, g: Any, x: torch.Tensor) -> torch.Tensor:
        _whole_graph_only(g, "APPNP")
        return self.propagate(g, self.mlp(x))


class SGC(nn.Module):
    """A linear classifier over features propagated ``k`` times, cached (Wu et al.).

    Parameters
    ----------
    in_feats, n_classes : int
        Input feature size and number of classes.
    k : int
        Propagation steps (default 2).

    """

    def __init__(self, in_feats: int, n_classes: int, k: int = 2) -> None:
        super().__init__()
        self.conv = SGConv(in_feats, n_classes, k=k, cached=True, bias=True)

    def forward(self, g: Any, x: torch.Tensor) -> torch.Tensor:
        _whole_graph_only(g, "SGC")
        return self.conv(g, x)


MODELS: Sequence[str] = ("gcn", "sage", "gat", "appnp", "sgc")
"""Names accepted by :func:`build_model` (and by ``graphdl train --model``)."""

MINIBATCH_MODELS: Sequence[str] = ("gcn", "sage", "gat")
"""The models that run on lists of blocks."""


def build_model(name: str, in_feats: int, n_classes: int, **kwargs: Any) -> nn.Module:
    """The model called ``name`` (one of :data:`MODELS`).

    ``"sage"`` builds the two-layer full-graph GraphSAGE of the benchmarks (``"gcn"``
    aggregator, dropout on every layer's input); keyword arguments go to the model's
    constructor (``hidden`` for every model but SGC).

    Examples
    --------
    >>> from graphdl.models import build_model
    >>> type(build_model("gat", 16, 4)).__name__
    'GAT'
    """
    if name == "gcn":
        return GCN(in_feats, n_classes, **kwargs)
    if name == "sage":
        hidden = kwargs.pop("hidden", 16)
        opts = {"aggregator_type": "gcn", "input_dropout": True, **kwargs}
        return SAGE(in_feats, hidden, n_classes, **opts)
    if name == "gat":
        return GAT(in_feats, n_classes, **kwargs)
    if name == "appnp":
        return APPNP(in_feats, n_classes, **kwargs)
    if name == "sgc":
        return SGC(in_feats, n_classes, **kwargs)
    raise DGLError(f"Unknown model {name!r}; choose one of {', '.join(MODELS)}.")
