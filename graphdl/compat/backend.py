"""``dgl.backend``: DGL's tensor-adapter functions, for PyTorch only.

DGL code (its test helpers above all) calls tensor operations through ``dgl.backend`` as
``F.tensor``, ``F.asnumpy``, ``F.gather_row`` ... so that one source serves several tensor
frameworks. graphdl is PyTorch only; these are thin wrappers over torch with DGL's argument
order and defaults. ``to_dgl_nd``/``from_dgl_nd`` are the identity: graphdl has no array type
of its own.
"""
from __future__ import annotations

import builtins
import json
import numbers
import os
from typing import Any, Optional, Sequence

import numpy as np
import torch as th

__all__ = [
    "backend_name", "data_type_dict", "reverse_data_type_dict", "float16", "bfloat16", "float32",
    "float64", "uint8", "int8", "int16", "int32", "int64", "bool",
    "cpu", "cuda", "is_cuda_available", "tensor", "as_scalar", "get_preferred_sparse_format",
    "sparse_matrix", "is_tensor", "shape", "dtype", "ndim", "context", "device_type", "device_id",
    "to_backend_ctx", "astype", "asnumpy", "copy_to", "is_pinned", "sum", "floor_div",
    "reduce_sum", "cumsum", "mean", "reduce_mean", "max", "reduce_max", "min", "reduce_min",
    "argsort", "topk", "argtopk", "exp", "inverse", "sqrt", "softmax", "cat", "stack", "split",
    "repeat", "gather_row", "slice_axis", "take", "narrow_row", "index_add_inplace",
    "scatter_row", "scatter_row_inplace", "squeeze", "unsqueeze", "reshape", "swapaxes", "empty",
    "zeros", "zeros_like", "ones", "uniform", "randint", "pad_packed_tensor",
    "pack_padded_tensor", "boolean_mask", "equal", "allclose", "logical_not", "logical_and",
    "clone", "clamp", "replace_inf_with_zero", "count_nonzero", "unique", "full_1d",
    "nonzero_1d", "sort_1d", "arange", "rand_shuffle", "zerocopy_to_dlpack",
    "zerocopy_from_dlpack", "zerocopy_to_numpy", "zerocopy_from_numpy",
    "zerocopy_to_dgl_ndarray", "zerocopy_to_dgl_ndarray_for_write", "zerocopy_from_dgl_ndarray",
    "to_dgl_nd", "to_dgl_nd_for_write", "from_dgl_nd", "sync", "attach_grad", "backward", "grad",
    "is_no_grad", "is_recording", "record_grad", "no_grad", "seed", "set_default_backend",
    "get_preferred_backend", "is_enabled",
]

backend_name = "pytorch"

data_type_dict: dict[str, th.dtype] = {
    "float16": th.float16, "bfloat16": th.bfloat16, "float32": th.float32,
    "float64": th.float64, "uint8": th.uint8, "int8": th.int8, "int16": th.int16,
    "int32": th.int32, "int64": th.int64, "bool": th.bool,
}
reverse_data_type_dict: dict[th.dtype, str] = {v: k for k, v in data_type_dict.items()}
float16, bfloat16, float32, float64 = th.float16, th.bfloat16, th.float32, th.float64
uint8, int8, int16, int32, int64 = th.uint8, th.int8, th.int16, th.int32, th.int64
bool = th.bool  # noqa: A001  (DGL's name)


def _shape(shape: Any) -> tuple:
    """A shape given as an int or a sequence, as a tuple."""
    return (int(shape),) if isinstance(shape, numbers.Integral) else tuple(shape)


def cpu() -> th.device:
    """The CPU device."""
    return th.device("cpu")


def cuda() -> th.device:
    """The first CUDA device."""
    return th.device("cuda:0")


def is_cuda_available() -> builtins.bool:
    """Whether torch sees a CUDA device."""
    return th.cuda.is_available()


def tensor(data: Any, dtype: Optional[th.dtype] = None) -> th.Tensor:
    """A tensor from a number, sequence, array or tensor (a number becomes a 1-element tensor)."""
    if isinstance(data, numbers.Number):
        data = [data]
    if isinstance(data, th.Tensor):
        return data if dtype is None or data.dtype == dtype else data.to(dtype)
    if isinstance(data, Sequence) and len(data) > 0 and isinstance(data[0], th.Tensor):
        # A list of 0-d tensors (DGL's tests build ids this way).
        if data[0].ndim == 0:
            data = [x.item() for x in data]
        else:
            return th.stack(list(data)).to(dtype) if dtype else th.stack(list(data))
    return th.as_tensor(data, dtype=dtype)


def as_scalar(data: th.Tensor) -> numbers.Number:
    """The Python number held by a one-element tensor."""
    return data.item()


def get_preferred_sparse_format() -> str:
    """The sparse layout this backend prefers (COO for PyTorch)."""
    return "coo"


def sparse_matrix(data: th.Tensor, index: tuple, shape: tuple, force_format: builtins.bool = False):
    """A torch sparse matrix; ``index`` is ``("coo", indices)`` or ``("csr", indices, indptr)``.

    Returns ``(matrix, None)`` as DGL does (the second item is an edge permutation).
    """
    fmt = index[0]
    if fmt == "coo":
        return th.sparse_coo_tensor(index[1], data, shape), None
    if fmt == "csr":
        indices, indptr = index[1], index[2]
        return th.sparse_csr_tensor(indptr, indices, data, size=shape), None
    raise TypeError(f"sparse format {fmt!r} is not supported")


def is_tensor(obj: Any) -> builtins.bool:
    """Whether ``obj`` is a torch tensor."""
    return isinstance(obj, th.Tensor)


def shape(input: th.Tensor) -> tuple:
    """The shape of ``input``."""
    return input.shape


def dtype(input: th.Tensor) -> th.dtype:
    """The dtype of ``input``."""
    return input.dtype


def ndim(input: th.Tensor) -> int:
    """The number of dimensions of ``input``."""
    return input.dim()


def context(input: th.Tensor) -> th.device:
    """The device of ``input``."""
    return input.device


def device_type(ctx: Any) -> str:
    """``"cpu"`` or ``"cuda"`` for a device (or device string)."""
    return th.device(ctx).type


def device_id(ctx: Any) -> int:
    """The index of a device (0 for the CPU)."""
    ctx = th.device(ctx)
    return 0 if ctx.index is None else ctx.index


def to_backend_ctx(dglctx: Any) -> th.device:
    """A torch device from a device or device string."""
    return th.device(dglctx)


def astype(input: th.Tensor, ty: th.dtype) -> th.Tensor:
    """``input`` converted to dtype ``ty``."""
    return input.type(ty)


def asnumpy(input: Any) -> np.ndarray:
    """A numpy copy of a (possibly sparse, possibly on-GPU, possibly requiring grad) tensor."""
    if isinstance(input, th.Tensor):
        if input.layout != th.strided:
            input = input.to_dense()
        return input.detach().cpu().numpy()
    return np.asarray(input)


def copy_to(input: th.Tensor, ctx: Any, **kwargs: Any) -> th.Tensor:
    """``input`` on device ``ctx``."""
    return input.to(th.device(ctx), **kwargs)


def is_pinned(input: th.Tensor) -> builtins.bool:
    """Whether ``input`` sits in page-locked memory."""
    return input.is_pinned()


def sum(input: th.Tensor, dim: int, keepdims: builtins.bool = False) -> th.Tensor:  # noqa: A001
    """Sum over ``dim``."""
    return th.sum(input, dim=dim, keepdim=keepdims)


def floor_div(in1: Any, in2: Any) -> Any:
    """``in1 // in2``."""
    return in1 // in2


def reduce_sum(input: th.Tensor) -> th.Tensor:
    """Sum of all elements."""
    return input.sum()


def cumsum(input: th.Tensor, dim: int) -> th.Tensor:
    """Cumulative sum over ``dim``."""
    return th.cumsum(input, dim=dim)


def mean(input: th.Tensor, dim: int) -> th.Tensor:
    """Mean over ``dim``."""
    return th.mean(input, dim=dim)


def reduce_mean(input: th.Tensor) -> th.Tensor:
    """Mean of all elements."""
    return input.mean()


def max(input: th.Tensor, dim: int) -> th.Tensor:  # noqa: A001
    """Maximum over ``dim`` (values only)."""
    return th.max(input, dim=dim)[0]


def reduce_max(input: th.Tensor) -> th.Tensor:
    """Maximum of all elements."""
    return input.max()


def min(input: th.Tensor, dim: int) -> th.Tensor:  # noqa: A001
    """Minimum over ``dim`` (values only)."""
    return th.min(input, dim=dim)[0]


def reduce_min(input: th.Tensor) -> th.Tensor:
    """Minimum of all elements."""
    return input.min()


def argsort(input: th.Tensor, dim: int, descending: builtins.bool) -> th.Tensor:
    """Indices that sort ``input`` along ``dim``."""
    return th.argsort(input, dim=dim, descending=descending)


def topk(input: th.Tensor, k: int, dim: int, descending: builtins.bool = True) -> th.Tensor:
    """The ``k`` largest (or smallest) values along ``dim``."""
    return th.topk(input, k, dim, largest=descending)[0]


def argtopk(input: th.Tensor, k: int, dim: int, descending: builtins.bool = True) -> th.Tensor:
    """Indices of the ``k`` largest (or smallest) values along ``dim``."""
    return th.topk(input, k, dim, largest=descending)[1]


def exp(input: th.Tensor) -> th.Tensor:
    """Elementwise exponential."""
    return th.exp(input)


def inverse(input: th.Tensor) -> th.Tensor:
    """Matrix inverse."""
    return th.inverse(input)


def sqrt(input: th.Tensor) -> th.Tensor:
    """Elementwise square root."""
    return th.sqrt(input)


def softmax(input: th.Tensor, dim: int = -1) -> th.Tensor:
    """Softmax over ``dim``."""
    return th.softmax(input, dim=dim)


def cat(seq: Sequence[th.Tensor], dim: int) -> th.Tensor:
    """Concatenate along ``dim``."""
    return th.cat(list(seq), dim=dim)


def stack(seq: Sequence[th.Tensor], dim: int) -> th.Tensor:
    """Stack along a new ``dim``."""
    return th.stack(list(seq), dim=dim)


def split(input: th.Tensor, sizes_or_sections: Any, dim: int) -> tuple:
    """Split along ``dim`` into pieces of the given sizes (or that many equal sections)."""
    if isinstance(sizes_or_sections, int):
        return th.chunk(input, sizes_or_sections, dim)
    return th.split(input, list(sizes_or_sections), dim)


def repeat(input: th.Tensor, repeats: Any, dim: int) -> th.Tensor:
    """Repeat each slice along ``dim`` ``repeats`` times (an int or one count per slice)."""
    if isinstance(repeats, th.Tensor):
        repeats = repeats.to(input.device)
    return th.repeat_interleave(input, repeats, dim)


def gather_row(data: th.Tensor, row_index: th.Tensor) -> th.Tensor:
    """Rows ``row_index`` of ``data``."""
    return th.index_select(data, 0, row_index.long().to(data.device))


def slice_axis(data: th.Tensor, axis: int, begin: int, end: int) -> th.Tensor:
    """``data[..., begin:end, ...]`` along ``axis``."""
    return th.narrow(data, axis, begin, end - begin)


def take(data: th.Tensor, indices: th.Tensor, dim: int) -> th.Tensor:
    """Elements ``indices`` (any shape) of ``data`` along ``dim``."""
    new_shape = data.shape[:dim] + indices.shape + data.shape[dim + 1:]
    return th.index_select(data, dim, indices.reshape(-1).long()).view(new_shape)


def narrow_row(x: th.Tensor, start: int, stop: int) -> th.Tensor:
    """Rows ``start:stop`` of ``x``."""
    return x[start:stop]


def index_add_inplace(data: th.Tensor, row_idx: th.Tensor, value: th.Tensor) -> None:
    """``data[row_idx] += value`` with repeated indices accumulated."""
    data.index_add_(0, row_idx.long(), value)


def scatter_row(data: th.Tensor, row_index: th.Tensor, value: th.Tensor) -> th.Tensor:
    """A copy of ``data`` with rows ``row_index`` replaced by ``value``."""
    return data.index_copy(0, row_index.long(), value)


def scatter_row_inplace(data: th.Tensor, row_index: th.Tensor, value: th.Tensor) -> None:
    """Replace rows ``row_index`` of ``data`` by ``value`` in place."""
    data[row_index.long()] = value


def squeeze(input: th.Tensor, dim: int) -> th.Tensor:
    """Drop dimension ``dim`` of size 1."""
    return th.squeeze(input, dim)


def unsqueeze(input: th.Tensor, dim: int) -> th.Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    return th.unsqueeze(input, dim)


def reshape(input: th.Tensor, shape: Sequence[int]) -> th.Tensor:
    """``input`` with a new shape."""
    return th.reshape(input, _shape(shape))


def swapaxes(input: th.Tensor, axis1: int, axis2: int) -> th.Tensor:
    """Swap two dimensions."""
    return th.transpose(input, axis1, axis2)


def empty(shape: Sequence[int], dtype: th.dtype, ctx: Any) -> th.Tensor:
    """An uninitialised tensor."""
    return th.empty(_shape(shape), dtype=dtype, device=ctx)


def zeros(shape: Sequence[int], dtype: th.dtype, ctx: Any) -> th.Tensor:
    """A tensor of zeros."""
    return th.zeros(_shape(shape), dtype=dtype, device=ctx)


def zeros_like(input: th.Tensor) -> th.Tensor:
    """Zeros of ``input``'s shape, dtype and device."""
    return th.zeros_like(input)


def ones(shape: Sequence[int], dtype: th.dtype, ctx: Any) -> th.Tensor:
    """A tensor of ones."""
    return th.ones(_shape(shape), dtype=dtype, device=ctx)


def uniform(shape: Sequence[int], dtype: th.dtype, ctx: Any, low: float, high: float) -> th.Tensor:
    """Uniform samples in ``[low, high)``."""
    return th.empty(_shape(shape), dtype=dtype, device=ctx).uniform_(low, high)


def randint(shape: Sequence[int], dtype: th.dtype, ctx: Any, low: int, high: int) -> th.Tensor:
    """Integers drawn uniformly from ``[low, high)``."""
    return th.randint(low, high, _shape(shape), dtype=dtype, device=ctx)


def pad_packed_tensor(input: th.Tensor, lengths: Any, value: float, l_min: Optional[int] = None) -> th.Tensor:
    """Rows of ``input`` split into segments of ``lengths``, padded with ``value`` to one length.

    Returns a ``(len(lengths), max_len, *feature)`` tensor; ``max_len`` is at least ``l_min``.
    """
    lengths = [int(x) for x in (lengths.tolist() if isinstance(lengths, th.Tensor) else lengths)]
    max_len = builtins.max(lengths) if lengths else 0
    if l_min is not None:
        max_len = builtins.max(max_len, l_min)
    out = input.new_full((len(lengths), max_len) + tuple(input.shape[1:]), value)
    offset = 0
    for i, n in enumerate(lengths):
        out[i, :n] = input[offset:offset + n]
        offset += n
    return out


def pack_padded_tensor(input: th.Tensor, lengths: Any) -> th.Tensor:
    """The inverse of :func:`pad_packed_tensor`: the first ``lengths[i]`` rows of each batch."""
    lengths = [int(x) for x in (lengths.tolist() if isinstance(lengths, th.Tensor) else lengths)]
    return th.cat([input[i, :n] for i, n in enumerate(lengths)], 0)


def boolean_mask(input: th.Tensor, mask: th.Tensor) -> th.Tensor:
    """The rows of ``input`` where ``mask`` is true."""
    return input[mask.bool()]


def equal(x: th.Tensor, y: th.Tensor) -> th.Tensor:
    """Elementwise ``x == y``."""
    return x == y


def allclose(x: th.Tensor, y: th.Tensor, rtol: float = 1e-4, atol: float = 1e-4) -> builtins.bool:
    """Whether ``x`` and ``y`` agree within the tolerances."""
    return th.allclose(x, y, rtol=rtol, atol=atol)


def logical_not(input: th.Tensor) -> th.Tensor:
    """Elementwise not."""
    return ~input


def logical_and(input1: th.Tensor, input2: th.Tensor) -> th.Tensor:
    """Elementwise and."""
    return input1 & input2


def clone(input: th.Tensor) -> th.Tensor:
    """A copy of ``input``."""
    return input.clone()


def clamp(data: th.Tensor, min_val: Any, max_val: Any) -> th.Tensor:
    """``data`` clipped to ``[min_val, max_val]``."""
    return th.clamp(data, min_val, max_val)


def replace_inf_with_zero(x: th.Tensor) -> th.Tensor:
    """``x`` with infinite entries set to 0."""
    return th.masked_fill(x, th.isinf(x), 0)


def count_nonzero(input: th.Tensor) -> int:
    """The number of non-zero elements."""
    return int(th.count_nonzero(input))


def unique(input: th.Tensor, return_inverse: builtins.bool = False,
           return_counts: builtins.bool = False) -> Any:
    """Sorted distinct values (with inverse indices and counts when asked)."""
    if input.dtype == th.bool:
        input = input.type(th.int8)
    return th.unique(input, return_inverse=return_inverse, return_counts=return_counts)


def full_1d(length: int, fill_value: Any, dtype: th.dtype, ctx: Any) -> th.Tensor:
    """A 1-D tensor of ``length`` copies of ``fill_value``."""
    return th.full((length,), fill_value, dtype=dtype, device=ctx)


def nonzero_1d(input: th.Tensor) -> th.Tensor:
    """Positions of the non-zero entries of a 1-D tensor."""
    return th.nonzero(input, as_tuple=False).reshape(-1)


def sort_1d(input: th.Tensor) -> tuple:
    """``(sorted values, their positions in input)``."""
    return th.sort(input)


def arange(start: int, stop: int, dtype: th.dtype = th.int64, ctx: Any = None) -> th.Tensor:
    """``[start, stop)`` as a tensor."""
    return th.arange(start, stop, dtype=dtype, device=ctx)


def rand_shuffle(arr: th.Tensor) -> th.Tensor:
    """A random permutation of the rows of ``arr``."""
    return arr[th.randperm(len(arr))]


def zerocopy_to_dlpack(input: th.Tensor) -> Any:
    """A DLPack capsule sharing ``input``'s memory."""
    return th.utils.dlpack.to_dlpack(input.contiguous())


def zerocopy_from_dlpack(dlpack_tensor: Any) -> th.Tensor:
    """A tensor sharing a DLPack capsule's memory."""
    return th.utils.dlpack.from_dlpack(dlpack_tensor)


def zerocopy_to_numpy(input: th.Tensor) -> np.ndarray:
    """A numpy view of a CPU tensor."""
    return input.numpy()


def zerocopy_from_numpy(np_array: np.ndarray) -> th.Tensor:
    """A tensor view of a numpy array."""
    return th.as_tensor(np_array)


def zerocopy_to_dgl_ndarray(data: th.Tensor) -> th.Tensor:
    """graphdl keeps torch tensors: the identity."""
    return data


zerocopy_to_dgl_ndarray_for_write = zerocopy_to_dgl_ndarray


def zerocopy_from_dgl_ndarray(data: Any) -> th.Tensor:
    """graphdl keeps torch tensors: the identity (numpy arrays are wrapped without a copy)."""
    return th.as_tensor(data) if isinstance(data, np.ndarray) else data


to_dgl_nd = zerocopy_to_dgl_ndarray
to_dgl_nd_for_write = zerocopy_to_dgl_ndarray_for_write
from_dgl_nd = zerocopy_from_dgl_ndarray


def sync() -> None:
    """Wait for pending CUDA work (nothing to do on the CPU)."""
    if th.cuda.is_available() and th.cuda.is_initialized():
        th.cuda.synchronize()


def attach_grad(x: th.Tensor) -> th.Tensor:
    """Mark ``x`` as requiring gradients (and clear any gradient it holds)."""
    if x.grad is not None:
        x.grad.zero_()
        return x
    return x.requires_grad_()


def backward(x: th.Tensor, head_gradient: Optional[th.Tensor] = None) -> None:
    """Back-propagate from ``x``; a one-element head gradient is summed as DGL does."""
    if head_gradient is not None and head_gradient.dim() == 1 and head_gradient.shape[0] == 1:
        head_gradient = head_gradient.sum()
    x.backward(head_gradient)


def grad(x: th.Tensor) -> Optional[th.Tensor]:
    """The gradient accumulated in ``x``."""
    return x.grad


def is_no_grad(x: th.Tensor) -> builtins.bool:
    """Whether ``x`` has no gradient, or an all-zero one."""
    return x.grad is None or builtins.bool((x.grad == 0).all())


def is_recording() -> builtins.bool:
    """Whether autograd records operations."""
    return th.is_grad_enabled()


class record_grad:
    """A context in which autograd records (always the case with PyTorch)."""

    def __enter__(self) -> "record_grad":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


no_grad = th.no_grad


def seed(value: int) -> None:
    """Seed torch's random generator."""
    th.manual_seed(value)


def get_preferred_backend() -> str:
    """The backend in use: always ``"pytorch"``."""
    return backend_name


def is_enabled(api: str) -> builtins.bool:
    """Whether a backend function exists."""
    return api in globals()


def set_default_backend(default_dir: str, backend_name: str) -> None:
    """Write DGL's backend choice to ``default_dir/config.json`` (graphdl always uses PyTorch)."""
    os.makedirs(default_dir, exist_ok=True)
    with open(os.path.join(default_dir, "config.json"), "w") as f:
        json.dump({"backend": backend_name.lower()}, f)
