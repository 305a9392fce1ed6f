"""Sparse optimizers for :class:`~graphdl.distributed.DistEmbedding`.

The update rules are those of :mod:`graphdl.optim` (written once there); here each rank sends the
gradients of the rows it read to their owners, and each owner sums the gradients of a row over
all ranks and applies the rule to its own rows and optimizer state.
"""
from __future__ import annotations

from typing import Dict, Iterable, Tuple

import torch

from ..base import DGLError
from ..optim.sparse_optim import SparseAdagrad as _LocalAdagrad
from ..optim.sparse_optim import SparseAdam as _LocalAdam
from . import _comm
from .dist_embedding import DistEmbedding

__all__ = ["SparseAdam", "SparseAdagrad"]


class _OwnerRows:
    """What the local update rule needs: ``name`` and ``weight`` (this rank's rows)."""

    def __init__(self, emb: DistEmbedding) -> None:
        self.name = emb.name
        self.weight = emb.weight.local_partition
        self.trace = ()  # gradients travel through the owner exchange, not a local trace

    def set_optm_state(self, state: Dict[str, torch.Tensor]) -> None:
        self.state = state


class _Distributed:
    def _setup(self, params: Iterable) -> list:
        params = list(params)
        if not params:
            raise DGLError("A sparse optimizer needs at least one DistEmbedding.")
        for p in params:
            if not isinstance(p, DistEmbedding):
                raise DGLError(f"graphdl.distributed.optim optimizers take DistEmbedding objects, "
                               f"got {type(p).__name__}.")
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise DGLError(f"DistEmbedding names must be unique, got {names}.")
        self._dist_params = params
        return [_OwnerRows(p) for p in params]

    @torch.no_grad()
    def step(self) -> None:
        """Send gradients to the owners and update there; a collective (every rank calls it)."""
        for emb, local in zip(self._dist_params, self._locals):
            ids_list, grad_list = [], []
            for ids, rows in emb.trace:
                if rows.grad is not None:
                    ids_list.append(ids)
                    grad_list.append(rows.grad.to("cpu", torch.float32))
            ids = torch.cat(ids_list) if ids_list else torch.zeros(0, dtype=torch.int64)
            grads = (torch.cat(grad_list) if grad_list
                     else torch.zeros(0, emb.embedding_dim, dtype=torch.float32))
            policy = emb.part_policy

            def apply(req: torch.Tensor, rows, local=local, policy=policy) -> None:
                if req.numel() == 0:
                    return
                uniq, inverse = torch.unique(req, return_inverse=True)
                summed = rows[0].new_zeros(uniq.shape[0], rows[0].shape[1]).index_add_(0, inverse, rows[0])
                self._update(local, policy.to_local(uniq), summed)

            _comm.push(ids, policy.to_partid(ids), [grads], apply, f"updating {emb.name!r}")
        if getattr(self, "_clean_grad", False):
            for emb in self._dist_params:
                emb.reset_trace()
            self._clean_grad = False

    def zero_grad(self) -> None:
        """Forget the recorded rows after the next :meth:`step` (as graphdl.optim's and DGL's
        sparse optimizers do: without it, recorded gradients are applied again)."""
        self._clean_grad = True

    def state_dict(self) -> Dict[str, Dict[str, torch.Tensor]]:
        """This rank's optimizer state for its own rows (save one file per rank)."""
        return {name: {k: v.clone() for k, v in st.items()} for name, st in self._state.items()}

    def load_state_dict(self, state: Dict[str, Dict[str, torch.Tensor]]) -> None:
        for name, st in state.items():
            if name not in self._state:
                raise DGLError(f"Optimizer state for unknown embedding {name!r}.")
            for k, v in st.items():
                self._state[name][k].copy_(v)


class SparseAdam(_Distributed, _LocalAdam):
    """Adam on the rows of :class:`DistEmbedding` tables (see :class:`graphdl.optim.SparseAdam`)."""

    def __init__(self, params: Iterable, lr: float, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-08) -> None:
        self._locals = self._setup(params)
        _LocalAdam.__init__(self, self._locals, lr, betas, eps)


class SparseAdagrad(_Distributed, _LocalAdagrad):
    """Adagrad on the rows of :class:`DistEmbedding` tables."""

    def __init__(self, params: Iterable, lr: float, eps: float = 1e-10) -> None:
        self._locals = self._setup(params)
        _LocalAdagrad.__init__(self, self._locals, lr, eps)
