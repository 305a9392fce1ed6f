"""Batches handed to user-defined functions: :class:`EdgeBatch` and :class:`NodeBatch`."""
from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

import torch

from .base import DGLError

__all__ = ["EdgeBatch", "NodeBatch", "GatheredData"]


class GatheredData(Mapping):
    """Read-only features of some rows of a frame, gathered on first access to each field."""

    def __init__(self, source: Mapping, rows: Optional[torch.Tensor],
                 extra: Optional[Dict[str, torch.Tensor]] = None) -> None:
        self._source = source
        self._rows = None if rows is None else rows.long()
        self._extra = dict(extra) if extra else {}
        self._cache: Dict[str, torch.Tensor] = {}

    def __getitem__(self, name: str) -> torch.Tensor:
        if name in self._extra:
            return self._extra[name]
        if name not in self._cache:
            if name not in self._source:
                raise KeyError(name)
            col = self._source[name]
            self._cache[name] = col if self._rows is None else col[self._rows]
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        seen = set(self._extra)
        yield from self._extra
        for k in self._source:
            if k not in seen:
                yield k

    def __len__(self) -> int:
        return len(set(self._extra) | set(self._source))

    def __contains__(self, name: object) -> bool:
        return name in self._extra or name in self._source


class EdgeBatch:
    """A batch of edges of one type: ``src``, ``dst`` and ``data`` give their features."""

    def __init__(self, graph: Any, eid: torch.Tensor, etype: Tuple[str, str, str],
                 src_data: Mapping, edge_data: Mapping, dst_data: Mapping,
                 src_ids: torch.Tensor, dst_ids: torch.Tensor) -> None:
        self._graph = graph
        self._eid = eid
        self._etype = etype
        self._src_data = src_data
        self._edge_data = edge_data
        self._dst_data = dst_data
        self._src_ids = src_ids
        self._dst_ids = dst_ids

    @property
    def src(self) -> Mapping:
        """Features of each edge's source node."""
        return self._src_data

    @property
    def dst(self) -> Mapping:
        """Features of each edge's destination node."""
        return self._dst_data

    @property
    def data(self) -> Mapping:
        """Features of the edges."""
        return self._edge_data

    def edges(self) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(src ids, dst ids, edge ids)`` of the batch."""
        return self._src_ids, self._dst_ids, self._eid

    def batch_size(self) -> int:
        return int(self._eid.shape[0])

    def __len__(self) -> int:
        return self.batch_size()

    @property
    def canonical_etype(self) -> Tuple[str, str, str]:
        return self._etype


class NodeBatch:
    """A batch of nodes of one type: ``data`` holds their features, ``mailbox`` the messages
    they received (``(batch, in-degree, *)`` per field; all nodes of a batch share a degree)."""

    def __init__(self, graph: Any, nodes: torch.Tensor, ntype: str, data: Mapping,
                 msgs: Optional[Dict[str, torch.Tensor]] = None) -> None:
        self._graph = graph
        self._nodes = nodes
        self._ntype = ntype
        self._data = data
        self._msgs = msgs

    @property
    def data(self) -> Mapping:
        return self._data

    @property
    def mailbox(self) -> Dict[str, torch.Tensor]:
        if self._msgs is None:
            raise DGLError("This node batch has no mailbox: messages exist only inside reduce functions.")
        return self._msgs

    def nodes(self) -> torch.Tensor:
        return self._nodes

    def batch_size(self) -> int:
        return int(self._nodes.shape[0])

    def __len__(self) -> int:
        return self.batch_size()

    @property
    def ntype(self) -> str:
        return self._ntype
