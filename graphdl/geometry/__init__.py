"""Geometry helpers for point clouds and graph coarsening (DGL's ``dgl.geometry``)."""
from .fps import farthest_point_sampler
from .matching import neighbor_matching

__all__ = ["farthest_point_sampler", "neighbor_matching"]
