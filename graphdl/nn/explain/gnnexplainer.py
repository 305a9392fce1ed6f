"""GNNExplainer: a soft mask over edges and features learnt to keep a model's prediction.

From `GNNExplainer: Generating Explanations for Graph Neural Networks
<https://arxiv.org/abs/1903.03894>`__ (Ying et al., 2019). For a trained model :math:`\\Phi`
and a prediction :math:`\\hat y` (of a node or of a graph), GNNExplainer learns logits
:math:`M` (one per edge) and :math:`F` (one per feature column) and minimises

.. math::

    \\mathcal{L} = -\\log P_\\Phi\\big(\\hat y \\mid G, X \\odot \\sigma(F), w = \\sigma(M)\\big)
      + \\alpha_1 \\sum_e \\sigma(M_e) + \\alpha_2 \\,\\overline{H(\\sigma(M))}
      + \\beta_1 \\,\\overline{\\sigma(F)} + \\beta_2 \\,\\overline{H(\\sigma(F))}

where :math:`w` is passed to the model as edge weights (``eweight``), :math:`H(p) = -p\\log p -
(1-p)\\log(1-p)` is the element-wise entropy and the bars are means. The size terms keep the
explanation small, the entropy terms push each mask entry towards 0 or 1. A node is explained on
its ``num_hops``-hop in-neighbourhood, the part of the graph its prediction can see.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

import torch
from torch import nn

from ...base import DGLError, NID
from ...subgraph import khop_in_subgraph
from . import _checks

__all__ = ["GNNExplainer", "HeteroGNNExplainer"]

_EPS = 1e-15


def _entropy(p: torch.Tensor) -> torch.Tensor:
    return -p * torch.log(p + _EPS) - (1 - p) * torch.log(1 - p + _EPS)


def _edge_logits(num_edges: int, num_nodes: int, device: Any) -> nn.Parameter:
    # Small random logits around 0 (weights near 1/2), scaled like a ReLU layer's initial weights.
    std = nn.init.calculate_gain("relu") * (2.0 / (2 * max(num_nodes, 1))) ** 0.5
    return nn.Parameter(torch.randn(num_edges, device=device) * std)


class _MaskedObjective:
    """The regularised loss of the module docstring, shared by both explainers."""

    def __init__(self, alpha1: float, alpha2: float, beta1: float, beta2: float) -> None:
        self.alpha1, self.alpha2, self.beta1, self.beta2 = alpha1, alpha2, beta1, beta2

    def __call__(self, pred_loss: torch.Tensor, feat_masks, edge_masks) -> torch.Tensor:
        loss = pred_loss
        for m in edge_masks:
            if m.numel():
                w = m.sigmoid()
                loss = loss + self.alpha1 * w.sum() + self.alpha2 * _entropy(w).mean()
        for f in feat_masks:
            w = f.sigmoid()
            loss = loss + self.beta1 * w.mean() + self.beta2 * _entropy(w).mean()
        return loss


def _progress(log: bool, total: int, desc: str):
    if not log:
        return None
    try:
        from tqdm import tqdm  # imported here: progress bars are optional
    except ImportError:
        return None
    return tqdm(total=total, desc=desc)


def _optimise(params, step, num_epochs: int, lr: float, log: bool, desc: str) -> None:
    optimizer = torch.optim.Adam(params, lr=lr)
    bar = _progress(log, num_epochs, desc)
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss = step()
        loss.backward()
        optimizer.step()
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()


class GNNExplainer(nn.Module):
    """Explain a node's or a graph's prediction by an edge mask and a feature mask.

    Parameters
    ----------
    model : nn.Module
        The trained model. Its forward must take ``(graph, feat, eweight=None)`` (keywords
        ``graph`` and ``feat``) and return logits, one row per node (node explanation) or per
        graph (graph explanation); ``eweight`` is a per-edge weight of shape :math:`(E,)`.
    num_hops : int
        Number of message-passing hops of the model (its receptive field).
    lr : float
        Learning rate of the mask optimiser (Adam). Default 0.01.
    num_epochs : int
        Optimisation steps per explanation. Default 100.
    alpha1, alpha2 : float
        Weights of the edge-mask size and entropy terms (defaults 0.005, 1.0).
    beta1, beta2 : float
        Weights of the feature-mask size and entropy terms (defaults 1.0, 0.1).
    log : bool
        Show a progress bar (needs tqdm). Default True.

    Examples
    --------
    >>> import torch, graphdl as dgl
    >>> class Model(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = dgl.nn.GraphConv(3, 2, allow_zero_in_degree=True)
    ...     def forward(self, graph, feat, eweight=None):
    ...         return self.conv(graph, feat, edge_weight=eweight)
    >>> g = dgl.graph(([0, 1, 2], [1, 2, 0]))
    >>> explainer = dgl.nn.GNNExplainer(Model(), num_hops=1, num_epochs=5, log=False)
    >>> center, sg, feat_mask, edge_mask = explainer.explain_node(0, g, torch.randn(3, 3))
    >>> feat_mask.shape, edge_mask.shape
    (torch.Size([3]), torch.Size([1]))
    """

    _keyword = "eweight"

    def __init__(self, model: nn.Module, num_hops: int, lr: float = 0.01, num_epochs: int = 100, *,
                 alpha1: float = 0.005, alpha2: float = 1.0, beta1: float = 1.0, beta2: float = 0.1,
                 log: bool = True) -> None:
        super().__init__()
        self.model = model
        self.num_hops = num_hops
        self.lr = lr
        self.num_epochs = num_epochs
        self.log = log
        self._objective = _MaskedObjective(alpha1, alpha2, beta1, beta2)

    def _check(self, graph: Any, feat: Any) -> None:
        name = type(self).__name__
        _checks.require_keyword(self.model, self._keyword, name)
        _checks.require_edges(graph, name)
        _checks.feature_rows(graph, feat)

    def _explain(self, graph: Any, feat: torch.Tensor, pick, desc: str, kwargs: Dict[str, Any]):
        """Optimise masks so that ``pick(logits)`` keeps the unmasked prediction."""
        self.model.eval()
        with torch.no_grad():
            target = pick(self.model(graph=graph, feat=feat, **kwargs)).argmax(-1)
        feat_logits = nn.Parameter(torch.randn(1, feat.shape[-1], device=feat.device) * 0.1)
        edge_logits = _edge_logits(graph.num_edges(), graph.num_nodes(), feat.device)

        def step() -> torch.Tensor:
            logits = self.model(graph=graph, feat=feat * feat_logits.sigmoid(), eweight=edge_logits.sigmoid(),
                                **kwargs)
            log_probs = pick(logits).log_softmax(-1)
            pred_loss = -log_probs.gather(-1, target.unsqueeze(-1)).sum()
            return self._objective(pred_loss, [feat_logits], [edge_logits])

        _optimise([feat_logits, edge_logits], step, self.num_epochs, self.lr, self.log, desc)
        return feat_logits.detach().sigmoid().squeeze(0), edge_logits.detach().sigmoid()

    def explain_node(self, node_id: int, graph: Any, feat: torch.Tensor,
                     **kwargs: Any) -> Tuple[torch.Tensor, Any, torch.Tensor, torch.Tensor]:
        """Explain the model's prediction for one node.

        Parameters
        ----------
        node_id : int
            The node to explain.
        graph : DGLGraph
            A homogeneous graph.
        feat : Tensor
            Node features of shape :math:`(N, D)`.
        **kwargs
            Passed on to the model.

        Returns
        -------
        new_center : Tensor
            The id of ``node_id`` inside the returned subgraph.
        sg : DGLGraph
            The ``num_hops``-hop in-neighbourhood of the node (``sg.ndata[dgl.NID]``,
            ``sg.edata[dgl.EID]`` hold the original ids).
        feat_mask : Tensor
            Feature importance in [0, 1], shape :math:`(D,)`.
        edge_mask : Tensor
            Edge importance in [0, 1] for the edges of ``sg``, shape :math:`(E_{sg},)`.
        """
        self._check(graph, feat)
        node_id = _checks.node_id(graph, node_id)

        sg, center = khop_in_subgraph(graph, node_id, self.num_hops)
        sg_feat = feat[sg.ndata[NID].to(feat.device)]
        feat_mask, edge_mask = self._explain(sg, sg_feat, lambda logits: logits[center], f"Explain node {node_id}",
                                             kwargs)
        return center, sg, feat_mask, edge_mask

    def explain_graph(self, graph: Any, feat: torch.Tensor, **kwargs: Any) -> Tuple[torch.Tensor, torch.Tensor]:
        """Explain the model's prediction for a graph (its logits have one row per graph).

        Parameters
        ----------
        graph : DGLGraph
            A homogeneous graph (or a batch of them).
        feat : Tensor
            Node features of shape :math:`(N, D)`.
        **kwargs
            Passed on to the model.

        Returns
        -------
        feat_mask : Tensor
            Feature importance in [0, 1], shape :math:`(D,)`.
        edge_mask : Tensor
            Edge importance in [0, 1], shape :math:`(E,)`.
        """
        self._check(graph, feat)
        return self._explain(graph, feat, lambda logits: logits, "Explain graph", kwargs)


class HeteroGNNExplainer(GNNExplainer):
    """GNNExplainer for heterogeneous graphs: one feature mask per node type, one edge mask per relation.

    The model's forward takes ``(graph, feat, eweight=None)`` where ``feat`` and ``eweight`` are
    dictionaries keyed by node type and by canonical edge type; it returns a dictionary of node
    logits by node type (node explanation) or graph logits (graph explanation). Arguments as
    :class:`GNNExplainer`.

    Examples
    --------
    >>> import torch, graphdl as dgl
    >>> g = dgl.heterograph({('user', 'buys', 'item'): ([0, 1], [0, 1]),
    ...                      ('item', 'rev', 'user'): ([0, 1], [0, 1])})
    >>> class Model(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = dgl.nn.HeteroGraphConv({e: dgl.nn.GraphConv(2, 2) for e in g.etypes})
    ...     def forward(self, graph, feat, eweight=None):
    ...         kw = {} if eweight is None else {c[1]: {'edge_weight': w} for c, w in eweight.items()}
    ...         return self.conv(graph, feat, mod_kwargs=kw)
    >>> feat = {nt: torch.randn(2, 2) for nt in g.ntypes}
    >>> explainer = dgl.nn.HeteroGNNExplainer(Model(), num_hops=1, num_epochs=3, log=False)
    >>> center, sg, feat_mask, edge_mask = explainer.explain_node('user', 0, g, feat)
    >>> sorted(edge_mask)
    [('item', 'rev', 'user'), ('user', 'buys', 'item')]
    """

    def _explain(self, graph: Any, feat: Mapping[str, torch.Tensor], pick, desc: str, kwargs: Dict[str, Any]):
        self.model.eval()
        with torch.no_grad():
            target = pick(self.model(graph=graph, feat=feat, **kwargs)).argmax(-1)
        device = next(iter(feat.values())).device
        feat_logits = {nt: nn.Parameter(torch.randn(1, x.shape[-1], device=device) * 0.1) for nt, x in feat.items()}
        edge_logits = {cet: _edge_logits(graph.num_edges(cet), graph.num_nodes(cet[2]), device)
                       for cet in graph.canonical_etypes}

        def step() -> torch.Tensor:
            h = {nt: x * feat_logits[nt].sigmoid() for nt, x in feat.items()}
            w = {cet: m.sigmoid() for cet, m in edge_logits.items()}
            log_probs = pick(self.model(graph=graph, feat=h, eweight=w, **kwargs)).log_softmax(-1)
            pred_loss = -log_probs.gather(-1, target.unsqueeze(-1)).sum()
            return self._objective(pred_loss, list(feat_logits.values()), list(edge_logits.values()))

        params = list(feat_logits.values()) + list(edge_logits.values())
        _optimise(params, step, self.num_epochs, self.lr, self.log, desc)
        return ({nt: f.detach().sigmoid().squeeze(0) for nt, f in feat_logits.items()},
                {cet: m.detach().sigmoid() for cet, m in edge_logits.items()})

    def explain_node(self, ntype: str, node_id: int, graph: Any, feat: Mapping[str, torch.Tensor],
                     **kwargs: Any) -> Tuple[torch.Tensor, Any, Dict[str, torch.Tensor], Dict[Any, torch.Tensor]]:
        """Explain the prediction for node ``node_id`` of type ``ntype``.

        Parameters
        ----------
        ntype : str
            The type of the node to explain.
        node_id : int
            Its id among the nodes of that type.
        graph : DGLGraph
            A heterogeneous graph.
        feat : dict[str, Tensor]
            Node features by node type.
        **kwargs
            Passed on to the model.

        Returns
        -------
        new_center : Tensor
            The node's id (of type ``ntype``) inside ``sg``.
        sg : DGLGraph
            The ``num_hops``-hop in-neighbourhood of the node.
        feat_mask : dict[str, Tensor]
            Feature importance by node type, each of shape :math:`(D_t,)`.
        edge_mask : dict[tuple, Tensor]
            Edge importance of ``sg``'s edges by canonical edge type.
        """
        self._check(graph, feat)
        if ntype not in graph.ntypes:
            raise DGLError(f"Node type {ntype!r} is not in the graph ({graph.ntypes}).")
        node_id = _checks.node_id(graph, node_id, ntype)

        sg, centers = khop_in_subgraph(graph, {ntype: node_id}, self.num_hops)
        center = centers[ntype]
        sg_feat = {nt: x[sg.nodes[nt].data[NID].to(x.device)] for nt, x in feat.items()}
        feat_mask, edge_mask = self._explain(sg, sg_feat, lambda logits: logits[ntype][center],
                                             f"Explain {ntype} {node_id}", kwargs)
        return center, sg, feat_mask, edge_mask

    def explain_graph(self, graph: Any, feat: Mapping[str, torch.Tensor],
                      **kwargs: Any) -> Tuple[Dict[str, torch.Tensor], Dict[Any, torch.Tensor]]:
        """Explain a graph-level prediction; returns ``(feat_mask, edge_mask)`` as dictionaries by type."""
        self._check(graph, feat)
        return self._explain(graph, feat, lambda logits: logits, "Explain graph", kwargs)
