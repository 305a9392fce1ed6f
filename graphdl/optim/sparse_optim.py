"""Sparse optimizers: update only the embedding rows used since the last step."""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Tuple

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
        for emb in self._params:
            ids_list, grad_list = [], []
            for ids, rows in emb.trace:
                if rows.grad is not None:
                    ids_list.append(ids)
                    grad_list.append(rows.grad.to(emb.weight.device))
            if not ids_list:
                continue
            ids = torch.cat(ids_list)
            grads = torch.cat(grad_list)
            uniq, inverse = torch.unique(ids, return_inverse=True)
            summed = grads.new_zeros(uniq.shape[0], grads.shape[1]).index_add_(0, inverse, grads)
            self._update(emb, uniq, summed)
        if self._clean_grad:
            for emb in self._params:
                emb.reset_trace()
            self._clean_grad = False

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
            dev = emb.weight.device
            state = {
                "step": torch.zeros(n, dtype=torch.float32, device=dev),
                "mem": torch.zeros(n, d, dtype=dtype, device=dev),
                "power": torch.zeros(n, d, dtype=dtype, device=dev),
            }
            self._state[emb.name] = state
            emb.set_optm_state(state)

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
            state = {"sum": torch.zeros_like(emb.weight)}
            self._state[emb.name] = state
            emb.set_optm_state(state)

    def _update(self, emb, ids: torch.Tensor, grad: torch.Tensor) -> None:
        st = self._state[emb.name]
        total = st["sum"][ids] + grad * grad
        st["sum"][ids] = total
        emb.weight[ids] -= self._lr * grad / (total.sqrt() + self._eps)
