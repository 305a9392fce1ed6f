"""Encoders and decoders for the training workflows.

Encoder: each node type's float features are concatenated and projected to ``hidden``
(:math:`h^0_v = W_t x_v`); a featureless type gets a learnable embedding per node instead, and
``id_embeddings`` adds one to every type (:math:`h^0_v = W_t x_v + e_v`). Then ``layers``
rounds of message passing, each :math:`h^{l+1} = \\mathrm{ReLU}(\\mathrm{conv}(g, h^l)) + h^l`
(no activation after the last), with ``conv`` one of

- ``sage``: :class:`~graphdl.nn.HeteroGraphConv` of one mean :class:`~graphdl.nn.SAGEConv` per
  relation, summed over relations;
- ``rgcn``: R-GCN, :math:`\\sum_r \\frac{1}{|N_r(v)|}\\sum_{u \\in N_r(v)} W_r h_u + W_0 h_v`,
  built from one :class:`~graphdl.nn.GraphConv` (right normalisation) per relation;
- ``gat``: one multi-head :class:`~graphdl.nn.GATConv` per relation (heads concatenated), summed;
- ``hgt``: :class:`~graphdl.nn.HGTConv` on the graph flattened with ``to_homogeneous``.

Decoders score a (source, destination) pair: ``dot`` :math:`h_u \\cdot h_v`, ``distmult``
:math:`\\sum_i h_{u,i} r_i h_{v,i}` with a learnt relation vector :math:`r`, and ``mlp``
:math:`\\mathrm{MLP}([h_u, h_v])`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .._type_conversion import to_homogeneous
from ..base import ETYPE, NID, NTYPE, DGLError
from ..nn import GATConv, GraphConv, HeteroGraphConv, HGTConv, NodeEmbedding, SAGEConv

__all__ = ["Encoder", "PairDecoder", "ENCODERS", "DECODERS", "node_inputs"]

ENCODERS = ("sage", "rgcn", "gat", "hgt")
DECODERS = ("dot", "distmult", "mlp")
_RESERVED = ("train_mask", "val_mask", "test_mask")


def node_inputs(g: Any, exclude: Sequence[str] = ()) -> Dict[str, List[str]]:
    """Per node type, the names of its 2-D float features (what the encoder consumes)."""
    out = {}
    for nt in g.ntypes:
        out[nt] = sorted(k for k, v in g.nodes[nt].data.items()
                         if v.dim() == 2 and v.dtype.is_floating_point and k not in _RESERVED and k not in exclude)
    return out


class Encoder(nn.Module):
    """Heterogeneous GNN encoder (see the module docstring for the formulas).

    Parameters
    ----------
    ntypes : list of str
    canonical_etypes : list of (str, str, str)
    in_dims : dict
        Input feature size per node type (0: featureless).
    num_nodes : dict
        Node count per type (for learnable embeddings).
    hidden : int
    layers : int
    kind : str
        One of ``sage``, ``rgcn``, ``gat``, ``hgt``.
    dropout : float
    id_embeddings : bool
        Add a learnable embedding to every node, not only to featureless types.
    heads : int
        Attention heads for ``gat`` and ``hgt``.
    sparse_embeddings : bool
        Keep the learnable embeddings in :class:`~graphdl.nn.NodeEmbedding` tables, trained by
        a sparse optimizer (only the rows a batch uses are read and updated); the tables stay
        on the CPU, ``state_dict`` saves them as ``sparse_emb.<ntype>`` and ``load_state_dict``
        restores them.
    """

    def __init__(self, ntypes: Sequence[str], canonical_etypes: Sequence[Tuple[str, str, str]],
                 in_dims: Dict[str, int], num_nodes: Dict[str, int], hidden: int = 64, layers: int = 2,
                 kind: str = "sage", dropout: float = 0.0, id_embeddings: bool = False, heads: int = 4,
                 sparse_embeddings: bool = False) -> None:
        super().__init__()

        if kind not in ENCODERS:
            raise DGLError(f"unknown encoder {kind!r}; use {', '.join(ENCODERS)}")
        if kind in ("gat", "hgt") and hidden % heads:
            raise DGLError(f"hidden size {hidden} must be divisible by heads {heads}")
        self.ntypes = list(ntypes)
        self.etypes = [tuple(c) for c in canonical_etypes]
        self.kind = kind
        self.hidden = hidden
        self.proj = nn.ModuleDict({nt: nn.Linear(in_dims[nt], hidden) for nt in self.ntypes if in_dims.get(nt, 0)})
        emb_types = [nt for nt in self.ntypes if id_embeddings or not in_dims.get(nt, 0)]
        self.sparse: Dict[str, Any] = {}
        if sparse_embeddings:
            self.emb = nn.ModuleDict()
            for nt in emb_types:
                table = NodeEmbedding(num_nodes[nt], hidden, f"emb_{nt}", init_func=lambda t: nn.init.normal_(t, std=0.1))
                self.sparse[nt] = table
            self._register_state_dict_hook(_save_tables)
            self._register_load_state_dict_pre_hook(self._load_tables)
        else:
            self.emb = nn.ModuleDict({nt: nn.Embedding(num_nodes[nt], hidden) for nt in emb_types})
            for e in self.emb.values():
                nn.init.normal_(e.weight, std=0.1)
        self.dropout = nn.Dropout(dropout)
        self.convs = nn.ModuleList()
        self.loops = nn.ModuleList()
        for _ in range(layers):
            if kind == "sage":
                mods = {c: SAGEConv(hidden, hidden, "mean") for c in self.etypes}
            elif kind == "rgcn":
                mods = {c: GraphConv(hidden, hidden, norm="right", bias=False, allow_zero_in_degree=True)
                        for c in self.etypes}
                self.loops.append(nn.Linear(hidden, hidden))
            elif kind == "gat":
                mods = {c: GATConv(hidden, hidden // heads, heads, allow_zero_in_degree=True) for c in self.etypes}
            else:
                self.convs.append(HGTConv(hidden, hidden // heads, heads, len(self.ntypes), len(self.etypes)))
                continue
            self.convs.append(HeteroGraphConv(mods, aggregate="sum"))

    def inputs(self, feats: Dict[str, torch.Tensor], nids: Optional[Dict[str, torch.Tensor]] = None) -> Dict[str, torch.Tensor]:
        """Layer-0 representations; ``nids`` picks rows (per type) of a sampled subgraph."""
        h = {}
        for nt in self.ntypes:
            parts = []
            if nt in self.proj:
                x = feats[nt] if nids is None else feats[nt][nids[nt]]
                parts.append(self.proj[nt](x))
            if nt in self.emb:
                idx = torch.arange(self.emb[nt].num_embeddings, device=self.emb[nt].weight.device) \
                    if nids is None else nids[nt]
                parts.append(self.emb[nt](idx))
            elif nt in self.sparse:
                table = self.sparse[nt]
                idx = torch.arange(table.num_embeddings) if nids is None else nids[nt]
                parts.append(table(idx, device=self._device()))
            h[nt] = sum(parts)
        return h

    def _device(self) -> torch.device:
        for p in self.parameters():
            return p.device
        return torch.device("cpu")

    def _load_tables(self, state_dict, prefix, *args) -> None:
        for nt, table in self.sparse.items():
            key = f"{prefix}sparse_emb.{nt}"
            if key in state_dict:
                table.all_set_embedding(state_dict.pop(key).to(table.weight.device))

    def sparse_tables(self) -> List[Any]:
        """The :class:`~graphdl.nn.NodeEmbedding` tables (empty without ``sparse_embeddings``)."""
        return list(self.sparse.values())

    def forward(self, g: Any, feats: Dict[str, torch.Tensor],
                edge_weight: Optional[Dict[Tuple[str, str, str], torch.Tensor]] = None) -> Dict[str, torch.Tensor]:
        """Full-graph forward: representations of every node, per type.

        ``edge_weight`` maps relations to per-edge message weights (``sage`` and ``rgcn``
        aggregate :math:`\\sum_u w_{uv} h_u / |N(v)|`, ``gat`` scales the attention).
        """
        h = self.inputs(feats)
        kwargs = self._weight_kwargs(g, edge_weight)
        if self.kind == "hgt":
            return self._hgt(g, h)
        for i, conv in enumerate(self.convs):
            hin = {k: self.dropout(v) for k, v in h.items()}
            out = conv(g, hin, mod_kwargs=kwargs)
            new = {}
            for nt in h:
                m = out.get(nt)
                if m is None:
                    new[nt] = h[nt]
                    continue
                if m.dim() == 3:  # attention heads
                    m = m.flatten(1)
                if self.kind == "rgcn":
                    m = m + self.loops[i](hin[nt])
                if i < len(self.convs) - 1:
                    m = F.relu(m)
                new[nt] = m + h[nt]
            h = new
        return h

    def _weight_kwargs(self, g: Any, edge_weight) -> Dict[str, dict]:
        if not edge_weight:
            return {}
        if self.kind == "hgt":
            raise DGLError("the hgt encoder takes no edge weights; use sage, rgcn or gat")
        out = {}
        for c, w in edge_weight.items():
            if sum(1 for x in g.canonical_etypes if x[1] == c[1]) != 1:
                raise DGLError(f"edge weights need a relation name used once; {c[1]!r} is not")
            out[c[1]] = {"edge_weight": w}
        return out

    def forward_blocks(self, blocks: Sequence[Any], feats: Dict[str, torch.Tensor],
                       edge_weights: Optional[Sequence[Dict[Tuple[str, str, str], torch.Tensor]]] = None
                       ) -> Dict[str, torch.Tensor]:
        """Mini-batch forward over sampled blocks (not for ``hgt``); ``edge_weights`` holds one
        relation -> per-edge weight mapping per block."""
        if self.kind == "hgt":
            raise DGLError("the hgt encoder trains full-graph only; set minibatch: false")

        nids = {nt: blocks[0].srcnodes[nt].data[NID] for nt in blocks[0].srctypes
                if blocks[0].num_src_nodes(nt)}
        h = self.inputs(feats, {nt: nids.get(nt, torch.zeros(0, dtype=torch.int64)) for nt in self.ntypes})
        for i, (block, conv) in enumerate(zip(blocks, self.convs)):
            hs = {k: self.dropout(v) for k, v in h.items() if k in block.srctypes}
            hd = {k: v[: block.num_dst_nodes(k)] for k, v in hs.items() if k in block.dsttypes}
            out = conv(block, (hs, hd), mod_kwargs=self._weight_kwargs(block, edge_weights[i] if edge_weights else None))
            new = {}
            for nt in hd:
                m = out.get(nt)
                if m is None:
                    new[nt] = h[nt][: block.num_dst_nodes(nt)]
                    continue
                if m.dim() == 3:
                    m = m.flatten(1)
                if self.kind == "rgcn":
                    m = m + self.loops[i](hd[nt])
                if i < len(self.convs) - 1:
                    m = F.relu(m)
                new[nt] = m + h[nt][: block.num_dst_nodes(nt)]
            h = new
        return h

    def _hgt(self, g: Any, h: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        if not hasattr(self, "_homo") or self._homo[0] is not g:
            hg = to_homogeneous(g)
            self._homo = (g, hg, hg.ndata[NTYPE], hg.edata[ETYPE])
        _, hg, ntype, etype = self._homo
        x = torch.cat([h[nt] for nt in g.ntypes], 0)
        for i, conv in enumerate(self.convs):
            m = conv(hg, self.dropout(x), ntype, etype)
            x = (F.relu(m) if i < len(self.convs) - 1 else m) + x
        out, start = {}, 0
        for nt in g.ntypes:
            n = g.num_nodes(nt)
            out[nt] = x[start:start + n]
            start += n
        return out


def _save_tables(module: "Encoder", state_dict, prefix, local_metadata) -> None:
    for nt, table in module.sparse.items():
        state_dict[f"{prefix}sparse_emb.{nt}"] = table.weight.detach().clone()


class PairDecoder(nn.Module):
    """Score (source, destination) pairs: ``dot``, ``distmult`` or ``mlp``.

    Parameters
    ----------
    kind : str
    hidden : int
        Representation size.
    out : int
        Scores per pair (1 for link prediction, the class count for edge classification).
    """

    def __init__(self, kind: str, hidden: int, out: int = 1) -> None:
        super().__init__()
        if kind not in DECODERS:
            raise DGLError(f"unknown decoder {kind!r}; use {', '.join(DECODERS)}")
        if kind != "mlp" and out != 1:
            raise DGLError(f"decoder {kind!r} gives one score per pair; use mlp for {out} outputs")
        self.kind = kind
        if kind == "distmult":
            self.rel = nn.Parameter(torch.ones(hidden))
        if kind == "mlp":
            self.mlp = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, out))

    def forward(self, hu: torch.Tensor, hv: torch.Tensor) -> torch.Tensor:
        """Scores of aligned pairs: (B, D) x (B, D) -> (B,) (or (B, out) for mlp)."""
        if self.kind == "dot":
            return (hu * hv).sum(-1)
        if self.kind == "distmult":
            return (hu * self.rel * hv).sum(-1)
        s = self.mlp(torch.cat([hu, hv], -1))
        return s.squeeze(-1) if s.shape[-1] == 1 else s

    def all_pairs(self, hu: torch.Tensor, hv: torch.Tensor, chunk: int = 4096) -> torch.Tensor:
        """(B, D) sources against (N, D) destinations -> (B, N)."""
        if self.kind == "dot":
            return hu @ hv.t()
        if self.kind == "distmult":
            return (hu * self.rel) @ hv.t()
        rows = []
        for i in range(hu.shape[0]):
            cols = [self.forward(hu[i].expand(min(chunk, hv.shape[0] - j), -1), hv[j:j + chunk])
                    for j in range(0, hv.shape[0], chunk)]
            rows.append(torch.cat(cols))
        return torch.stack(rows)
