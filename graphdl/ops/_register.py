"""One registration helper for graphdl's kernels: a custom operator where torch has them,
an ``autograd.Function`` over the same functions where it does not.

Every kernel is written once as four plain functions: the kernel, a fake (shape-only)
implementation, ``setup_context(ctx, inputs, output)`` that saves what the backward needs, and
``backward(ctx, *grads)`` that returns one gradient (or ``None``) per input. :func:`kernel_op`
turns them into one callable:

* on torch with ``torch.library.custom_op`` (2.4 and newer) a custom operator, with the fake
  and the autograd rule registered on it, so ``torch.compile(fullgraph=True)`` traces through;
* on older torch (2.2, 2.3), or where this torch cannot read the kernel's signature, a
  ``torch.autograd.Function`` whose ``forward`` runs the kernel and calls ``setup_context``
  and whose ``backward`` is the same ``backward``. Backward functions are built from other
  graphdl operators, so second derivatives work under both mechanisms.

The kernel's annotations are resolved to real types first: ``custom_op`` on torch 2.4 cannot
read string annotations (which ``from __future__ import annotations`` makes of all of them)
and torch 2.6 evaluates them in its own namespace, where ``Tuple`` is unknown.
:func:`registered_ops` says which mechanism each operator got and why.
"""
from __future__ import annotations

import inspect
import typing
from typing import Any, Callable, Dict, Optional, Tuple

import torch

from .._compat_torch import HAS_CUSTOM_OP

__all__ = ["kernel_op", "registered_ops", "function_op"]

_MECHANISMS: Dict[str, str] = {}
_DEFINITIONS: Dict[str, Tuple[Callable[..., Any], Optional[Callable[..., None]], Optional[Callable[..., Any]]]] = {}


def registered_ops() -> Dict[str, str]:
    """Operator name -> ``"custom_op"`` or ``"autograd.Function (<reason>)"``."""
    return dict(_MECHANISMS)


def kernel_op(
    name: str,
    kernel: Callable[..., Any],
    *,
    fake: Callable[..., Any],
    setup_context: Optional[Callable[..., None]] = None,
    backward: Optional[Callable[..., Any]] = None,
) -> Callable[..., Any]:
    """Register ``kernel`` as the operator ``name`` (``"graphdl::<op>"``) and return it.

    Parameters
    ----------
    name : str
        Qualified operator name, ``"graphdl::<op>"``.
    kernel : callable
        The computation, with type annotations on every parameter and the return value.
    fake : callable
        Same parameters as ``kernel``; returns empty tensors of the output shapes.
    setup_context, backward : callable, optional
        The autograd rule (``torch.library.register_autograd``'s protocol). Without them the
        operator has no derivative.

    Returns
    -------
    callable
        Call it with the kernel's arguments (positionally or by name).

    Examples
    --------
    >>> def _double(x: torch.Tensor) -> torch.Tensor:
    ...     return x * 2
    >>> op = kernel_op("graphdl_doc::double", _double, fake=lambda x: torch.empty_like(x),
    ...                setup_context=lambda ctx, inputs, output: None,
    ...                backward=lambda ctx, grad: grad * 2)
    >>> op(torch.ones(2))
    tensor([2., 2.])
    """
    if (setup_context is None) != (backward is None):
        raise ValueError(f"{name}: give both setup_context and backward, or neither.")
    kernel.__annotations__ = typing.get_type_hints(kernel)
    _DEFINITIONS[name] = (kernel, setup_context, backward)
    if HAS_CUSTOM_OP:
        try:
            op = torch.library.custom_op(name, kernel, mutates_args=())
        except (ValueError, TypeError, RuntimeError) as err:  # a signature this torch cannot read
            reason = f"custom_op failed: {str(err).splitlines()[0]}"
        else:
            op.register_fake(fake)
            if backward is not None:
                op.register_autograd(backward, setup_context=setup_context)
            _MECHANISMS[name] = "custom_op"
            return op
    else:
        reason = f"torch {torch.__version__} has no torch.library.custom_op"
    _MECHANISMS[name] = f"autograd.Function ({reason})"
    return function_op(name)


def function_op(name: str) -> Callable[..., Any]:
    """The ``torch.autograd.Function`` form of the registered operator ``name``.

    It is what :func:`kernel_op` returns on torch without custom operators; on any torch the
    tests use it to check that form against the same references.
    """
    kernel, setup_context, backward = _DEFINITIONS[name]
    signature = inspect.signature(kernel)

    def _backward(ctx: Any, *grads: Any) -> Any:
        if backward is None:
            raise RuntimeError(f"{name} has no derivative.")
        return backward(ctx, *grads)

    def _forward(ctx: Any, *args: Any) -> Any:
        output = kernel(*args)
        outputs = output if isinstance(output, tuple) else (output,)
        integral = [t for t in outputs if isinstance(t, torch.Tensor) and not t.is_floating_point()]
        if integral:  # index outputs (argmax, argmin) carry no gradient, as with custom_op
            ctx.mark_non_differentiable(*integral)
        if setup_context is not None:
            setup_context(ctx, args, output)
        return output

    function = type(
        name.split("::")[-1],
        (torch.autograd.Function,),
        {"forward": staticmethod(_forward), "backward": staticmethod(_backward)},
    )

    def op(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return function.apply(*bound.args)

    op.__name__ = kernel.__name__
    op.__qualname__ = kernel.__qualname__
    op.__doc__ = kernel.__doc__
    return op
