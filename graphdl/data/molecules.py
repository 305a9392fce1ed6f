"""Molecule regression sets: QM9 (atoms within a cutoff), QM9Edge (bonds) and ZINC (12k subset).

- ``QM9Dataset``: ``<raw_dir>/qm9_eV.npz`` (``https://data.dgl.ai/dataset/qm9_eV.npz``) with
  ``N`` (atoms per molecule), ``R`` (positions, all molecules concatenated), ``Z`` (atomic
  numbers) and one array per target (``mu``, ``alpha``, ``homo``, ``lumo``, ``gap``, ``r2``,
  ``zpve``, ``U0``, ``U``, ``H``, ``G``, ``Cv``). A molecule's graph links every two distinct
  atoms at most ``cutoff`` apart, in both directions; it is built when the item is read.
- ``QM9EdgeDataset``: ``<raw_dir>/qm9_edge.npz`` (``https://data.dgl.ai/dataset/qm9_edge.npz``)
  with ``n_node``, ``n_edge``, ``node_attr``, ``node_pos``, ``edge_attr``, ``src``, ``dst``
  (per-molecule ids, molecules concatenated) and ``targets`` (19 columns).
- ``ZINCDataset``: ``https://data.dgl.ai/dataset/ZINK12k.zip`` (the address's spelling),
  extracted to ``<raw_dir>/zinc/`` with ``ZincDGL_train.bin``, ``ZincDGL_valid.bin`` and
  ``ZincDGL_test.bin``: graphs in DGL's binary format (``ndata['feat']`` atom type,
  ``edata['feat']`` bond type) with the graph labels ``g_label``.

The npz sets are read straight from their file each time (no processed cache), as in DGL.
"""
from __future__ import annotations

from typing import Callable, List, Optional, Sequence

import numpy as np
import scipy.sparse as sp
import torch

from ..base import DGLError
from ..convert import graph
from ..transforms import to_bidirected
from ._remote import DGL_DATA_URL, RawFile, RemoteDataset
from .graph_serialize import load_graphs

__all__ = ["QM9Dataset", "QM9EdgeDataset", "ZINCDataset", "QM9", "QM9Edge"]


def _load_npz(path: str, keys: Sequence[str]):
    with np.load(path, allow_pickle=True) as npz:
        missing = [k for k in keys if k not in npz.files]
        if missing:
            raise DGLError(f"{path} lacks the arrays {missing}.")
        return {k: npz[k] for k in npz.files}


class _FileInRawDir(RemoteDataset):
    """A set read from one file directly in ``raw_dir``, uncached."""

    @property
    def raw_path(self) -> str:
        return self.raw_dir

    def has_cache(self) -> bool:
        return False

    def save(self) -> None:
        del self._parsed


class QM9Dataset(_FileInRawDir):
    """QM9: 130,831 small organic molecules, up to 12 quantum-chemical targets (in eV).

    Each item is ``(graph, label)``: ``ndata['R']`` (float32 positions), ``ndata['Z']`` (int64
    atomic numbers) and the chosen targets (float32, one per ``label_keys`` entry).

    Parameters
    ----------
    label_keys : list of str
        The targets, in order (``'mu'``, ``'gap'``, ...).
    cutoff : float
        Atoms at most this far apart are linked.
    raw_dir : str, optional
        Folder holding ``qm9_eV.npz`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Read the file again (there is no cache).
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to every graph on access.
    """

    keys = ("mu", "alpha", "homo", "lumo", "gap", "r2", "zpve", "U0", "U", "H", "G", "Cv")

    def __init__(self, label_keys: List[str], cutoff: float = 5.0, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = False, transform: Optional[Callable] = None) -> None:
        unknown = [k for k in label_keys if k not in self.keys]
        if unknown or not label_keys:
            raise DGLError(f"QM9 label_keys must be a non-empty subset of {list(self.keys)}, got {label_keys}.")
        self.label_keys = list(label_keys)
        self.cutoff = cutoff
        # data.dgl.ai publishes no digest for this file
        raw = RawFile(DGL_DATA_URL + "dataset/qm9_eV.npz", "qm9_eV.npz")
        super().__init__("qm9", [raw], ["qm9_eV.npz"], raw_dir=raw_dir, force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        data = _load_npz(self.raw_file("qm9_eV.npz"), ["N", "R", "Z"] + self.label_keys)
        return [], {}, data

    def restore(self, graphs, tensors, info) -> None:
        self.N, self.R, self.Z = info["N"], info["R"], info["Z"]
        self.label = np.stack([info[k] for k in self.label_keys], axis=1)
        self.N_cumsum = np.concatenate([[0], np.cumsum(self.N)])

    @property
    def num_labels(self) -> int:
        """Number of targets per molecule."""
        return self.label.shape[1]

    def __getitem__(self, idx: int):
        lo, hi = int(self.N_cumsum[idx]), int(self.N_cumsum[idx + 1])
        pos = self.R[lo:hi]
        dist = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)
        adj = sp.coo_matrix((dist <= self.cutoff) & ~np.eye(hi - lo, dtype=bool))
        g = graph((torch.from_numpy(adj.row.astype(np.int64)), torch.from_numpy(adj.col.astype(np.int64))),
                  num_nodes=hi - lo)
        g = to_bidirected(g)
        g.ndata["R"] = torch.from_numpy(np.asarray(pos, dtype=np.float32))
        g.ndata["Z"] = torch.from_numpy(np.asarray(self.Z[lo:hi], dtype=np.int64))
        if self._transform is not None:
            g = self._transform(g)
        return g, torch.from_numpy(np.asarray(self.label[idx], dtype=np.float32))

    def __len__(self) -> int:
        return self.label.shape[0]


class QM9EdgeDataset(_FileInRawDir):
    """QM9 with bonds as edges: 130,831 molecules, 19 targets.

    Each item is ``(graph, label)``: ``ndata['pos']``, ``ndata['attr']`` (11 atom features),
    ``edata['edge_attr']`` (4 bond-type columns), all float32, and the chosen targets.

    Parameters
    ----------
    label_keys : list of str, optional
        The targets (default: all 19, in :attr:`keys` order).
    raw_dir : str, optional
        Folder holding ``qm9_edge.npz`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Read the file again (there is no cache).
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to every graph on access.
    """

    keys = ("mu", "alpha", "homo", "lumo", "gap", "r2", "zpve", "U0", "U", "H", "G", "Cv", "U0_atom",
            "U_atom", "H_atom", "G_atom", "A", "B", "C")

    def __init__(self, label_keys: Optional[List[str]] = None, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = True, transform: Optional[Callable] = None) -> None:
        keys = list(self.keys) if label_keys is None else list(label_keys)
        unknown = [k for k in keys if k not in self.keys]
        if unknown:
            raise DGLError(f"QM9Edge label_keys must be a subset of {list(self.keys)}, got {label_keys}.")
        self.label_keys = [self.keys.index(k) for k in keys]
        self.num_labels = len(keys)
        # data.dgl.ai publishes no digest for this file
        raw = RawFile(DGL_DATA_URL + "dataset/qm9_edge.npz", "qm9_edge.npz")
        super().__init__("qm9Edge", [raw], ["qm9_edge.npz"], raw_dir=raw_dir, force_reload=force_reload,
                         verbose=verbose, transform=transform)

    def parse(self):
        keys = ["n_node", "n_edge", "node_attr", "node_pos", "edge_attr", "src", "dst", "targets"]
        return [], {}, _load_npz(self.raw_file("qm9_edge.npz"), keys)

    def restore(self, graphs, tensors, info) -> None:
        for key in ("n_node", "n_edge", "node_attr", "node_pos", "edge_attr", "src", "dst", "targets"):
            setattr(self, key, info[key])
        self.n_cumsum = np.concatenate([[0], np.cumsum(self.n_node)])
        self.ne_cumsum = np.concatenate([[0], np.cumsum(self.n_edge)])

    def __getitem__(self, idx: int):
        n0, n1 = int(self.n_cumsum[idx]), int(self.n_cumsum[idx + 1])
        e0, e1 = int(self.ne_cumsum[idx]), int(self.ne_cumsum[idx + 1])
        g = graph((torch.from_numpy(np.asarray(self.src[e0:e1], dtype=np.int64)),
                   torch.from_numpy(np.asarray(self.dst[e0:e1], dtype=np.int64))), num_nodes=n1 - n0)
        g.ndata["pos"] = torch.from_numpy(np.asarray(self.node_pos[n0:n1], dtype=np.float32))
        g.ndata["attr"] = torch.from_numpy(np.asarray(self.node_attr[n0:n1], dtype=np.float32))
        g.edata["edge_attr"] = torch.from_numpy(np.asarray(self.edge_attr[e0:e1], dtype=np.float32))
        if self._transform is not None:
            g = self._transform(g)
        label = torch.from_numpy(np.asarray(self.targets[idx][self.label_keys], dtype=np.float32))
        return g, label

    def __len__(self) -> int:
        return self.n_node.shape[0]


class ZINCDataset(RemoteDataset):
    """ZINC 12k: molecules with their constrained solubility (10,000 / 1,000 / 1,000).

    Each item is ``(graph, label)``: ``ndata['feat']`` (int64 atom type of 28) and
    ``edata['feat']`` (int64 bond type of 4).

    Parameters
    ----------
    mode : str
        ``'train'``, ``'valid'`` or ``'test'``.
    raw_dir : str, optional
        Folder holding ``zinc/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Read the files again (the shipped files are already processed).
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to every graph on access.
    """

    def __init__(self, mode: str = "train", raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = False, transform: Optional[Callable] = None) -> None:
        if mode not in ("train", "valid", "test"):
            raise DGLError(f"ZINCDataset mode must be 'train', 'valid' or 'test', got {mode!r}.")
        self.mode = mode
        # data.dgl.ai publishes no digest for this archive
        raw = RawFile(DGL_DATA_URL + "dataset/ZINK12k.zip", "zinc.zip", None, extract=True)
        super().__init__("zinc", [raw], [f"ZincDGL_{mode}.bin"], raw_dir=raw_dir, hash_key=(mode,),
                         force_reload=force_reload, verbose=verbose, transform=transform)

    def has_cache(self) -> bool:
        return False  # the shipped .bin files are the processed form

    def parse(self):
        graphs, labels = load_graphs(self.raw_file(f"ZincDGL_{self.mode}.bin"))
        if "g_label" not in labels:
            raise DGLError(f"{self.raw_file(f'ZincDGL_{self.mode}.bin')} holds no 'g_label' graph labels.")
        return graphs, {"g_label": labels["g_label"]}, {}

    def save(self) -> None:
        del self._parsed

    def restore(self, graphs, tensors, info) -> None:
        self._graphs = graphs
        self._labels = tensors

    @property
    def num_atom_types(self) -> int:
        """Number of atom types (28)."""
        return 28

    @property
    def num_bond_types(self) -> int:
        """Number of bond types (4)."""
        return 4

    def __getitem__(self, idx: int):
        g = self._graphs[idx]
        if self._transform is not None:
            g = self._transform(g)
        return g, self._labels["g_label"][idx]

    def __len__(self) -> int:
        return len(self._graphs)


QM9 = QM9Dataset
QM9Edge = QM9EdgeDataset
