"""Optimizers for :class:`graphdl.nn.NodeEmbedding` tables."""
from .sparse_optim import SparseAdagrad, SparseAdam

__all__ = ["SparseAdam", "SparseAdagrad"]
