"""Neural-network modules for graphs (the counterpart of ``dgl.nn.pytorch``)."""
from . import functional
from .conv import *  # noqa: F401,F403
from .conv import __all__ as _conv_all
from .explain import GNNExplainer, HeteroGNNExplainer, HeteroPGExplainer, HeteroSubgraphX, PGExplainer, SubgraphX
from .functional import edge_softmax
from .gt import (BiasedMHA, DegreeEncoder, EGTLayer, GraphormerLayer, LapPosEncoder, PathEncoder, SpatialEncoder,
                 SpatialEncoder3d)
from .glob import AvgPooling, GlobalAttentionPooling, MaxPooling, Set2Set, SortPooling, SumPooling, WeightAndSum
from .factory import KNNGraph, RadiusGraph, SegmentedKNNGraph, pairwise_squared_distance
from .hetero import HeteroGraphConv
from .linear import HeteroEmbedding, HeteroLinear, TypedLinear
from .link import EdgePredictor, TransE, TransR
from .network_emb import DeepWalk, MetaPath2Vec
from .set_transformer import SetTransformerDecoder, SetTransformerEncoder
from .sparse_emb import NodeEmbedding
from .utils import Identity, JumpingKnowledge, LabelPropagation, Sequential, WeightBasis

__all__ = list(_conv_all) + [
    "functional",
    "SumPooling", "AvgPooling", "MaxPooling", "SortPooling", "GlobalAttentionPooling", "Set2Set",
    "WeightAndSum",
    "HeteroGraphConv", "HeteroLinear", "HeteroEmbedding", "TypedLinear",
    "EdgePredictor", "TransE", "NodeEmbedding",
    "Identity", "Sequential", "JumpingKnowledge", "LabelPropagation",
    "GNNExplainer", "HeteroGNNExplainer", "PGExplainer", "HeteroPGExplainer", "SubgraphX", "HeteroSubgraphX",
    "edge_softmax",
    "KNNGraph", "SegmentedKNNGraph", "RadiusGraph", "pairwise_squared_distance", "TransR", "DeepWalk",
    "MetaPath2Vec", "SetTransformerEncoder", "SetTransformerDecoder", "WeightBasis",
    "BiasedMHA", "DegreeEncoder", "EGTLayer", "GraphormerLayer", "LapPosEncoder", "PathEncoder", "SpatialEncoder",
    "SpatialEncoder3d",
]
