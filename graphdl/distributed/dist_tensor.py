"""``DistTensor``: a tensor whose rows are stored by the partition that owns them."""
from __future__ import annotations

import itertools
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch

from ..base import DGLError
from . import _comm
from .partition_book import PartitionPolicy

__all__ = ["DistTensor"]

_TENSORS: Dict[str, "DistTensor"] = {}
_ANON = itertools.count()


def _zeros(shape: Tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    return torch.zeros(shape, dtype=dtype)


class DistTensor:
    """A ``(N, ...)`` tensor split by rows over the partitions (DGL's ``DistTensor``).

    Row ``i`` lives on the rank that owns node (or edge) ``i`` of the policy's type. Reading
    ``t[ids]`` or writing ``t[ids] = rows`` works for any ids and is a collective: every rank
    makes the call (with its own ids, possibly none), as in lockstep data-parallel training.

    Parameters
    ----------
    shape : tuple of int
        The full shape; ``shape[0]`` is the number of nodes or edges of the policy's type.
    dtype : torch.dtype
        Element type.
    name : str, optional
        A name shared by all ranks; a second tensor created with the same name attaches to the
        first (same rows). Anonymous tensors get a fresh name.
    init_func : callable, optional
        ``init_func(shape, dtype)`` gives this rank's rows (zeros by default).
    part_policy : PartitionPolicy, optional
        How rows are split; by default the node (or edge) policy of the current
        :class:`DistGraph` whose type has ``shape[0]`` ids.
    persistent : bool
        Kept after the Python object is deleted (graphdl keeps every named tensor until
        :func:`~graphdl.distributed.exit_client`).

    Examples
    --------
    >>> h = DistTensor((g.num_nodes(), 16), torch.float32, name="h")
    >>> h[torch.tensor([0, 5])] = torch.ones(2, 16)
    >>> h[torch.tensor([5])].sum()
    tensor(16.)
    """

    def __init__(self, shape: Sequence[int], dtype: torch.dtype, name: Optional[str] = None,
                 init_func: Optional[Callable] = None, part_policy: Optional[PartitionPolicy] = None,
                 persistent: bool = False, is_gdata: bool = True, attach: bool = True,
                 _local: Optional[torch.Tensor] = None) -> None:
        _comm._require()
        shape = tuple(int(s) for s in shape)
        if not shape:
            raise DGLError("A DistTensor needs at least one dimension (its rows).")
        if part_policy is None:
            part_policy = _default_policy(shape[0])
        if part_policy.get_size() != shape[0]:
            raise DGLError(f"The partition policy {part_policy.policy_str} splits "
                           f"{part_policy.get_size()} rows, but the tensor has {shape[0]}.")
        if name is not None and name in _TENSORS and attach:
            other = _TENSORS[name]
            if other.shape != shape or other.dtype != dtype:
                raise DGLError(f"DistTensor {name!r} exists with shape {other.shape} and dtype "
                               f"{other.dtype}; cannot attach with {shape}, {dtype}.")
            self.__dict__.update(other.__dict__)
            return
        self._shape, self._dtype, self._policy = shape, dtype, part_policy
        self._name = name if name is not None else f"anonymous-{next(_ANON)}"
        self._persistent = persistent
        local_shape = (part_policy.get_part_size(),) + shape[1:]
        if _local is not None:
            if tuple(_local.shape) != local_shape:
                raise DGLError(f"Local rows of {self._name!r} have shape {tuple(_local.shape)}; "
                               f"expected {local_shape}.")
            self._local = _local.to(dtype)
        else:
            init = init_func if init_func is not None else _zeros
            self._local = init(local_shape, dtype)
            if tuple(self._local.shape) != local_shape:
                raise DGLError(f"init_func returned shape {tuple(self._local.shape)}; expected "
                               f"{local_shape}.")
        _TENSORS[self._name] = self

    # ----------------------------------------------------------------- properties
    @property
    def shape(self) -> Tuple[int, ...]:
        return self._shape

    @property
    def dtype(self) -> torch.dtype:
        return self._dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def part_policy(self) -> PartitionPolicy:
        return self._policy

    @property
    def local_partition(self) -> torch.Tensor:
        """The rows this rank stores (owned ids, in id order)."""
        return self._local

    def __len__(self) -> int:
        return self._shape[0]

    def __repr__(self) -> str:
        return f"DistTensor(name={self._name!r}, shape={self._shape}, dtype={self._dtype})"

    # ----------------------------------------------------------------- rows
    def _ids(self, idx) -> torch.Tensor:
        if isinstance(idx, slice):
            idx = torch.arange(*idx.indices(self._shape[0]))
        ids = torch.as_tensor(idx)
        if ids.dtype == torch.bool:
            if ids.shape[0] != self._shape[0]:
                raise DGLError(f"A boolean mask over {self.name!r} needs {self._shape[0]} entries, "
                               f"got {ids.shape[0]}.")
            ids = torch.nonzero(ids).reshape(-1)
        if ids.is_floating_point():
            raise DGLError(f"Rows of {self.name!r} are indexed by integer ids, got {ids.dtype}.")
        ids = ids.reshape(-1).to(torch.int64)
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self._shape[0]):
            bad = ids[(ids < 0) | (ids >= self._shape[0])][0].item()
            raise DGLError(f"Row id {bad} is out of range for {self.name!r} with "
                           f"{self._shape[0]} rows.")
        return ids

    def __getitem__(self, idx) -> torch.Tensor:
        ids = self._ids(idx)
        policy = self._policy

        def serve(req: torch.Tensor):
            return torch.ones(req.numel(), dtype=torch.int64), [self._local[policy.to_local(req)]]

        _, (rows,) = _comm.route(ids, policy.to_partid(ids), serve, f"reading {self.name!r}")
        return rows

    def __setitem__(self, idx, value) -> None:
        ids = self._ids(idx)
        value = torch.as_tensor(value, dtype=self._dtype)
        want = (ids.numel(),) + self._shape[1:]
        if tuple(value.shape) != want:
            try:
                value = value.expand(want)
            except RuntimeError:
                raise DGLError(f"Writing {ids.numel()} rows of {self.name!r} needs values of shape "
                               f"{want}, got {tuple(value.shape)}.") from None
        policy = self._policy

        def apply(req: torch.Tensor, rows):
            self._local[policy.to_local(req)] = rows[0]

        _comm.push(ids, policy.to_partid(ids), [value.contiguous()], apply,
                   f"writing {self.name!r}")


_DEFAULT_GRAPH = None


def _set_default_graph(g) -> None:
    global _DEFAULT_GRAPH
    _DEFAULT_GRAPH = g


def _default_policy(num_rows: int) -> PartitionPolicy:
    g = _DEFAULT_GRAPH
    if g is None:
        raise DGLError("Give a part_policy, or create a DistGraph first so the DistTensor can "
                       "take its node or edge policy.")
    matches = [g.get_node_partition_policy(nt) for nt in g.ntypes if g.num_nodes(nt) == num_rows]
    if not matches:
        matches = [g.get_edge_partition_policy(c) for c in g.canonical_etypes
                   if g.num_edges(c) == num_rows]
    if len(matches) != 1:
        raise DGLError(f"Cannot tell which node or edge type a DistTensor of {num_rows} rows is "
                       f"for ({len(matches)} candidates); give part_policy.")
    return matches[0]


def _forget_all() -> None:
    _TENSORS.clear()
    _set_default_graph(None)
