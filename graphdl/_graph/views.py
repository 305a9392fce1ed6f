"""The ``g.nodes`` / ``g.edges`` / ``g.ndata`` style views over a graph's feature frames."""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Tuple

import torch

from ..base import ALL, DGLError, is_all

if TYPE_CHECKING:  # pragma: no cover
    from ..heterograph import DGLGraph
    from .frame import Frame

__all__ = ["DataView", "HeteroDataView", "NodeView", "EdgeView", "NodeSpace", "EdgeSpace"]


class DataView(MutableMapping):
    """Features of one frame, optionally restricted to some rows (``g.nodes[ids].data``)."""

    def __init__(self, frame: "Frame", rows: Any = None, to_index=None) -> None:
        self._frame = frame
        self._rows = ALL if rows is None else rows
        self._to_index = to_index

    def _row_index(self) -> torch.Tensor:
        return self._to_index(self._rows)

    def __getitem__(self, name: str) -> torch.Tensor:
        col = self._frame[name]
        if is_all(self._rows):
            return col
        return col[self._row_index().long()]

    def __setitem__(self, name: str, value: torch.Tensor) -> None:
        if isinstance(value, dict):
            raise DGLError(
                f"Feature '{name}' was given as a dict, but this view holds a single node or edge type."
            )
        if is_all(self._rows):
            self._frame[name] = value
        else:
            self._frame.set_rows(name, self._row_index(), value)

    def __delitem__(self, name: str) -> None:
        if not is_all(self._rows):
            raise DGLError("Deleting a feature is only allowed for all nodes or edges at once.")
        del self._frame[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame)

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        return repr({k: self[k] for k in self})


class HeteroDataView(MutableMapping):
    """Features of several types at once: ``view[name]`` is a dict from type to tensor."""

    def __init__(self, frames: Dict[Any, "Frame"], what: str) -> None:
        self._frames = frames
        self._what = what

    def __getitem__(self, name: str) -> Dict[Any, torch.Tensor]:
        out = {t: f[name] for t, f in self._frames.items() if name in f}
        if not out:
            raise KeyError(name)
        return out

    def __setitem__(self, name: str, value: Dict[Any, torch.Tensor]) -> None:
        if not isinstance(value, dict):
            raise DGLError(
                f"The graph has several {self._what} types: set feature '{name}' with a dict from "
                f"{self._what} type to tensor."
            )
        for t, v in value.items():
            if t not in self._frames:
                raise DGLError(
                    f"Unknown {self._what} type {t!r}; the graph has {list(self._frames)}."
                )
            self._frames[t][name] = v

    def __delitem__(self, name: str) -> None:
        found = False
        for f in self._frames.values():
            if name in f:
                del f[name]
                found = True
        if not found:
            raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        seen: List[str] = []
        for f in self._frames.values():
            for k in f:
                if k not in seen:
                    seen.append(k)
        return iter(seen)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __repr__(self) -> str:
        return repr({k: self[k] for k in self})


class NodeSpace:
    """``g.nodes[ntype]`` or ``g.nodes[ids]``: gives access to ``.data``."""

    def __init__(self, graph: "DGLGraph", ntype: Any, rows: Any, side: str) -> None:
        self._graph = graph
        self._ntype = ntype
        self._rows = rows
        self._side = side

    @property
    def data(self) -> DataView:
        g = self._graph
        slot = g._node_slot(self._ntype, self._side)
        frame = g._node_frames[slot]
        return DataView(frame, self._rows, lambda r: g._check_node_ids(r, slot))


class NodeView:
    """``g.nodes``: callable for node ids, indexable by node type and/or ids."""

    def __init__(self, graph: "DGLGraph", side: str = "all") -> None:
        self._graph = graph
        self._side = side

    def __getitem__(self, key: Any) -> NodeSpace:
        g = self._graph
        ntype, rows = None, ALL
        if isinstance(key, str):
            ntype = key
        elif isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], str):
            rows, ntype = key
        else:
            rows = key
        return NodeSpace(g, ntype, rows, self._side)

    def __call__(self, ntype: Any = None) -> torch.Tensor:
        g = self._graph
        slot = g._node_slot(ntype, self._side)
        return torch.arange(g._num_nodes[slot], dtype=g.idtype, device=g.device)

    def __len__(self) -> int:
        return self._graph.num_nodes()

    def __iter__(self):
        return iter(self().tolist())

    def __repr__(self) -> str:
        return f"NodeView(num_nodes={self._graph.num_nodes()})"


class EdgeSpace:
    """``g.edges[etype]`` or ``g.edges[ids]``: gives access to ``.data``."""

    def __init__(self, graph: "DGLGraph", etype: Any, rows: Any) -> None:
        self._graph = graph
        self._etype = etype
        self._rows = rows

    @property
    def data(self) -> DataView:
        g = self._graph
        eid = g.get_etype_id(self._etype)
        frame = g._edge_frames[eid]
        return DataView(frame, self._rows, lambda r: g._check_edge_ids(r, eid))


def _is_etype_key(key: Any) -> bool:
    return isinstance(key, str) or (
        isinstance(key, tuple) and len(key) == 3 and all(isinstance(k, str) for k in key)
    )


class EdgeView:
    """``g.edges``: callable for edge endpoints, indexable by edge type and/or ids."""

    def __init__(self, graph: "DGLGraph") -> None:
        self._graph = graph

    def __getitem__(self, key: Any) -> EdgeSpace:
        if _is_etype_key(key):
            return EdgeSpace(self._graph, key, ALL)
        if isinstance(key, tuple) and len(key) == 2 and _is_etype_key(key[1]):
            rows, etype = key
            return EdgeSpace(self._graph, etype, rows)
        if isinstance(key, tuple) and len(key) == 2:
            # (u, v) pairs select the edges between them, as in DGL
            u, v = key
            eids = self._graph.edge_ids(u, v)
            return EdgeSpace(self._graph, None, eids)
        return EdgeSpace(self._graph, None, key)

    def __call__(self, form: str = "uv", order: str = "eid", etype: Any = None) -> Tuple[torch.Tensor, ...]:
        return self._graph.all_edges(form=form, order=order, etype=etype)

    def __len__(self) -> int:
        return self._graph.num_edges()

    def __repr__(self) -> str:
        return f"EdgeView(num_edges={self._graph.num_edges()})"
