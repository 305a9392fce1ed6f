"""SubgraphX: the connected subgraph with the largest Shapley value, found by Monte Carlo tree search.

From `On Explainability of Graph Neural Networks via Subgraph Explorations
<https://arxiv.org/abs/2102.05152>`__ (Yuan et al., 2021). The search tree's root is the whole
graph; a child drops one node (among the ``num_child`` of highest degree, or lowest when
``high2low=False``) and keeps the largest connected component of what remains. A tree node
:math:`\\mathcal{N}` keeps its visit count :math:`C`, total reward :math:`W` and immediate reward
:math:`R`, the Shapley value of its subgraph :math:`G_i`. Each of ``num_rollouts`` rollouts walks
down from the root to a subgraph of at most ``node_min`` nodes, choosing the child that maximises

.. math::

    \\frac{W}{C} + \\lambda \\, R \\, \\frac{\\sqrt{\\sum_{\\text{siblings}} C}}{1 + C}
    \\qquad (\\lambda = \\text{coef}),

and adds the leaf's reward to every node on the path. The Shapley value treats :math:`G_i` as one
player among the nodes :math:`P'` within ``num_hops - 1`` hops of it, and is estimated from
``shapley_steps`` random orders of the players: with :math:`S` the players before :math:`G_i`,

.. math::

    \\phi(G_i) \\approx \\mathbb{E}_S\\big[f(S \\cup G_i) - f(S)\\big],

where :math:`f(\\cdot)` is the model's probability of ``target_class`` when the features of the
nodes of :math:`P'` outside the coalition are zeroed. The answer is the best-scoring subgraph of at
most ``node_min`` nodes that the search met.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence

import numpy as np
import torch
from torch import nn

from ...base import DGLError
from . import _checks
from ...batch import batch

__all__ = ["SubgraphX", "HeteroSubgraphX"]


class MCTSNode:
    """One state of the search: a set of (global) node ids and its statistics."""

    def __init__(self, nodes: FrozenSet[int]) -> None:
        self.nodes = nodes
        self.num_visit = 0
        self.total_reward = 0.0
        self.immediate_reward = 0.0
        self.children: List["MCTSNode"] = []

    def __repr__(self) -> str:
        return f"MCTSNode({sorted(self.nodes)})"


class _Search:
    """Monte Carlo tree search over connected node sets of an undirected structure.

    ``adj[v]`` is the set of neighbours of global node ``v``; ``value(masks)`` maps a batch of
    boolean node masks :math:`(S, N)` to the target-class probabilities :math:`(S,)`.
    """

    def __init__(self, adj: List[set], value: Callable[[torch.Tensor], torch.Tensor], num_hops: int, coef: float,
                 high2low: bool, num_child: int, num_rollouts: int, node_min: int, shapley_steps: int,
                 generator: np.random.RandomState, log: bool) -> None:
        self.adj, self.value = adj, value
        self.num_hops, self.coef, self.high2low = num_hops, coef, high2low
        self.num_child, self.num_rollouts, self.node_min = num_child, num_rollouts, node_min
        self.shapley_steps, self.rng, self.log = shapley_steps, generator, log
        self.states: Dict[FrozenSet[int], MCTSNode] = {}

    # --- rewards -----------------------------------------------------------------------------
    def shapley(self, nodes: FrozenSet[int]) -> float:
        n = len(self.adj)
        region = set(nodes)
        for _ in range(max(self.num_hops - 1, 0)):
            region |= {u for v in region for u in self.adj[v]}
        players = np.array(sorted(region - nodes), dtype=np.int64)
        keep_outside = torch.ones(n, dtype=torch.bool)
        keep_outside[list(region)] = False
        steps = self.shapley_steps
        exclude = keep_outside.repeat(steps, 1)
        for s in range(steps):
            if players.size:
                # A random order of the players and the coalition: the players before it join.
                order = self.rng.permutation(players.size + 1)
                before = players[order[: int(np.nonzero(order == players.size)[0][0])]]
                exclude[s, torch.from_numpy(before)] = True
        include = exclude.clone()
        include[:, list(nodes)] = True
        with torch.no_grad():
            return float((self.value(include) - self.value(exclude)).mean())

    def _state(self, nodes: FrozenSet[int]) -> MCTSNode:
        state = self.states.get(nodes)
        if state is None:
            state = MCTSNode(nodes)
            state.immediate_reward = self.shapley(nodes)
            self.states[nodes] = state
        return state

    # --- tree ------------------------------------------------------------------------------
    def _largest_component(self, nodes: set) -> FrozenSet[int]:
        best: set = set()
        left = set(nodes)
        while left:
            start = left.pop()
            comp, stack = {start}, [start]
            while stack:
                v = stack.pop()
                for u in self.adj[v]:
                    if u in left:
                        left.discard(u)
                        comp.add(u)
                        stack.append(u)
            if len(comp) > len(best) or (len(comp) == len(best) and min(comp) < min(best)):
                best = comp
        return frozenset(best)

    def children(self, state: MCTSNode) -> List[MCTSNode]:
        if state.children:
            return state.children
        nodes = state.nodes
        degree = {v: len(self.adj[v] & nodes) for v in nodes}
        # Highest (or lowest) degree first; ties by id so the search is deterministic.
        ranked = sorted(nodes, key=lambda v: (-degree[v] if self.high2low else degree[v], v))
        seen = set()
        for v in ranked[: self.num_child]:
            rest = self._largest_component(set(nodes) - {v})
            if rest and rest not in seen:
                seen.add(rest)
                state.children.append(self._state(rest))
        return state.children

    def rollout(self, state: MCTSNode) -> float:
        if len(state.nodes) <= self.node_min:
            return state.immediate_reward
        kids = self.children(state)
        if not kids:
            return state.immediate_reward
        visits = math.sqrt(sum(c.num_visit for c in kids))
        chosen = max(kids, key=lambda c: c.total_reward / max(c.num_visit, 1)
                     + self.coef * c.immediate_reward * visits / (1 + c.num_visit))
        reward = self.rollout(chosen)
        chosen.total_reward += reward
        chosen.num_visit += 1
        return reward

    def run(self, all_nodes: FrozenSet[int]) -> FrozenSet[int]:
        root = self._state(all_nodes)
        bar = None
        if self.log:
            try:
                from tqdm import tqdm  # imported here: progress bars are optional

                bar = tqdm(total=self.num_rollouts, desc="SubgraphX rollouts")
            except ImportError:
                bar = None
        for _ in range(self.num_rollouts):
            self.rollout(root)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        small = [s for s in self.states.values() if len(s.nodes) <= self.node_min]
        if not small:
            small = [min(self.states.values(), key=lambda s: len(s.nodes))]
        return max(small, key=lambda s: (s.immediate_reward, -len(s.nodes))).nodes


def _undirected(num_nodes: int, pairs: Sequence) -> List[set]:
    adj: List[set] = [set() for _ in range(num_nodes)]
    for src, dst in pairs:
        for u, v in zip(src.tolist(), dst.tolist()):
            if u != v:
                adj[u].add(v)
                adj[v].add(u)
    return adj


class SubgraphX(nn.Module):
    """Explain a graph classification by the connected subgraph that matters most (Shapley value).

    Parameters
    ----------
    model : nn.Module
        The trained graph classifier; its forward takes ``(graph, feat)`` and returns logits of
        shape :math:`(B, L)`.
    num_hops : int
        Message-passing hops of the model; the Shapley players lie within ``num_hops - 1`` hops.
    coef : float
        :math:`\\lambda`, the weight of exploration in the child score. Default 10.
    high2low : bool
        Prune high-degree nodes first (True) or low-degree ones. Default True.
    num_child : int
        Children expanded per search node. Default 12.
    num_rollouts : int
        Rollouts of the search. Default 20.
    node_min : int
        Largest size of an answer; a rollout stops at this size. Default 3.
    shapley_steps : int
        Monte Carlo samples per Shapley value. Default 100.
    log : bool
        Show a progress bar (needs tqdm). Default False.

    Examples
    --------
    >>> import torch, graphdl as dgl
    >>> class Model(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = dgl.nn.GraphConv(2, 2, allow_zero_in_degree=True)
    ...         self.pool = dgl.nn.SumPooling()
    ...     def forward(self, graph, feat):
    ...         return self.pool(graph, self.conv(graph, feat))
    >>> g = dgl.graph(([0, 1, 2, 3, 4], [1, 2, 3, 4, 0]))
    >>> explainer = SubgraphX(Model(), num_hops=1, num_rollouts=3, shapley_steps=5)
    >>> nodes = explainer.explain_graph(g, torch.randn(5, 2), target_class=0)
    >>> nodes.numel() <= 3
    True
    """

    def __init__(self, model: nn.Module, num_hops: int, coef: float = 10.0, high2low: bool = True,
                 num_child: int = 12, num_rollouts: int = 20, node_min: int = 3, shapley_steps: int = 100,
                 log: bool = False) -> None:
        super().__init__()
        if num_hops < 1 or num_child < 1 or num_rollouts < 1 or node_min < 1 or shapley_steps < 1:
            raise DGLError("num_hops, num_child, num_rollouts, node_min and shapley_steps must all be positive.")
        self.model = model
        self.num_hops = num_hops
        self.coef = coef
        self.high2low = high2low
        self.num_child = num_child
        self.num_rollouts = num_rollouts
        self.node_min = node_min
        self.shapley_steps = shapley_steps
        self.log = log

    def _search(self, adj: List[set], value: Callable[[torch.Tensor], torch.Tensor]) -> FrozenSet[int]:
        rng = np.random.RandomState(int(torch.randint(0, 2**31 - 1, (1,))))  # follows torch's seed
        search = _Search(adj, value, self.num_hops, self.coef, self.high2low, self.num_child, self.num_rollouts,
                         self.node_min, self.shapley_steps, rng, self.log)
        return search.run(frozenset(range(len(adj))))

    def _target(self, logits: torch.Tensor, target_class: int) -> torch.Tensor:
        if not 0 <= int(target_class) < logits.shape[-1]:
            raise DGLError(f"target_class {target_class} is out of range: the model predicts "
                           f"{logits.shape[-1]} classes.")
        return logits.softmax(-1)[..., int(target_class)]

    def explain_graph(self, graph: Any, feat: torch.Tensor, target_class: int, **kwargs: Any) -> torch.Tensor:
        """The node ids of the most important connected subgraph for ``target_class``.

        Parameters
        ----------
        graph : DGLGraph
            A homogeneous graph.
        feat : Tensor
            Node features :math:`(N, D)`.
        target_class : int
            The class whose probability is explained.
        **kwargs
            Passed on to the model.

        Returns
        -------
        Tensor
            The ids (int64) of the chosen nodes, at most ``node_min`` of them when the graph is
            larger.
        """
        _checks.require_edges(graph, "SubgraphX")
        _checks.feature_rows(graph, feat)

        self.model.eval()
        n = graph.num_nodes()
        adj = _undirected(n, [graph.edges()])
        cache: Dict[int, Any] = {}

        def value(masks: torch.Tensor) -> torch.Tensor:
            s = masks.shape[0]
            if s not in cache:
                cache[s] = batch([graph] * s)
            h = (feat.unsqueeze(0) * masks.to(feat.dtype).unsqueeze(-1).to(feat.device)).reshape(s * n, -1)
            return self._target(self.model(cache[s], h, **kwargs), target_class).reshape(-1).cpu()

        with torch.no_grad():
            self._target(self.model(graph, feat, **kwargs), target_class)
        nodes = self._search(adj, value)
        return torch.tensor(sorted(nodes), dtype=torch.int64, device=graph.device)


class HeteroSubgraphX(SubgraphX):
    """SubgraphX for heterogeneous graphs: nodes of all types are pruned in one search.

    The model's forward takes ``(graph, feat)`` with ``feat`` a dictionary by node type and
    returns graph logits. Arguments as :class:`SubgraphX`. :meth:`explain_graph` returns the
    chosen node ids as a dictionary by node type.
    """

    def explain_graph(self, graph: Any, feat: Mapping[str, torch.Tensor], target_class: int,
                      **kwargs: Any) -> Dict[str, torch.Tensor]:
        """The node ids, by node type, of the most important connected subgraph for ``target_class``."""
        _checks.require_edges(graph, "HeteroSubgraphX")
        _checks.feature_rows(graph, feat)

        self.model.eval()
        ntypes = list(graph.ntypes)
        counts = [graph.num_nodes(nt) for nt in ntypes]
        offset = dict(zip(ntypes, np.cumsum([0] + counts[:-1]).tolist()))
        pairs = []
        for s, r, d in graph.canonical_etypes:
            src, dst = graph.edges(etype=(s, r, d))
            pairs.append((src + offset[s], dst + offset[d]))
        total = sum(counts)
        adj = _undirected(total, pairs)
        cache: Dict[int, Any] = {}

        def value(masks: torch.Tensor) -> torch.Tensor:
            s = masks.shape[0]
            if s not in cache:
                cache[s] = batch([graph] * s)
            h = {}
            for nt, x in feat.items():
                m = masks[:, offset[nt]: offset[nt] + graph.num_nodes(nt)].to(x.dtype).to(x.device)
                h[nt] = (x.unsqueeze(0) * m.unsqueeze(-1)).reshape(s * x.shape[0], *x.shape[1:])
            return self._target(self.model(cache[s], h, **kwargs), target_class).reshape(-1).cpu()

        with torch.no_grad():
            self._target(self.model(graph, feat, **kwargs), target_class)
        chosen = sorted(self._search(adj, value))
        out = {}
        for nt, c in zip(ntypes, counts):
            lo = offset[nt]
            out[nt] = torch.tensor([v - lo for v in chosen if lo <= v < lo + c], dtype=torch.int64,
                                   device=graph.device)
        return out
