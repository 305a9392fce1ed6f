"""Graph transformer layers (DGL's ``gt``): Graphormer attention with degree, spatial and path
encodings, the EGT layer, Laplacian positional encodings, and the padding helpers that turn a
batched graph into the dense ``(B, N, ...)`` layout they take."""
from .biased_mha import BiasedMHA
from .degree_encoder import DegreeEncoder
from .egt import EGTLayer
from .graphormer import GraphormerLayer
from .lap_pos_encoder import LapPosEncoder
from .padding import attention_mask, from_dense_batch, to_dense_batch
from .path_encoder import PathEncoder
from .spatial_encoder import SpatialEncoder, SpatialEncoder3d

__all__ = [
    "BiasedMHA", "DegreeEncoder", "EGTLayer", "GraphormerLayer", "LapPosEncoder", "PathEncoder",
    "SpatialEncoder", "SpatialEncoder3d", "to_dense_batch", "from_dense_batch", "attention_mask",
]
