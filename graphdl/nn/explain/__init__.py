"""Explainers of GNN predictions: which edges and features a prediction rests on."""
from .gnnexplainer import GNNExplainer, HeteroGNNExplainer
from .pgexplainer import HeteroPGExplainer, PGExplainer
from .subgraphx import HeteroSubgraphX, SubgraphX

__all__ = ["GNNExplainer", "HeteroGNNExplainer", "PGExplainer", "HeteroPGExplainer", "SubgraphX", "HeteroSubgraphX"]
