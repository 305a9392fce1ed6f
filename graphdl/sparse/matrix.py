"""The :class:`SparseMatrix` object: a sparsity pattern plus one value (or vector) per entry.

A matrix of shape ``(M, N)`` stores ``nnz`` entries at ``(row[i], col[i])`` with values
``val[i]`` (``val`` is ``(nnz,)`` or ``(nnz, D)``). Duplicate positions are allowed; they add
up wherever the matrix acts as a linear map (``@``, ``to_dense``). Autograd flows through
``val``; the pattern is constant. The formats (COO, CSR, CSC) live in a shared, cached
:class:`~graphdl.sparse._structure.Structure`, so ``val_like`` and ``transpose`` cost nothing.

The operators (``+ - * / ** @``, ``softmax``, reductions) are defined in the modules of this
package and reached from the methods below.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import torch

from .._compat_torch import is_compiling
from ..base import DGLError
from ._structure import Structure

__all__ = ["SparseMatrix"]

Scalar = Union[int, float]

# A tensor's method called as ``method(x, A)`` (x a tensor or number, A a SparseMatrix) ->
# the SparseMatrix method Python's operator protocol calls for the same expression. Eager
# ``x @ A`` arrives as ``__matmul__``, ``x.sub(A)`` as ``sub``; under ``torch.compile`` an
# expression ``A OP x`` arrives as the reflected tensor method with the operands swapped
# (``A - x`` as ``__rsub__(x, A)``, ``A / x`` as ``__rdiv__``; ``A + x`` and ``A * x`` as the
# commutative ``add`` / ``mul``). See SparseMatrix.__torch_function__.
_REFLECTED = {"__rpow__": "__pow__", "__rdiv__": "__truediv__", "__div__": "__rtruediv__",
              "add": "__radd__", "mul": "__rmul__", "sub": "__rsub__", "div": "__rtruediv__",
              "true_divide": "__rtruediv__"}
for _op in ("add", "sub", "mul", "truediv", "matmul"):
    _REFLECTED[f"__{_op}__"] = f"__r{_op}__"
    _REFLECTED[f"__r{_op}__"] = f"__{_op}__"


class SparseMatrix:
    """A sparse matrix with (optionally vector-valued) non-zero entries.

    Build one with :func:`~graphdl.sparse.spmatrix`, :func:`~graphdl.sparse.from_coo`,
    :func:`~graphdl.sparse.from_csr`, :func:`~graphdl.sparse.from_csc`,
    :func:`~graphdl.sparse.diag` or ``DGLGraph.adj()``.

    Examples
    --------
    >>> import torch, graphdl.sparse as dglsp
    >>> A = dglsp.spmatrix(torch.tensor([[0, 1], [1, 0]]), torch.tensor([2.0, 3.0]))
    >>> (A @ torch.ones(2, 1)).reshape(-1)
    tensor([2., 3.])
    """

    __slots__ = ("_s", "_val")

    def __init__(self, structure: Structure, val: torch.Tensor) -> None:
        self._s = structure
        self._val = val

    # -- properties -----------------------------------------------------------------------
    @property
    def val(self) -> torch.Tensor:
        """Values of the stored entries, ``(nnz,)`` or ``(nnz, D)``, in storage order."""
        return self._val

    @property
    def shape(self) -> Tuple[int, int]:
        """``(num_rows, num_cols)``."""
        return self._s.shape

    @property
    def nnz(self) -> int:
        """Number of stored entries (duplicates counted)."""
        return int(self._val.shape[0])

    @property
    def dtype(self) -> torch.dtype:
        """Data type of the values."""
        return self._val.dtype

    @property
    def device(self) -> torch.device:
        """Device of the indices and values."""
        return self._val.device

    @property
    def row(self) -> torch.Tensor:
        """Row index of every stored entry."""
        return self._s.coo()[0]

    @property
    def col(self) -> torch.Tensor:
        """Column index of every stored entry."""
        return self._s.coo()[1]

    # -- formats --------------------------------------------------------------------------
    def coo(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(row, col)`` in storage order (the order of ``val``)."""
        return self._s.coo()

    def indices(self) -> torch.Tensor:
        """``(2, nnz)`` tensor stacking ``row`` and ``col``."""
        return torch.stack(self._s.coo())

    def csr(self) -> Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]:
        """``(indptr, indices, value_indices)``: entries grouped by row.

        ``val[value_indices]`` lists the values in CSR order; ``value_indices`` is ``None`` when
        the values are already in that order (the matrix was built from CSR).
        """
        return self._s.csr()

    def csc(self) -> Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]:
        """``(indptr, indices, value_indices)``: entries grouped by column (see :meth:`csr`)."""
        return self._s.csc()

    def to_dense(self) -> torch.Tensor:
        """Dense ``(M, N)`` (or ``(M, N, D)``) tensor; duplicate entries add up."""
        row, col = self._s.coo()
        out = self._val.new_zeros(self.shape + tuple(self._val.shape[1:]))
        return out.index_put((row.long(), col.long()), self._val, accumulate=True)

    # -- structure ------------------------------------------------------------------------
    def transpose(self) -> "SparseMatrix":
        """The transposed matrix (same values, no copy)."""
        return SparseMatrix(self._s.transposed(), self._val)

    def t(self) -> "SparseMatrix":
        """Alias of :meth:`transpose`."""
        return self.transpose()

    @property
    def T(self) -> "SparseMatrix":  # noqa: N802 (DGL's name)
        """Alias of :meth:`transpose`."""
        return self.transpose()

    def coalesce(self) -> "SparseMatrix":
        """Entries sorted by ``(row, col)`` with duplicates summed."""
        from .elementwise import coalesced  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return coalesced(self)

    def has_duplicate(self) -> bool:
        """True when two stored entries share a position."""
        return self._s.has_duplicate()

    def is_diag(self) -> bool:
        """True when every stored entry lies on the diagonal and no position repeats."""
        row, col = self._s.coo()
        return bool((row == col).all()) and not self.has_duplicate()

    # -- conversion -----------------------------------------------------------------------
    def to(self, device: Any = None, dtype: Optional[torch.dtype] = None) -> "SparseMatrix":
        """The matrix on ``device`` and/or with values of ``dtype`` (indices keep their type)."""
        s = self._s
        val = self._val
        if device is not None and torch.device(device) != self.device:
            s = s.to(torch.device(device))
            val = val.to(device)
        if dtype is not None and dtype != val.dtype:
            val = val.to(dtype)
        if s is self._s and val is self._val:
            return self
        return SparseMatrix(s, val)

    def cuda(self) -> "SparseMatrix":
        """The matrix on the current CUDA device."""
        return self.to(device="cuda")

    def cpu(self) -> "SparseMatrix":
        """The matrix on the CPU."""
        return self.to(device="cpu")

    def float(self) -> "SparseMatrix":
        """Values as ``torch.float32``."""
        return self.to(dtype=torch.float32)

    def double(self) -> "SparseMatrix":
        """Values as ``torch.float64``."""
        return self.to(dtype=torch.float64)

    def int(self) -> "SparseMatrix":
        """Values as ``torch.int32``."""
        return self.to(dtype=torch.int32)

    def long(self) -> "SparseMatrix":
        """Values as ``torch.int64``."""
        return self.to(dtype=torch.int64)

    # -- selection (no autograd, as in DGL) -----------------------------------------------
    def index_select(self, dim: int, index: torch.Tensor) -> "SparseMatrix":
        """The rows (``dim=0``) or columns (``dim=1``) listed in ``index`` (repeats allowed)."""
        from .select import index_select  # deferred: graphdl.sparse.select imports graphdl.sparse.matrix at load (cycle)

        return index_select(self, dim, index)

    def range_select(self, dim: int, index: slice) -> "SparseMatrix":
        """The rows or columns ``index.start`` to ``index.stop`` (a slice of step 1)."""
        from .select import range_select  # deferred: graphdl.sparse.select imports graphdl.sparse.matrix at load (cycle)

        return range_select(self, dim, index)

    def sample(self, dim: int, fanout: int, ids: Optional[torch.Tensor] = None, replace: bool = False,
               bias: bool = False) -> "SparseMatrix":
        """At most ``fanout`` random entries of every selected row (``dim=0``) or column."""
        from .select import sample  # deferred: graphdl.sparse.select imports graphdl.sparse.matrix at load (cycle)

        return sample(self, dim, fanout, ids, replace, bias)

    def compact(self, dim: int, leading_indices: Optional[torch.Tensor] = None
                ) -> Tuple["SparseMatrix", torch.Tensor]:
        """Drop empty rows (``dim=0``) or columns and relabel; ``leading_indices`` come first."""
        from .select import compact  # deferred: graphdl.sparse.select imports graphdl.sparse.matrix at load (cycle)

        return compact(self, dim, leading_indices)

    # -- operators ------------------------------------------------------------------------
    def __add__(self, other: Any) -> "SparseMatrix":
        from .elementwise import add  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return add(self, other)

    def __radd__(self, other: Any) -> "SparseMatrix":
        from .elementwise import add  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return add(self, other)

    def __sub__(self, other: Any) -> "SparseMatrix":
        from .elementwise import sub  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return sub(self, other)

    def __rsub__(self, other: Any) -> "SparseMatrix":
        from .elementwise import sub  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return sub(other, self)

    def __mul__(self, other: Any) -> "SparseMatrix":
        from .elementwise import mul  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return mul(self, other)

    def __rmul__(self, other: Any) -> "SparseMatrix":
        from .elementwise import mul  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return mul(self, other)

    def __truediv__(self, other: Any) -> "SparseMatrix":
        from .elementwise import div  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return div(self, other)

    def __rtruediv__(self, other: Any) -> "SparseMatrix":
        raise DGLError("scalar / SparseMatrix is not supported: it would divide by the implicit zeros; "
                       "use val_like(A, c / A.val) for the stored entries only.")

    def __pow__(self, exponent: Any) -> "SparseMatrix":
        from .elementwise import power  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return power(self, exponent)

    def __neg__(self) -> "SparseMatrix":
        from .elementwise import neg  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return neg(self)

    def neg(self) -> "SparseMatrix":
        """``-A``."""
        return self.__neg__()

    def inv(self) -> "SparseMatrix":
        """Inverse of a diagonal matrix."""
        from .elementwise import inv  # deferred: graphdl.sparse.elementwise imports graphdl.sparse.matrix at load (cycle)

        return inv(self)

    def __matmul__(self, other: Any) -> Union[torch.Tensor, "SparseMatrix"]:
        from .matmul import matmul  # deferred: graphdl.sparse.matmul imports graphdl.sparse.matrix at load (cycle)

        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Any:
        raise DGLError(f"dense @ SparseMatrix is not supported (got {type(other).__name__} @ SparseMatrix); "
                       "compute (A.T @ X.T).T instead.")

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Tuple[Any, ...] = (), kwargs: Any = None) -> Any:
        """Route a tensor operation that meets a SparseMatrix to this class's operators.

        This is what lets ``torch.compile(fullgraph=True)`` trace ``A @ X``: dynamo rewrites
        an operator between an object and a tensor as the tensor's method with the operands
        swapped and dispatches it here, where it becomes ``A.__matmul__(X)`` again (table
        ``_REFLECTED``). Eager ``X @ A`` or ``t * A`` (``t`` a 0-d tensor) come here too and go
        to ``A.__rmatmul__`` / ``A.__rmul__``, as Python would call them. ``torch.matmul(A, X)``
        is :func:`graphdl.sparse.matmul`. Anything else returns ``NotImplemented``.

        Dynamo has no reflected matrix product: it traces ``A @ X`` as ``Tensor.matmul(X, A)``,
        which is therefore read as ``A @ X`` while compiling; in eager code ``X.matmul(A)`` is
        the (unsupported) dense @ sparse product and raises.
        """
        if kwargs or len(args) != 2:
            return NotImplemented
        x, A = args
        name = getattr(func, "__name__", "")
        if isinstance(A, SparseMatrix) and not isinstance(x, SparseMatrix):
            if name == "matmul" and func is not torch.matmul:
                return A.__matmul__(x) if is_compiling() else A.__rmatmul__(x)
            op = _REFLECTED.get(name)
            if op is not None:
                return getattr(A, op)(x)
        if func is torch.matmul:
            from .matmul import matmul  # deferred: graphdl.sparse.matmul imports graphdl.sparse.matrix at load (cycle)

            return matmul(*args)
        return NotImplemented

    def softmax(self, dim: int = 1) -> "SparseMatrix":
        """Softmax over the stored entries of every row (``dim=1``) or column (``dim=0``)."""
        from .softmax import softmax  # deferred: graphdl.sparse.softmax imports graphdl.sparse.matrix at load (cycle)

        return softmax(self, dim)

    def reduce(self, dim: Optional[int] = None, rtype: str = "sum") -> torch.Tensor:
        """Reduce the stored values over rows (``dim=0``), columns (``dim=1``) or all."""
        from .reduction import reduce  # deferred: graphdl.sparse.reduction imports graphdl.sparse.matrix at load (cycle)

        return reduce(self, dim, rtype)

    def sum(self, dim: Optional[int] = None) -> torch.Tensor:
        """Sum of the stored values (see :meth:`reduce`)."""
        return self.reduce(dim, "sum")

    def smax(self, dim: Optional[int] = None) -> torch.Tensor:
        """Maximum of the stored values (see :meth:`reduce`)."""
        return self.reduce(dim, "smax")

    def smin(self, dim: Optional[int] = None) -> torch.Tensor:
        """Minimum of the stored values (see :meth:`reduce`)."""
        return self.reduce(dim, "smin")

    def smean(self, dim: Optional[int] = None) -> torch.Tensor:
        """Mean of the stored values (see :meth:`reduce`)."""
        return self.reduce(dim, "smean")

    def sprod(self, dim: Optional[int] = None) -> torch.Tensor:
        """Product of the stored values (see :meth:`reduce`)."""
        return self.reduce(dim, "sprod")

    # -- printing -------------------------------------------------------------------------
    def __repr__(self) -> str:
        def indent(text: str, n: int) -> str:
            lines = text.split("\n")
            return "\n".join([lines[0]] + [" " * n + ln for ln in lines[1:]])

        meta = f"shape={self.shape}, nnz={self.nnz}"
        if self._val.dim() > 1:
            meta += f", val_size={tuple(self._val.shape[1:])}"
        body = ("indices=" + indent(str(self.indices()), len("indices=")) + ",\n"
                + "values=" + indent(str(self._val), len("values=")) + ",\n" + meta + ")")
        prefix = "SparseMatrix("
        return prefix + indent(body, len(prefix))


def check_same_device(A: SparseMatrix, x: torch.Tensor, what: str) -> None:
    """Raise ``DGLError`` when ``x`` lives on another device than ``A``."""
    if x.device != A.device:
        raise DGLError(f"{what} is on {x.device} but the sparse matrix is on {A.device}.")

