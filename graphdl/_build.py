"""Old home of the helpers shared by transforms, subgraphs, batching and conversions.

Kept only so that code written against the earlier layout still imports; new code imports
from where each helper now lives:

* id and type arguments: :mod:`graphdl._graph.ids`;
* result graphs: :mod:`graphdl._result_graph`;
* feature copying: :func:`graphdl._graph.frame.copy_frame`;
* relabelling: :mod:`graphdl._graph.relabel`.
"""
from ._graph.frame import copy_frame
from ._graph.ids import CanonicalEType, canonical, check_ntype, edges_by_type, nodes_by_type
from ._graph.relabel import node_map, unique_first_seen
from ._result_graph import build_block, build_graph, type_dict_or_tensor

__all__ = [
    "CanonicalEType", "canonical", "check_ntype", "edges_by_type", "nodes_by_type", "copy_frame",
    "node_map", "unique_first_seen", "build_block", "build_graph", "type_dict_or_tensor",
]
