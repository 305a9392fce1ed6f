"""Grouped reversible residual connections: a GNN block whose activations are recomputed from
its output in the backward pass instead of being stored."""
from __future__ import annotations

import copy
from typing import Any, Callable, List, Sequence, Tuple

import torch
from torch import nn

from ...base import DGLError

__all__ = ["GroupRevRes"]


class _Reversible(torch.autograd.Function):
    """Run ``forward_fn`` without recording; in backward rebuild the input with ``inverse_fn``
    from the saved output, re-run ``forward_fn`` with recording and differentiate it."""

    @staticmethod
    def forward(ctx: Any, forward_fn: Callable[..., torch.Tensor], inverse_fn: Callable[..., torch.Tensor],
                graph: Any, x: torch.Tensor, num_args: int, *args_and_params: torch.Tensor) -> torch.Tensor:
        ctx.forward_fn, ctx.inverse_fn, ctx.graph, ctx.num_args = forward_fn, inverse_fn, graph, num_args
        ctx.x_requires_grad = x.requires_grad
        args = args_and_params[:num_args]
        with torch.no_grad():
            y = forward_fn(graph, x.detach(), *args)
        ctx.save_for_backward(y, *args_and_params)
        return y

    @staticmethod
    def backward(ctx: Any, grad_y: torch.Tensor) -> Tuple[Any, ...]:
        y, *rest = ctx.saved_tensors
        args, params = rest[: ctx.num_args], rest[ctx.num_args:]
        with torch.no_grad():
            x = ctx.inverse_fn(ctx.graph, y, *args)
        with torch.enable_grad():
            x = x.detach().requires_grad_(ctx.x_requires_grad)
            args = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, torch.Tensor) else a for a in args]
            out = ctx.forward_fn(ctx.graph, x, *args)
        wrt = [t for t in [x, *args, *params] if isinstance(t, torch.Tensor) and t.requires_grad]
        grads = iter(torch.autograd.grad(out, wrt, grad_y, allow_unused=True)) if wrt else iter(())
        result: List[Any] = [None, None, None]
        for t in [x, *args, *params]:
            result.append(next(grads) if isinstance(t, torch.Tensor) and t.requires_grad else None)
        result.insert(4, None)  # num_args
        return tuple(result)


class GroupRevRes(nn.Module):
    r"""Grouped reversible residual block (`Li et al., ICML 2021 <https://arxiv.org/abs/2106.07476>`__).

    The input is split into :math:`C` groups along the last dimension,
    :math:`X = (X_1, \ldots, X_C)`, and

    .. math::

        X_0' = \sum_{i=2}^{C} X_i, \qquad X_i' = X_i + f_i(G, X_{i-1}'),\ i = 1, \ldots, C, \qquad
        \text{out} = (X_1', \ldots, X_C')

    which can be inverted group by group, so the activations of the :math:`f_i` are not kept for
    the backward pass: they are recomputed from the output. :math:`f_1` is ``gnn_module`` and
    :math:`f_2, \ldots` are deep copies of it. Extra tensor arguments are split into groups the
    same way.

    Parameters
    ----------
    gnn_module : torch.nn.Module
        Called as ``gnn_module(g, x, *args)`` on one group; keeps the group's size.
    groups : int
        Number of groups :math:`C` (default ``2``); divides the feature size.

    Shapes
    ------
    ``x`` :math:`(N, D)`; output :math:`(N, D)`.

    Examples
    --------
    >>> block = GroupRevRes(GraphConv(4, 4), groups=2)
    >>> out = block(g, torch.rand(g.num_nodes(), 8))
    """

    def __init__(self, gnn_module: nn.Module, groups: int = 2) -> None:
        super().__init__()
        if groups < 2:
            raise DGLError(f"GroupRevRes needs at least 2 groups, got {groups}.")
        self.gnn_modules = nn.ModuleList([gnn_module] + [copy.deepcopy(gnn_module) for _ in range(groups - 1)])
        self.groups = groups

    def _chunks(self, args: Sequence[torch.Tensor]) -> List[Tuple[torch.Tensor, ...]]:
        if not args:
            return [()] * self.groups
        return list(zip(*[torch.chunk(a, self.groups, dim=-1) for a in args]))

    def _forward(self, g: Any, x: torch.Tensor, *args: torch.Tensor) -> torch.Tensor:
        xs = torch.chunk(x, self.groups, dim=-1)
        arg_chunks = self._chunks(args)
        y = sum(xs[1:])
        ys = []
        for i, module in enumerate(self.gnn_modules):
            y = xs[i] + module(g, y, *arg_chunks[i])
            ys.append(y)
        return torch.cat(ys, dim=-1)

    def _inverse(self, g: Any, y: torch.Tensor, *args: torch.Tensor) -> torch.Tensor:
        ys = torch.chunk(y, self.groups, dim=-1)
        arg_chunks = self._chunks(args)
        xs: List[torch.Tensor] = [None] * self.groups  # type: ignore[list-item]
        for i in range(self.groups - 1, 0, -1):
            xs[i] = ys[i] - self.gnn_modules[i](g, ys[i - 1], *arg_chunks[i])
        xs[0] = ys[0] - self.gnn_modules[0](g, sum(xs[1:]), *arg_chunks[0])
        return torch.cat(xs, dim=-1)

    def forward(self, g: Any, x: torch.Tensor, *args: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % self.groups:
            raise DGLError(f"The feature size {x.shape[-1]} is not divisible by groups={self.groups}.")
        params = [p for p in self.parameters() if p.requires_grad]
        return _Reversible.apply(self._forward, self._inverse, g, x, len(args), *args, *params)
