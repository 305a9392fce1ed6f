"""graphdl: graph deep learning on PyTorch with DGL's graph-centric API, in pure Python."""
from __future__ import annotations

__version__ = "0.1.0"

from . import _compat_torch  # noqa: F401  (fails in one line when numpy and torch disagree)
from . import _numba  # noqa: F401  (numba threading layer, before any kernel runs)
from .base import ALL, EID, ETYPE, NID, NTYPE, DGLError, is_libxsmm_enabled, use_libxsmm
from .heterograph import DGLGraph, DGLHeteroGraph
from .convert import *  # noqa: F401,F403
from .subgraph import *  # noqa: F401,F403
from .batch import *  # noqa: F401,F403
from .readout import *  # noqa: F401,F403
from .transforms.functional import *  # noqa: F401,F403
from .random import seed
from . import function, ops, udf, transforms, sampling, dataloading, data, nn, optim, random  # noqa: F401
from . import sparse  # noqa: F401  (DGL's SparseMatrix API)
from . import distributed  # noqa: F401
from .data.graph_serialize import load_graphs, load_labels, save_graphs  # noqa: F401
from .sampling import *  # noqa: F401,F403
from .traversal import *  # noqa: F401,F403
from .propagate import *  # noqa: F401,F403
from .homophily import *  # noqa: F401,F403
from .label_informativeness import *  # noqa: F401,F403
from .transforms.tag_sort import sort_csc_by_tag, sort_csr_by_tag  # noqa: F401
from .merge import merge  # noqa: F401
from . import geometry  # noqa: F401
from .containers import apply_each  # noqa: F401
from .dataloading.base import (  # noqa: F401
    set_dst_lazy_features,
    set_edge_lazy_features,
    set_node_lazy_features,
    set_src_lazy_features,
)
from . import multiprocessing  # noqa: F401
from .transforms.module import *  # noqa: F401,F403  (dgl.AddSelfLoop ... dgl.LapPE, as DGL exports them)
from . import partition  # noqa: F401
from .partition import metis_partition, metis_partition_assignment, partition_graph_with_halo  # noqa: F401
from . import init  # noqa: F401
from . import utils  # noqa: F401
from .mpops import *  # noqa: F401,F403  (dgl.copy_u ... dgl.u_dot_v, as DGL exports them)
