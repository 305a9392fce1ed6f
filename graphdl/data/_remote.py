"""The one base of the data sets fetched from a URL: download, checksum, offline message, cache.

A subclass names its raw files (:class:`RawFile`: address, where it lands, the published
checksum when there is one, whether it is an archive to extract), the files its parser reads,
and two methods: :meth:`RemoteDataset.parse` turns the raw files into graphs (plus graph-level
tensors and a small metadata dict), :meth:`RemoteDataset.restore` sets the data set's attributes
from them. Everything else lives here, once:

- raw files already in place (extracted, or the archive itself) are used without a network;
- a missing file is downloaded and its checksum verified; without a network the download fails
  at once naming the address, the file and the folder to put it in;
- the parsed graphs are cached with :func:`~graphdl.data.save_graphs` (DGL's binary format) and
  the metadata with :func:`~graphdl.data.utils.save_info`, keyed by the data set's hash, and
  boolean node/edge fields (stored as ``uint8`` by the graph format) come back as ``bool``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from ..base import DGLError
from .dgl_dataset import DGLDataset
from .graph_serialize import load_graphs, save_graphs
from .utils import check_sha1, download, extract_archive, load_info, makedirs, save_info

__all__ = ["RawFile", "RemoteDataset", "OneGraphDataset", "DGL_DATA_URL"]

DGL_DATA_URL = "https://data.dgl.ai/"


@dataclass(frozen=True)
class RawFile:
    """One file a data set downloads.

    Parameters
    ----------
    url : str
        Where it is published.
    name : str
        Its path relative to the data set's ``raw_dir``.
    sha1 : str or None
        The published SHA-1 digest (``None`` where the publisher gives none).
    extract : bool
        An archive whose contents go into the data set's ``raw_path``.
    """

    url: str
    name: str
    sha1: Optional[str] = None
    extract: bool = False


Parsed = Tuple[List[Any], Dict[str, torch.Tensor], Dict[str, Any]]


class RemoteDataset(DGLDataset):
    """A data set parsed from downloaded files (see the module docstring for the lifecycle).

    Parameters
    ----------
    name : str
        Name of the data set; its raw files live in ``raw_dir/name``.
    raw_files : sequence of RawFile
        The files to fetch.
    required : sequence of str
        Paths relative to ``raw_path`` that the parser reads; when they all exist nothing is
        downloaded.
    raw_dir : str, optional
        Folder of the raw files (default :func:`~graphdl.data.utils.get_download_dir`).
    hash_key : sequence
        Values that distinguish processed variants.
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to every graph on access.
    """

    def __init__(self, name: str, raw_files: Sequence[RawFile], required: Sequence[str],
                 raw_dir: Optional[str] = None, hash_key: Sequence[Any] = (), force_reload: bool = False,
                 verbose: bool = False, transform: Optional[Callable] = None) -> None:
        self._raw_files = tuple(raw_files)
        self._required = tuple(required)
        url = self._raw_files[0].url if self._raw_files else None
        super().__init__(name, url=url, raw_dir=raw_dir, hash_key=(name,) + tuple(hash_key),
                         force_reload=force_reload, verbose=verbose, transform=transform)

    # -- to implement -----------------------------------------------------------------------
    def parse(self) -> Parsed:
        """Read the raw files: ``(graphs, graph-level tensors, metadata)``."""
        raise NotImplementedError

    def restore(self, graphs: List[Any], tensors: Dict[str, torch.Tensor], info: Dict[str, Any]) -> None:
        """Set the data set's attributes from what :meth:`parse` returned (or the cache holds)."""
        raise NotImplementedError

    # -- raw files ---------------------------------------------------------------------------
    def raw_file(self, relative: str) -> str:
        """Path of a raw file inside :attr:`raw_path`."""
        return os.path.join(self.raw_path, relative)

    def _have_required(self) -> bool:
        return all(os.path.exists(self.raw_file(r)) for r in self._required)

    def _download(self) -> None:
        if self._have_required():
            return
        makedirs(self.raw_dir)
        self.download()
        missing = [self.raw_file(r) for r in self._required if not os.path.exists(self.raw_file(r))]
        if missing:
            raise DGLError(f"Data set {self.name}: after fetching its files, {', '.join(missing)} "
                           "is still missing (the archive does not have the expected layout).")

    def _hint(self) -> str:
        return f" Alternatively, put the files {', '.join(self._required)} in {self.raw_path}."

    def download(self) -> None:
        """Fetch each raw file that is not already there, check its digest, extract archives."""
        for raw in self._raw_files:
            path = os.path.join(self.raw_dir, raw.name)
            if not os.path.exists(path):
                try:
                    download(raw.url, path=path, log=self.verbose, sha1_hash=raw.sha1)
                except DGLError as err:
                    raise DGLError(f"Data set {self.name}: {err}{self._hint()}") from None
            elif raw.sha1 is not None and not check_sha1(path, raw.sha1):
                raise DGLError(f"Data set {self.name}: {path} does not match its published SHA-1 {raw.sha1}; "
                               "remove it and fetch it again.")
            if raw.extract:
                extract_archive(path, self.raw_path, overwrite=True)

    # -- processing and cache ----------------------------------------------------------------
    def process(self) -> None:
        graphs, tensors, info = self.parse()
        self._parsed = (graphs, tensors, info)
        self.restore(graphs, tensors, info)

    @property
    def _cache_stem(self) -> str:
        return os.path.join(self.save_path, f"{self.name}_{self.hash}")

    def has_cache(self) -> bool:
        return os.path.exists(self._cache_stem + ".bin") and os.path.exists(self._cache_stem + ".pkl")

    def save(self) -> None:
        graphs, tensors, info = self._parsed
        del self._parsed
        makedirs(self.save_path)
        info = dict(info, _bool_fields=[_bool_fields(g) for g in graphs])
        save_graphs(self._cache_stem + ".bin", graphs, tensors if tensors else None)
        save_info(self._cache_stem + ".pkl", info)

    def load(self) -> None:
        graphs, tensors = load_graphs(self._cache_stem + ".bin")
        info = load_info(self._cache_stem + ".pkl")
        for g, fields in zip(graphs, info.pop("_bool_fields", [])):
            for kind, typ, key in fields:
                frame = g.nodes[typ].data if kind == "n" else g.edges[typ].data
                frame[key] = frame[key].bool()
        self.restore(graphs, dict(tensors), info)


def _bool_fields(g: Any) -> List[Tuple[str, Any, str]]:
    """The boolean node and edge fields of ``g`` as ``(kind, type, key)``."""
    out = []
    for nt in g.ntypes:
        out += [("n", nt, k) for k, v in g.nodes[nt].data.items() if v.dtype == torch.bool]
    for et in g.canonical_etypes:
        out += [("e", et, k) for k, v in g.edges[et].data.items() if v.dtype == torch.bool]
    return out


class OneGraphDataset(RemoteDataset):
    """A :class:`RemoteDataset` of exactly one graph, held in the attribute named by
    ``graph_attr``; indexing gives it (through ``transform``) and the length is 1."""

    graph_attr = "_graph"

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"{self.name} holds one graph; index {idx} is out of range.")
        g = getattr(self, self.graph_attr)
        return g if self._transform is None else self._transform(g)

    def __len__(self) -> int:
        return 1
