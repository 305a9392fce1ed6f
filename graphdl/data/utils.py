"""Helpers for data sets: download and extraction, tensor files, splits, cached metadata."""
from __future__ import annotations

import gzip
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
    "mask_nodes_by_property",
    "add_node_property_split",
    "add_nodepred_split",
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
    """Extract a ``.zip`` or ``.tar(.gz)`` archive into ``target_dir``, refusing paths that escape it.

    A gzip-compressed single file ``name.gz`` (not a tar) is decompressed to ``target_dir/name``.
    """
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
    elif _is_gzip(file):
        name = os.path.basename(file)
        name = name[:-3] if name.endswith(".gz") else name + ".out"
        with gzip.open(file, "rb") as src, open(os.path.join(target_dir, name), "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        raise DGLError(f"{file} is neither a zip, a tar nor a gzip archive.")


def _is_gzip(file: str) -> bool:
    with open(file, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


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


def mask_nodes_by_property(property_values: Any, part_ratios: Sequence[float],
                           random_seed: Optional[int] = None) -> Dict[str, torch.Tensor]:
    """Node split masks with a distribution shift along a node property.

    Nodes are ordered by ``property_values`` (ties in random order). The first
    ``part_ratios[0] + part_ratios[1] + part_ratios[2]`` of them (the smallest values) are
    the in-distribution part, split at random into train / valid / test of those ratios; the
    next ``part_ratios[3]`` and the last ``part_ratios[4]`` are the out-of-distribution valid and
    test sets (the split of Bazhenov et al., 2023, "Evaluating robustness and uncertainty of
    graph models under structural distributional shifts").

    Parameters
    ----------
    property_values : array-like
        One value per node.
    part_ratios : sequence of float
        Five ratios summing to 1.
    random_seed : int, optional
        Seed of the random orders.

    Returns
    -------
    dict of str to Tensor
        Boolean masks ``in_train_mask``, ``in_valid_mask``, ``in_test_mask``,
        ``out_valid_mask`` and ``out_test_mask``.
    """
    values = np.asarray(property_values, dtype=np.float64).reshape(-1)
    ratios = np.asarray(part_ratios, dtype=np.float64)
    if ratios.shape != (5,) or (ratios < 0).any() or abs(float(ratios.sum()) - 1.0) > 1e-6:
        raise DGLError(f"part_ratios must be five non-negative ratios summing to 1, got {list(part_ratios)}.")
    n = values.shape[0]
    sizes = np.round(n * ratios).astype(np.int64)
    sizes[-1] = n - sizes[:-1].sum()
    if sizes[-1] < 0:
        raise DGLError(f"part_ratios {list(part_ratios)} do not split {n} nodes.")
    rng = np.random.default_rng(random_seed)
    shuffled = rng.permutation(n)
    order = shuffled[np.argsort(values[shuffled], kind="stable")]
    n_in = int(sizes[:3].sum())
    order[:n_in] = rng.permutation(order[:n_in])
    names = ["in_train_mask", "in_valid_mask", "in_test_mask", "out_valid_mask", "out_test_mask"]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    masks = {}
    for name, a, b in zip(names, bounds[:-1], bounds[1:]):
        m = torch.zeros(n, dtype=torch.bool)
        m[torch.from_numpy(order[a:b])] = True
        masks[name] = m
    return masks


def add_nodepred_split(dataset: Any, ratio: Sequence[float], ntype: Optional[str] = None) -> None:
    """Add random ``train_mask`` / ``val_mask`` / ``test_mask`` node masks to every graph of a
    data set, for transductive node prediction.

    Each graph's nodes (of ``ntype``) are shuffled with NumPy's global random state (seed it with
    ``numpy.random.seed`` for a fixed split); the first ``int(n * ratio[0])`` are for training,
    the next ``int(n * ratio[1])`` for validation and the rest for testing.

    Parameters
    ----------
    dataset : DGLDataset or sequence of DGLGraph
        The graphs; ``dataset[i]`` must return the same graph object each time.
    ratio : sequence of three floats
        The training, validation and test ratios.
    ntype : str, optional
        The node type to add the masks to (needed on graphs with several node types).
    """
    if len(ratio) != 3:
        raise DGLError(f"add_nodepred_split needs three split ratios, got {list(ratio)}.")
    for i in range(len(dataset)):
        g = dataset[i]
        n = g.num_nodes(ntype)
        idx = np.random.permutation(n)
        n_train, n_val = int(n * ratio[0]), int(n * ratio[1])
        for name, part in (("train_mask", idx[:n_train]), ("val_mask", idx[n_train:n_train + n_val]),
                           ("test_mask", idx[n_train + n_val:])):
            m = torch.zeros(n, dtype=torch.bool)
            m[torch.from_numpy(part)] = True
            g.nodes[ntype].data[name] = m


def _simple_undirected(g: Any):
    """The graph's adjacency as a symmetric 0/1 scipy CSR matrix (duplicates merged)."""
    import scipy.sparse as sp
    n = g.num_nodes()
    u, v = (t.numpy().astype(np.int64) for t in g.edges())
    a = sp.coo_matrix((np.ones(2 * u.shape[0]), (np.concatenate([u, v]), np.concatenate([v, u]))),
                      shape=(n, n)).tocsr()
    a.data[:] = 1.0
    return a


def _pagerank(a: Any, personal: Optional[np.ndarray] = None, alpha: float = 0.85,
              tol: float = 1e-6, max_iter: int = 100) -> np.ndarray:
    r"""PageRank by power iteration on the symmetric adjacency ``a`` (a self-loop is one edge):

    .. math::

        x \leftarrow \alpha \left(x D^{-1} A + (\textstyle\sum_{d \in \text{dangling}} x_d)\, p\right) + (1-\alpha)\, p

    with ``p`` the personalisation (uniform by default), until the L1 change is below
    ``n * tol``.
    """
    n = a.shape[0]
    if n == 0:
        return np.zeros(0)
    out_deg = np.asarray(a.sum(axis=1)).reshape(-1)
    inv = np.zeros(n)
    inv[out_deg > 0] = 1.0 / out_deg[out_deg > 0]
    m = a.multiply(inv[:, None]).tocsr()  # row-stochastic where the row has edges
    p = np.full(n, 1.0 / n) if personal is None else personal / personal.sum()
    dangling = out_deg == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (m.T @ last + last[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - last).sum() < n * tol:
            return x
    raise DGLError(f"PageRank did not converge in {max_iter} iterations.")


def _clustering(a: Any) -> np.ndarray:
    """Local clustering coefficient of each node (self-loops ignored)."""
    a = a.tolil()
    a.setdiag(0)
    a = a.tocsr()
    a.eliminate_zeros()
    deg = np.asarray(a.sum(axis=1)).reshape(-1)
    triangles = np.asarray((a @ a).multiply(a).sum(axis=1)).reshape(-1) / 2.0
    out = np.zeros(a.shape[0])
    ok = deg > 1
    out[ok] = 2.0 * triangles[ok] / (deg[ok] * (deg[ok] - 1))
    return out


def _node_property(g: Any, property_name: str) -> np.ndarray:
    a = _simple_undirected(g)
    if property_name == "popularity":
        return _pagerank(a)
    if property_name == "locality":
        personal = np.zeros(a.shape[0])
        personal[int(np.argmax(_pagerank(a)))] = 1.0
        return _pagerank(a, personal)
    return _clustering(a)


def add_node_property_split(dataset: Any, part_ratios: Sequence[float], property_name: str,
                            ascending: bool = True, random_seed: Optional[int] = None) -> None:
    """Add a node split with a structural distribution shift to every graph of a data set.

    The nodes of each graph (taken as a simple undirected graph) are ordered by a property:

    - ``'popularity'``: PageRank (damping 0.85);
    - ``'locality'``: personalised PageRank from the node of largest PageRank;
    - ``'density'``: the local clustering coefficient.

    With ``ascending=True`` the nodes of *largest* property form the in-distribution part and
    those of smallest property the out-of-distribution part (``ascending=False`` reverses it);
    the masks are those of :func:`mask_nodes_by_property` (Bazhenov et al., 2023, "Evaluating
    robustness and uncertainty of graph models under structural distributional shifts") and
    are stored in each graph's ``ndata``: ``in_train_mask``, ``in_valid_mask``,
    ``in_test_mask``, ``out_valid_mask``, ``out_test_mask``.

    Parameters
    ----------
    dataset : DGLDataset or sequence of DGLGraph
        The graphs (one node type each); ``dataset[i]`` must return the same object each time.
    part_ratios : sequence of float
        Five ratios summing to 1: ID train, ID valid, ID test, OOD valid, OOD test.
    property_name : str
        ``'popularity'``, ``'locality'`` or ``'density'``.
    ascending : bool
        Whether OOD nodes are those of smallest property (the default) rather than largest.
    random_seed : int, optional
        Seed of the random orders (ties, and the ID split).
    """
    if property_name not in ("popularity", "locality", "density"):
        raise DGLError(f"property_name must be 'popularity', 'locality' or 'density', got {property_name!r}.")
    if len(part_ratios) != 5:
        raise DGLError(f"part_ratios must hold five ratios, got {list(part_ratios)}.")
    for i in range(len(dataset)):
        g = dataset[i]
        if len(g.ntypes) != 1 or len(g.etypes) != 1:
            raise DGLError("add_node_property_split works on graphs with one node and edge type.")
        values = _node_property(g, property_name)
        masks = mask_nodes_by_property(-values if ascending else values, part_ratios, random_seed)
        for name, mask in masks.items():
            g.ndata[name] = mask
