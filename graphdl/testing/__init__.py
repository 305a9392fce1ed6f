"""Helpers for testing code built on graphdl: a registry of labelled graphs."""
from .graphs import LABELS, get_cases, graph_cases

__all__ = ["LABELS", "get_cases", "graph_cases"]
