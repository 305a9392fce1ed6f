"""Old home of the conversions re-exported by :mod:`graphdl.convert`.

Kept only so that code written against the earlier layout still imports; the functions live
in :mod:`graphdl._scipy_networkx` (scipy and networkx), :mod:`graphdl.generators` (random
graphs) and :mod:`graphdl._type_conversion` (blocks, homogeneous and heterogeneous graphs).
"""
from ._scipy_networkx import bipartite_from_networkx, bipartite_from_scipy, from_networkx, from_scipy, to_networkx
from ._type_conversion import block_to_graph, to_heterogeneous, to_homogeneous
from .generators import rand_bipartite, rand_graph

__all__ = [
    "from_scipy", "bipartite_from_scipy", "from_networkx", "bipartite_from_networkx", "to_networkx",
    "rand_graph", "rand_bipartite", "block_to_graph", "to_homogeneous", "to_heterogeneous",
]
