"""Run one module per relation of a heterogeneous graph and combine the results."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import torch
from torch import nn

from ..base import DGLError

__all__ = ["HeteroGraphConv", "get_aggregate_fn"]

AggFn = Callable[[List[torch.Tensor], str], Optional[torch.Tensor]]


class _Reduce:
    """Combine the per-relation results by ``name`` (sum, mean, max or min).

    A class rather than a closure so that modules holding it can be pickled.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, tensors: List[torch.Tensor], dsttype: str) -> Optional[torch.Tensor]:
        if len(tensors) == 0:
            return None
        stacked = torch.stack(tensors, dim=0)
        if self.name == "sum":
            return stacked.sum(dim=0)
        if self.name == "mean":
            return stacked.mean(dim=0)
        if self.name == "max":
            return stacked.max(dim=0)[0]
        return stacked.min(dim=0)[0]

    def __repr__(self) -> str:
        return f"aggregate={self.name!r}"


def _reduce(name: str) -> AggFn:
    return _Reduce(name)


def _stack(tensors: List[torch.Tensor], dsttype: str) -> Optional[torch.Tensor]:
    if len(tensors) == 0:
        return None
    return torch.stack(tensors, dim=1)


def get_aggregate_fn(agg: str) -> AggFn:
    """The cross-relation combiner called ``agg``: sum, max, min, mean or stack."""
    if agg in ("sum", "max", "min", "mean"):
        return _reduce(agg)
    if agg == "stack":
        return _stack
    raise DGLError(f"Invalid cross-relation aggregation {agg!r}; use sum, max, min, mean, stack or a callable.")


class HeteroGraphConv(nn.Module):
    r"""Apply a module per relation and aggregate the results per destination type.

    .. math::

        h_{d}' = \mathrm{AGG}_{(s, r, d) \in \mathcal{R}} \; f_r\big(g_r, (h_s, h_d)\big)

    Each relation module receives the relation's subgraph and the pair (source features,
    destination features). Modules with a ``set_allow_zero_in_degree`` method are switched to
    allow nodes without in-edges, since one relation rarely reaches every node.

    Parameters
    ----------
    mods
        ``{etype or canonical etype: module}``; a plain edge-type name serves every
        relation with that name.
    aggregate
        ``'sum'`` (default), ``'max'``, ``'min'``, ``'mean'``, ``'stack'`` (stack along
        dimension 1) or a callable ``f(list_of_tensors, dsttype) -> tensor``.

    Shapes
    ------
    ``inputs`` ``{ntype: (N_t, *)}`` or a pair of such dicts; output ``{dsttype: tensor}`` for
    every destination type reached by at least one relation.

    Example
    -------
    >>> conv = HeteroGraphConv({'follows': GraphConv(4, 2), 'plays': SAGEConv((4, 3), 2, 'mean')})
    >>> out = conv(g, {'user': hu, 'game': hg})
    """

    def __init__(self, mods: Mapping[Any, nn.Module], aggregate: Union[str, AggFn] = "sum") -> None:
        super().__init__()
        self.mod_dict = dict(mods)
        self.mods = nn.ModuleDict({str(k): v for k, v in mods.items()})
        for mod in self.mods.values():
            setter = getattr(mod, "set_allow_zero_in_degree", None)
            if callable(setter):
                setter(True)
        self.agg_fn = get_aggregate_fn(aggregate) if isinstance(aggregate, str) else aggregate

    def _get_module(self, etype: Tuple[str, str, str]) -> nn.Module:
        mod = self.mod_dict.get(etype)
        if mod is None:
            mod = self.mod_dict.get(etype[1])
        if mod is None:
            raise DGLError(f"HeteroGraphConv has no module for relation {etype!r}.")
        return mod

    def forward(
        self,
        g: Any,
        inputs: Any,
        mod_args: Optional[Mapping[str, tuple]] = None,
        mod_kwargs: Optional[Mapping[str, dict]] = None,
    ) -> Dict[str, torch.Tensor]:
        mod_args = {} if mod_args is None else mod_args
        mod_kwargs = {} if mod_kwargs is None else mod_kwargs
        if isinstance(inputs, tuple):
            src_inputs, dst_inputs = inputs
        elif g.is_block:
            src_inputs = inputs
            dst_inputs = {k: v[: g.num_dst_nodes(k)] for k, v in inputs.items() if k in g.dsttypes}
        else:
            src_inputs = dst_inputs = inputs
        outputs: Dict[str, List[torch.Tensor]] = {nty: [] for nty in g.dsttypes}
        for stype, etype, dtype in g.canonical_etypes:
            if stype not in src_inputs:
                continue
            if dtype not in dst_inputs:
                raise DGLError(f"HeteroGraphConv needs features of destination type {dtype!r} for relation "
                               f"{(stype, etype, dtype)!r}.")
            rel_graph = g[stype, etype, dtype]
            out = self._get_module((stype, etype, dtype))(
                rel_graph,
                (src_inputs[stype], dst_inputs[dtype]),
                *mod_args.get(etype, ()),
                **mod_kwargs.get(etype, {}),
            )
            outputs[dtype].append(out)
        result = {}
        for nty, tensors in outputs.items():
            if len(tensors) != 0:
                result[nty] = self.agg_fn(tensors, nty)
        return result
