"""Build a heterograph from node and edge tables described by a GraphStorm gconstruct config.

The configuration (JSON)::

    {"version": "gconstruct-v0.1",
     "add_reverse_edges": true,
     "nodes": [{"node_type": "user", "files": ["users/*.parquet"], "format": {"name": "parquet"},
                "node_id_col": "id",
                "features": [{"feature_col": "age", "transform": {"name": "max_min_norm"}}],
                "labels": [{"label_col": "is_fraud", "task_type": "classification",
                            "split_pct": [0.8, 0.1, 0.1]}]}],
     "edges": [{"relation": ["user", "rates", "movie"], "files": "ratings.csv",
                "format": {"name": "csv", "separator": ","},
                "source_id_col": "userId", "dest_id_col": "movieId",
                "labels": [{"task_type": "link_prediction", "split_type": "leave_last_out",
                            "time_col": "timestamp"}]}]}

Node ids (strings or integers) become contiguous ids per type in file order; a node type with
no node table takes its ids from the edges in order of first appearance. Edges whose endpoint
is not in its type's node table are dropped and reported (count and file) in the summary.

Output folder: ``graph.bin`` (:func:`graphdl.save_graphs`), ``id_mappings/<ntype>.parquet``
(columns ``orig``, ``new``), ``transforms.json`` (fitted feature transforms and label classes,
replayed at inference), ``schema.json`` and ``summary.json``. Everything is written to a
temporary sibling folder first and renamed into place when complete.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from ..base import DGLError
from .tables import StreamedTable, Table, expand_files, stream_table
from .transforms import make_transform
from ..convert import heterograph
from ..data.graph_serialize import save_graphs, load_graphs

__all__ = ["construct_graph", "load_constructed", "ConstructedGraph", "schema_id"]

_NODE_TASKS = ("classification", "regression")
_EDGE_TASKS = ("classification", "regression", "link_prediction")


def _feature_specs(entry: Dict[str, Any], what: str) -> List[Dict[str, Any]]:
    specs = []
    names = set()
    for f in entry.get("features", []) or []:
        if "feature_col" not in f:
            raise DGLError(f"{what}: a feature has no \"feature_col\"")
        cols = f["feature_col"] if isinstance(f["feature_col"], list) else [f["feature_col"]]
        name = f.get("feature_name", cols[0] if len(cols) == 1 else "_".join(cols))
        if name in names:
            raise DGLError(f"{what}: feature name {name!r} is used twice")
        names.add(name)
        transform = make_transform(f.get("transform"), f.get("fill_na", "error"))  # checks the name
        specs.append({"cols": cols, "name": name, "transform": transform})
    return specs


def _label_specs(entry: Dict[str, Any], what: str, tasks: Sequence[str]) -> List[Dict[str, Any]]:
    out = []
    for lab in entry.get("labels", []) or []:
        task = lab.get("task_type")
        if task not in tasks:
            raise DGLError(f"{what}: unknown task_type {task!r}; use {', '.join(tasks)}")
        if task != "link_prediction" and "label_col" not in lab:
            raise DGLError(f"{what}: a {task} label needs \"label_col\"")
        pct = lab.get("split_pct", [0.8, 0.1, 0.1])
        if len(pct) != 3 or any(p < 0 for p in pct) or abs(sum(pct) - 1.0) > 1e-6:
            raise DGLError(f"{what}: split_pct {pct} must be three non-negative fractions summing to 1 "
                           f"(they sum to {sum(pct):g})")
        out.append(dict(lab, split_pct=pct))
    return out


def _columns(id_cols: Sequence[str], id_kind: str, feats, labels) -> Dict[str, List[str]]:
    """Column -> how :func:`stream_table` keeps it (ids, float64 numbers or Arrow arrays)."""
    cols: Dict[str, List[str]] = {}
    for c in id_cols:
        cols.setdefault(c, []).append(id_kind)
    for f in feats:
        for c in f["cols"]:
            cols.setdefault(c, []).append("number" if f["transform"].numeric else "raw")
    for lab in labels:
        if "label_col" in lab:
            kind = {"classification": "raw", "regression": "number"}.get(lab["task_type"])
            cols.setdefault(lab["label_col"], []).extend([kind] if kind else [])
        if "time_col" in lab:
            cols.setdefault(lab["time_col"], []).append("number")
    return cols


def _apply_features(table: Union[Table, StreamedTable], feats, store: Dict[str, torch.Tensor], state: Dict[str, Any],
                    fit: bool = True) -> None:
    """Transform the feature columns into ``store``; ``fit=False`` applies already-fitted
    transforms (new rows at inference) instead of learning their state."""
    for f in feats:
        t = f["transform"]
        where = table.where(f["cols"][0])
        if t.numeric:
            cols = [table.numbers_of(c) for c in f["cols"]]
        else:
            cols = [table.objects(c) for c in f["cols"]]
        value = t.fit_apply(cols, where) if fit else t.apply(cols, where)
        store[f["name"]] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
        state[f["name"]] = {"cols": f["cols"], **t.state()}


def _split_masks(n: int, valid: np.ndarray, pct: Sequence[float], seed: int) -> Dict[str, torch.Tensor]:
    idx = np.flatnonzero(valid)
    rng = np.random.default_rng(seed)
    idx = idx[rng.permutation(len(idx))]
    n_train = int(round(pct[0] * len(idx)))
    n_val = int(round(pct[1] * len(idx)))
    parts = {"train_mask": idx[:n_train], "val_mask": idx[n_train:n_train + n_val],
             "test_mask": idx[n_train + n_val:]}
    out = {}
    for k, p in parts.items():
        m = torch.zeros(n, dtype=torch.bool)
        m[torch.from_numpy(p)] = True
        out[k] = m
    return out


def _custom_masks(n: int, spec: Dict[str, str], index, base: str, what: str) -> Dict[str, torch.Tensor]:
    out = {}
    for key, mask in (("train", "train_mask"), ("valid", "val_mask"), ("test", "test_mask")):
        m = torch.zeros(n, dtype=torch.bool)
        if key in spec:
            path = spec[key] if os.path.isabs(spec[key]) else os.path.join(base, spec[key])
            if not os.path.isfile(path):
                raise DGLError(f"{what}: split file {path} does not exist")
            with open(path) as fh:
                ids = [line.strip() for line in fh if line.strip()]
            pos = index.get_indexer(ids)
            if (pos < 0).any():
                i = int(np.flatnonzero(pos < 0)[0])
                raise DGLError(f"{path}, row {i + 1}: label for unknown node {ids[i]!r}")
            m[torch.from_numpy(pos)] = True
        out[mask] = m
    return out


def _labels(table: Union[Table, StreamedTable], lab: Dict[str, Any], n: int, index, base: str, what: str, seed: int,
            store: Dict[str, torch.Tensor], label_state: Dict[str, Any]) -> Dict[str, Any]:
    task = lab["task_type"]
    name = lab.get("label_col", "lp")
    stats: Dict[str, Any] = {"task_type": task}
    valid = np.ones(n, dtype=bool)
    if task == "classification":
        col = table.series(lab["label_col"])
        valid = col.notna().to_numpy()
        values = col.astype(str).to_numpy()
        classes = sorted(set(values[valid]), key=lambda v: (len(v), v) if v.lstrip("-").isdigit() else (1 << 30, v))
        if not classes:
            raise DGLError(f"{what}: label column {name!r} has no values")
        mapping = {c: i for i, c in enumerate(classes)}
        y = np.full(n, -1, dtype=np.int64)
        y[valid] = [mapping[v] for v in values[valid]]
        store[name] = torch.from_numpy(y)
        label_state[name] = {"task_type": task, "classes": classes}
        counts = np.bincount(y[valid], minlength=len(classes))
        stats["balance"] = {c: int(k) for c, k in zip(classes, counts)}
    elif task == "regression":
        y = table.numbers_of(lab["label_col"])
        valid = ~np.isnan(y)
        store[name] = torch.from_numpy(y.astype(np.float32))
        label_state[name] = {"task_type": task}
        stats.update(mean=float(np.nanmean(y)) if valid.any() else None,
                     std=float(np.nanstd(y)) if valid.any() else None)
    else:
        label_state[name] = {"task_type": task}
    if "custom_split_filenames" in lab:
        masks = _custom_masks(n, lab["custom_split_filenames"], index, base, what)
    elif lab.get("split_type") == "leave_last_out":
        masks = None
    else:
        masks = _split_masks(n, valid, lab["split_pct"], seed)
    if masks is not None:
        store.update(masks)
        stats.update({k: int(v.sum()) for k, v in masks.items()})
    return stats


def _leave_last_out(src: np.ndarray, time_col: np.ndarray, n: int) -> Dict[str, torch.Tensor]:
    """Per source node: its latest edge is test, the one before validation, the rest training."""
    order = np.lexsort((time_col, src))  # by source, then time, then file order (lexsort is stable)
    s = src.astype(np.int32)[order] if n and src.max() < 2**31 else src[order]
    last = np.ones(n, dtype=bool)
    last[:-1] = s[:-1] != s[1:]
    second = np.zeros(n, dtype=bool)
    second[:-1] = last[1:] & ~last[:-1]
    # keep at least one training edge per source: a source with fewer than 3 edges is all training
    enough = (np.bincount(src, minlength=src.max() + 1 if n else 0) >= 3)[s]
    del s
    test = np.zeros(n, dtype=bool)
    val = np.zeros(n, dtype=bool)
    test[order[last & enough]] = True
    val[order[second & enough]] = True
    train = ~(test | val)
    return {"train_mask": torch.from_numpy(train), "val_mask": torch.from_numpy(val),
            "test_mask": torch.from_numpy(test)}


def schema_id(schema: Dict[str, Any]) -> str:
    """A short hash of node types, relations and feature sizes: checkpoints must match it."""
    key = json.dumps({"ntypes": schema["ntypes"], "etypes": schema["canonical_etypes"],
                      "nfeats": schema["node_features"]}, sort_keys=True)
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def construct_graph(config: Any, output: str, *, add_reverse_edges: Optional[bool] = None,
                    seed: int = 0, progress: bool = True) -> Dict[str, Any]:
    """Build and save a graph from tables; returns the summary.

    Parameters
    ----------
    config : dict or str
        The gconstruct configuration or the path of its JSON file (relative file names are
        resolved against the file's folder).
    output : str
        Output folder; replaced atomically when construction succeeds.
    add_reverse_edges : bool, optional
        Add ``<relation>-rev`` edges; overrides the config's ``add_reverse_edges``.
    seed : int
        Seed of the random label splits.
    progress : bool
        Show progress bars while reading.

    Returns
    -------
    dict
        The summary written to ``summary.json``.

    Examples
    --------
    >>> summary = construct_graph("movielens.json", "ml-graph")  # doctest: +SKIP
    """
    import pandas as pd

    start = time.time()
    base = "."
    if isinstance(config, str):
        if not os.path.isfile(config):
            raise DGLError(f"config file {config} does not exist")
        base = os.path.dirname(os.path.abspath(config))
        with open(config) as fh:
            try:
                config = json.load(fh)
            except json.JSONDecodeError as err:
                raise DGLError(f"{fh.name}: not valid JSON ({err})") from None
    if not isinstance(config, dict) or not (config.get("nodes") or config.get("edges")):
        raise DGLError("the config needs a \"nodes\" or \"edges\" list")
    reverse = config.get("add_reverse_edges", False) if add_reverse_edges is None else add_reverse_edges

    # ---------------------------------------------------------------- node tables
    node_index: Dict[str, Any] = {}
    node_data: Dict[str, Dict[str, torch.Tensor]] = {}
    state: Dict[str, Any] = {"nodes": {}, "edges": {}, "labels": {}, "id_cols": {}}
    summary: Dict[str, Any] = {"nodes": {}, "edges": {}, "dropped_edges": []}
    node_entries = {}
    for entry in config.get("nodes", []) or []:
        ntype = entry.get("node_type")
        if not ntype:
            raise DGLError("a node entry has no \"node_type\"")
        if ntype in node_entries:
            raise DGLError(f"node type {ntype!r} appears twice in \"nodes\"")
        if "/" in ntype or ":" in ntype:
            raise DGLError(f"node type {ntype!r} may not contain '/' or ':'")
        what = f"node type {ntype!r}"
        if "node_id_col" not in entry:
            raise DGLError(f"{what}: no \"node_id_col\"")
        feats = _feature_specs(entry, what)
        labels = _label_specs(entry, what, _NODE_TASKS)
        files = expand_files(entry.get("files"), base, what)
        table = stream_table(files, entry.get("format"), _columns([entry["node_id_col"]], "id_strings", feats, labels),
                             what, progress)
        ids = table.id_strings.pop(entry["node_id_col"])
        index = pd.Index(ids)
        dup = index.duplicated()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            first = int(np.flatnonzero(ids == ids[i])[0])
            raise DGLError(f"{table.where(entry['node_id_col'])(i)}: duplicate node id {ids[i]!r} "
                           f"(first at {table.where(entry['node_id_col'])(first)})")
        node_entries[ntype] = entry
        node_index[ntype] = index
        store: Dict[str, torch.Tensor] = {}
        state["nodes"][ntype] = {}
        state["id_cols"][ntype] = entry["node_id_col"]
        _apply_features(table, feats, store, state["nodes"][ntype])
        label_stats = {}
        for lab in labels:
            label_stats[lab["label_col"]] = _labels(table, lab, len(ids), index, base, what, seed, store,
                                                    state["labels"].setdefault(ntype, {}))
        node_data[ntype] = store
        summary["nodes"][ntype] = {"count": len(ids), "labels": label_stats}

    # ---------------------------------------------------------------- edge tables
    entries = []
    seen_rel = set()
    for entry in config.get("edges", []) or []:
        rel = entry.get("relation")
        if not (isinstance(rel, list) and len(rel) == 3 and all(isinstance(r, str) and r for r in rel)):
            raise DGLError(f"an edge entry has relation {rel!r}; it must be [src_type, relation, dst_type]")
        rel = tuple(rel)
        if rel in seen_rel:
            raise DGLError(f"relation {list(rel)} is named twice in \"edges\"")
        seen_rel.add(rel)
        what = f"relation {list(rel)}"
        for key in ("source_id_col", "dest_id_col"):
            if key not in entry:
                raise DGLError(f"{what}: no \"{key}\"")
        entries.append((rel, entry, _feature_specs(entry, what), _label_specs(entry, what, _EDGE_TASKS)))
    if reverse:
        for rel in list(seen_rel):
            rev = (rel[2], rel[1] + "-rev", rel[0])
            if rev in seen_rel:
                raise DGLError(f"relation {list(rev)} exists already; cannot add reverse edges of {list(rel)}")

    # node types known only from edges: ids in order of first appearance (table by table,
    # sources before destinations)
    edge_only: Dict[str, Dict[str, int]] = {}
    data_dict = {}
    edge_data: Dict[Tuple[str, str, str], Dict[str, torch.Tensor]] = {}
    for rel, entry, feats, labels in entries:
        what = f"relation {list(rel)}"
        files = expand_files(entry.get("files"), base, what)
        table = stream_table(files, entry.get("format"),
                             _columns([entry["source_id_col"], entry["dest_id_col"]], "id", feats, labels),
                             what, progress)
        ends = []
        for side, (ntype, col) in enumerate(((rel[0], entry["source_id_col"]), (rel[2], entry["dest_id_col"]))):
            keys = table.ids[col].keys()
            if ntype in node_entries:
                lookup = node_index[ntype].get_indexer(keys)
            else:
                pos = edge_only.setdefault(ntype, {})
                lookup = np.fromiter((pos.setdefault(k, len(pos)) for k in keys), dtype=np.int64, count=len(keys))
            # a column that is both source and destination is mapped twice
            last = side == 1 or entry["source_id_col"] != entry["dest_id_col"]
            ends.append(table.ids[col].map(lookup, free=last))
        s, d = ends
        del ends
        table.ids = {}
        bad = (s < 0) | (d < 0)
        if bad.any():
            for k, path in enumerate(table.files):
                lo, hi = int(table.starts[k]), int(table.starts[k + 1])
                in_file = bad[lo:hi]
                if in_file.any():
                    report = {"relation": list(rel), "file": path, "count": int(in_file.sum()),
                              "unknown_source": int((s[lo:hi] < 0).sum()),
                              "unknown_dest": int((d[lo:hi] < 0).sum()),
                              "first_row": int(np.argmax(in_file)) + 1}
                    summary["dropped_edges"].append(report)
                    if progress:
                        print(f"graphdl construct: {path}: dropped {report['count']} edge(s) of {list(rel)} "
                              f"with an endpoint missing from its node table (first at row {report['first_row']})")
            keep = ~bad
            table, s, d = table.take(keep), s[keep], d[keep]
            del keep
        del bad
        if len(s) == 0:
            raise DGLError(f"{what}: no edge left ({', '.join(table.files)})")
        data_dict[rel] = (torch.from_numpy(s), torch.from_numpy(d))
        store: Dict[str, torch.Tensor] = {}
        key = ":".join(rel)
        state["edges"][key] = {}
        _apply_features(table, feats, store, state["edges"][key])
        label_stats = {}
        for lab in labels:
            name = lab.get("label_col", "lp")
            label_stats[name] = _labels(table, lab, len(s), None, base, what, seed, store,
                                        state["labels"].setdefault(key, {}))
            if lab.get("split_type") == "leave_last_out":
                if "time_col" not in lab:
                    raise DGLError(f"{what}: leave_last_out needs \"time_col\"")
                t = table.numbers_of(lab["time_col"], allow_missing=False)
                masks = _leave_last_out(s, t, len(s))
                store.update(masks)
                store[f"{name}_time"] = torch.from_numpy(t)  # float64: exact for integer timestamps
                label_stats[name].update({k: int(v.sum()) for k, v in masks.items()})
        del table
        edge_data[rel] = store
        summary["edges"][key] = {"count": int(len(s)), "labels": label_stats}
    for ntype, pos in edge_only.items():
        node_index[ntype] = pd.Index(np.array(list(pos), dtype=object))
    del edge_only
    reverse_of = {}
    if reverse:
        for rel in list(data_dict):
            rev = (rel[2], rel[1] + "-rev", rel[0])
            s, d = data_dict[rel]
            data_dict[rev] = (d, s)  # edge i of the reverse relation mirrors edge i of the forward one
            reverse_of[":".join(rel)] = ":".join(rev)
            summary["edges"][":".join(rev)] = {"count": int(len(s)), "reverse_of": ":".join(rel)}

    num_nodes = {nt: len(ix) for nt, ix in node_index.items()}
    for nt in num_nodes:
        summary["nodes"].setdefault(nt, {"count": num_nodes[nt], "labels": {}})
    g = heterograph(data_dict, num_nodes_dict=num_nodes, idtype=torch.int64)
    for nt, store in node_data.items():
        for k, v in store.items():
            g.nodes[nt].data[k] = v
    for rel, store in edge_data.items():
        for k, v in store.items():
            g.edges[rel].data[k] = v

    schema = {
        "ntypes": sorted(g.ntypes),
        "canonical_etypes": sorted(":".join(c) for c in g.canonical_etypes),
        "num_nodes": num_nodes,
        "node_features": {nt: {k: list(v.shape[1:]) for k, v in node_data.get(nt, {}).items()
                               if v.dtype == torch.float32 and v.dim() == 2} for nt in sorted(g.ntypes)},
        "edge_features": {":".join(r): {k: list(v.shape[1:]) for k, v in st.items() if v.dim() == 2}
                          for r, st in edge_data.items()},
        "reverse_etypes": reverse_of,
        "labels": state["labels"],
    }
    schema["schema_id"] = schema_id(schema)
    for nt in summary["nodes"]:
        summary["nodes"][nt]["features"] = schema["node_features"].get(nt, {})
    summary["seconds"] = round(time.time() - start, 3)
    summary["schema_id"] = schema["schema_id"]

    # ---------------------------------------------------------------- write atomically
    output = os.path.abspath(output)
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    tmp = f"{output}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "id_mappings"))
    try:
        save_graphs(os.path.join(tmp, "graph.bin"), [g])
        del g, data_dict, node_data, edge_data  # the graph's memory is free for what follows
        store = masks = t = None
        for nt, ix in node_index.items():
            pd.DataFrame({"orig": np.asarray(ix, dtype=object).astype(str),
                          "new": np.arange(len(ix), dtype=np.int64)}).to_parquet(
                os.path.join(tmp, "id_mappings", f"{nt}.parquet"), index=False)
        for name, obj in (("transforms.json", state), ("schema.json", schema), ("summary.json", summary)):
            with open(os.path.join(tmp, name), "w") as fh:
                json.dump(obj, fh, indent=1)
        if os.path.exists(output):
            old = f"{output}.old-{os.getpid()}"
            os.rename(output, old)
            os.rename(tmp, output)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


class ConstructedGraph:
    """A folder written by :func:`construct_graph`, loaded.

    Attributes
    ----------
    graph : DGLGraph
    schema, transforms, summary : dict
    path : str
    """

    def __init__(self, path: str) -> None:
        if not os.path.isfile(os.path.join(path, "graph.bin")):
            raise DGLError(f"{path} is not a folder written by graphdl construct (no graph.bin)")
        self.path = path
        self.graph = load_graphs(os.path.join(path, "graph.bin"))[0][0]
        with open(os.path.join(path, "schema.json")) as fh:
            self.schema = json.load(fh)
        with open(os.path.join(path, "transforms.json")) as fh:
            self.transforms = json.load(fh)
        with open(os.path.join(path, "summary.json")) as fh:
            self.summary = json.load(fh)
        self._maps: Dict[str, Any] = {}

    def id_mapping(self, ntype: str):
        """The ``orig``/``new`` mapping of one node type (a pandas frame)."""
        import pandas as pd

        if ntype not in self._maps:
            path = os.path.join(self.path, "id_mappings", f"{ntype}.parquet")
            if not os.path.isfile(path):
                raise DGLError(f"no id mapping for node type {ntype!r} in {self.path}")
            self._maps[ntype] = pd.read_parquet(path)
        return self._maps[ntype]

    def original_ids(self, ntype: str, new_ids: np.ndarray) -> np.ndarray:
        return self.id_mapping(ntype)["orig"].to_numpy()[np.asarray(new_ids)]

    def new_ids(self, ntype: str, orig: Sequence[str]) -> np.ndarray:
        import pandas as pd

        pos = pd.Index(self.id_mapping(ntype)["orig"]).get_indexer([str(o) for o in orig])
        if (pos < 0).any():
            raise DGLError(f"unknown {ntype} id {list(orig)[int(np.flatnonzero(pos < 0)[0])]!r}")
        return pos


def load_constructed(path: str) -> ConstructedGraph:
    """Load a folder written by :func:`construct_graph`."""
    return ConstructedGraph(path)
