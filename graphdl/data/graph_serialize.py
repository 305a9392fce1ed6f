"""Placeholder: DGL's binary graph file format (filled in by its owner)."""
from __future__ import annotations

__all__ = ["save_graphs", "load_graphs", "load_labels"]


def save_graphs(filename, g_list, labels=None, formats=None):
    raise NotImplementedError


def load_graphs(filename, idx_list=None):
    raise NotImplementedError


def load_labels(filename):
    raise NotImplementedError
