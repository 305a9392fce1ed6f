"""Byte-level pieces of DGL's binary files: bounded reads, writes and the NDArray record.

Every value is little-endian. The serializer's conventions are:

* a vector is a ``u64`` element count followed by the elements;
* a string is a ``u64`` byte length followed by the bytes;
* a pair is its first member followed by its second.

:class:`ByteReader` checks every length field against the bytes that remain before it reads or
allocates anything, so a corrupt or forged file raises :class:`~graphdl.base.DGLError`
naming the problem instead of crashing or allocating memory sized from the file.
"""
from __future__ import annotations

import struct
from typing import Any, Dict, List, Tuple

import numpy as np
import torch

from ..base import DGLError

__all__ = [
    "ByteReader",
    "ByteWriter",
    "NDARRAY_MAGIC",
    "TENSOR_FILE_MAGIC",
    "read_ndarray",
    "write_ndarray",
    "read_named_tensors",
    "write_named_tensors",
]

NDARRAY_MAGIC = 0xDD5E40F096B4A13F
TENSOR_FILE_MAGIC = 0xDD5A9FBE3FA2443F

# Most dimensions a stored tensor may have; deeper shapes are treated as corruption.
MAX_NDIM = 32

# DLPack type codes used by DGL's files.
_CODE_INT, _CODE_UINT, _CODE_FLOAT, _CODE_BFLOAT, _CODE_BOOL = 0, 1, 2, 4, 6

_NUMPY_OF_CODE: Dict[Tuple[int, int], np.dtype] = {
    (_CODE_INT, 8): np.dtype("<i1"),
    (_CODE_INT, 16): np.dtype("<i2"),
    (_CODE_INT, 32): np.dtype("<i4"),
    (_CODE_INT, 64): np.dtype("<i8"),
    (_CODE_UINT, 8): np.dtype("<u1"),
    (_CODE_UINT, 16): np.dtype("<u2"),
    (_CODE_UINT, 32): np.dtype("<u4"),
    (_CODE_UINT, 64): np.dtype("<u8"),
    (_CODE_FLOAT, 16): np.dtype("<f2"),
    (_CODE_FLOAT, 32): np.dtype("<f4"),
    (_CODE_FLOAT, 64): np.dtype("<f8"),
    (_CODE_BFLOAT, 16): np.dtype("<i2"),  # raw bits, reinterpreted as bfloat16 below
    (_CODE_BOOL, 8): np.dtype("<u1"),
}

_CODE_OF_TORCH: Dict[torch.dtype, Tuple[int, int]] = {
    torch.int8: (_CODE_INT, 8),
    torch.int16: (_CODE_INT, 16),
    torch.int32: (_CODE_INT, 32),
    torch.int64: (_CODE_INT, 64),
    torch.uint8: (_CODE_UINT, 8),
    torch.float16: (_CODE_FLOAT, 16),
    torch.float32: (_CODE_FLOAT, 32),
    torch.float64: (_CODE_FLOAT, 64),
    torch.bfloat16: (_CODE_BFLOAT, 16),
    torch.bool: (_CODE_UINT, 8),  # DGL stores booleans as bytes
}
for _name, _code in (("uint16", (_CODE_UINT, 16)), ("uint32", (_CODE_UINT, 32)), ("uint64", (_CODE_UINT, 64))):
    if hasattr(torch, _name):
        _CODE_OF_TORCH[getattr(torch, _name)] = _code


class ByteReader:
    """Sequential reader over an in-memory buffer that refuses to read past its end.

    Parameters
    ----------
    data
        The file contents.
    what
        How to name the source in error messages (usually the file name).
    """

    def __init__(self, data: bytes, what: str = "file") -> None:
        self._buf = memoryview(data)
        self.pos = 0
        self.what = what

    @property
    def size(self) -> int:
        return len(self._buf)

    def remaining(self) -> int:
        return len(self._buf) - self.pos

    def fail(self, message: str) -> DGLError:
        """Build the error for a problem found at the current position."""
        return DGLError(f"Corrupt DGL file {self.what}: {message} (at byte {self.pos}).")

    def seek(self, pos: int, field: str) -> None:
        if pos < 0 or pos > len(self._buf):
            raise self.fail(f"{field} points to byte {pos}, outside the {len(self._buf)}-byte file")
        self.pos = pos

    def take(self, n: int, field: str) -> memoryview:
        """Return the next ``n`` bytes, raising if fewer remain."""
        if n < 0 or n > self.remaining():
            raise self.fail(f"{field} needs {n} bytes but only {self.remaining()} remain (file truncated?)")
        out = self._buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def _unpack(self, fmt: str, field: str) -> int:
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size, field))[0]

    def u64(self, field: str) -> int:
        return self._unpack("<Q", field)

    def i64(self, field: str) -> int:
        return self._unpack("<q", field)

    def i32(self, field: str) -> int:
        return self._unpack("<i", field)

    def u8(self, field: str) -> int:
        return self._unpack("<B", field)

    def u16(self, field: str) -> int:
        return self._unpack("<H", field)

    def flag(self, field: str) -> bool:
        value = self.u8(field)
        if value > 1:
            raise self.fail(f"{field} should be a boolean byte, found {value}")
        return bool(value)

    def magic(self, expected: int, field: str) -> None:
        found = self.u64(f"{field} magic number")
        if found != expected:
            raise self.fail(f"expected the {field} magic number {expected:#x}, found {found:#x}")

    def count(self, field: str, min_item_bytes: int) -> int:
        """Read a ``u64`` element count and check the elements can fit in the remaining bytes."""
        n = self.u64(f"{field} count")
        if n * max(min_item_bytes, 1) > self.remaining():
            raise self.fail(
                f"{field} claims {n} entries, more than the {self.remaining()} remaining bytes can hold"
            )
        return n

    def string(self, field: str) -> str:
        n = self.u64(f"{field} length")
        raw = self.take(n, field)
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError as err:
            raise self.fail(f"{field} is not valid UTF-8 text") from err

    def string_list(self, field: str) -> List[str]:
        return [self.string(field) for _ in range(self.count(field, 8))]

    def u64_list(self, field: str) -> List[int]:
        n = self.count(field, 8)
        return [int(v) for v in np.frombuffer(self.take(8 * n, field), dtype="<u8")]

    def i64_list(self, field: str) -> List[int]:
        n = self.count(field, 8)
        return [int(v) for v in np.frombuffer(self.take(8 * n, field), dtype="<i8")]


class ByteWriter:
    """Append-only little-endian writer producing one ``bytes`` object."""

    def __init__(self) -> None:
        self._parts: List[bytes] = []
        self._size = 0

    def tell(self) -> int:
        return self._size

    def raw(self, data: bytes) -> None:
        # a memoryview (a tensor's payload) is kept as is, not copied, until written
        if isinstance(data, memoryview):
            self._parts.append(data)
            self._size += data.nbytes
            return
        self._parts.append(bytes(data))
        self._size += len(data)

    def u64(self, value: int) -> None:
        self.raw(struct.pack("<Q", value))

    def i64(self, value: int) -> None:
        self.raw(struct.pack("<q", value))

    def i32(self, value: int) -> None:
        self.raw(struct.pack("<i", value))

    def u8(self, value: int) -> None:
        self.raw(struct.pack("<B", value))

    def u16(self, value: int) -> None:
        self.raw(struct.pack("<H", value))

    def flag(self, value: bool) -> None:
        self.u8(1 if value else 0)

    def string(self, text: str) -> None:
        data = text.encode("utf-8")
        self.u64(len(data))
        self.raw(data)

    def string_list(self, items: List[str]) -> None:
        self.u64(len(items))
        for item in items:
            self.string(item)

    def u64_list(self, items: List[int]) -> None:
        self.u64(len(items))
        self.raw(np.asarray(items, dtype="<u8").tobytes())

    def i64_list(self, items: List[int]) -> None:
        self.u64(len(items))
        self.raw(np.asarray(items, dtype="<i8").tobytes())

    def getvalue(self) -> bytes:
        return b"".join(self._parts)

    def write_to(self, fh: Any) -> None:
        """Write the parts to a binary file one by one (no joined copy of the whole)."""
        for part in self._parts:
            fh.write(part)


def read_ndarray(reader: ByteReader, field: str) -> torch.Tensor:
    """Read one NDArray record and return it as a CPU tensor (a copy owning its memory)."""
    reader.magic(NDARRAY_MAGIC, f"{field} tensor")
    reader.u64(f"{field} reserved word")
    reader.i32(f"{field} device type")
    reader.i32(f"{field} device id")
    ndim = reader.i32(f"{field} number of dimensions")
    if ndim < 0 or ndim > MAX_NDIM:
        raise reader.fail(f"{field} has an invalid number of dimensions {ndim}")
    code = reader.u8(f"{field} dtype code")
    bits = reader.u8(f"{field} dtype bits")
    lanes = reader.u16(f"{field} dtype lanes")
    np_dtype = _NUMPY_OF_CODE.get((code, bits))
    if np_dtype is None or lanes != 1:
        raise reader.fail(f"{field} has an unsupported dtype (code {code}, {bits} bits, {lanes} lanes)")
    shape = []
    for _ in range(ndim):
        dim = reader.i64(f"{field} shape")
        if dim < 0:
            raise reader.fail(f"{field} has a negative dimension {dim}")
        shape.append(dim)
    nbytes = reader.i64(f"{field} byte count")
    numel = 1
    for dim in shape:
        numel *= dim
    expected = numel * np_dtype.itemsize
    if nbytes != expected:
        raise reader.fail(f"{field} of shape {tuple(shape)} should hold {expected} bytes, header says {nbytes}")
    raw = reader.take(nbytes, f"{field} data")
    array = np.frombuffer(raw, dtype=np_dtype).reshape(shape).copy()
    tensor = torch.from_numpy(array)
    if code == _CODE_BFLOAT:
        tensor = tensor.view(torch.bfloat16)
    elif code == _CODE_BOOL:
        tensor = tensor.to(torch.bool)
    return tensor


def write_ndarray(writer: ByteWriter, tensor: torch.Tensor, field: str = "tensor") -> None:
    """Write ``tensor`` (any device; copied to the CPU) as one NDArray record."""
    if not isinstance(tensor, torch.Tensor):
        raise DGLError(f"Cannot save {field}: expected a torch.Tensor, got {type(tensor).__name__}.")
    code = _CODE_OF_TORCH.get(tensor.dtype)
    if code is None:
        raise DGLError(f"Cannot save {field}: tensors of dtype {tensor.dtype} are not supported.")
    data = tensor.detach().to("cpu").contiguous()
    if data.dtype == torch.bool:
        data = data.to(torch.uint8)
    elif data.dtype == torch.bfloat16:
        data = data.view(torch.int16)
    array = np.ascontiguousarray(data.numpy().astype(data.numpy().dtype.newbyteorder("<"), copy=False))
    payload = memoryview(array).cast("B") if array.size else b""  # no copy of the data
    writer.u64(NDARRAY_MAGIC)
    writer.u64(0)
    writer.i32(1)  # CPU
    writer.i32(0)
    writer.i32(data.dim())
    writer.u8(code[0])
    writer.u8(code[1])
    writer.u16(1)
    for dim in data.shape:
        writer.i64(int(dim))
    writer.i64(len(payload))
    writer.raw(payload)


def read_named_tensors(reader: ByteReader, field: str) -> Dict[str, torch.Tensor]:
    """Read a vector of (name, NDArray) pairs into a dict (later duplicates win, as in DGL)."""
    out: Dict[str, torch.Tensor] = {}
    for _ in range(reader.count(field, 16)):
        name = reader.string(f"{field} name")
        out[name] = read_ndarray(reader, f"{field} '{name}'")
    return out


def write_named_tensors(writer: ByteWriter, tensors: Dict[str, torch.Tensor], field: str) -> None:
    writer.u64(len(tensors))
    for name, tensor in tensors.items():
        if not isinstance(name, str):
            raise DGLError(f"Cannot save {field}: names must be strings, got {name!r}.")
        writer.string(name)
        write_ndarray(writer, tensor, f"{field} '{name}'")
