"""Sparse optimizers: update only the embedding rows used since the last step.

When the embeddings are shared by the processes of a ``torch.distributed`` group (see
:class:`graphdl.nn.NodeEmbedding`), :meth:`step` is a collective: each process sends the
gradients it holds to the rows' owners (row ``i`` belongs to rank ``i % world_size``) with one
``all_to_all_single`` per embedding, each owner sums a row's gradients over all processes and
applies the update rule to its own rows of the shared table and state, and a barrier ends the
step, so that every process then reads the updated table.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

import torch

from ..base import DGLError

__all__ = ["SparseAdam", "SparseAdagrad"]


class _SparseOptimizer:
    """Collects the traced rows and their gradients of each embedding, then calls ``_update``.

    As in DGL, :meth:`zero_grad` does not drop the recorded rows at once: it marks them to be
    forgotten after the next :meth:`step`, so ``forward; zero_grad; backward; step`` and
    ``zero_grad; forward; backward; step`` both apply the batch's gradients. Without a
    ``zero_grad`` the rows stay recorded and their gradients are applied again, as dense
    gradients accumulate in torch.
    """

    def __init__(self, params: Iterable, lr: float) -> None:
        self._params = list(params)
        if not self._params:
            raise DGLError("A sparse optimizer needs at least one NodeEmbedding.")
        names = [p.name for p in self._params]
        if len(set(names)) != len(names):
            raise DGLError(f"NodeEmbedding names must be unique, got {names}.")
        for p in self._params:
            if not hasattr(p, "trace"):
                raise DGLError(f"Sparse optimizers take NodeEmbedding objects, got {type(p).__name__}.")
        self._lr = lr
        self._state: Dict[str, Dict[str, torch.Tensor]] = {}
        self._clean_grad = False

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = value

    @torch.no_grad()
    def step(self) -> None:
        """Apply the recorded gradients (a collective when the embeddings are shared)."""
        shared = False
        for emb in self._params:
            ids_list, grad_list = [], []
            for ids, rows in emb.trace:
                if rows.grad is not None:
                    ids_list.append(ids)
                    grad_list.append(rows.grad.to(emb.weight.device))
            world = getattr(emb, "world_size", 0)
            if world > 1:
                shared = True
                ids, grads = _to_owners(ids_list, grad_list, emb.embedding_dim, world)
            elif not ids_list:
                continue
            else:
                ids, grads = torch.cat(ids_list), torch.cat(grad_list)
            if ids.numel() == 0:
                continue
            uniq, inverse = torch.unique(ids, return_inverse=True)
            summed = grads.new_zeros(uniq.shape[0], grads.shape[1]).index_add_(0, inverse, grads)
            self._update(emb, uniq, summed)
        if shared:  # every owner has written its rows before anyone reads the table
            torch.distributed.barrier()
        if self._clean_grad:
            for emb in self._params:
                emb.reset_trace()
            self._clean_grad = False

    def _new_state(self, emb, shape: Tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
        """A zero state tensor for ``emb``'s rows, shared like its table."""
        if hasattr(emb, "shared_zeros"):
            return emb.shared_zeros(shape, dtype)
        return torch.zeros(shape, dtype=dtype, device=emb.weight.device)

    @property
    def param_groups(self) -> List[Dict[str, Any]]:
        """The hyperparameters, as one group (without the tables, which can be large)."""
        return [self._hyper()]

    def _hyper(self) -> Dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def _set_hyper(self, group: Dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    def state_dict(self) -> Dict[str, Any]:
        """The optimizer state: ``{'state': {name: state tensors}, 'param_groups': [...]}``.

        Returns
        -------
        dict
            The state tensors of each embedding (in :attr:`NodeEmbedding.optm_state` order,
            the live tensors, not copies) and the hyperparameters.
        """
        return {"state": {emb.name: emb._all_get_optm_state() for emb in self._params},
                "param_groups": self.param_groups}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Copy a :meth:`state_dict` into this optimizer (every process of a group calls it).

        Parameters
        ----------
        state_dict : dict
            As returned by :meth:`state_dict`, for embeddings of the same names and shapes.
        """
        for emb in self._params:
            if emb.name not in state_dict["state"]:
                raise DGLError(f"The state dict has no state for NodeEmbedding {emb.name!r}.")
            emb._all_set_optm_state(state_dict["state"][emb.name])
        groups = state_dict.get("param_groups") or []
        if groups:
            self._set_hyper(groups[0])

    def zero_grad(self) -> None:
        """Forget the recorded rows after the next :meth:`step`."""
        self._clean_grad = True

    def _update(self, emb, ids: torch.Tensor, grad: torch.Tensor) -> None:  # pragma: no cover
        raise NotImplementedError


class SparseAdam(_SparseOptimizer):
    r"""Adam on the rows of :class:`~graphdl.nn.NodeEmbedding` that received gradients.

    Each row keeps its own step count, so bias correction follows how often the row was used.

    .. math::

        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        w \leftarrow w - \eta \frac{m / (1-\beta_1^{t})}{\sqrt{v / (1-\beta_2^{t})} + \epsilon}

    Parameters
    ----------
    params : list of NodeEmbedding
    lr : float
        Learning rate :math:`\eta`.
    betas : tuple of float
        :math:`(\beta_1, \beta_2)`.
    eps : float
        :math:`\epsilon`.
    use_uva : bool, optional
        DGL's pinned-memory state for GPU training; only ``None`` or ``False`` on the CPU.
    dtype : torch.dtype
        Type of the moment estimates (``torch.float32`` or ``torch.float16``); updates are
        computed in float32.
    """

    def __init__(self, params: Iterable, lr: float, betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-08,
                 use_uva: Optional[bool] = None, dtype: torch.dtype = torch.float32) -> None:
        super().__init__(params, lr)
        self._beta1, self._beta2 = betas
        self._eps = eps
        if dtype not in (torch.float32, torch.float16):
            raise DGLError(f"SparseAdam keeps its state in float32 or float16, got {dtype}.")
        if use_uva and not torch.cuda.is_available():
            raise DGLError("use_uva=True needs a GPU.")
        self._use_uva = use_uva
        self._dtype = dtype
        for emb in self._params:
            n, d = emb.weight.shape
            state = {
                "step": self._new_state(emb, (n,), torch.float32),
                "mem": self._new_state(emb, (n, d), dtype),
                "power": self._new_state(emb, (n, d), dtype),
            }
            self._state[emb.name] = state
            emb.set_optm_state(state)

    def _hyper(self) -> Dict[str, Any]:
        return {"lr": self._lr, "betas": (self._beta1, self._beta2), "eps": self._eps}

    def _set_hyper(self, group: Dict[str, Any]) -> None:
        self._lr = group.get("lr", self._lr)
        self._beta1, self._beta2 = group.get("betas", (self._beta1, self._beta2))
        self._eps = group.get("eps", self._eps)

    def _update(self, emb, ids: torch.Tensor, grad: torch.Tensor) -> None:
        st = self._state[emb.name]
        b1, b2 = self._beta1, self._beta2
        step = st["step"][ids] + 1
        st["step"][ids] = step
        grad = grad.float()
        mem = b1 * st["mem"][ids].float() + (1 - b1) * grad
        power = b2 * st["power"][ids].float() + (1 - b2) * grad * grad
        st["mem"][ids] = mem.to(st["mem"].dtype)
        st["power"][ids] = power.to(st["power"].dtype)
        mem_hat = mem / (1 - b1 ** step).unsqueeze(1)
        power_hat = power / (1 - b2 ** step).unsqueeze(1)
        emb.weight[ids] -= (self._lr * mem_hat / (power_hat.sqrt() + self._eps)).to(emb.weight.dtype)


class SparseAdagrad(_SparseOptimizer):
    r"""Adagrad on the used rows of :class:`~graphdl.nn.NodeEmbedding`.

    .. math::

        G \leftarrow G + g^2, \qquad w \leftarrow w - \eta\, g / (\sqrt{G} + \epsilon)

    Parameters
    ----------
    params
        the ``NodeEmbedding`` objects.
    lr
        learning rate.
    eps
        :math:`\epsilon` (default ``1e-10``).
    """

    def __init__(self, params: Iterable, lr: float, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self._eps = eps
        for emb in self._params:
            state = {"sum": self._new_state(emb, tuple(emb.weight.shape), emb.weight.dtype)}
            self._state[emb.name] = state
            emb.set_optm_state(state)

    def _hyper(self) -> Dict[str, Any]:
        return {"lr": self._lr, "eps": self._eps}

    def _set_hyper(self, group: Dict[str, Any]) -> None:
        self._lr = group.get("lr", self._lr)
        self._eps = group.get("eps", self._eps)

    def _update(self, emb, ids: torch.Tensor, grad: torch.Tensor) -> None:
        st = self._state[emb.name]
        total = st["sum"][ids] + grad * grad
        st["sum"][ids] = total
        emb.weight[ids] -= self._lr * grad / (total.sqrt() + self._eps)


def _to_owners(ids_list: List[torch.Tensor], grad_list: List[torch.Tensor], dim: int,
               world: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Send each recorded row's id and gradient to its owner (``id % world``); return the ids
    and gradients this process received, from every process including itself."""
    dist = torch.distributed
    ids = torch.cat(ids_list).long().cpu() if ids_list else torch.zeros(0, dtype=torch.int64)
    grads = (torch.cat(grad_list).float().cpu() if grad_list
             else torch.zeros(0, dim, dtype=torch.float32))
    owners = torch.remainder(ids, world)
    order = torch.argsort(owners, stable=True)
    send = torch.bincount(owners, minlength=world)
    recv = torch.empty_like(send)
    dist.all_to_all_single(recv, send)
    sc, rc = send.tolist(), recv.tolist()
    got_ids = torch.empty(sum(rc), dtype=torch.int64)
    dist.all_to_all_single(got_ids, ids[order].contiguous(), rc, sc)
    got = torch.empty(sum(rc) * dim, dtype=torch.float32)
    dist.all_to_all_single(got, grads[order].reshape(-1).contiguous(),
                           [c * dim for c in rc], [c * dim for c in sc])
    return got_ids, got.reshape(-1, dim)
