"""Building graphs: ``graph``, ``heterograph``, ``create_block`` and conversions from other formats."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np
import torch

from .base import DGLError
from ._graph.storage import SparseAdj
from .heterograph import DGLGraph
from ._scipy_networkx import bipartite_from_networkx, bipartite_from_scipy, from_networkx, from_scipy, to_networkx
from ._type_conversion import block_to_graph, to_heterogeneous, to_homogeneous
from .generators import rand_bipartite, rand_graph

__all__ = [
    "graph",
    "heterograph",
    "create_block",
    # re-exported, as DGL's dgl.convert offers them
    "from_scipy",
    "bipartite_from_scipy",
    "from_networkx",
    "bipartite_from_networkx",
    "to_networkx",
    "rand_graph",
    "rand_bipartite",
    "block_to_graph",
    "to_homogeneous",
    "to_heterogeneous",
]

_DEFAULT_NTYPE = "_N"
_DEFAULT_ETYPE = "_E"


def _as_tensor(x: Any, what: str) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        t = x
    else:
        arr = np.asarray(x)
        if arr.size == 0:
            return torch.zeros(0, dtype=torch.int64)
        if arr.dtype.kind not in "iu":
            raise DGLError(f"{what} must hold integer node ids, got dtype {arr.dtype}.")
        t = torch.as_tensor(arr.astype(np.int64, copy=False))
    if t.dim() == 0:
        t = t.reshape(1)
    if t.dim() != 1:
        raise DGLError(f"{what} must be a 1-D sequence of ids, got shape {tuple(t.shape)}.")
    if t.numel() and (t.is_floating_point() or t.dtype == torch.bool or t.is_complex()):
        raise DGLError(f"{what} must hold integer node ids, got {t.dtype}.")
    return t


def _infer_idtype(tensors: List[Any], idtype: Optional[torch.dtype]) -> torch.dtype:
    if idtype is not None:
        if idtype not in (torch.int32, torch.int64):
            raise DGLError(f"idtype must be torch.int32 or torch.int64, got {idtype}.")
        return idtype
    for t in tensors:
        if isinstance(t, torch.Tensor) and t.numel() and t.dtype in (torch.int32, torch.int64):
            return t.dtype
    return torch.int64


def _device_of(tensors: List[Any], device: Any) -> torch.device:
    if device is not None:
        return torch.device(device)
    for t in tensors:
        if isinstance(t, torch.Tensor):
            return t.device
    return torch.device("cpu")


class _Parsed:
    """Edges of one relation as given by the user, before node counts are known."""

    def __init__(self, fmt: str, parts: Tuple[torch.Tensor, ...]) -> None:
        self.fmt = fmt
        self.parts = parts

    def max_ids(self) -> Tuple[int, int]:
        """Largest source and destination id (-1 when none), or the row count for compressed forms."""
        if self.fmt == "coo":
            u, v = self.parts
            return (int(u.max()) if u.numel() else -1, int(v.max()) if v.numel() else -1)
        indptr, indices, _ = self.parts
        rows = indptr.shape[0] - 1
        cols = int(indices.max()) if indices.numel() else -1
        return (rows - 1, cols) if self.fmt == "csr" else (cols, rows - 1)

    def build(self, num_src: int, num_dst: int, idtype: torch.dtype, device: torch.device) -> SparseAdj:
        parts = [None if p is None else p.to(device=device) for p in self.parts]
        if self.fmt == "coo":
            u, v = (p.to(idtype) for p in parts)
            _check_nonneg(u, v)
            return SparseAdj(u, v, num_src, num_dst)
        indptr, indices, eids = parts
        indices = indices.to(idtype)
        eids = eids.to(idtype) if eids is not None and eids.numel() else None
        if self.fmt == "csr":
            if indptr.shape[0] != num_src + 1:
                raise DGLError(f"CSR indptr has {indptr.shape[0]} entries; expected num_src_nodes + 1 = {num_src + 1}.")
            return SparseAdj.from_csr(indptr, indices, eids, num_src, num_dst)
        if indptr.shape[0] != num_dst + 1:
            raise DGLError(f"CSC indptr has {indptr.shape[0]} entries; expected num_dst_nodes + 1 = {num_dst + 1}.")
        return SparseAdj.from_csc(indptr, indices, eids, num_src, num_dst)


def _check_nonneg(u: torch.Tensor, v: torch.Tensor) -> None:
    for t, what in ((u, "source"), (v, "destination")):
        if t.numel() and int(t.min()) < 0:
            raise DGLError(f"Invalid {what} node id {int(t.min())}: ids must be non-negative.")


def _parse(data: Any) -> Tuple[_Parsed, List[Any]]:
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], str):
        fmt, payload = data
        fmt = fmt.lower()
        if fmt == "coo":
            return _parse(tuple(payload))
        if fmt in ("csr", "csc"):
            if len(payload) == 2:
                indptr, indices = payload
                eids = None
            elif len(payload) == 3:
                indptr, indices, eids = payload
            else:
                raise DGLError(f"({fmt!r}, data) needs (indptr, indices, edge_ids).")
            raw = [indptr, indices, eids]
            t_eids = None
            if eids is not None and len(eids) > 0:
                t_eids = _as_tensor(eids, "edge ids")
            parsed = _Parsed(fmt, (_as_tensor(indptr, "indptr"), _as_tensor(indices, "indices"), t_eids))
            return parsed, raw
        raise DGLError(f"Unknown sparse format {fmt!r}; use 'coo', 'csr' or 'csc'.")
    if isinstance(data, list):
        # DGL's rule: a list is a list of (u, v) edges; a tuple is (U, V).
        pairs = [tuple(e) if isinstance(e, (tuple, list)) else e for e in data]
        bad = [e for e in pairs if not (isinstance(e, tuple) and len(e) == 2)]
        if bad:
            raise DGLError(f"A list of edges must hold (u, v) pairs; got {bad[0]!r}. "
                           "Pass (U, V) as a tuple for source and destination id lists.")
        u = [int(e[0]) for e in pairs]
        v = [int(e[1]) for e in pairs]
        return _Parsed("coo", (_as_tensor(u, "source ids"), _as_tensor(v, "destination ids"))), [u, v]
    if isinstance(data, tuple) and len(data) == 2:
        u, v = data
        tu, tv = _as_tensor(u, "source ids"), _as_tensor(v, "destination ids")
        if tu.shape[0] != tv.shape[0]:
            if tu.shape[0] == 1:
                tu = tu.expand(tv.shape[0])
            elif tv.shape[0] == 1:
                tv = tv.expand(tu.shape[0])
            else:
                raise DGLError(f"Source and destination id lists differ in length: {tu.shape[0]} vs {tv.shape[0]}.")
        return _Parsed("coo", (tu, tv)), [u, v]
    if isinstance(data, list) and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in data):
        # a list of (u, v) pairs, which DGL also accepts; [] is a graph without edges
        us, vs = [int(p[0]) for p in data], [int(p[1]) for p in data]
        return _parse((torch.tensor(us, dtype=torch.int64), torch.tensor(vs, dtype=torch.int64)))
    raise DGLError(
        "Graph data must be (U, V), ('coo', (U, V)), ('csr', (indptr, indices, edge_ids)) or "
        f"('csc', (indptr, indices, edge_ids)); got {type(data).__name__}."
    )


def graph(
    data: Any,
    num_nodes: Optional[int] = None,
    idtype: Optional[torch.dtype] = None,
    device: Optional[Union[str, torch.device]] = None,
    row_sorted: bool = False,
    col_sorted: bool = False,
    **deprecated: Any,
) -> DGLGraph:
    """A graph with one node type and one edge type.

    Parameters
    ----------
    data
        ``(U, V)`` source and destination id sequences, or ``('coo', (U, V))``,
        ``('csr', (indptr, indices, edge_ids))``, ``('csc', (indptr, indices, edge_ids))``.
    num_nodes
        number of nodes; at least the largest id plus one (default: exactly that).
    idtype
        ``torch.int32`` or ``torch.int64``; default from the input tensors, else int64.
    device
        where the graph lives; default the input tensors' device, else CPU.
    """
    if deprecated:
        raise DGLError(f"Unknown arguments to graph(): {sorted(deprecated)}.")
    parsed, raw = _parse(data)
    idt = _infer_idtype(raw, idtype)
    dev = _device_of(raw, device)
    ms, md = parsed.max_ids()
    needed = max(ms, md) + 1
    if num_nodes is None:
        n = needed
    else:
        n = int(num_nodes)
        if n < 0:
            raise DGLError(f"num_nodes must be non-negative, got {n}.")
        if needed > n:
            raise DGLError(f"Node id {needed - 1} is out of range for a graph with num_nodes={n}.")
    if parsed.fmt == "csr" and parsed.parts[0].shape[0] - 1 != n and num_nodes is not None:
        raise DGLError(f"CSR indptr describes {parsed.parts[0].shape[0] - 1} nodes but num_nodes={n}.")
    adj = parsed.build(n, n, idt, dev)
    return DGLGraph._create([_DEFAULT_NTYPE], [_DEFAULT_NTYPE], [n],
                            [(_DEFAULT_NTYPE, _DEFAULT_ETYPE, _DEFAULT_NTYPE)], [adj], idt, dev)


def _canonical_keys(data_dict: Mapping[Any, Any]) -> Dict[Tuple[str, str, str], Any]:
    out: Dict[Tuple[str, str, str], Any] = {}
    for key, val in data_dict.items():
        if isinstance(key, str):
            ce = (_DEFAULT_NTYPE, key, _DEFAULT_NTYPE)
        elif isinstance(key, tuple) and len(key) == 3 and all(isinstance(k, str) for k in key):
            ce = tuple(key)
        else:
            raise DGLError(f"Edge type keys must be (src_type, edge_type, dst_type) or a str, got {key!r}.")
        if ce in out:
            raise DGLError(f"Edge type {ce} is given twice.")
        out[ce] = val
    return out


def heterograph(
    data_dict: Mapping[Any, Any],
    num_nodes_dict: Optional[Mapping[str, int]] = None,
    idtype: Optional[torch.dtype] = None,
    device: Optional[Union[str, torch.device]] = None,
) -> DGLGraph:
    """A graph with several node and edge types, keyed by canonical edge type.

    Node and edge types are stored in sorted order, as in DGL. Node types that appear only
    in ``num_nodes_dict`` are kept as types without edges.
    """
    if not isinstance(data_dict, Mapping):
        raise DGLError("heterograph() takes a dict from edge type to graph data.")
    rels = _canonical_keys(data_dict)
    parsed = {ce: _parse(d) for ce, d in rels.items()}
    raw = [r for _, rr in parsed.values() for r in rr]
    idt = _infer_idtype(raw, idtype)
    dev = _device_of(raw, device)
    need: Dict[str, int] = {}
    for (s, _, d), (p, _) in parsed.items():
        ms, md = p.max_ids()
        need[s] = max(need.get(s, 0), ms + 1)
        need[d] = max(need.get(d, 0), md + 1)
    counts = dict(need)
    if num_nodes_dict is not None:
        for nt, n in num_nodes_dict.items():
            n = int(n)
            if n < need.get(nt, 0):
                raise DGLError(f"Node id {need[nt] - 1} of type {nt!r} is out of range for num_nodes={n}.")
            counts[nt] = n
    ntypes = sorted(counts)
    cetypes = sorted(parsed)
    adjs = [parsed[ce][0].build(counts[ce[0]], counts[ce[2]], idt, dev) for ce in cetypes]
    return DGLGraph._create(ntypes, ntypes, [counts[t] for t in ntypes], cetypes, adjs, idt, dev)


def create_block(
    data_dict: Any,
    num_src_nodes: Optional[Union[int, Mapping[str, int]]] = None,
    num_dst_nodes: Optional[Union[int, Mapping[str, int]]] = None,
    idtype: Optional[torch.dtype] = None,
    device: Optional[Union[str, torch.device]] = None,
) -> DGLGraph:
    """A block: a bipartite message-flow graph from source nodes to destination nodes.

    ``data_dict`` is graph data for one relation (``(U, V)`` etc.) or a dict keyed by edge type.
    Source and destination node sets are distinct even when their type names agree.
    """
    homo = not isinstance(data_dict, Mapping)
    rels = {(_DEFAULT_NTYPE, _DEFAULT_ETYPE, _DEFAULT_NTYPE): data_dict} if homo else _canonical_keys(data_dict)
    parsed = {ce: _parse(d) for ce, d in rels.items()}
    raw = [r for _, rr in parsed.values() for r in rr]
    idt = _infer_idtype(raw, idtype)
    dev = _device_of(raw, device)
    src_need: Dict[str, int] = {}
    dst_need: Dict[str, int] = {}
    for (s, _, d), (p, _) in parsed.items():
        ms, md = p.max_ids()
        src_need[s] = max(src_need.get(s, 0), ms + 1)
        dst_need[d] = max(dst_need.get(d, 0), md + 1)

    def _counts(given, need, side):
        counts = dict(need)
        if given is None:
            return counts
        if not isinstance(given, Mapping):
            if len(need) > 1:
                raise DGLError(f"num_{side}_nodes must be a dict for several {side} node types.")
            given = {next(iter(need)) if need else _DEFAULT_NTYPE: given}
        for nt, n in given.items():
            n = int(n)
            if n < need.get(nt, 0):
                raise DGLError(f"{side.capitalize()} node id {need[nt] - 1} of type {nt!r} is out of range "
                               f"for num_{side}_nodes={n}.")
            counts[nt] = n
        return counts

    src_counts = _counts(num_src_nodes, src_need, "src")
    dst_counts = _counts(num_dst_nodes, dst_need, "dst")
    srctypes = sorted(src_counts)
    dsttypes = sorted(dst_counts)
    cetypes = sorted(parsed)
    adjs = [parsed[ce][0].build(src_counts[ce[0]], dst_counts[ce[2]], idt, dev) for ce in cetypes]
    counts = [src_counts[t] for t in srctypes] + [dst_counts[t] for t in dsttypes]
    return DGLGraph._create(srctypes, dsttypes, counts, cetypes, adjs, idt, dev, is_block=True)

