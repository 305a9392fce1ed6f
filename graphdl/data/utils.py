"""Helpers for data sets: download and extraction, tensor files, splits, cached metadata."""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import socket
import tarfile
import urllib.request
import zipfile
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import torch

from ..base import DGLError
from ..compat.ndarray import NDArray
from ._binary import (
    TENSOR_FILE_MAGIC,
    ByteReader,
    ByteWriter,
    read_named_tensors,
    write_named_tensors,
)
from .graph_serialize import load_graphs, load_labels, save_graphs

__all__ = [
    "get_download_dir",
    "download",
    "check_sha1",
    "check_sha256",
    "extract_archive",
    "makedirs",
    "save_info",
    "load_info",
    "save_tensors",
    "load_tensors",
    "save_graphs",
    "load_graphs",
    "load_labels",
    "Subset",
    "split_dataset",
    "generate_mask_tensor",
    "DOWNLOAD_TIMEOUT",
]

# Seconds to wait for a server before giving up (no network should fail fast).
DOWNLOAD_TIMEOUT = 10.0


def get_download_dir() -> str:
    """Folder for downloaded data: ``$GRAPHDL_DOWNLOAD_DIR`` or ``~/.graphdl`` (created if missing)."""
    folder = os.environ.get("GRAPHDL_DOWNLOAD_DIR") or os.path.join(os.path.expanduser("~"), ".graphdl")
    os.makedirs(folder, exist_ok=True)
    return folder


def makedirs(path: str) -> None:
    """Create ``path`` and its parents; an existing folder is fine."""
    os.makedirs(path, exist_ok=True)


def _file_digest(path: str, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """True when the SHA-1 digest of ``filename`` equals ``sha1_hash`` (compared over its length)."""
    return _file_digest(filename, "sha1")[: len(sha1_hash)] == sha1_hash


def check_sha256(filename: str, sha256_hash: str) -> bool:
    """True when the SHA-256 digest of ``filename`` equals ``sha256_hash``."""
    return _file_digest(filename, "sha256") == sha256_hash


def _unreachable(err: OSError) -> bool:
    """True for errors meaning the host cannot be reached at all (DNS failure, refusal, timeout)."""
    reason = getattr(err, "reason", err)
    return isinstance(reason, (socket.gaierror, socket.timeout, TimeoutError, ConnectionRefusedError, OSError))


def download(
    url: str,
    path: Optional[str] = None,
    overwrite: bool = True,
    sha1_hash: Optional[str] = None,
    retries: int = 5,
    verify_ssl: bool = True,
    log: bool = True,
    sha256_hash: Optional[str] = None,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> str:
    """Download ``url`` to ``path`` (a file name or a folder) and return the file name.

    An existing file is kept when ``overwrite`` is false and its digest (if one is given)
    matches. When the server cannot be reached the call fails at once with a
    :class:`~graphdl.DGLError` telling where to place the file by hand.
    """
    if path is None:
        fname = url.split("/")[-1]
    elif os.path.isdir(path):
        fname = os.path.join(path, url.split("/")[-1])
    else:
        fname = path

    def digest_ok(name: str) -> bool:
        if sha1_hash and not check_sha1(name, sha1_hash):
            return False
        if sha256_hash and not check_sha256(name, sha256_hash):
            return False
        return True

    if not overwrite and os.path.exists(fname) and digest_ok(fname):
        return fname
    folder = os.path.dirname(os.path.abspath(fname))
    os.makedirs(folder, exist_ok=True)
    tmp = fname + ".part"
    error: Optional[OSError] = None
    for _ in range(max(1, retries)):
        try:
            if log:
                print(f"Downloading {fname} from {url}...")
            with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
                shutil.copyfileobj(response, out)
            os.replace(tmp, fname)
            error = None
            break
        except OSError as err:  # URLError, timeouts and connection errors are all OSErrors
            error = err
            if os.path.exists(tmp):
                os.remove(tmp)
            if _unreachable(err):
                break  # retrying cannot help without a network
    if error is not None:
        raise DGLError(
            f"Could not download {url} ({error}). Without network access, fetch that file "
            f"elsewhere and place it at {fname}."
        )
    if not digest_ok(fname):
        raise DGLError(f"Downloaded file {fname} does not match its expected checksum; remove it and retry.")
    return fname


def extract_archive(file: str, target_dir: str, overwrite: bool = False) -> None:
    """Extract a ``.zip`` or ``.tar(.gz)`` archive into ``target_dir``, refusing paths that escape it."""
    if os.path.exists(target_dir) and not overwrite:
        return
    os.makedirs(target_dir, exist_ok=True)
    root = os.path.realpath(target_dir)

    def safe(name: str) -> None:
        dest = os.path.realpath(os.path.join(root, name))
        if dest != root and not dest.startswith(root + os.sep):
            raise DGLError(f"Archive {file} holds the unsafe path {name!r}.")

    if zipfile.is_zipfile(file):
        with zipfile.ZipFile(file) as archive:
            for name in archive.namelist():
                safe(name)
            archive.extractall(target_dir)
    elif tarfile.is_tarfile(file):
        with tarfile.open(file) as archive:
            for member in archive.getmembers():
                safe(member.name)
                if member.issym() or member.islnk():
                    raise DGLError(f"Archive {file} holds a link {member.name!r}; refusing to extract it.")
            archive.extractall(target_dir)
    else:
        raise DGLError(f"{file} is neither a zip nor a tar archive.")


def save_info(path: str, info: Dict[str, Any]) -> None:
    """Save a small dict of data-set metadata with pickle."""
    with open(path, "wb") as f:
        pickle.dump(info, f)


def load_info(path: str) -> Dict[str, Any]:
    """Load metadata saved by :func:`save_info` (trusted local cache files only)."""
    with open(path, "rb") as f:
        return pickle.load(f)


def save_tensors(filename: str, tensor_dict: Dict[str, torch.Tensor]) -> None:
    """Save a dict of named tensors in DGL's tensor file format."""
    if not isinstance(tensor_dict, dict):
        raise DGLError(f"save_tensors expects a dict of tensors, got {type(tensor_dict).__name__}.")
    writer = ByteWriter()
    writer.u64(TENSOR_FILE_MAGIC)
    writer.u64(len(tensor_dict))
    write_named_tensors(writer, tensor_dict, "tensors")
    os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
    with open(filename, "wb") as f:
        f.write(writer.getvalue())


def load_tensors(filename: str, return_dgl_ndarray: bool = False) -> Dict[str, torch.Tensor]:
    """Load a dict of named tensors saved by :func:`save_tensors` or by DGL.

    Parameters
    ----------
    filename : str
    return_dgl_ndarray : bool
        Return :class:`graphdl.compat.ndarray.NDArray` tensors (torch tensors that also have
        DGL's ``asnumpy()``), as DGL returns its own arrays.

    Returns
    -------
    dict of str to torch.Tensor
    """
    if not os.path.exists(filename):
        raise DGLError(f"File {filename} does not exist.")
    with open(filename, "rb") as f:
        reader = ByteReader(f.read(), filename)
    reader.magic(TENSOR_FILE_MAGIC, "tensor file")
    count = reader.u64("tensor count")
    tensors = read_named_tensors(reader, "tensors")
    if len(tensors) > count:
        raise reader.fail(f"tensor file lists {len(tensors)} tensors but its header says {count}")
    if return_dgl_ndarray:
        return {k: v.as_subclass(NDArray) for k, v in tensors.items()}
    return tensors


class Subset(torch.utils.data.Dataset):
    """The items of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, item: int):
        return self.dataset[self.indices[item]]

    def __len__(self) -> int:
        return len(self.indices)


def split_dataset(
    dataset,
    frac_list: Optional[Sequence[float]] = None,
    shuffle: bool = False,
    random_state: Optional[int] = None,
) -> List[Subset]:
    """Split a data set into train, validation and test subsets by fractions.

    Parameters
    ----------
    dataset
        Anything with ``__len__`` and ``__getitem__``.
    frac_list
        Three fractions summing to 1; ``[0.8, 0.1, 0.1]`` by default.
    shuffle
        Permute the items before splitting.
    random_state
        Seed of the permutation (used when ``shuffle`` is true).
    """
    if frac_list is None:
        frac_list = [0.8, 0.1, 0.1]
    frac = np.asarray(frac_list, dtype=np.float64)
    if frac.shape != (3,) or (frac < 0).any():
        raise DGLError(f"frac_list must be three non-negative fractions, got {list(frac_list)}.")
    if not np.allclose(frac.sum(), 1.0):
        raise DGLError(f"frac_list must sum to 1, got {list(frac_list)} (sum {frac.sum()}).")
    n = len(dataset)
    lengths = [int(n * f) for f in frac]
    lengths[-1] = n - lengths[0] - lengths[1]
    if shuffle:
        indices = np.random.RandomState(seed=random_state).permutation(n)
    else:
        indices = np.arange(n)
    out = []
    start = 0
    for length in lengths:
        out.append(Subset(dataset, indices[start:start + length].tolist()))
        start += length
    return out


def generate_mask_tensor(mask: Union[np.ndarray, Sequence[bool]]) -> torch.Tensor:
    """Turn a 0/1 array into a boolean tensor."""
    return torch.as_tensor(np.asarray(mask)).bool()
