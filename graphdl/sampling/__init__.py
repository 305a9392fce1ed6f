"""Sampling on graphs: neighbour sampling, random walks and negative sampling.

The functions are reached as ``graphdl.sampling.<name>``. DGL does not lift them to its top
level, so ``__all__`` is empty and ``from graphdl import *`` brings none of them in.
"""
from __future__ import annotations

from . import utils
from .biased import sample_neighbors_biased
from .labor import sample_labors
from .negative import global_uniform_negative_sampling
from .neighbor import sample_etype_neighbors, sample_neighbors, sample_neighbors_fused, select_topk
from .node2vec_randomwalk import node2vec_random_walk
from .pinsage import PinSAGESampler, RandomWalkNeighborSampler
from .randomwalks import pack_traces, random_walk

__all__: list = []
