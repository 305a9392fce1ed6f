"""Learnable node embeddings updated sparsely (only the rows a mini-batch touched)."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

import torch

from ..base import DGLError

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
        self._tensor = torch.zeros(self._num_embeddings, self._embedding_dim, device=self._device)
        if init_func is not None:
            out = init_func(self._tensor)
            if isinstance(out, torch.Tensor) and out is not self._tensor:
                self._tensor.copy_(out)
        self._trace: List[Tuple[torch.Tensor, torch.Tensor]] = []
        self._optm_state: Any = None

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
    def optm_state(self) -> Any:
        return self._optm_state

    def set_optm_state(self, state: Any) -> None:
        self._optm_state = state

    def all_set_embedding(self, values: torch.Tensor) -> None:
        if tuple(values.shape) != tuple(self._tensor.shape):
            raise DGLError(f"Expected a table of shape {tuple(self._tensor.shape)}, got {tuple(values.shape)}.")
        self._tensor.copy_(values)

    def __repr__(self) -> str:
        return f"NodeEmbedding(name={self._name!r}, num_embeddings={self._num_embeddings}, embedding_dim={self._embedding_dim})"
