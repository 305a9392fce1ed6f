"""Graphs described by a ``meta.yaml`` and CSV files (DGL's ``CSVDataset`` layout).

``meta.yaml`` names the CSV files: ``node_data`` (a list of ``file_name``, optional ``ntype``,
``node_id_field``, ``graph_id_field``), ``edge_data`` (``file_name``, optional ``etype`` as a
``[src, relation, dst]`` triple, ``src_id_field``, ``dst_id_field``, ``graph_id_field``) and an
optional ``graph_data`` (``file_name``, ``graph_id_field``); ``separator`` sets the delimiter.
All other columns become features: numbers, booleans, or vectors written as quoted
comma-separated numbers; float64 values are stored as float32. Node ids may be any values
of one type; nodes are numbered in increasing id order.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import torch
from tqdm import tqdm

from ..base import DGLError
from .dgl_dataset import DGLDataset
from ..convert import heterograph

__all__ = ["CSVDataset", "DefaultDataParser"]

Parser = Union[Callable, Dict[Any, Callable], None]


class DefaultDataParser:
    """Turn every column of a data frame into an array: numbers, booleans or number vectors."""

    def __call__(self, df) -> Dict[str, np.ndarray]:
        import pandas as pd

        out = {}
        for name in df.columns:
            if str(name).startswith("Unnamed"):
                continue  # an index column written by pandas
            column = df[name]
            if column.isnull().any():
                raise DGLError(f"Column {name!r} has missing values; pass a custom parser to handle them.")
            if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
                try:
                    rows = [np.array([float(x) for x in str(v).replace(" ", "").strip("[]").split(",")])
                            for v in column]
                except ValueError as err:
                    raise DGLError(f"Column {name!r} holds values that are neither numbers nor number lists; "
                                   "pass a custom parser.") from err
                widths = {r.shape[0] for r in rows}
                if len(widths) > 1:
                    raise DGLError(f"Column {name!r} holds vectors of different lengths {sorted(widths)}.")
                out[name] = np.stack(rows) if rows else np.zeros((0, 0))
            else:
                out[name] = column.to_numpy()
        return out


def _pick(parser: Parser, key: Any) -> Callable:
    if parser is None:
        return DefaultDataParser()
    if isinstance(parser, dict):
        return parser.get(key, DefaultDataParser())
    return parser


def _as_tensor(value) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    array = np.array(value, copy=True)
    if array.dtype == object or array.dtype.kind in "USO":
        raise DGLError(f"A parsed column holds non-numeric values ({array[:3].tolist()}...); "
                       "a custom parser must return numbers.")
    if array.dtype == np.float64:  # float32 is the default feature type, as in DGL
        array = array.astype(np.float32)
    return torch.from_numpy(array)


class CSVDataset(DGLDataset):
    """Graphs read from a folder with ``meta.yaml`` and CSV files.

    Items are the graphs; with ``graph_data`` they are ``(graph, value)`` when the graph file
    has one data column and ``(graph, dict of values)`` when it has several.

    Parameters
    ----------
    data_path
        The folder.
    force_reload
        Re-read the CSV files even when a cache exists.
    verbose
        Print progress.
    ndata_parser
        Callable (or dict from node type to callable) turning a node data frame
        into a dict of arrays.
    edata_parser
        Same for edge files (dict keyed by canonical edge type).
    gdata_parser
        Same for the graph file.
    transform
        Applied to every graph on access.
    """

    META = "meta.yaml"

    def __init__(self, data_path: str, force_reload: bool = False, verbose: bool = True,
                 ndata_parser: Parser = None, edata_parser: Parser = None, gdata_parser: Parser = None,
                 transform: Optional[Callable] = None) -> None:
        self._data_path = os.fspath(data_path)
        self._ndata_parser = ndata_parser
        self._edata_parser = edata_parser
        self._gdata_parser = gdata_parser
        self.graphs: List = []
        self.data: Dict[str, torch.Tensor] = {}
        self._meta = self._read_meta()
        super().__init__(str(self._meta.get("dataset_name", "csv_dataset")), raw_dir=self._data_path,
                         save_dir=self._data_path, force_reload=force_reload, verbose=verbose,
                         transform=transform)

    def _read_meta(self) -> Dict[str, Any]:
        import yaml

        path = os.path.join(self._data_path, self.META)
        if not os.path.exists(path):
            raise DGLError(f"{path} does not exist: a CSV data set folder needs a meta.yaml.")
        try:
            with open(path) as f:
                meta = yaml.safe_load(f)
        except yaml.YAMLError as err:
            raise DGLError(f"{path} is not valid YAML: {err}.") from err
        if not isinstance(meta, dict) or "edge_data" not in meta:
            raise DGLError(f"{path} must be a mapping with at least an 'edge_data' list.")
        return meta

    @property
    def raw_path(self) -> str:
        return self._data_path

    def _read_csv(self, file_name: str):
        import pandas as pd

        path = os.path.join(self._data_path, file_name)
        if not os.path.exists(path):
            raise DGLError(f"CSV file {path} named in meta.yaml does not exist.")
        return pd.read_csv(path, sep=self._meta.get("separator", ","))

    @staticmethod
    def _column(df, field: str, file_name: str) -> np.ndarray:
        if field not in df.columns:
            raise DGLError(f"{file_name} lacks the column {field!r}.")
        return df[field].to_numpy()

    def process(self) -> None:
        meta = self._meta
        nodes: Dict[str, List[Tuple[np.ndarray, np.ndarray, Dict[str, np.ndarray]]]] = {}
        for entry in meta.get("node_data", []) or []:
            fname = entry["file_name"]
            ntype = entry.get("ntype", "_V")
            df = self._read_csv(fname)
            ids = self._column(df, entry.get("node_id_field", "node_id"), fname)
            gid_field = entry.get("graph_id_field", "graph_id")
            gids = df[gid_field].to_numpy() if gid_field in df.columns else np.zeros(len(df), dtype=np.int64)
            feats = _pick(self._ndata_parser, ntype)(df.drop(columns=[c for c in (entry.get("node_id_field", "node_id"), gid_field) if c in df.columns]))
            nodes.setdefault(ntype, []).append((gids, ids, feats))
        edges = []
        for entry in meta["edge_data"]:
            fname = entry["file_name"]
            etype = tuple(entry.get("etype", ("_V", "_E", "_V")))
            if len(etype) != 3:
                raise DGLError(f"etype of {fname} must be [src type, relation, dst type], got {list(etype)}.")
            df = self._read_csv(fname)
            src_field = entry.get("src_id_field", "src_id")
            dst_field = entry.get("dst_id_field", "dst_id")
            src = self._column(df, src_field, fname)
            dst = self._column(df, dst_field, fname)
            gid_field = entry.get("graph_id_field", "graph_id")
            gids = df[gid_field].to_numpy() if gid_field in df.columns else np.zeros(len(df), dtype=np.int64)
            feats = _pick(self._edata_parser, etype)(df.drop(columns=[c for c in (src_field, dst_field, gid_field) if c in df.columns]))
            edges.append((etype, gids, src, dst, feats))
        graph_ids = set()
        for parts in nodes.values():
            for gids, _, _ in parts:
                graph_ids.update(gids.tolist())
        for _, gids, _, _, _ in edges:
            graph_ids.update(gids.tolist())
        gdata: Dict[str, np.ndarray] = {}
        graph_order = sorted(graph_ids) if graph_ids else [0]
        if meta.get("graph_data"):
            entry = meta["graph_data"]
            df = self._read_csv(entry["file_name"])
            gid_field = entry.get("graph_id_field", "graph_id")
            graph_order = list(self._column(df, gid_field, entry["file_name"]))
            gdata = _pick(self._gdata_parser, None)(df.drop(columns=[gid_field]))
        order = tqdm(graph_order, desc=f"Building {self.name}", disable=not self.verbose or len(graph_order) < 100)
        self.graphs = [self._build_graph(gid, nodes, edges, heterograph) for gid in order]
        # one row per graph, flattened: a scalar column gives shape (num_graphs, 1), as in DGL
        self.data = {k: _as_tensor(v).reshape(len(self.graphs), -1) for k, v in gdata.items()}

    def _build_graph(self, gid, nodes, edges, heterograph):
        id_maps: Dict[str, Dict[Any, int]] = {}
        num_nodes: Dict[str, int] = {}
        node_feats: Dict[str, Dict[str, torch.Tensor]] = {}
        for ntype, parts in nodes.items():
            all_ids, feats_parts = [], []
            for gids, ids, feats in parts:
                keep = gids == gid
                all_ids.append(ids[keep])
                feats_parts.append({k: v[keep] for k, v in feats.items()})
            ids = np.concatenate(all_ids) if all_ids else np.zeros(0)
            if len(set(ids.tolist())) != len(ids):
                raise DGLError(f"Node type {ntype!r} of graph {gid} lists a node id twice.")
            # nodes are numbered in increasing id order (as DGL does); ids 0..N-1 keep their value
            order = np.argsort(ids, kind="stable")
            id_maps[ntype] = {v: i for i, v in enumerate(ids[order].tolist())}
            num_nodes[ntype] = len(ids)
            keys = set().union(*[set(p) for p in feats_parts]) if feats_parts else set()
            node_feats[ntype] = {k: _as_tensor(np.concatenate([p[k] for p in feats_parts])[order]) for k in keys}
        data_dict, edge_feats = {}, {}
        for etype, gids, src, dst, feats in edges:
            keep = gids == gid
            stype, _, dtype_ = etype
            uv = []
            for ntype, ids in ((stype, src[keep]), (dtype_, dst[keep])):
                if ntype in id_maps:
                    try:
                        uv.append(torch.tensor([id_maps[ntype][i] for i in ids.tolist()], dtype=torch.int64))
                    except KeyError as err:
                        raise DGLError(f"Edges of type {etype} in graph {gid} use node id {err.args[0]!r}, "
                                       f"which the {ntype!r} node file does not list.") from None
                else:
                    uv.append(torch.as_tensor(ids.astype(np.int64)))
            data_dict[etype] = (uv[0], uv[1])
            edge_feats[etype] = {k: _as_tensor(v[keep]) for k, v in feats.items()}
            for ntype, ids in ((stype, uv[0]), (dtype_, uv[1])):
                if ntype not in id_maps and ids.numel():
                    num_nodes[ntype] = max(num_nodes.get(ntype, 0), int(ids.max()) + 1)
        g = heterograph(data_dict, num_nodes_dict=num_nodes)
        for ntype, feats in node_feats.items():
            for key, value in feats.items():
                g.nodes[ntype].data[key] = value
        for etype, feats in edge_feats.items():
            for key, value in feats.items():
                g.edges[etype].data[key] = value
        return g

    def has_cache(self) -> bool:
        return False

    def __getitem__(self, idx: int):
        g = self.graphs[idx]
        if self._transform is not None:
            g = self._transform(g)
        if not self.data:
            return g
        if len(self.data) == 1:
            return g, next(iter(self.data.values()))[idx]
        return g, {k: v[idx] for k, v in self.data.items()}

    def __len__(self) -> int:
        return len(self.graphs)
