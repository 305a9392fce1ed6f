"""Message passing: the one place where message and reduce functions meet the kernels.

Dispatch, for one relation:

1. built-in message + built-in reducer: one fused GSpMM (no per-edge message tensor);
2. otherwise messages are computed per edge (a GSDDMM for built-ins, the function for
   user-defined ones) and reduced, by a GSpMM over edge data for built-in reducers or by the
   user's function over degree buckets (:func:`degree_buckets`) with a mailbox.

Operators are normalised inside :mod:`graphdl.ops` (``sub`` -> ``add`` of the negation, ``div``
-> ``mul`` by the reciprocal, ``mean`` -> ``sum`` / in-degree). Nodes without in-edges get
zeros. Results are written to the destination nodes' features.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import torch

from ..base import ALL, DGLError, is_all
from ..function.base import TARGET_NAMES, MessageFunction, ReduceFunction
from ..ops._topology import graph_topology, needs_grad
from ..ops.sddmm import sddmm
from ..ops.spmm import spmm
from ..udf import EdgeBatch, GatheredData, NodeBatch
from .ids import CanonicalEType, to_id_tensor

__all__ = [
    "update_all",
    "apply_edges",
    "apply_nodes",
    "send_and_recv",
    "pull",
    "push",
    "multi_update_all",
    "filter_nodes",
    "filter_edges",
    "degree_buckets",
]

Features = Dict[str, torch.Tensor]


@dataclass
class _Relation:
    """One relation restricted to some of its edges (``eids`` None means all)."""

    etype: CanonicalEType
    adj: Any
    eids: Optional[torch.Tensor]
    src: Mapping
    dst: Mapping
    edge: Mapping

    def edge_ids(self) -> torch.Tensor:
        if self.eids is not None:
            return self.eids
        return torch.arange(self.adj.num_edges, dtype=self.adj.idtype, device=self.adj.device)


def _relation(g: Any, etype: Any, eids: Optional[torch.Tensor] = None) -> _Relation:
    ce = g.to_canonical_etype(etype)
    adj = g._adj(ce)
    edge = g.edges[ce].data
    if eids is not None:
        adj = adj.edge_subset(eids)
        edge = GatheredData(edge, eids)
    return _Relation(ce, adj, eids, g.srcnodes[ce[0]].data, g.dstnodes[ce[2]].data, edge)


def _as_list(func: Any) -> List[Any]:
    return list(func) if isinstance(func, (list, tuple)) else [func]


def _check_dict(out: Any, what: str) -> Features:
    if not isinstance(out, Mapping):
        raise DGLError(f"The {what} function must return a dict of tensors, got {type(out).__name__}.")
    return dict(out)


def _operand(rel: _Relation, target: str, field: str) -> torch.Tensor:
    data = {"u": rel.src, "v": rel.dst, "e": rel.edge}[target]
    if field not in data:
        raise DGLError(
            f"The {TARGET_NAMES[target]} feature {field!r} does not exist for edge type {rel.etype}; "
            f"available: {sorted(data)}."
        )
    return data[field]


# ------------------------------------------------------------------------------------------
# messages
# ------------------------------------------------------------------------------------------
def _builtin_message(rel: _Relation, mfunc: MessageFunction) -> torch.Tensor:
    lhs = _operand(rel, mfunc.lhs_target, mfunc.lhs_field)
    if mfunc.op == "copy":
        if mfunc.lhs_target == "e":
            return lhs
        topo = graph_topology(rel.adj, needs_grad(lhs))
        return sddmm(topo, "copy", lhs, mfunc.lhs_target)
    rhs = _operand(rel, mfunc.rhs_target, mfunc.rhs_field)
    topo = graph_topology(rel.adj, needs_grad(lhs, rhs))
    return sddmm(topo, mfunc.op, lhs, mfunc.lhs_target, rhs, mfunc.rhs_target)


def _edge_batch(g: Any, rel: _Relation) -> EdgeBatch:
    src_ids, dst_ids = rel.adj.src, rel.adj.dst
    return EdgeBatch(g, rel.edge_ids(), rel.etype, GatheredData(rel.src, src_ids), rel.edge,
                     GatheredData(rel.dst, dst_ids), src_ids, dst_ids)


def _messages(g: Any, rel: _Relation, mfuncs: Sequence[Any]) -> Features:
    msgs: Features = {}
    for m in mfuncs:
        if isinstance(m, MessageFunction):
            msgs[m.out_field] = _builtin_message(rel, m)
        elif callable(m):
            msgs.update(_check_dict(m(_edge_batch(g, rel)), "message"))
        else:
            raise DGLError(f"A message function must be a built-in or a callable, got {m!r}.")
    return msgs


# ------------------------------------------------------------------------------------------
# reduction
# ------------------------------------------------------------------------------------------
def degree_buckets(adj: Any) -> List[Tuple[int, torch.Tensor, torch.Tensor]]:
    """Group destination nodes by in-degree: ``(degree, node ids, (n, degree) in-edge ids)``.

    Nodes without in-edges are left out; each node's edges keep increasing edge-id order.
    """
    ptr, _, eid = adj.csc()
    ptr = ptr.long()
    deg = ptr[1:] - ptr[:-1]
    out = []
    for d in torch.unique(deg).tolist():
        if d == 0:
            continue
        nodes = (deg == d).nonzero().reshape(-1)
        pos = ptr[nodes][:, None] + torch.arange(d, device=ptr.device)[None, :]
        out.append((int(d), nodes, eid.long()[pos]))
    return out


def _udf_reduce(g: Any, rel: _Relation, msgs: Features, rfunc: Callable) -> Features:
    parts: Dict[str, List[Tuple[torch.Tensor, torch.Tensor]]] = {}
    for _, nodes, eids in degree_buckets(rel.adj):
        mailbox = {k: v[eids] for k, v in msgs.items()}
        batch = NodeBatch(g, nodes.to(rel.adj.idtype), rel.etype[2], GatheredData(rel.dst, nodes), mailbox)
        for k, v in _check_dict(rfunc(batch), "reduce").items():
            parts.setdefault(k, []).append((nodes, v))
    out: Features = {}
    for k, items in parts.items():
        nodes = torch.cat([n for n, _ in items])
        vals = torch.cat([v for _, v in items])
        shape = (rel.adj.num_dst,) + tuple(vals.shape[1:])
        frame = getattr(rel.dst, "_frame", None)
        # Nodes without messages take the field's initializer (zeros by default).
        full = frame.new_rows(k, shape, vals.dtype) if frame is not None else vals.new_zeros(shape)
        out[k] = full.index_copy(0, nodes, vals)
    return out


def _fused(rel: _Relation, m: MessageFunction, r: ReduceFunction) -> torch.Tensor:
    lhs = _operand(rel, m.lhs_target, m.lhs_field)
    rhs = None if m.op == "copy" else _operand(rel, m.rhs_target, m.rhs_field)
    topo = graph_topology(rel.adj, needs_grad(lhs, rhs))
    return spmm(topo, m.op, r.reduce_op, lhs, m.lhs_target, rhs, m.rhs_target or "e")


def _compute(g: Any, rel: _Relation, message_func: Any, reduce_func: Any) -> Features:
    """Reduced features of every destination node of ``rel`` (not written anywhere)."""
    mfuncs, rfuncs = _as_list(message_func), _as_list(reduce_func)
    builtin = all(isinstance(m, MessageFunction) for m in mfuncs) and all(
        isinstance(r, ReduceFunction) for r in rfuncs
    )
    if builtin:
        by_out = {m.out_field: m for m in mfuncs}
        out: Features = {}
        for r in rfuncs:
            if r.msg_field not in by_out:
                raise DGLError(
                    f"The reducer reads message {r.msg_field!r} but no message function writes it."
                )
            out[r.out_field] = _fused(rel, by_out[r.msg_field], r)
        return out
    msgs = _messages(g, rel, mfuncs)
    out = {}
    for r in rfuncs:
        if isinstance(r, ReduceFunction):
            if r.msg_field not in msgs:
                raise DGLError(
                    f"The reducer reads message {r.msg_field!r} but the messages are {sorted(msgs)}."
                )
            msg = msgs[r.msg_field]
            topo = graph_topology(rel.adj, needs_grad(msg))
            out[r.out_field] = spmm(topo, "copy", r.reduce_op, msg, "e")
        elif callable(r):
            out.update(_udf_reduce(g, rel, msgs, r))
        else:
            raise DGLError(f"A reduce function must be a built-in or a callable, got {r!r}.")
    return out


# ------------------------------------------------------------------------------------------
# apply and write
# ------------------------------------------------------------------------------------------
def _apply(g: Any, ntype: str, ndata: Features, func: Optional[Callable],
           rows: Optional[torch.Tensor], num_nodes: int) -> Features:
    if func is None:
        return ndata
    base = g.dstnodes[ntype].data
    ids = rows if rows is not None else torch.arange(num_nodes, dtype=g.idtype, device=g.device)
    batch = NodeBatch(g, ids, ntype, GatheredData(base, rows, extra=ndata))
    return _check_dict(func(batch), "apply")


def _write_dst(g: Any, ntype: str, ndata: Features, rows: Optional[torch.Tensor]) -> None:
    for k, v in ndata.items():
        if rows is None:
            g.dstnodes[ntype].data[k] = v
        else:
            g.dstnodes[(rows, ntype)].data[k] = v


def _edge_ids(g: Any, edges: Any, ce: CanonicalEType) -> Optional[torch.Tensor]:
    if is_all(edges):
        return None
    if isinstance(edges, tuple) and len(edges) == 2:
        return torch.as_tensor(g.edge_ids(edges[0], edges[1], etype=ce)).reshape(-1).to(g.idtype)
    return to_id_tensor(edges, g.idtype, g.device, "edge", bound=g.num_edges(ce))


def _node_ids(g: Any, nodes: Any, bound: int) -> torch.Tensor:
    return to_id_tensor(nodes, g.idtype, g.device, "node", bound=bound)


# ------------------------------------------------------------------------------------------
# public entry points (DGLGraph methods delegate here)
# ------------------------------------------------------------------------------------------
def update_all(g: Any, message_func: Any, reduce_func: Any, apply_node_func: Optional[Callable] = None,
               etype: Any = None) -> None:
    """Send messages along every edge of ``etype`` and update every destination node.

    With ``etype=None`` on a graph of several relations (built-in functions only, as in DGL)
    every relation sends, and the results arriving at one node type from several relations
    are combined with the reducer itself (a ``max`` of the per-relation maxima, and so on);
    ``mean`` is refused there, since a mean of means is not the mean over all in-edges.
    """
    if etype is None and len(g.canonical_etypes) > 1:
        if not isinstance(message_func, MessageFunction) or not isinstance(reduce_func, ReduceFunction):
            raise DGLError("update_all with user-defined functions on a graph with several edge "
                           "types needs etype=...; or use multi_update_all.")
        if reduce_func.reduce_op == "mean":
            raise DGLError("update_all cannot combine 'mean' across edge types; use "
                           "multi_update_all with the cross reducer you want.")
        funcs = {ce: (message_func, reduce_func) for ce in g.canonical_etypes}
        return multi_update_all(g, funcs, reduce_func.reduce_op, apply_node_func)
    rel = _relation(g, etype)
    ndata = _compute(g, rel, message_func, reduce_func)
    ndata = _apply(g, rel.etype[2], ndata, apply_node_func, None, rel.adj.num_dst)
    _write_dst(g, rel.etype[2], ndata, None)
    return None


def _partial_update(g: Any, rel: _Relation, recv: torch.Tensor, message_func: Any, reduce_func: Any,
                    apply_node_func: Optional[Callable]) -> None:
    ndata = _compute(g, rel, message_func, reduce_func)
    rows = recv.long()
    ndata = {k: v[rows] for k, v in ndata.items()}
    ndata = _apply(g, rel.etype[2], ndata, apply_node_func, recv, rel.adj.num_dst)
    _write_dst(g, rel.etype[2], ndata, recv)


def send_and_recv(g: Any, edges: Any, message_func: Any, reduce_func: Any,
                  apply_node_func: Optional[Callable] = None, etype: Any = None) -> None:
    """Send messages along ``edges`` only and update the nodes that receive them."""
    ce = g.to_canonical_etype(etype)
    eids = _edge_ids(g, edges, ce)
    if eids is None:
        eids = torch.arange(g.num_edges(ce), dtype=g.idtype, device=g.device)
    if eids.numel() == 0:
        return None
    rel = _relation(g, ce, eids)
    recv = torch.unique(rel.adj.dst)
    _partial_update(g, rel, recv, message_func, reduce_func, apply_node_func)
    return None


def pull(g: Any, v: Any, message_func: Any, reduce_func: Any, apply_node_func: Optional[Callable] = None,
         etype: Any = None) -> None:
    """Update nodes ``v`` from the messages along their in-edges (no in-edges: zeros)."""
    ce = g.to_canonical_etype(etype)
    recv = torch.unique(_node_ids(g, v, g.num_dst_nodes(ce[2])))
    if recv.numel() == 0:
        return None
    eids = g.in_edges(recv, form="eid", etype=ce)
    rel = _relation(g, ce, eids.to(g.idtype))
    _partial_update(g, rel, recv, message_func, reduce_func, apply_node_func)
    return None


def push(g: Any, u: Any, message_func: Any, reduce_func: Any, apply_node_func: Optional[Callable] = None,
         etype: Any = None) -> None:
    """Send messages along the out-edges of nodes ``u`` and update their receivers."""
    ce = g.to_canonical_etype(etype)
    senders = _node_ids(g, u, g.num_src_nodes(ce[0]))
    eids = g.out_edges(senders, form="eid", etype=ce)
    return send_and_recv(g, eids, message_func, reduce_func, apply_node_func, ce)


_CROSS = ("sum", "min", "max", "mean", "stack")


def _cross_reduce(values: List[torch.Tensor], reducer: Union[str, Callable]) -> torch.Tensor:
    if callable(reducer):
        return reducer(values)
    if reducer == "stack":
        return torch.stack(values, 1)
    if len(values) == 1:
        return values[0]
    stacked = torch.stack(values, 0)
    if reducer == "sum":
        return stacked.sum(0)
    if reducer == "mean":
        return stacked.mean(0)
    if reducer == "max":
        return stacked.max(0).values
    return stacked.min(0).values


def multi_update_all(g: Any, etype_dict: Mapping, cross_reducer: Union[str, Callable],
                     apply_node_func: Optional[Callable] = None) -> None:
    """Per-relation message passing, then a cross-relation reduction per destination type.

    ``etype_dict`` maps an edge type to ``(message_func, reduce_func[, apply_node_func])``;
    ``cross_reducer`` is ``"sum"``, ``"min"``, ``"max"``, ``"mean"``, ``"stack"`` or a callable
    taking the list of per-relation results.
    """
    if not callable(cross_reducer) and cross_reducer not in _CROSS:
        raise DGLError(f"Unknown cross reducer {cross_reducer!r}; expected one of {_CROSS} or a callable.")
    results: Dict[str, List[Tuple[int, Features]]] = {}
    for etype, args in etype_dict.items():
        if not isinstance(args, (tuple, list)) or len(args) not in (2, 3):
            raise DGLError(f"etype_dict[{etype!r}] must be (message_func, reduce_func[, apply_node_func]).")
        ce = g.to_canonical_etype(etype)
        rel = _relation(g, ce)
        ndata = _compute(g, rel, args[0], args[1])
        if len(args) == 3 and args[2] is not None:
            ndata = _apply(g, ce[2], ndata, args[2], None, rel.adj.num_dst)
        results.setdefault(ce[2], []).append((g.get_etype_id(ce), ndata))
    for ntype, items in results.items():
        items.sort(key=lambda item: item[0])
        keys: List[str] = []
        for _, nd in items:
            keys.extend(k for k in nd if k not in keys)
        merged = {k: _cross_reduce([nd[k] for _, nd in items if k in nd], cross_reducer) for k in keys}
        merged = _apply(g, ntype, merged, apply_node_func, None, g.num_dst_nodes(ntype))
        _write_dst(g, ntype, merged, None)
    return None


def apply_edges(g: Any, func: Any, edges: Any = ALL, etype: Any = None) -> None:
    """Compute new features of ``edges`` with a built-in message function or a UDF."""
    if etype is None and len(g.canonical_etypes) > 1:
        if not isinstance(func, MessageFunction):
            raise DGLError("apply_edges with a user-defined function on a graph with several edge "
                           "types needs etype=...")
        if not is_all(edges):
            raise DGLError(
                "apply_edges on a subset of edges needs etype=... on a graph with several edge types."
            )
        for ce in g.canonical_etypes:
            rel = _relation(g, ce)
            fields = {
                (func.lhs_target, func.lhs_field),
                (func.rhs_target, func.rhs_field) if func.rhs_target else (func.lhs_target, func.lhs_field),
            }
            if all(f in {"u": rel.src, "v": rel.dst, "e": rel.edge}[t] for t, f in fields):
                g.edges[ce].data[func.out_field] = _builtin_message(rel, func)
        return None
    ce = g.to_canonical_etype(etype)
    eids = _edge_ids(g, edges, ce)
    rel = _relation(g, ce, eids)
    if isinstance(func, MessageFunction):
        edata = {func.out_field: _builtin_message(rel, func)}
    elif callable(func):
        edata = _check_dict(func(_edge_batch(g, rel)), "edge")
    else:
        raise DGLError(f"apply_edges needs a built-in message function or a callable, got {func!r}.")
    for k, v in edata.items():
        if eids is None:
            g.edges[ce].data[k] = v
        else:
            g.edges[(eids, ce)].data[k] = v
    return None


def _node_batch(g: Any, nodes: Any, ntype: Optional[str]) -> Tuple[NodeBatch, Optional[torch.Tensor], str]:
    ntype = ntype if ntype is not None else g.ntypes[0] if len(g.ntypes) == 1 else ntype
    if ntype is None:
        raise DGLError(f"The node type must be given for a graph with node types {g.ntypes}.")
    data = g.nodes[ntype].data
    n = g.num_nodes(ntype)
    if is_all(nodes):
        rows, ids = None, torch.arange(n, dtype=g.idtype, device=g.device)
    else:
        ids = _node_ids(g, nodes, n)
        rows = ids
    return NodeBatch(g, ids, ntype, GatheredData(data, rows)), rows, ntype


def apply_nodes(g: Any, func: Callable, v: Any = ALL, ntype: Optional[str] = None) -> None:
    """Compute new features of nodes ``v`` with a user-defined function."""
    batch, rows, ntype = _node_batch(g, v, ntype)
    out = _check_dict(func(batch), "node")
    for k, val in out.items():
        if rows is None:
            g.nodes[ntype].data[k] = val
        else:
            g.nodes[(rows, ntype)].data[k] = val
    return None


def _mask(out: Any, n: int, what: str) -> torch.Tensor:
    mask = torch.as_tensor(out)
    if mask.dim() != 1 or mask.shape[0] != n:
        raise DGLError(f"The {what} predicate must return a 1-D tensor of {n} booleans, got shape "
                       f"{tuple(mask.shape)}.")
    return mask.bool()


def filter_nodes(g: Any, predicate: Callable, nodes: Any = ALL, ntype: Optional[str] = None) -> torch.Tensor:
    """Ids of the nodes among ``nodes`` for which ``predicate`` holds."""
    batch, _, _ = _node_batch(g, nodes, ntype)
    ids = batch.nodes()
    return ids[_mask(predicate(batch), ids.shape[0], "node")]


def filter_edges(g: Any, predicate: Callable, edges: Any = ALL, etype: Any = None) -> torch.Tensor:
    """Ids of the edges among ``edges`` for which ``predicate`` holds."""
    ce = g.to_canonical_etype(etype)
    rel = _relation(g, ce, _edge_ids(g, edges, ce))
    ids = rel.edge_ids()
    return ids[_mask(predicate(_edge_batch(g, rel)), ids.shape[0], "edge")]
