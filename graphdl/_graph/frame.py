"""Feature frames: the columns of node or edge features of one node set or relation."""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Sequence, Tuple

import torch

from ..base import DGLError

__all__ = ["Frame", "LazyFeature"]


class LazyFeature:
    """A placeholder for a feature the data loader fetches from the parent graph.

    A sampler's ``sample`` may write ``sub.ndata[key] = LazyFeature(name)`` (or into
    ``srcdata`` / ``dstdata`` / ``edata``) instead of copying features. Once the sample is
    made, :class:`~graphdl.dataloading.DataLoader` (and the collators) replace it with
    ``parent.ndata[name][ids]``, where ``ids`` is ``id_`` when given and the sampled graph's
    ``NID`` (``EID`` for edges) otherwise; ``name`` defaults to ``key``. Until then the
    feature is pending: it is not among the graph's columns.

    Parameters
    ----------
    name : str, optional
        The feature's name in the parent graph (default: the key it is assigned to).
    id_ : torch.Tensor, optional
        The parent rows to take (default: the sampled graph's ``NID`` / ``EID``).

    Examples
    --------
    >>> def sample(self, g, seeds):
    ...     sub = graphdl.node_subgraph(g, seeds)
    ...     sub.ndata["x"] = LazyFeature("feat")
    ...     return sub
    """

    __slots__ = ("name", "id_")

    def __init__(self, name: Optional[str] = None, id_: Optional[torch.Tensor] = None) -> None:
        self.name = name
        self.id_ = id_

    def to(self, *args: Any, **kwargs: Any) -> "LazyFeature":
        """The placeholder itself: it holds no data to move."""
        return self

    def __repr__(self) -> str:
        return f"LazyFeature(name={self.name!r}, id_={self.id_!r})"


class Frame(MutableMapping):
    """A mapping from feature name to a tensor whose first dimension is ``num_rows``.

    Writes are checked: the value must be a tensor with ``num_rows`` rows on ``device``.
    """

    __slots__ = ("_columns", "num_rows", "device", "what", "initializers", "lazy")

    def __init__(self, num_rows: int, device: torch.device, what: str = "node") -> None:
        self._columns: Dict[str, torch.Tensor] = {}
        self.num_rows = int(num_rows)
        self.device = torch.device(device)
        self.what = what
        # field (None: every field) -> initializer(shape, dtype, device, id_range) for rows
        # that a partial write leaves unset; zeros when there is none (DGL's set_n_initializer).
        self.initializers: Dict[Optional[str], Callable] = {}
        # name -> LazyFeature written in place of a tensor, pending until the data loader
        # fetches it (graphdl.dataloading.lazy_features.resolve_lazy_features).
        self.lazy: Dict[str, LazyFeature] = {}

    def new_rows(self, name: str, shape: Tuple[int, ...], dtype: torch.dtype,
                 start: int = 0) -> torch.Tensor:
        """Values for rows ``start .. start + shape[0]`` of column ``name`` no write has set."""
        init = self.initializers.get(name, self.initializers.get(None))
        if init is None:
            return torch.zeros(shape, dtype=dtype, device=self.device)
        value = init(tuple(shape), dtype, self.device, slice(start, start + shape[0]))
        value = torch.as_tensor(value).to(device=self.device, dtype=dtype)
        if tuple(value.shape) != tuple(shape):
            raise DGLError(f"The initializer of feature '{name}' returned shape "
                           f"{tuple(value.shape)}; {tuple(shape)} was asked for.")
        return value

    # -- mapping protocol ------------------------------------------------------------------
    def __getitem__(self, name: str) -> torch.Tensor:
        try:
            return self._columns[name]
        except KeyError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: torch.Tensor) -> None:
        if isinstance(value, LazyFeature):
            self._columns.pop(name, None)
            self.lazy[name] = value
            return
        self._columns[name] = self.check(name, value)
        self.lazy.pop(name, None)

    def __delitem__(self, name: str) -> None:
        if name in self.lazy and name not in self._columns:
            del self.lazy[name]
            return
        del self._columns[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        cols = {k: tuple(v.shape) for k, v in self._columns.items()}
        return f"Frame(num_rows={self.num_rows}, columns={cols})"

    # -- checks ----------------------------------------------------------------------------
    def check(self, name: str, value: torch.Tensor) -> torch.Tensor:
        if not isinstance(value, torch.Tensor):
            raise DGLError(
                f"Feature '{name}' must be a torch.Tensor, got {type(value).__name__}."
            )
        if value.dim() == 0 or value.shape[0] != self.num_rows:
            got = "a scalar" if value.dim() == 0 else f"{value.shape[0]} rows"
            raise DGLError(
                f"Feature '{name}' has {got} but there are {self.num_rows} {self.what}s: "
                f"its first dimension must equal the number of {self.what}s."
            )
        if value.device != self.device:
            raise DGLError(
                f"Feature '{name}' is on {value.device} but the graph is on {self.device}; "
                f"move it with .to({str(self.device)!r})."
            )
        return value

    # -- row operations ----------------------------------------------------------------------
    def set_rows(self, name: str, rows: torch.Tensor, value: torch.Tensor) -> None:
        """Write ``value`` into the rows ``rows`` of column ``name`` (creating it with zeros)."""
        if not isinstance(value, torch.Tensor):
            raise DGLError(f"Feature '{name}' must be a torch.Tensor.")
        if value.shape[0] != rows.shape[0]:
            raise DGLError(
                f"Feature '{name}' has {value.shape[0]} rows but {rows.shape[0]} {self.what}s were given."
            )
        if value.device != self.device:
            raise DGLError(f"Feature '{name}' is on {value.device} but the graph is on {self.device}.")
        if name in self._columns:
            col = self._columns[name]
            if col.shape[1:] != value.shape[1:]:
                raise DGLError(
                    f"Feature '{name}' has shape {tuple(col.shape[1:])} per {self.what} but the new "
                    f"value has {tuple(value.shape[1:])}."
                )
            col = col.clone()
            col[rows.long()] = value.to(col.dtype)
        else:
            col = self.new_rows(name, (self.num_rows,) + tuple(value.shape[1:]), value.dtype)
            col[rows.long()] = value
        self._columns[name] = col

    def subframe(self, rows: Optional[torch.Tensor]) -> "Frame":
        """A new frame holding the rows ``rows`` of every column (all rows when None)."""
        if rows is None:
            out = Frame(self.num_rows, self.device, self.what)
            out._columns = dict(self._columns)
            out.initializers = dict(self.initializers)
            out.lazy = dict(self.lazy)
            return out
        idx = rows.long()
        out = Frame(idx.shape[0], self.device, self.what)
        out._columns = {k: v[idx] for k, v in self._columns.items()}
        return out

    def append_rows(self, num: int, data: Optional[Dict[str, torch.Tensor]] = None) -> None:
        """Grow by ``num`` rows; given columns take ``data``, the others zeros."""
        data = dict(data or {})
        for name, value in data.items():
            if not isinstance(value, torch.Tensor) or value.shape[0] != num:
                raise DGLError(
                    f"Feature '{name}' for the {num} new {self.what}s must be a tensor with {num} rows."
                )
            if name not in self._columns and self.num_rows > 0:
                self._columns[name] = self.new_rows(name, (self.num_rows,) + tuple(value.shape[1:]),
                                                    value.dtype)
        new_cols = {}
        for name, col in self._columns.items():
            if name in data:
                value = data[name].to(device=col.device, dtype=col.dtype)
                if value.shape[1:] != col.shape[1:]:
                    raise DGLError(
                        f"Feature '{name}' has shape {tuple(col.shape[1:])} per {self.what}, "
                        f"the new rows have {tuple(value.shape[1:])}."
                    )
            else:
                value = self.new_rows(name, (num,) + tuple(col.shape[1:]), col.dtype, self.num_rows)
            new_cols[name] = torch.cat([col, value], 0)
        for name, value in data.items():
            if name not in new_cols:
                new_cols[name] = value.to(self.device)
        self._columns = new_cols
        self.num_rows += num

    def keep_rows(self, rows: torch.Tensor) -> None:
        idx = rows.long()
        self._columns = {k: v[idx] for k, v in self._columns.items()}
        self.num_rows = int(idx.shape[0])

    def to(self, device: torch.device) -> "Frame":
        out = Frame(self.num_rows, device, self.what)
        out._columns = {k: v.to(device) for k, v in self._columns.items()}
        out.initializers = dict(self.initializers)
        out.lazy = dict(self.lazy)
        return out

    def snapshot(self) -> Dict[str, torch.Tensor]:
        return dict(self._columns)

    def restore(self, columns: Dict[str, torch.Tensor], num_rows: int) -> None:
        self._columns = dict(columns)
        self.num_rows = num_rows


def copy_frame(
    src: Mapping[str, torch.Tensor],
    dst: Any,
    index: Optional[torch.Tensor] = None,
    names: Optional[Sequence[str]] = None,
    skip: Sequence[str] = (),
) -> None:
    """Write ``src[name][index]`` (or the whole tensor) into the frame ``dst`` for every name."""
    keys = list(src.keys()) if names is None else list(names)
    for k in keys:
        if k in skip:
            continue
        v = src[k]
        dst[k] = v if index is None else v[index.to(v.device).long()]
