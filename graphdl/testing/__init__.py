"""Helpers for testing code built on graphdl: a registry of labelled graphs."""
from .graphs import LABELS, get_case, get_cases, graph_cases, user_game_graph

__all__ = ["LABELS", "get_case", "get_cases", "graph_cases", "user_game_graph"]
