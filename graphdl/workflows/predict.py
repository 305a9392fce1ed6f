"""Inference from a trained workflow model: node scores, embeddings, top-k recommendations.

``predict`` and ``embed`` load ``model.pt`` written by :func:`~graphdl.workflows.train`, check
that it belongs to the graph (same schema id: node types, relations and feature sizes), run
the encoder and write a table keyed by the original ids (``orig``) from the id mappings.
Output format follows the file suffix: ``.parquet`` or ``.csv``.

Embeddings and node scores are computed full-graph; the top-k search scores users in batches
of ``batch_size`` against every item, so memory is (batch × items), not (users × items).

New rows: :func:`transform_rows` applies the transforms fitted at construction (their state in
``transforms.json``: category mappings, min/max, TF-IDF vocabulary ...) to a table of rows the
graph has never seen, and ``predict(..., new_nodes=FILES)`` scores such rows of the target node
type of a node task: they join the graph as nodes without edges, so their score comes from their
own features through the encoder's self terms.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..base import DGLError
from .construct import ConstructedGraph, load_constructed
from .train import _by_source, _features, build_model, link_message_graph, link_split

__all__ = ["load_model", "predict", "embed", "transform_rows"]


def load_model(path: str, cg: ConstructedGraph):
    """Load ``model.pt`` (or a run folder holding it) and check it against the graph's schema."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.pt")
    if not os.path.isfile(path):
        raise DGLError(f"model file {path} does not exist")
    ck = torch.load(path, weights_only=False)
    if not isinstance(ck, dict) or ck.get("format") != "graphdl-workflow-v1":
        raise DGLError(f"{path} is not a model written by graphdl train --task")
    if ck["schema_id"] != cg.schema["schema_id"]:
        raise DGLError(f"{path} was trained on another graph schema ({ck['schema_id']}) than {cg.path} "
                       f"({cg.schema['schema_id']})")
    model = build_model(ck["spec"])
    model.load_state_dict(ck["state_dict"])
    model.eval()
    return model, ck


def transform_rows(graph: Any, ntype: str, files: Any, fmt: Optional[Dict[str, Any]] = None,
                   id_col: Optional[str] = None) -> Tuple[np.ndarray, Dict[str, torch.Tensor]]:
    """Features of new rows of a node type, by the transforms fitted at construction.

    Parameters
    ----------
    graph : str or ConstructedGraph
    ntype : str
        Node type whose feature transforms apply.
    files : str or list of str
        The rows (CSV or Parquet, with the columns the construction read).
    fmt : dict, optional
        GraphStorm's ``format`` (default: from the first file's suffix).
    id_col : str, optional
        Id column (default: the node type's ``node_id_col`` at construction).

    Returns
    -------
    ids : numpy.ndarray
        The rows' ids as strings.
    feats : dict
        Feature name -> (rows, width) float32 tensor, as in the graph's node data.
    """
    from .construct import _apply_features  # deferred: loaded on first use; no cycle needs it
    from .tables import expand_files, read_table, to_id_strings  # deferred: loaded on first use; no cycle needs it
    from .transforms import transform_from_state  # deferred: loaded on first use; no cycle needs it

    cg = graph if isinstance(graph, ConstructedGraph) else load_constructed(graph)
    saved = cg.transforms.get("nodes", {})
    if ntype not in saved:
        raise DGLError(f"node type {ntype!r} has no node table in {cg.path}; known: {', '.join(sorted(saved))}")
    id_col = id_col or cg.transforms.get("id_cols", {}).get(ntype)
    if id_col is None:
        raise DGLError(f"{cg.path} does not record the id column of {ntype!r}; pass id_col")
    paths = expand_files(files, os.getcwd(), f"new {ntype} rows")
    if fmt is None:
        fmt = {"name": "parquet" if paths[0].endswith(".parquet") else "csv"}
    specs = [{"cols": st["cols"], "name": name, "transform": transform_from_state(st)} for name, st in saved[ntype].items()]
    cols = [id_col] + [c for sp in specs for c in sp["cols"]]
    table = read_table(paths, fmt, cols, f"new {ntype} rows", progress=False)
    ids = to_id_strings(table, id_col)
    store: Dict[str, torch.Tensor] = {}
    _apply_features(table, specs, store, {}, fit=False)
    return ids, store


def _write(frame, path: str) -> str:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    if path.endswith(".parquet"):
        frame.to_parquet(tmp, index=False)
    elif path.endswith(".csv"):
        frame.to_csv(tmp, index=False)
    else:
        raise DGLError(f"output {path}: use a .parquet or .csv file name")
    os.replace(tmp, path)
    return path


def _encode(model, cg: ConstructedGraph, ck, graph: Any = None) -> Dict[str, torch.Tensor]:
    g, weights = (cg.graph if graph is None else graph), None
    if ck["task"] == "link-prediction":
        et = tuple(ck["target"]["etype"])
        m = link_split(cg, et)["masks"]
        keep = (m["train_mask"] | m["val_mask"]).numpy()
        g, weights = link_message_graph(cg, et, keep, ck["config"], ck["target"]["label"])
    with torch.no_grad():
        return model.encoder(g, _features(cg.graph if graph is None else graph, ck["feature_names"], "cpu"), weights)


def embed(graph: Any, model_path: str, output: str, ntype: Optional[str] = None) -> str:
    """Write node embeddings (columns ``orig``, ``emb_0`` ...) of one node type (default: all,
    one file per type with the type inserted before the suffix)."""
    import pandas as pd

    cg = graph if isinstance(graph, ConstructedGraph) else load_constructed(graph)
    model, ck = load_model(model_path, cg)
    h = _encode(model, cg, ck)
    types = [ntype] if ntype else list(cg.graph.ntypes)
    paths = []
    for nt in types:
        if nt not in h:
            raise DGLError(f"no node type {nt!r}; the graph has {', '.join(cg.graph.ntypes)}")
        x = h[nt].numpy()
        frame = pd.DataFrame(x, columns=[f"emb_{i}" for i in range(x.shape[1])])
        frame.insert(0, "orig", cg.original_ids(nt, np.arange(len(x))))
        path = output if len(types) == 1 else "{}.{}{}".format(*_split_suffix(output, nt))
        paths.append(_write(frame, path))
    return ", ".join(paths)


def _split_suffix(path: str, nt: str):
    root, ext = os.path.splitext(path)
    return root, nt, ext


def predict(graph: Any, model_path: str, output: str, *, top_k: int = 10, batch_size: int = 512,
            exclude_seen: bool = True, new_nodes: Any = None) -> str:
    """Write predictions: class probabilities / values for node and edge tasks, top-k
    recommendations per source node for link prediction.

    Parameters
    ----------
    graph : str or ConstructedGraph
    model_path : str
        ``model.pt`` or the run folder.
    output : str
        ``.parquet`` or ``.csv`` file.
    top_k : int
        Link prediction: items per user.
    batch_size : int
        Link prediction: users scored at once.
    exclude_seen : bool
        Link prediction: leave out items the user already links to.
    new_nodes : str or list of str, optional
        Node tasks: score these rows (a table of the target node type with the columns read at
        construction) instead of the graph's nodes; their features go through the saved
        transforms (:func:`transform_rows`) and they join the graph without edges.

    Returns
    -------
    str
        The path written.
    """
    import pandas as pd

    cg = graph if isinstance(graph, ConstructedGraph) else load_constructed(graph)
    model, ck = load_model(model_path, cg)
    task, target = ck["task"], ck["target"]
    if new_nodes is None:
        h = _encode(model, cg, ck)
        rows = None
    else:
        if not task.startswith("node"):
            raise DGLError(f"new_nodes scores new rows of a node task's target type, not for {task}")
        nt = target["ntype"]
        if nt in model.encoder.emb or nt in model.encoder.sparse:
            raise DGLError(f"node type {nt!r} has learnt per-node embeddings, which new rows lack; "
                           "train with id_embeddings: false to score new rows")
        new_ids, new_feats = transform_rows(cg, nt, new_nodes)
        from .. import add_nodes  # deferred: loaded on first use; no cycle needs it

        n0 = cg.graph.num_nodes(nt)
        keys = ck["feature_names"].get(nt, [])
        missing = [k for k in keys if k not in new_feats]
        if missing:
            raise DGLError(f"the new {nt} rows lack the model's input feature(s) {', '.join(missing)}")
        g_new = add_nodes(cg.graph, len(new_ids), {k: new_feats[k] for k in keys}, ntype=nt)
        h = _encode(model, cg, ck, g_new)
        rows = torch.arange(n0, n0 + len(new_ids))
    with torch.no_grad():
        if task.startswith("node"):
            nt = target["ntype"]
            out = model.head(h[nt] if rows is None else h[nt][rows])
            orig = cg.original_ids(nt, np.arange(len(out))) if rows is None else new_ids
            frame = pd.DataFrame({"orig": orig})
            if task == "node-regression":
                frame["prediction"] = out.squeeze(-1).numpy()
            else:
                _class_columns(frame, F.softmax(out, -1).numpy(), target["classes"], ck.get("threshold"))
        elif task == "edge-classification":
            et = tuple(target["etype"])
            s, d = cg.graph.edges(etype=et)
            p = F.softmax(model.head(h[et[0]][s], h[et[2]][d]), -1).numpy()
            frame = pd.DataFrame({"src": cg.original_ids(et[0], s.numpy()), "dst": cg.original_ids(et[2], d.numpy())})
            _class_columns(frame, p, target["classes"], ck.get("threshold"))
        else:
            et = tuple(target["etype"])
            src, dst = (x.numpy() for x in cg.graph.edges(etype=et))
            seen = _by_source(src, dst) if exclude_seen else {}
            hu, hv = h[et[0]], h[et[2]]
            k = min(top_k, hv.shape[0])
            users, items, scores, ranks = [], [], [], []
            for start in range(0, hu.shape[0], batch_size):
                ub = torch.arange(start, min(start + batch_size, hu.shape[0]))
                sc = model.head.all_pairs(hu[ub], hv)
                for i, u in enumerate(ub.tolist()):
                    if u in seen:
                        sc[i, torch.from_numpy(seen[u])] = float("-inf")
                top = torch.topk(sc, k, dim=1)
                users.append(ub.repeat_interleave(k).numpy())
                items.append(top.indices.reshape(-1).numpy())
                scores.append(top.values.reshape(-1).numpy())
                ranks.append(np.tile(np.arange(1, k + 1), len(ub)))
            users, items = np.concatenate(users), np.concatenate(items)
            frame = pd.DataFrame({"user": cg.original_ids(et[0], users), "rank": np.concatenate(ranks),
                                  "item": cg.original_ids(et[2], items), "score": np.concatenate(scores)})
            frame = frame[np.isfinite(frame["score"])]
    return _write(frame, output)


def _class_columns(frame, prob: np.ndarray, classes, threshold) -> None:
    for j, c in enumerate(classes):
        frame[f"prob_{c}"] = prob[:, j]
    if len(classes) == 2 and threshold is not None:
        frame["prediction"] = np.where(prob[:, 1] >= threshold, classes[1], classes[0])
    else:
        frame["prediction"] = np.asarray(classes, dtype=object)[prob.argmax(1)]
