"""The data set base classes: DGL's download, process, save and load lifecycle."""
from __future__ import annotations

import abc
import hashlib
import os
import traceback
from typing import Any, Callable, Optional, Sequence

from ..base import DGLError
from .utils import download, extract_archive, get_download_dir, makedirs

__all__ = ["DGLDataset", "DGLBuiltinDataset"]


class DGLDataset(abc.ABC):
    """Base class of graph data sets.

    Constructing a data set runs its lifecycle: when a processed cache exists
    (:meth:`has_cache`) and ``force_reload`` is false it is loaded (:meth:`load`); otherwise
    the raw files are fetched (:meth:`download`, skipped when :attr:`raw_path` exists),
    converted (:meth:`process`) and cached (:meth:`save`).

    Parameters
    ----------
    name
        Name of the data set.
    url
        Where the raw files are downloaded from.
    raw_dir
        Folder of the raw files; defaults to :func:`~graphdl.data.utils.get_download_dir`.
    save_dir
        Folder of the processed cache; defaults to ``raw_dir``.
    hash_key
        Values that distinguish processed variants (folded into :attr:`hash`).
    force_reload
        Re-process even when a cache exists.
    verbose
        Print progress and show progress bars.
    transform
        Applied to every item returned by ``__getitem__``.
    """

    def __init__(
        self,
        name: str,
        url: Optional[str] = None,
        raw_dir: Optional[str] = None,
        save_dir: Optional[str] = None,
        hash_key: Sequence[Any] = (),
        force_reload: bool = False,
        verbose: bool = False,
        transform: Optional[Callable] = None,
    ) -> None:
        self._name = name
        self._url = url
        self._force_reload = force_reload
        self._verbose = verbose
        self._hash_key = tuple(hash_key)
        self._hash = self._get_hash()
        self._transform = transform
        self._raw_dir = os.path.expanduser(os.fspath(raw_dir)) if raw_dir is not None else get_download_dir()
        self._save_dir = os.path.expanduser(os.fspath(save_dir)) if save_dir is not None else self._raw_dir
        self._load()

    def download(self) -> None:
        """Fetch the raw files into :attr:`raw_dir` (nothing to do by default)."""

    @abc.abstractmethod
    def process(self) -> None:
        """Turn the raw files into graphs."""

    def save(self) -> None:
        """Cache the processed data in :attr:`save_path` (nothing by default)."""

    def load(self) -> None:
        """Load the processed data cached by :meth:`save`."""

    def has_cache(self) -> bool:
        """True when :meth:`load` can restore the processed data."""
        return False

    def _download(self) -> None:
        if os.path.exists(self.raw_path):
            return
        makedirs(self.raw_dir)
        self.download()

    def _load(self) -> None:
        loaded = False
        if not self._force_reload and self.has_cache():
            try:
                self.load()
                loaded = True
                if self.verbose:
                    print("Done loading data from cached files.")
            except KeyboardInterrupt:
                raise
            except Exception:  # a broken cache is rebuilt, never fatal
                if self.verbose:
                    print(traceback.format_exc())
                    print("Loading from the cache failed; processing the raw files again.")
        if not loaded:
            self._download()
            self.process()
            self.save()

    def _get_hash(self) -> str:
        return hashlib.sha1(str(self._hash_key).encode("utf-8")).hexdigest()[:8]

    @property
    def url(self) -> Optional[str]:
        return self._url

    @property
    def name(self) -> str:
        return self._name

    @property
    def raw_dir(self) -> str:
        return self._raw_dir

    @property
    def raw_path(self) -> str:
        return os.path.join(self._raw_dir, self.name)

    @property
    def save_dir(self) -> str:
        return self._save_dir

    @property
    def save_path(self) -> str:
        return os.path.join(self._save_dir, self.name)

    @property
    def verbose(self) -> bool:
        return self._verbose

    @property
    def hash(self) -> str:
        return self._hash

    @abc.abstractmethod
    def __getitem__(self, idx: int):
        """The ``idx``-th item (graph, or graph and label)."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """Number of items."""

    def __repr__(self) -> str:
        return f'Dataset("{self.name}", num_graphs={len(self)}, save_path={self.save_path})'


class DGLBuiltinDataset(DGLDataset):
    """A data set whose raw files come as one archive at :attr:`url`, extracted into :attr:`raw_path`."""

    def __init__(
        self,
        name: str,
        url: str,
        raw_dir: Optional[str] = None,
        hash_key: Sequence[Any] = (),
        force_reload: bool = False,
        verbose: bool = False,
        transform: Optional[Callable] = None,
    ) -> None:
        super().__init__(
            name, url=url, raw_dir=raw_dir, save_dir=None, hash_key=hash_key,
            force_reload=force_reload, verbose=verbose, transform=transform,
        )

    def download(self) -> None:
        if self.url is None:
            raise DGLError(f"Data set {self.name} has no download address; place its files in {self.raw_path}.")
        archive = os.path.join(self.raw_dir, self.name + ".zip")
        try:
            download(self.url, path=archive, log=self.verbose)
        except DGLError as err:
            raise DGLError(f"{err} Alternatively, put the extracted files in {self.raw_path}.") from None
        extract_archive(archive, self.raw_path)


class LabelledGraphs:
    """Mixin of the graph-classification sets: item ``idx`` is ``(graphs[idx], labels[idx])``,
    the set's transform applied to the graph, and the length is the number of graphs."""

    graphs: list
    labels: Any
    _transform: Optional[Callable]

    def __getitem__(self, idx: int):
        g = self.graphs[idx]
        if self._transform is not None:
            g = self._transform(g)
        return g, self.labels[idx]

    def __len__(self) -> int:
        return len(self.graphs)
