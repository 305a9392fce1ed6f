"""Learnable node embeddings updated sparsely (only the rows a mini-batch touched)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch

from ..base import DGLError
from ..multiprocessing import shared_tensor

__all__ = ["NodeEmbedding"]


class NodeEmbedding:
    r"""A large embedding table trained with a sparse optimizer such as
    :class:`graphdl.optim.SparseAdam`.

    Calling the object with node ids returns their rows as a fresh leaf tensor that requires
    grad; the ids and that tensor are recorded so the optimizer can apply the gradients to just
    those rows. It is not an ``nn.Module`` and its table is not a ``Parameter``, so dense
    optimizers never touch it.

    .. math::

        y_i = E[\mathrm{id}_i]

    Parameters
    ----------
    num_embeddings
        number of rows.
    embedding_dim
        row size.
    name
        a unique name (used to label optimizer state).
    init_func
        ``f(tensor) -> tensor`` that fills the table in place (default: zeros).
    device
        where the table lives (default CPU).
    partition
        accepted for compatibility; unused on one machine.

    Example
    -------
    >>> emb = NodeEmbedding(g.num_nodes(), 16, 'node_emb', init_func=lambda t: torch.nn.init.uniform_(t, -1, 1))
    >>> opt = graphdl.optim.SparseAdam([emb], lr=0.01)
    >>> loss = emb(torch.tensor([0, 3])).sum(); loss.backward(); opt.step()
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        name: str,
        init_func: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
        device: Any = None,
        partition: Any = None,
    ) -> None:
        self._num_embeddings = int(num_embeddings)
        self._embedding_dim = int(embedding_dim)
        self._name = name
        self._device = torch.device(device) if device is not None else torch.device("cpu")
        self._partition = partition
        if _group_ready():
            self._rank = torch.distributed.get_rank()
            self._world_size = torch.distributed.get_world_size()
            if self._device.type != "cpu":
                raise DGLError(f"NodeEmbedding {name!r}: a table shared by the processes of a "
                               f"torch.distributed group lives in CPU shared memory; got "
                               f"device={self._device}. Pass device='cpu' (rows are moved to the "
                               f"device given at lookup).")
        else:
            self._rank, self._world_size = -1, 0
        self._tensor = self.shared_zeros((self._num_embeddings, self._embedding_dim), torch.float32)
        if init_func is not None and self._rank <= 0:
            out = init_func(self._tensor)
            if isinstance(out, torch.Tensor) and out is not self._tensor:
                self._tensor.copy_(out)
        self._barrier()
        self._trace: List[Tuple[torch.Tensor, torch.Tensor]] = []
        self._optm_state: Optional[Tuple[torch.Tensor, ...]] = None

    def shared_zeros(self, shape: Sequence[int], dtype: torch.dtype) -> torch.Tensor:
        """A zero tensor on the embedding's device, shared by every process of the group when
        the embedding is (a collective then: every process calls it in the same order).

        Parameters
        ----------
        shape : sequence of int
            The shape.
        dtype : torch.dtype
            The element type.

        Returns
        -------
        Tensor
            The zero-filled tensor (optimizers keep their per-row state in it).
        """
        if self._world_size == 0:
            return torch.zeros(tuple(shape), dtype=dtype, device=self._device)
        out = shared_tensor(tuple(shape), dtype)
        if self._rank == 0:
            out.zero_()
        self._barrier()
        return out

    def _barrier(self) -> None:
        if self._world_size > 0:
            torch.distributed.barrier()

    def __call__(self, node_ids: torch.Tensor, device: Any = torch.device("cpu")) -> torch.Tensor:
        ids = torch.as_tensor(node_ids).to(self._device).long()
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self._num_embeddings):
            bad = int(ids.max()) if int(ids.max()) >= self._num_embeddings else int(ids.min())
            raise DGLError(f"Node id {bad} is out of range for NodeEmbedding {self._name!r} "
                           f"with {self._num_embeddings} rows.")
        emb = self._tensor[ids].to(device)
        if torch.is_grad_enabled():
            emb.requires_grad_(True)
            self._trace.append((ids, emb))
        return emb

    def reset_trace(self) -> None:
        """Forget the rows recorded since the last optimizer step."""
        self._trace = []

    @property
    def trace(self) -> List[Tuple[torch.Tensor, torch.Tensor]]:
        return self._trace

    @property
    def name(self) -> str:
        return self._name

    @property
    def num_embeddings(self) -> int:
        return self._num_embeddings

    @property
    def embedding_dim(self) -> int:
        return self._embedding_dim

    @property
    def weight(self) -> torch.Tensor:
        """The whole table (updates in place)."""
        return self._tensor

    @property
    def emb_tensor(self) -> torch.Tensor:
        return self._tensor

    @property
    def rank(self) -> int:
        """This process's rank in the group sharing the table (-1 without a process group)."""
        return self._rank

    @property
    def world_size(self) -> int:
        """How many processes share the table (0 without a process group)."""
        return self._world_size

    @property
    def partition(self) -> Any:
        """The ``partition`` argument (unused: the table is whole in every process)."""
        return self._partition

    @property
    def optm_state(self) -> Optional[Tuple[torch.Tensor, ...]]:
        """The optimizer's per-row state tensors, in the optimizer's order (SparseAdam: step,
        first moment, second moment; SparseAdagrad: the sum of squares), or ``None``."""
        return self._optm_state

    def set_optm_state(self, state: Union[Sequence[torch.Tensor], Dict[str, torch.Tensor]]) -> None:
        """Record the optimizer's state tensors (a sequence, or a dict in the optimizer's order)."""
        self._optm_state = tuple(state.values()) if isinstance(state, dict) else tuple(state)

    def all_set_embedding(self, values: torch.Tensor) -> None:
        """Replace the whole table by ``values``; with a process group every process calls it
        (rank 0 writes, then all wait for each other).

        Parameters
        ----------
        values : Tensor
            The new table, of shape ``(num_embeddings, embedding_dim)``.
        """
        if tuple(values.shape) != tuple(self._tensor.shape):
            raise DGLError(f"Expected a table of shape {tuple(self._tensor.shape)}, got {tuple(values.shape)}.")
        if self._rank <= 0:
            self._tensor.copy_(values)
        self._barrier()

    def all_get_embedding(self) -> torch.Tensor:
        """The whole table (in shared memory when the table is shared); every process of the
        group may call it after a step.

        Returns
        -------
        Tensor
            The table of shape ``(num_embeddings, embedding_dim)``, on the CPU.
        """
        return self._tensor.cpu()

    def _all_get_optm_state(self) -> Optional[Tuple[torch.Tensor, ...]]:
        """The optimizer's whole state (see :attr:`optm_state`)."""
        return self._optm_state

    def _all_set_optm_state(self, states: Sequence[torch.Tensor]) -> None:
        """Overwrite the optimizer's state with ``states`` (same order and shapes as
        :attr:`optm_state`); with a process group every process calls it."""
        if self._optm_state is None:
            raise DGLError(f"NodeEmbedding {self._name!r} has no optimizer state yet: build the "
                           f"sparse optimizer over it first.")
        if len(states) != len(self._optm_state):
            raise DGLError(f"Expected {len(self._optm_state)} state tensors, got {len(states)}.")
        for mine, new in zip(self._optm_state, states):
            if tuple(new.shape) != tuple(mine.shape):
                raise DGLError(f"Optimizer state of shape {tuple(new.shape)} does not fit "
                               f"{tuple(mine.shape)}.")
        if self._rank <= 0:
            for mine, new in zip(self._optm_state, states):
                mine.copy_(new.to(mine.device, mine.dtype))
        self._barrier()

    def __repr__(self) -> str:
        return f"NodeEmbedding(name={self._name!r}, num_embeddings={self._num_embeddings}, embedding_dim={self._embedding_dim})"


def _group_ready() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()
