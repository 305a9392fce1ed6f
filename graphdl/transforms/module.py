"""Graph transforms as callable objects, for dataset pipelines (``transform=Compose([...])``).

Transforms that change structure return a new graph; those that only rewrite features
(``RowFeatNormalizer``, ``FeatMask``, ``GCNNorm``, ``NodeShuffle``) set new feature tensors on
the graph they are given and return it, without modifying any tensor in place.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

import torch

from .._graph.frame import copy_frame
from .._graph.ids import canonical
from .._result_graph import build_graph
from ..base import DGLError
from . import functional as F

__all__ = [
    "BaseTransform",
    "Compose",
    "AddSelfLoop",
    "RemoveSelfLoop",
    "AddReverse",
    "ToSimple",
    "LineGraph",
    "KHopGraph",
    "AddMetaPaths",
    "RowFeatNormalizer",
    "FeatMask",
    "GCNNorm",
    "DropNode",
    "DropEdge",
    "AddEdge",
    "NodeShuffle",
    "RandomWalkPE",
    "LapPE",
    "LaplacianPE",
    "SVDPE",
    "SIGNDiffusion",
    "ToLevi",
    "PPR",
    "HeatKernel",
    "GDC",
]


class BaseTransform:
    """A graph-to-graph callable."""

    def __call__(self, g: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.__class__.__name__ + "()"


class Compose(BaseTransform):
    """Apply ``transforms`` one after another.

    Parameters
    ----------
    transforms
        Callables taking and returning a graph.
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, g: Any) -> Any:
        for t in self.transforms:
            g = t(g)
        return g

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {t!r}" for t in self.transforms)
        return f"{self.__class__.__name__}([\n{inner}\n])"


def _with_relations(g: Any, data: Dict[Any, Any], copy_edata_for: Sequence[Any] = ()) -> Any:
    """A graph with the node sets and node features of ``g`` and the relations ``data`` (sorted)."""
    ng = build_graph(data, {nt: g.num_nodes(nt) for nt in g.ntypes}, g.idtype, g.device, sort=True)
    for nt in g.ntypes:
        copy_frame(g.nodes[nt].data, ng.nodes[nt].data)
    for cet in copy_edata_for:
        copy_frame(g.edges[cet].data, ng.edges[cet].data)
    return ng


class AddSelfLoop(BaseTransform):
    """Add a self-loop to every node, for each relation joining a node type to itself.

    Parameters
    ----------
    allow_duplicate
        If False (default), existing self-loops are removed first.
    new_etypes
        Also add, for every node type ``T``, a relation ``(T, 'self', T)`` of self-loops.
    edge_feat_names
        Edge features to fill for the new edges (default all; see
        :func:`graphdl.add_self_loop`).
    fill_data
        Value, or ``'sum'``/``'mean'``/``'max'``/``'min'`` of incoming edge features.
    """

    def __init__(self, allow_duplicate: bool = False, new_etypes: bool = False,
                 edge_feat_names: Optional[Sequence[str]] = None, fill_data: Any = 1.0) -> None:
        self.allow_duplicate = allow_duplicate
        self.new_etypes = new_etypes
        self.edge_feat_names = edge_feat_names
        self.fill_data = fill_data

    def __call__(self, g: Any) -> Any:
        for cet in g.canonical_etypes:
            if cet[0] != cet[2]:
                continue
            if not self.allow_duplicate:
                g = F.remove_self_loop(g, etype=cet)
            g = F.add_self_loop(g, edge_feat_names=self.edge_feat_names, fill_data=self.fill_data, etype=cet)
        if self.new_etypes:
            data = {}
            for nt in g.ntypes:
                ids = torch.arange(g.num_nodes(nt), dtype=g.idtype, device=g.device)
                data[(nt, "self", nt)] = (ids, ids)
            for cet in g.canonical_etypes:
                adj = g._adj(cet)
                data[cet] = (adj.src, adj.dst)
            g = _with_relations(g, data, g.canonical_etypes)
        return g


class RemoveSelfLoop(BaseTransform):
    """Remove self-loops from every relation joining a node type to itself."""

    def __call__(self, g: Any) -> Any:
        for cet in g.canonical_etypes:
            if cet[0] == cet[2]:
                g = F.remove_self_loop(g, etype=cet)
        return g


class AddReverse(BaseTransform):
    """Add reverse edges.

    A relation ``(T, e, T)`` gets the reverse of its edges appended to itself (all of them,
    self-loops included); any other relation ``(S, e, T)`` — or every relation when
    ``sym_new_etype`` — gets a new relation ``(T, 'rev_e', S)`` holding the reversed edges.

    Parameters
    ----------
    copy_edata
        Give a reverse edge the features of its edge (otherwise zeros for
        appended edges and no features on new relations).
    sym_new_etype
        Put reverses of same-type relations in new relations too.
    """

    def __init__(self, copy_edata: bool = False, sym_new_etype: bool = False) -> None:
        self.copy_edata = copy_edata
        self.sym_new_etype = sym_new_etype

    def __call__(self, g: Any) -> Any:
        data = {}
        appended, separate = [], []
        for cet in g.canonical_etypes:
            s, e, d = cet
            adj = g._adj(cet)
            if s == d and not self.sym_new_etype:
                data[cet] = (torch.cat([adj.src, adj.dst]), torch.cat([adj.dst, adj.src]))
                appended.append(cet)
            else:
                rev = (d, "rev_" + e, s)
                if rev in data or rev in g.canonical_etypes:
                    raise DGLError(f"AddReverse: the reverse relation {rev} already exists.")
                data[cet] = (adj.src, adj.dst)
                data[rev] = (adj.dst, adj.src)
                separate.append(cet)
        ng = _with_relations(g, data, separate)
        for cet in separate:
            if self.copy_edata:
                copy_frame(g.edges[cet].data, ng.edges[(cet[2], "rev_" + cet[1], cet[0])].data)
        for cet in appended:
            for name, x in g.edges[cet].data.items():
                other = x if self.copy_edata else torch.zeros_like(x)
                ng.edges[cet].data[name] = torch.cat([x, other], 0)
        return ng


class ToSimple(BaseTransform):
    """Merge parallel edges (see :func:`graphdl.to_simple`); edge features are aggregated.

    Parameters
    ----------
    return_counts
        Edge feature name for multiplicities (None: not stored).
    aggregator
        ``'arbitrary'``, ``'sum'`` or ``'mean'`` for merged edge features.
    """

    def __init__(self, return_counts: Optional[str] = "count", aggregator: str = "arbitrary") -> None:
        self.return_counts = return_counts
        self.aggregator = aggregator

    def __call__(self, g: Any) -> Any:
        return F.to_simple(g, return_counts=self.return_counts, copy_edata=True, aggregator=self.aggregator)


class LineGraph(BaseTransform):
    """The line graph (see :func:`graphdl.line_graph`); its node features are ``g``'s edge features."""

    def __init__(self, backtracking: bool = True) -> None:
        self.backtracking = backtracking

    def __call__(self, g: Any) -> Any:
        return F.line_graph(g, backtracking=self.backtracking, shared=True)


class KHopGraph(BaseTransform):
    """The graph of length-``k`` walks (see :func:`graphdl.khop_graph`)."""

    def __init__(self, k: int) -> None:
        self.k = k

    def __call__(self, g: Any) -> Any:
        return F.khop_graph(g, self.k)


class AddMetaPaths(BaseTransform):
    """Add a relation per metapath, joining the nodes it connects.

    Parameters
    ----------
    metapaths
        ``{new edge type name: [edge types along the path]}``; the new relation is
        ``(first source type, name, last destination type)``.
    keep_orig_edges
        Keep the original relations (and their features).
    """

    def __init__(self, metapaths: Dict[str, Sequence[Any]], keep_orig_edges: bool = True) -> None:
        self.metapaths = metapaths
        self.keep_orig_edges = keep_orig_edges

    def __call__(self, g: Any) -> Any:
        data = {}
        for name, path in self.metapaths.items():
            mg = F.metapath_reachable_graph(g, path)
            s = canonical(g, path[0])[0]
            d = canonical(g, path[-1])[2]
            adj = mg._adj(mg.canonical_etypes[0])
            data[(s, name, d)] = (adj.src, adj.dst)
        keep = []
        if self.keep_orig_edges:
            for cet in g.canonical_etypes:
                adj = g._adj(cet)
                data[cet] = (adj.src, adj.dst)
                keep.append(cet)
        return _with_relations(g, data, keep)


def _feature_slots(g: Any, names: Sequence[str], nodes: bool):
    """``(frame, name)`` for every node (or edge) type that has feature ``name``."""
    types = g.ntypes if nodes else g.canonical_etypes
    for t in types:
        frame = g.nodes[t].data if nodes else g.edges[t].data
        for name in names:
            if name in frame:
                yield frame, name


class RowFeatNormalizer(BaseTransform):
    """Scale each row of the chosen features to sum to one.

    .. math::
        x_i \\leftarrow \\frac{x_i}{\\max(1, \\sum_j x_{ij})}

    The divisor is clamped at 1, so rows with a smaller (or zero) sum are left unscaled. The sum
    runs over the last dimension, so a 1-D feature is normalised as a whole.

    Parameters
    ----------
    subtract_min
        First subtract the minimum of the whole feature tensor.
    node_feat_names
        Node features to normalise (default: none).
    edge_feat_names
        Edge features to normalise (default: none).
    """

    def __init__(self, subtract_min: bool = False, node_feat_names: Optional[Sequence[str]] = None,
                 edge_feat_names: Optional[Sequence[str]] = None) -> None:
        self.subtract_min = subtract_min
        self.node_feat_names = list(node_feat_names or [])
        self.edge_feat_names = list(edge_feat_names or [])

    def _normalize(self, x: torch.Tensor) -> torch.Tensor:
        if self.subtract_min:
            x = x - x.min()
        return x / x.sum(dim=-1, keepdim=True).clamp(min=1.0)

    def __call__(self, g: Any) -> Any:
        for names, nodes in ((self.node_feat_names, True), (self.edge_feat_names, False)):
            for frame, name in list(_feature_slots(g, names, nodes)):
                frame[name] = self._normalize(frame[name])
        return g


class FeatMask(BaseTransform):
    """Zero randomly chosen feature columns: each column is masked with probability ``p``,
    the same columns for every node (edge) of a type.

    Parameters
    ----------
    p
        Masking probability.
    node_feat_names
        Node features to mask (default: none).
    edge_feat_names
        Edge features to mask (default: none).
    """

    def __init__(self, p: float = 0.5, node_feat_names: Optional[Sequence[str]] = None,
                 edge_feat_names: Optional[Sequence[str]] = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise DGLError(f"p must be in [0, 1], got {p}.")
        self.p = p
        self.node_feat_names = list(node_feat_names or [])
        self.edge_feat_names = list(edge_feat_names or [])

    def __call__(self, g: Any) -> Any:
        for names, nodes in ((self.node_feat_names, True), (self.edge_feat_names, False)):
            for frame, name in list(_feature_slots(g, names, nodes)):
                x = frame[name]
                keep = torch.rand(x.shape[-1]) >= self.p
                frame[name] = x * keep.to(device=x.device, dtype=x.dtype)
        return g


class GCNNorm(BaseTransform):
    """Store symmetric GCN edge weights for every relation joining a node type to itself.

    .. math::
        w_{uv} = \\frac{e_{uv}}{\\sqrt{d_u d_v}}, \\qquad d_v = \\sum_{u \\to v} e_{uv}

    where ``e`` is the existing weight ``edata[eweight_name]`` (1 when absent) and ``d`` the
    weighted in-degree; terms with a zero degree give 0.

    Parameters
    ----------
    eweight_name
        Edge feature read as input weight (if present) and written as result.
    """

    def __init__(self, eweight_name: str = "w") -> None:
        self.eweight_name = eweight_name

    def __call__(self, g: Any) -> Any:
        result = {}
        for cet in g.canonical_etypes:
            if cet[0] != cet[2]:
                continue
            adj = g._adj(cet)
            frame = g.edges[cet].data
            if self.eweight_name in frame:
                w = frame[self.eweight_name]
                deg = w.new_zeros((adj.num_dst,) + tuple(w.shape[1:])).index_add(0, adj.dst.long(), w)
            else:
                w = None
                deg = adj.in_degrees().float()
            inv = deg.pow(-0.5)
            inv = torch.where(torch.isinf(inv), torch.zeros_like(inv), inv)
            norm = inv[adj.src.long()] * inv[adj.dst.long()]
            result[cet] = norm if w is None else norm * w
        for cet, val in result.items():
            g.edges[cet].data[self.eweight_name] = val
        return g


class _RandomDrop(BaseTransform):
    """Removes each item (node or edge) independently with probability ``p``."""

    def __init__(self, p: float = 0.5) -> None:
        if not 0.0 <= p <= 1.0:
            raise DGLError(f"p must be in [0, 1], got {p}.")
        self.p = p

    def _dropped(self, g: Any, count: int) -> torch.Tensor:
        """The ids, among ``count``, that are drawn for removal."""
        drop = torch.rand(count) < self.p
        return torch.nonzero(drop, as_tuple=False).reshape(-1).to(device=g.device, dtype=g.idtype)


class DropNode(_RandomDrop):
    """Remove each node independently with probability ``p`` (with its edges)."""

    def __call__(self, g: Any) -> Any:
        g = g.clone()
        if self.p == 0:
            return g
        for nt in g.ntypes:
            g.remove_nodes(self._dropped(g, g.num_nodes(nt)), ntype=nt)
        return g


class DropEdge(_RandomDrop):
    """Remove each edge independently with probability ``p``."""

    def __call__(self, g: Any) -> Any:
        g = g.clone()
        if self.p == 0:
            return g
        for cet in g.canonical_etypes:
            g.remove_edges(self._dropped(g, g.num_edges(cet)), etype=cet)
        return g


class AddEdge(BaseTransform):
    """Add ``round(ratio * E)`` uniformly random edges to every relation (features zero)."""

    def __init__(self, ratio: float = 0.2) -> None:
        if ratio < 0:
            raise DGLError(f"ratio must be non-negative, got {ratio}.")
        self.ratio = ratio

    def __call__(self, g: Any) -> Any:
        g = g.clone()
        for cet in g.canonical_etypes:
            num = int(round(self.ratio * g.num_edges(cet)))
            ns, nd = g.num_nodes(cet[0]), g.num_nodes(cet[2])
            if num == 0 or ns == 0 or nd == 0:
                continue
            u = torch.randint(0, ns, (num,)).to(device=g.device, dtype=g.idtype)
            v = torch.randint(0, nd, (num,)).to(device=g.device, dtype=g.idtype)
            g.add_edges(u, v, etype=cet)
        return g


class NodeShuffle(BaseTransform):
    """Randomly permute the rows of every node feature (the same permutation per node type)
    of a copy of the graph; the input graph keeps its features."""

    def __call__(self, g: Any) -> Any:
        g = g.clone()
        for nt in g.ntypes:
            frame = g.nodes[nt].data
            perm = torch.randperm(g.num_nodes(nt))
            for name in list(frame.keys()):
                x = frame[name]
                frame[name] = x[perm.to(x.device)]
        return g


class RandomWalkPE(BaseTransform):
    """Store the random-walk positional encoding (see :func:`graphdl.random_walk_pe`).

    Parameters
    ----------
    k
        Number of walk lengths.
    feat_name
        Node feature name for the ``(N, k)`` encoding.
    eweight_name
        Edge weights of the walk (default: unweighted).
    """

    def __init__(self, k: int, feat_name: str = "PE", eweight_name: Optional[str] = None) -> None:
        self.k = k
        self.feat_name = feat_name
        self.eweight_name = eweight_name

    def __call__(self, g: Any) -> Any:
        g.ndata[self.feat_name] = F.random_walk_pe(g, self.k, eweight_name=self.eweight_name)
        return g


class LapPE(BaseTransform):
    """Store the Laplacian positional encoding (see :func:`graphdl.lap_pe`).

    Parameters
    ----------
    k
        Number of eigenvectors.
    feat_name
        Node feature name for the ``(N, k)`` encoding.
    eigval_name
        If given, node feature name for the ``(N, k)`` eigenvalues (the same row
        on every node).
    padding
        Pad when the graph has at most ``k`` nodes.
    """

    def __init__(self, k: int, feat_name: str = "PE", eigval_name: Optional[str] = None,
                 padding: bool = False) -> None:
        self.k = k
        self.feat_name = feat_name
        self.eigval_name = eigval_name
        self.padding = padding

    def __call__(self, g: Any) -> Any:
        if self.eigval_name is not None:
            pe, ev = F.lap_pe(g, self.k, padding=self.padding, return_eigval=True)
            g.ndata[self.eigval_name] = ev.unsqueeze(0).expand(g.num_nodes(), -1).clone()
        else:
            pe = F.lap_pe(g, self.k, padding=self.padding)
        g.ndata[self.feat_name] = pe
        return g


LaplacianPE = LapPE


class SVDPE(BaseTransform):
    """Store the SVD positional encoding (see :func:`graphdl.svd_pe`) as a node feature.

    Parameters
    ----------
    k
        Number of singular components.
    feat_name
        Node feature name for the ``(N, 2k)`` encoding.
    padding
        Pad when the graph has fewer than ``k`` nodes.
    random_flip
        Flip the sign of each component at random.
    """

    def __init__(self, k: int, feat_name: str = "svd_pe", padding: bool = False, random_flip: bool = True) -> None:
        self.k = k
        self.feat_name = feat_name
        self.padding = padding
        self.random_flip = random_flip

    def __call__(self, g: Any) -> Any:
        g.ndata[self.feat_name] = F.svd_pe(g, self.k, padding=self.padding, random_flip=self.random_flip)
        return g


class SIGNDiffusion(BaseTransform):
    """Precompute diffused node features for SIGN.

    .. math::
        X^{(0)} = X, \\qquad X^{(i)} = T X^{(i-1)} \\;(\\text{raw, rw, gcn}), \\qquad
        X^{(i)} = (1-\\alpha) T X^{(i-1)} + \\alpha X \\;(\\text{ppr})

    where ``T`` aggregates over in-edges with edge weights ``w`` (ones by default): ``raw``
    sums ``w_{uv} x_u``; ``rw`` divides that by the weighted in-degree of ``v``; ``gcn`` and
    ``ppr`` use ``w_{uv} / \\sqrt{d_u d_v}`` with weighted in-degrees ``d`` (zero where a degree
    is zero). ``X^{(i)}`` is stored as ``ndata[f"{out_feat_name}_{i}"]`` for ``i = 1..k``.

    Parameters
    ----------
    k
        Number of diffusion steps.
    in_feat_name
        Input node feature.
    out_feat_name
        Prefix of the output features.
    eweight_name
        Edge weights (default: unweighted).
    diffuse_op
        ``'raw'``, ``'rw'``, ``'gcn'`` or ``'ppr'``.
    alpha
        Restart probability for ``'ppr'``.
    """

    def __init__(self, k: int = 2, in_feat_name: str = "feat", out_feat_name: str = "out_feat",
                 eweight_name: Optional[str] = None, diffuse_op: str = "raw", alpha: float = 0.2) -> None:
        if diffuse_op not in ("raw", "rw", "gcn", "ppr"):
            raise DGLError(f"diffuse_op must be 'raw', 'rw', 'gcn' or 'ppr', got {diffuse_op!r}.")
        self.k = k
        self.in_feat_name = in_feat_name
        self.out_feat_name = out_feat_name
        self.eweight_name = eweight_name
        self.diffuse_op = diffuse_op
        self.alpha = alpha

    def __call__(self, g: Any) -> Any:
        if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
            raise DGLError("SIGNDiffusion needs a homogeneous graph.")
        if self.in_feat_name not in g.ndata:
            raise DGLError(f"The graph has no node feature {self.in_feat_name!r}.")
        adj = g._adj(g.canonical_etypes[0])
        x0 = g.ndata[self.in_feat_name]
        src, dst = adj.src.long(), adj.dst.long()
        if self.eweight_name is None:
            w = torch.ones(adj.num_edges, dtype=x0.dtype, device=x0.device)
        else:
            w = g.edata[self.eweight_name].reshape(-1).to(x0.dtype)
        deg = w.new_zeros(adj.num_dst).index_add(0, dst, w)
        if self.diffuse_op == "rw":
            coef = w / deg[dst]
        elif self.diffuse_op in ("gcn", "ppr"):
            inv = deg.pow(-0.5)
            inv = torch.where(torch.isinf(inv), torch.zeros_like(inv), inv)
            coef = w * inv[src] * inv[dst]
        else:
            coef = w
        coef = coef.reshape((-1,) + (1,) * (x0.dim() - 1))
        x = x0
        for i in range(1, int(self.k) + 1):
            nxt = x.new_zeros(x.shape).index_add(0, dst, x[src] * coef)
            if self.diffuse_op == "ppr":
                nxt = (1 - self.alpha) * nxt + self.alpha * x0
            x = nxt
            g.ndata[f"{self.out_feat_name}_{i}"] = x
        return g


class ToLevi(BaseTransform):
    """The Levi graph of a homogeneous graph: a ``node`` and an ``edge`` node type, with
    relations ``('node', 'n2e', 'edge')`` from each source to its edge and
    ``('edge', 'e2n', 'node')`` from each edge to its destination. Node features go to
    ``node`` nodes and edge features to ``edge`` nodes."""

    def __call__(self, g: Any) -> Any:
        if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
            raise DGLError("ToLevi needs a homogeneous graph.")
        cet = g.canonical_etypes[0]
        adj = g._adj(cet)
        eids = torch.arange(adj.num_edges, dtype=g.idtype, device=g.device)
        lg = build_graph(
            {("node", "n2e", "edge"): (adj.src, eids), ("edge", "e2n", "node"): (eids, adj.dst)},
            {"edge": adj.num_edges, "node": g.num_nodes()}, g.idtype, g.device, sort=True,
        )
        copy_frame(g.nodes[cet[0]].data, lg.nodes["node"].data)
        copy_frame(g.edges[cet].data, lg.nodes["edge"].data)
        return lg


def _weighted_dense(g: Any, eweight_name: str) -> torch.Tensor:
    """Dense float64 ``A`` with ``A[u, v]`` the summed weights of edges ``u -> v`` (1 if unweighted)."""
    if len(g.ntypes) != 1 or len(g.canonical_etypes) != 1:
        raise DGLError("Graph diffusion needs a homogeneous graph.")
    cet = g.canonical_etypes[0]
    adj = g._adj(cet)
    frame = g.edges[cet].data
    if eweight_name in frame:
        w = frame[eweight_name].detach().reshape(-1).double().cpu()
    else:
        w = torch.ones(adj.num_edges, dtype=torch.float64)
    n = g.num_nodes()
    a = torch.zeros((n, n), dtype=torch.float64)
    a.index_put_((adj.src.long().cpu(), adj.dst.long().cpu()), w, accumulate=True)
    return a


def _sparsified_graph(g: Any, s: torch.Tensor, eweight_name: str, eps: Optional[float],
                      avg_degree: int) -> Any:
    """The graph of the dense diffusion matrix ``s``: entry ``(u, v)`` becomes edge ``u -> v``.

    Keeps entries ``>= eps``, or, without ``eps``, those at least as large as the
    ``N * avg_degree``-th largest entry (so entries tied with it are kept too, as in DGL; values
    within a relative 1e-9 of it count as tied, since equal diffusion values may differ in
    their last bits). Edges are ordered by destination, then source. Node features are copied;
    the entries are stored as ``edata[eweight_name]``.
    """
    n = s.shape[0]
    flat = s.t().reshape(-1)  # position p = v * n + u
    if eps is not None:
        keep = torch.nonzero(flat >= eps, as_tuple=False).reshape(-1)
    else:
        top = min(n * int(avg_degree), flat.shape[0])
        if top == 0:
            keep = torch.zeros(0, dtype=torch.int64)
        else:
            cut = float(torch.sort(flat, descending=True)[0][top - 1])
            keep = torch.nonzero(flat >= cut - 1e-9 * abs(cut), as_tuple=False).reshape(-1)
    v, u = keep // max(n, 1), keep % max(n, 1)
    cet = g.canonical_etypes[0]
    ng = build_graph({cet: (u, v)}, {cet[0]: n}, g.idtype, g.device)
    copy_frame(g.nodes[cet[0]].data, ng.nodes[cet[0]].data)
    dtype = torch.float32
    frame = g.edges[cet].data
    if eweight_name in frame and frame[eweight_name].is_floating_point():
        dtype = frame[eweight_name].dtype
    ng.edges[cet].data[eweight_name] = flat[keep].to(dtype=dtype, device=g.device)
    return ng


class PPR(BaseTransform):
    """Personalized-PageRank graph diffusion, then sparsification.

    .. math::
        S = \\alpha \\left(I - (1 - \\alpha) A\\right)^{-1}

    where ``A[u, v]`` is the weight of edge ``u -> v`` (``edata[eweight_name]``, 1 when
    absent). The result has an edge ``u -> v`` weighted ``S[u, v]`` for every kept entry: those
    ``>= eps``, or without ``eps`` those not below the ``N * avg_degree``-th largest. Edges are ordered by
    destination, then source; node features are copied, edge features are not.

    Parameters
    ----------
    alpha
        Restart probability.
    eweight_name
        Edge weight feature, read and written.
    eps
        Threshold for keeping an entry.
    avg_degree
        Average degree kept when ``eps`` is None.
    """

    def __init__(self, alpha: float = 0.15, eweight_name: str = "w", eps: Optional[float] = None,
                 avg_degree: int = 5) -> None:
        self.alpha = alpha
        self.eweight_name = eweight_name
        self.eps = eps
        self.avg_degree = avg_degree

    def __call__(self, g: Any) -> Any:
        a = _weighted_dense(g, self.eweight_name)
        n = a.shape[0]
        s = self.alpha * torch.linalg.inv(torch.eye(n, dtype=a.dtype) - (1 - self.alpha) * a)
        return _sparsified_graph(g, s, self.eweight_name, self.eps, self.avg_degree)


class HeatKernel(BaseTransform):
    """Heat-kernel graph diffusion, then sparsification (see :class:`PPR` for the rest).

    .. math::
        S = \\exp\\left(-t (I - A)\\right)

    Parameters
    ----------
    t
        Diffusion time.
    eweight_name
        Edge weight feature, read and written.
    eps
        Threshold for keeping an entry.
    avg_degree
        Average degree kept when ``eps`` is None.
    """

    def __init__(self, t: float = 2.0, eweight_name: str = "w", eps: Optional[float] = None,
                 avg_degree: int = 5) -> None:
        self.t = t
        self.eweight_name = eweight_name
        self.eps = eps
        self.avg_degree = avg_degree

    def __call__(self, g: Any) -> Any:
        a = _weighted_dense(g, self.eweight_name)
        n = a.shape[0]
        s = torch.linalg.matrix_exp(-self.t * (torch.eye(n, dtype=a.dtype) - a))
        return _sparsified_graph(g, s, self.eweight_name, self.eps, self.avg_degree)


class GDC(BaseTransform):
    """Generalised graph diffusion with given coefficients, then sparsification (see :class:`PPR`).

    .. math::
        S = \\sum_{k} \\theta_k A^k

    Parameters
    ----------
    coefs
        The coefficients ``theta_0, theta_1, ...``.
    eweight_name
        Edge weight feature, read and written.
    eps
        Threshold for keeping an entry.
    avg_degree
        Average degree kept when ``eps`` is None.
    """

    def __init__(self, coefs: Sequence[float], eweight_name: str = "w", eps: Optional[float] = None,
                 avg_degree: int = 5) -> None:
        self.coefs = list(coefs)
        self.eweight_name = eweight_name
        self.eps = eps
        self.avg_degree = avg_degree

    def __call__(self, g: Any) -> Any:
        a = _weighted_dense(g, self.eweight_name)
        n = a.shape[0]
        s = torch.zeros_like(a)
        power = torch.eye(n, dtype=a.dtype)
        for c in self.coefs:
            s = s + c * power
            power = power @ a
        return _sparsified_graph(g, s, self.eweight_name, self.eps, self.avg_degree)
