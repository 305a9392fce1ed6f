"""Inference from a trained workflow model: node scores, embeddings, top-k recommendations.

``predict`` and ``embed`` load ``model.pt`` written by :func:`~graphdl.workflows.train`, check
that it belongs to the graph (same schema id: node types, relations and feature sizes), run
the encoder and write a table keyed by the original ids (``orig``) from the id mappings.
Output format follows the file suffix: ``.parquet`` or ``.csv``.

Embeddings and node scores are computed full-graph; the top-k search scores users in batches
of ``batch_size`` against every item, so memory is (batch × items), not (users × items).
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional

import numpy as np
import torch
import torch.nn.functional as F

from ..base import DGLError
from .construct import ConstructedGraph, load_constructed
from .train import _by_source, _features, build_model, link_message_graph, link_split

__all__ = ["load_model", "predict", "embed"]


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


def _encode(model, cg: ConstructedGraph, ck) -> Dict[str, torch.Tensor]:
    g, weights = cg.graph, None
    if ck["task"] == "link-prediction":
        et = tuple(ck["target"]["etype"])
        m = link_split(cg, et)["masks"]
        keep = (m["train_mask"] | m["val_mask"]).numpy()
        g, weights = link_message_graph(cg, et, keep, ck["config"], ck["target"]["label"])
    with torch.no_grad():
        return model.encoder(g, _features(cg.graph, ck["feature_names"], "cpu"), weights)


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
            exclude_seen: bool = True) -> str:
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

    Returns
    -------
    str
        The path written.
    """
    import pandas as pd

    cg = graph if isinstance(graph, ConstructedGraph) else load_constructed(graph)
    model, ck = load_model(model_path, cg)
    h = _encode(model, cg, ck)
    task, target = ck["task"], ck["target"]
    with torch.no_grad():
        if task.startswith("node"):
            nt = target["ntype"]
            out = model.head(h[nt])
            frame = pd.DataFrame({"orig": cg.original_ids(nt, np.arange(len(out)))})
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
