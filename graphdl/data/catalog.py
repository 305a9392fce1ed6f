"""The data sets the ``graphdl datasets`` command lists, with their sizes and availability."""
from __future__ import annotations

import os
from typing import Dict, List

from .citation_graph import bundled_path
from .utils import get_download_dir

__all__ = ["catalog", "DATASETS"]

# name: (class name, graphs, nodes, edges, classes, files that make it available offline)
DATASETS: Dict[str, tuple] = {
    "cora": ("CoraGraphDataset", 1, 2708, 10556, 7, ("cora",)),
    "citeseer": ("CiteseerGraphDataset", 1, 3327, 9228, 6, ("citeseer",)),
    "pubmed": ("PubmedGraphDataset", 1, 19717, 88651, 3, ("pubmed",)),
    "karate": ("KarateClubDataset", 1, 34, 156, 2, ()),
    "movielens": ("MovieLensDataset", 1, 10352, 201672, 0, ("ml-latest-small", "ml-latest-small.zip")),
    "fraud-yelp": ("FraudYelpDataset", 1, 45954, 8051348, 2, ("yelp",)),
    "fraud-amazon": ("FraudAmazonDataset", 1, 11944, 9557648, 2, ("amazon",)),
    "MUTAG (TU)": ("TUDataset", 188, 3371, 7442, 2, ("MUTAG",)),
    "MUTAG (GIN)": ("GINDataset", 188, 3371, 7442, 2, ("GINDataset",)),
    # Generated explanation benchmarks (default arguments; each graph stores one direction per edge).
    "ba-shapes": ("BAShapeDataset", 1, 700, 2055, 4, ()),
    "ba-community": ("BACommunityDataset", 1, 1400, 3872, 8, ()),
    "tree-cycles": ("TreeCycleDataset", 1, 871, 970, 2, ()),
    "tree-grid": ("TreeGridDataset", 1, 1231, 1705, 2, ()),
    "ba-2motif": ("BA2MotifDataset", 1000, 25000, 51000, 2, ()),
}


def _offline(name: str, files: tuple) -> str:
    if os.path.exists(bundled_path(name)):
        return "yes (bundled)"
    if not files:
        return "yes (built in)"
    folder = get_download_dir()
    if any(os.path.exists(os.path.join(folder, f)) for f in files):
        return f"yes (in {folder})"
    return "no (downloads)"


def catalog() -> List[Dict[str, object]]:
    """One row per data set: name, class, graph/node/edge/class counts and offline availability."""
    rows = []
    for name, (cls, graphs, nodes, edges, classes, files) in DATASETS.items():
        rows.append({
            "name": name, "class": cls, "graphs": graphs, "nodes": nodes, "edges": edges,
            "classes": classes if classes else "-", "offline": _offline(name, files),
        })
    return rows
