"""``DistEmbedding``: learnable node embeddings stored by the partition owning each node."""
from __future__ import annotations

from typing import Callable, List, Optional, Tuple

import torch

from .dist_tensor import DistTensor
from .partition_book import PartitionPolicy

__all__ = ["DistEmbedding"]


def _uniform_init(shape, dtype):
    return torch.empty(shape, dtype=dtype).uniform_(-1.0, 1.0)


class DistEmbedding:
    """A ``(num_embeddings, embedding_dim)`` table updated sparsely (DGL's ``DistEmbedding``).

    ``emb(ids)`` reads the rows (a collective) as a tensor that takes gradients; the sparse
    optimizers of :mod:`graphdl.distributed.optim` then send each row's gradient to the rank that
    owns it, which updates the row and its optimizer state. Rows that were not read are never
    touched, and no rank holds more than its own rows.

    Parameters
    ----------
    num_embeddings : int
        Rows (the nodes of one type).
    embedding_dim : int
        Columns.
    name : str, optional
        Name shared by all ranks (needed to save and restore the table).
    init_func : callable, optional
        ``init_func(shape, dtype)`` for this rank's rows (uniform in [-1, 1] by default).
    part_policy : PartitionPolicy, optional
        The node policy; by default the one of the DistGraph's type with that many nodes.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, name: Optional[str] = None,
                 init_func: Optional[Callable] = None,
                 part_policy: Optional[PartitionPolicy] = None) -> None:
        self._tensor = DistTensor((num_embeddings, embedding_dim), torch.float32, name=name,
                                  init_func=init_func or _uniform_init, part_policy=part_policy,
                                  persistent=True)
        self._trace: List[Tuple[torch.Tensor, torch.Tensor]] = []
        self._num_embeddings = int(num_embeddings)
        self._embedding_dim = int(embedding_dim)
        self.optm_state = None

    @property
    def name(self) -> str:
        return self._tensor.name

    @property
    def num_embeddings(self) -> int:
        return self._num_embeddings

    @property
    def embedding_dim(self) -> int:
        return self._embedding_dim

    @property
    def weight(self) -> DistTensor:
        """The table as a :class:`DistTensor`."""
        return self._tensor

    @property
    def part_policy(self) -> PartitionPolicy:
        return self._tensor.part_policy

    def __call__(self, idx, device="cpu") -> torch.Tensor:
        ids = torch.as_tensor(idx).reshape(-1).to(torch.int64)
        rows = self._tensor[ids].to(device)
        if torch.is_grad_enabled():
            rows.requires_grad_(True)
            self._trace.append((ids, rows))
        return rows

    @property
    def trace(self) -> List[Tuple[torch.Tensor, torch.Tensor]]:
        return self._trace

    def reset_trace(self) -> None:
        self._trace = []

    def __repr__(self) -> str:
        return (f"DistEmbedding(name={self.name!r}, num_embeddings={self._num_embeddings}, "
                f"embedding_dim={self._embedding_dim})")
