"""DGL's older data-set entry points: ``load_cora``-style loaders and the ``--dataset``
command-line option of its example scripts (``register_data_args`` / ``load_data``).

``load_data`` knows the data sets graphdl ships loaders for: ``cora``, ``citeseer`` and
``pubmed``; any other name raises ``ValueError`` as DGL does for unknown names.
"""
from __future__ import annotations

import argparse
from typing import Any, Callable, Optional

from .citation_graph import CiteseerGraphDataset, CoraGraphDataset, PubmedGraphDataset

__all__ = ["load_cora", "load_citeseer", "load_pubmed", "load_data", "register_data_args"]


def load_cora(raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
              reverse_edge: bool = True, transform: Optional[Callable] = None) -> CoraGraphDataset:
    """The Cora citation data set. See :class:`~graphdl.data.CoraGraphDataset`."""
    return CoraGraphDataset(raw_dir, force_reload, verbose, reverse_edge, transform)


def load_citeseer(raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                  reverse_edge: bool = True, transform: Optional[Callable] = None) -> CiteseerGraphDataset:
    """The Citeseer citation data set. See :class:`~graphdl.data.CiteseerGraphDataset`."""
    return CiteseerGraphDataset(raw_dir, force_reload, verbose, reverse_edge, transform)


def load_pubmed(raw_dir: Optional[str] = None, force_reload: bool = False, verbose: bool = True,
                reverse_edge: bool = True, transform: Optional[Callable] = None) -> PubmedGraphDataset:
    """The Pubmed citation data set. See :class:`~graphdl.data.PubmedGraphDataset`."""
    return PubmedGraphDataset(raw_dir, force_reload, verbose, reverse_edge, transform)


_LOADERS = {"cora": load_cora, "citeseer": load_citeseer, "pubmed": load_pubmed}


def register_data_args(parser: argparse.ArgumentParser) -> None:
    """Add the ``--dataset`` option that :func:`load_data` reads.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser to extend.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> graphdl.data.register_data_args(parser)
    >>> parser.parse_args(["--dataset", "cora"]).dataset
    'cora'
    """
    parser.add_argument("--dataset", type=str, required=False,
                        help="The input data set: " + ", ".join(_LOADERS) + ".")


def load_data(args: Any) -> Any:
    """The data set named by ``args.dataset`` (as parsed after :func:`register_data_args`).

    Parameters
    ----------
    args : argparse.Namespace
        Must have a ``dataset`` attribute.

    Returns
    -------
    DGLDataset
        The loaded data set.

    Examples
    --------
    >>> dataset = graphdl.data.load_data(argparse.Namespace(dataset="cora"))
    """
    name = getattr(args, "dataset", None)
    if name not in _LOADERS:
        raise ValueError(f"Unknown dataset: {name}; graphdl can load {', '.join(_LOADERS)}.")
    return _LOADERS[name]()
