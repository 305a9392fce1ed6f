"""PGExplainer: a small network that predicts every edge's importance from the model's embeddings.

From `Parameterized Explainer for Graph Neural Network <https://arxiv.org/abs/2011.04573>`__
(Luo et al., 2020). With node embeddings :math:`z` from the trained model, an MLP
:math:`\\Psi` (``elayers``: Linear(k·d, 64), ReLU, Linear(64, 1)) scores each edge :math:`(u, v)`:

.. math::

    \\omega_{uv} = \\Psi([z_u \\,\\|\\, z_v])  \\quad\\text{(graph tasks)}, \\qquad
    \\omega_{uv} = \\Psi([z_u \\,\\|\\, z_v \\,\\|\\, z_c])  \\quad\\text{(explaining node } c\\text{)}

During training the edge weight is a relaxed Bernoulli (concrete) sample at temperature
:math:`\\tau`, with :math:`\\epsilon \\sim b + (1 - 2b)\\,U(0, 1)` for the ``sample_bias`` :math:`b`:

.. math::

    m_{uv} = \\sigma\\big((\\log\\epsilon - \\log(1-\\epsilon) + \\omega_{uv}) / \\tau\\big),

and :math:`m_{uv} = \\sigma(\\omega_{uv})` at inference. An edge and its reverse share one weight,
:math:`\\bar m_{uv} = (m_{uv} + m_{vu}) / 2` (an edge without a reverse keeps :math:`m_{uv}`), so
an undirected graph gets an undirected explanation. The model is re-run with edge weights
:math:`\\bar m` and :math:`\\Psi` minimises

.. math::

    -\\log P(\\hat y \\mid G, \\bar m) + c_{budget} \\sum m + c_{connect}\\,\\overline{H(0.99\\,\\bar m + 0.005)},

keeping the original prediction :math:`\\hat y` with few, nearly binary edges. Once trained, one
forward pass explains any node or graph: no per-instance optimisation.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

import torch
from torch import nn

from ...base import DGLError, NID
from . import _checks
from ...batch import batch
from ...subgraph import khop_in_subgraph

__all__ = ["PGExplainer", "HeteroPGExplainer"]


def _entropy(p: torch.Tensor) -> torch.Tensor:
    return -p * torch.log(p) - (1 - p) * torch.log(1 - p)


class PGExplainer(nn.Module):
    """Explain graph or node predictions with a trained edge-scoring network.

    Parameters
    ----------
    model : nn.Module
        The trained model. Its forward takes ``(graph, feat, embed=False, edge_weight=None)`` and
        returns logits, or the node embeddings :math:`(N, D)` when ``embed=True``.
    num_features : int
        The embedding size :math:`D` returned with ``embed=True``.
    num_hops : int, optional
        Message-passing hops of the model; needed to explain nodes.
    explain_graph : bool
        True to explain graph predictions, False for node predictions (``elayers`` then takes
        :math:`3D` inputs instead of :math:`2D`). Default True.
    coff_budget : float
        Weight of the mask-size penalty. Default 0.01.
    coff_connect : float
        Weight of the mask-entropy penalty. Default 5e-4.
    sample_bias : float
        Bias :math:`b` of the concrete sample's uniform noise. Default 0.

    Examples
    --------
    >>> import torch, graphdl as dgl
    >>> class Model(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = dgl.nn.GraphConv(3, 4, allow_zero_in_degree=True)
    ...         self.out = torch.nn.Linear(4, 2)
    ...     def forward(self, graph, feat, embed=False, edge_weight=None):
    ...         h = self.conv(graph, feat, edge_weight=edge_weight)
    ...         return h if embed else self.out(h)
    >>> g = dgl.graph(([0, 1, 2], [1, 2, 0]))
    >>> explainer = dgl.nn.PGExplainer(Model(), 4, num_hops=1, explain_graph=False)
    >>> loss = explainer.train_step_node([0, 1], g, torch.randn(3, 3), temperature=1.0)
    >>> probs, edge_mask, bg, centers = explainer.explain_node(0, g, torch.randn(3, 3))
    >>> edge_mask.shape
    torch.Size([1])
    """

    def __init__(self, model: nn.Module, num_features: int, num_hops: Optional[int] = None,
                 explain_graph: bool = True, coff_budget: float = 0.01, coff_connect: float = 5e-4,
                 sample_bias: float = 0.0) -> None:
        super().__init__()
        self.model = model
        self.graph_explanation = explain_graph
        self.num_features = num_features * (2 if explain_graph else 3)
        self.num_hops = num_hops
        self.coff_budget = coff_budget
        self.coff_connect = coff_connect
        self.sample_bias = sample_bias
        self.elayers = nn.Sequential(nn.Linear(self.num_features, 64), nn.ReLU(), nn.Linear(64, 1))
        self._last_masks: List[torch.Tensor] = []
        self._last_sym_masks: List[torch.Tensor] = []
        self.batched_feats: Any = None

    def parameters(self, recurse: bool = True):
        """The explanation network's parameters (the explained model stays fixed)."""
        return self.elayers.parameters(recurse)

    # --- pieces -----------------------------------------------------------------------------
    def concrete_sample(self, w: torch.Tensor, beta: float = 1.0, training: bool = True) -> torch.Tensor:
        """Edge weights from logits ``w``: a concrete sample at temperature ``beta``, or ``sigmoid(w)``."""
        if not training:
            return torch.sigmoid(w)
        eps = self.sample_bias + (1 - 2 * self.sample_bias) * torch.rand_like(w)
        return torch.sigmoid((torch.log(eps) - torch.log(1 - eps) + w) / beta)

    def loss(self, prob: torch.Tensor, ori_pred: torch.Tensor) -> torch.Tensor:
        """Prediction loss plus the size and entropy penalties on the last sampled mask."""
        target = prob.gather(-1, ori_pred.reshape(-1, 1)) + 1e-6
        pred_loss = -torch.log(target).mean()
        mask = torch.cat([m.reshape(-1) for m in self._last_masks])
        sym = torch.cat([m.reshape(-1) for m in self._last_sym_masks])
        size_loss = self.coff_budget * mask.sum()
        connect_loss = self.coff_connect * _entropy(sym * 0.99 + 0.005).mean()
        return pred_loss + size_loss + connect_loss

    def _check(self, graph: Any, feat: Any) -> None:
        name = type(self).__name__
        for keyword in ("embed", "edge_weight"):
            _checks.require_keyword(self.model, keyword, name)
        _checks.require_edges(graph, name)
        _checks.feature_rows(graph, feat)

    def _mode(self, graph_mode: bool) -> None:
        if self.graph_explanation != graph_mode:
            want = "True" if graph_mode else "False"
            raise DGLError(f"This PGExplainer was built with explain_graph={self.graph_explanation}; "
                           f"create it with explain_graph={want} for this call.")

    def _embed(self, graph: Any, feat: Any, kwargs: Dict[str, Any]) -> Any:
        self.model.eval()
        with torch.no_grad():
            return self.model(graph, feat, embed=True, **kwargs)

    def _edge_weights(self, z_src: torch.Tensor, z_dst: torch.Tensor, z_center: Optional[torch.Tensor],
                      temperature: float, training: bool) -> torch.Tensor:
        parts = [z_src, z_dst] + ([] if z_center is None else [z_center])
        h = torch.cat(parts, dim=-1)
        if h.shape[-1] != self.num_features:
            raise DGLError(f"The model's embeddings give {h.shape[-1]} edge inputs but elayers expects "
                           f"{self.num_features}: check num_features.")
        return self.concrete_sample(self.elayers(h).reshape(-1), beta=temperature, training=training)

    # --- graph explanations -----------------------------------------------------------------
    def explain_graph(self, graph: Any, feat: torch.Tensor, temperature: float = 1.0, training: bool = False,
                      **kwargs: Any) -> Tuple[torch.Tensor, torch.Tensor]:
        """Edge importance for the graph predictions of ``graph`` (a graph or a batch).

        Returns
        -------
        probs : Tensor
            Class probabilities of the model on the masked graph, :math:`(B, L)`.
        edge_mask : Tensor
            Edge importance in [0, 1], shape :math:`(E,)`; an edge and its reverse get the same value.
        """
        self._mode(True)
        self._check(graph, feat)
        z = self._embed(graph, feat, kwargs)
        src, dst = graph.edges()
        raw = self._edge_weights(z[src], z[dst], None, temperature, training)
        mask = _checks.symmetrise(raw, _checks.reverse_edges(src, dst, graph.num_nodes()))
        self._last_masks, self._last_sym_masks = [raw], [mask]
        probs = self.model(graph, feat, edge_weight=mask, **kwargs).softmax(-1)
        if not training:
            probs, mask = probs.detach(), mask.detach()
        return probs, mask

    def train_step(self, graph: Any, feat: torch.Tensor, temperature: float, **kwargs: Any) -> torch.Tensor:
        """The loss of one training step of the explanation network on ``graph``."""
        self._mode(True)
        self._check(graph, feat)
        with torch.no_grad():
            pred = self.model(graph, feat, embed=False, **kwargs).argmax(-1)
        prob, _ = self.explain_graph(graph, feat, temperature, training=True, **kwargs)
        return self.loss(prob, pred)

    # --- node explanations ------------------------------------------------------------------
    def _neighbourhoods(self, nodes: Any, graph: Any, feat: torch.Tensor):
        """Batch the ``num_hops``-hop in-neighbourhoods of ``nodes``; returns (bg, features, centers)."""
        if self.num_hops is None:
            raise DGLError("PGExplainer needs num_hops to explain nodes.")
        ids = _checks.node_ids(graph, nodes)

        graphs, centers, offset = [], [], 0
        for v in ids.tolist():
            sg, c = khop_in_subgraph(graph, v, self.num_hops)
            graphs.append(sg)
            centers.append(c + offset)
            offset += sg.num_nodes()
        bg = batch(graphs)
        return bg, feat[bg.ndata[NID].to(feat.device)], torch.cat(centers)

    def explain_node(self, nodes: Any, graph: Any, feat: torch.Tensor, temperature: float = 1.0,
                     training: bool = False, **kwargs: Any) -> Tuple[torch.Tensor, torch.Tensor, Any, torch.Tensor]:
        """Edge importance for the predictions of ``nodes`` (distinct ids), each on its neighbourhood.

        Returns
        -------
        probs : Tensor
            Class probabilities of every node of the batched neighbourhoods, :math:`(N_{bg}, L)`.
        edge_mask : Tensor
            Importance of each edge of the batched neighbourhoods, :math:`(E_{bg},)`; an edge and
            its reverse get the same value.
        bg : DGLGraph
            The batch of in-neighbourhoods, one per node, in the order given.
        inverse_indices : Tensor
            The ids of the explained nodes in ``bg``.
        """
        self._mode(False)
        self._check(graph, feat)
        bg, bfeat, centers = self._neighbourhoods(nodes, graph, feat)
        self.batched_feats = bfeat
        z = self._embed(bg, bfeat, kwargs)
        src, dst = bg.edges()
        center_of_edge = torch.repeat_interleave(centers, bg.batch_num_edges().to(centers.device))
        raw = self._edge_weights(z[src], z[dst], z[center_of_edge], temperature, training)
        mask = _checks.symmetrise(raw, _checks.reverse_edges(src, dst, bg.num_nodes()))
        self._last_masks, self._last_sym_masks = [raw], [mask]
        probs = self.model(bg, bfeat, edge_weight=mask, **kwargs).softmax(-1)
        if not training:
            probs, mask = probs.detach(), mask.detach()
        return probs, mask, bg, centers

    def train_step_node(self, nodes: Any, graph: Any, feat: torch.Tensor, temperature: float,
                        **kwargs: Any) -> torch.Tensor:
        """The loss of one training step of the explanation network on ``nodes``."""
        self._mode(False)
        prob, _, bg, centers = self.explain_node(nodes, graph, feat, temperature, training=True, **kwargs)
        with torch.no_grad():
            pred = self.model(bg, self.batched_feats, embed=False, **kwargs).argmax(-1)
        return self.loss(prob[centers], pred[centers])


class HeteroPGExplainer(PGExplainer):
    """PGExplainer for heterogeneous graphs: one edge mask per canonical edge type.

    The model's forward takes ``(graph, feat, embed=False, edge_weight=None)`` with ``feat`` a
    dictionary by node type and ``edge_weight`` a dictionary by canonical edge type; with
    ``embed=True`` it returns node embeddings by node type, all of size ``num_features``. For
    node explanations, its logits are a dictionary by node type. The edge network is shared by
    all relations. Arguments as :class:`PGExplainer`. The masks are not averaged over reverse
    edges, which lie in other relations.
    """

    def _edge_masks(self, graph: Any, z: Mapping[str, torch.Tensor], centers_of, temperature: float,
                    training: bool) -> Dict[Any, torch.Tensor]:
        masks = {}
        for cet in graph.canonical_etypes:
            s, _, d = cet
            src, dst = graph.edges(etype=cet)
            zc = None if centers_of is None else centers_of(cet)
            masks[cet] = self._edge_weights(z[s][src], z[d][dst], zc, temperature, training)
        self._last_masks = list(masks.values())
        self._last_sym_masks = self._last_masks
        return masks

    def explain_graph(self, graph: Any, feat: Mapping[str, torch.Tensor], temperature: float = 1.0,
                      training: bool = False, **kwargs: Any) -> Tuple[torch.Tensor, Dict[Any, torch.Tensor]]:
        """Returns ``(probs, edge_mask)``: graph class probabilities and edge masks by canonical edge type."""
        self._mode(True)
        self._check(graph, feat)
        z = self._embed(graph, feat, kwargs)
        masks = self._edge_masks(graph, z, None, temperature, training)
        probs = self.model(graph, feat, edge_weight=masks, **kwargs).softmax(-1)
        if not training:
            probs, masks = probs.detach(), {k: m.detach() for k, m in masks.items()}
        return probs, masks

    def _neighbourhoods(self, nodes: Any, graph: Any, feat: Mapping[str, torch.Tensor]):
        if self.num_hops is None:
            raise DGLError("HeteroPGExplainer needs num_hops to explain nodes.")
        if not isinstance(nodes, Mapping):
            raise DGLError("HeteroPGExplainer.explain_node takes nodes as a dict {node type: ids}.")

        graphs, owner = [], []
        for nt, ids in nodes.items():
            if nt not in graph.ntypes:
                raise DGLError(f"Node type {nt!r} is not in the graph ({graph.ntypes}).")
            for v in torch.as_tensor(ids).reshape(-1).tolist():
                v = _checks.node_id(graph, v, nt)
                sg, c = khop_in_subgraph(graph, {nt: v}, self.num_hops)
                graphs.append(sg)
                owner.append((nt, int(c[nt])))
        if not graphs:
            raise DGLError("No node ids given to explain.")
        bg = batch(graphs)
        offsets = {nt: torch.cumsum(torch.cat([torch.zeros(1, dtype=torch.int64), bg.batch_num_nodes(nt)]), 0)
                   for nt in bg.ntypes}
        centers: Dict[str, List[int]] = {}
        center_pos = []  # (type, id in bg) of each member's center
        for i, (nt, c) in enumerate(owner):
            pos = int(offsets[nt][i]) + c
            centers.setdefault(nt, []).append(pos)
            center_pos.append((nt, pos))
        bfeat = {nt: x[bg.nodes[nt].data[NID].to(x.device)] for nt, x in feat.items()}
        return bg, bfeat, {nt: torch.tensor(p, dtype=torch.int64) for nt, p in centers.items()}, center_pos

    def explain_node(self, nodes: Mapping[str, Any], graph: Any, feat: Mapping[str, torch.Tensor],
                     temperature: float = 1.0, training: bool = False, **kwargs: Any):
        """Explain the nodes ``{node type: ids}``, each on its ``num_hops``-hop in-neighbourhood.

        Returns
        -------
        probs : dict[str, Tensor]
            Class probabilities of the nodes of the batched neighbourhoods, by node type.
        edge_mask : dict[tuple, Tensor]
            Edge importance of the batched neighbourhoods, by canonical edge type.
        bg : DGLGraph
            The batch of neighbourhoods.
        inverse_indices : dict[str, Tensor]
            The ids in ``bg`` of the explained nodes, by node type.
        """
        self._mode(False)
        self._check(graph, feat)
        bg, bfeat, centers, center_pos = self._neighbourhoods(nodes, graph, feat)
        self.batched_feats = bfeat
        z = self._embed(bg, bfeat, kwargs)
        # Every member's center embedding, then repeated for each of that member's edges.
        zc_member = torch.stack([z[nt][pos] for nt, pos in center_pos])

        def centers_of(cet):
            return torch.repeat_interleave(zc_member, bg.batch_num_edges(cet).to(zc_member.device), dim=0)

        masks = self._edge_masks(bg, z, centers_of, temperature, training)
        logits = self.model(bg, bfeat, edge_weight=masks, **kwargs)
        probs = {nt: x.softmax(-1) for nt, x in logits.items()}
        if not training:
            probs = {nt: p.detach() for nt, p in probs.items()}
            masks = {k: m.detach() for k, m in masks.items()}
        return probs, masks, bg, centers

    def train_step(self, graph: Any, feat: Mapping[str, torch.Tensor], temperature: float,
                   **kwargs: Any) -> torch.Tensor:
        return super().train_step(graph, feat, temperature, **kwargs)

    def train_step_node(self, nodes: Mapping[str, Any], graph: Any, feat: Mapping[str, torch.Tensor],
                        temperature: float, **kwargs: Any) -> torch.Tensor:
        """The loss of one training step on the nodes ``{node type: ids}``."""
        self._mode(False)
        probs, _, bg, centers = self.explain_node(nodes, graph, feat, temperature, training=True, **kwargs)
        with torch.no_grad():
            logits = self.model(bg, self.batched_feats, embed=False, **kwargs)
        prob = torch.cat([probs[nt][ids] for nt, ids in centers.items()])
        pred = torch.cat([logits[nt][ids].argmax(-1) for nt, ids in centers.items()])
        return self.loss(prob, pred)
