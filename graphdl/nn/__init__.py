"""Neural-network modules for graphs (the counterpart of ``dgl.nn.pytorch``)."""
from . import functional
from .conv import *  # noqa: F401,F403
from .conv import __all__ as _conv_all
from .functional import edge_softmax
from .glob import AvgPooling, GlobalAttentionPooling, MaxPooling, Set2Set, SortPooling, SumPooling, WeightAndSum
from .hetero import HeteroGraphConv
from .linear import HeteroEmbedding, HeteroLinear, TypedLinear
from .link import EdgePredictor, TransE
from .sparse_emb import NodeEmbedding
from .utils import Identity, JumpingKnowledge, LabelPropagation, Sequential

__all__ = list(_conv_all) + [
    "functional",
    "SumPooling", "AvgPooling", "MaxPooling", "SortPooling", "GlobalAttentionPooling", "Set2Set",
    "WeightAndSum",
    "HeteroGraphConv", "HeteroLinear", "HeteroEmbedding", "TypedLinear",
    "EdgePredictor", "TransE", "NodeEmbedding",
    "Identity", "Sequential", "JumpingKnowledge", "LabelPropagation",
    "edge_softmax",
]
