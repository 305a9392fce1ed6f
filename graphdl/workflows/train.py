"""Train a model on a constructed graph, one task at a time.

Tasks: ``node-classification``, ``node-regression``, ``edge-classification`` and
``link-prediction``. The configuration (YAML or a dict) takes the keys of
:data:`TRAIN_DEFAULTS`. Every run writes to its output folder:

- ``model.pt``: the best model by validation (what ``graphdl predict`` and ``embed`` load),
  with the graph's schema id, the configuration and the decision threshold of binary tasks;
- ``checkpoint.pt`` every ``checkpoint_every`` epochs (``resume=True`` continues from it);
- ``metrics.json``: validation and test metrics plus the per-epoch history;
- plots: ``curves.png`` (loss and validation metric), ``roc_pr.png`` for binary tasks and
  ``ranking.png`` (Hits@k against k) for link prediction.

Link prediction trains full-graph: the validation and test edges of the target relation (and
of its reverse) are removed from the message-passing graph; evaluation ranks every destination
node for each source, excluding those it already links to in training.
"""
from __future__ import annotations

import copy
import json
import os
import time
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..base import EID, NID, DGLError
from ..convert import heterograph
from ..dataloading import DataLoader, NeighborSampler, as_edge_prediction_sampler
from ..optim import SparseAdam
from .construct import ConstructedGraph, load_constructed
from .losses import (LINK_LOSSES, NEGATIVES, class_weights, focal_loss, hardest_negatives, link_loss,
                     sample_negatives)
from .metrics import binary_report, full_ranking, pr_curve, roc_curve
from .models import PairDecoder, Encoder, node_inputs

__all__ = ["train", "TASKS", "TRAIN_DEFAULTS", "load_train_config", "build_model", "WorkflowModel"]

TASKS = ("node-classification", "node-regression", "edge-classification", "link-prediction")

TRAIN_DEFAULTS: Dict[str, Any] = {
    "target_ntype": None,        # node tasks: the labelled node type (default: the only one)
    "target_etype": None,        # edge tasks: "src:rel:dst" or a list (default: the only one)
    "label": None,               # label name (default: the only label of the target)
    "encoder": "sage",           # sage | rgcn | gat | hgt
    "hidden": 64,
    "layers": 2,
    "heads": 4,
    "dropout": 0.0,
    "id_embeddings": False,      # learnable embeddings on every node type
    "epochs": 100,
    "lr": 0.01,
    "weight_decay": 0.0,
    "patience": 10,              # evaluations without improvement before stopping
    "eval_every": 1,
    "checkpoint_every": 5,
    "seed": 0,
    "device": "cpu",
    "minibatch": False,          # node tasks: sampled neighbourhoods
    "batch_size": 1024,
    "fanouts": [10, 10],
    "loss": None,                # node classification: cross_entropy | focal; link: bpr | cross_entropy | contrastive
    "class_weights": None,       # null | balanced
    "focal_gamma": 2.0,
    "precision_target": 0.9,     # recall at this precision is reported for binary tasks
    "decoder": "dot",            # dot | distmult | mlp
    "negative": "uniform",       # uniform | popularity | in_batch
    "num_negatives": 16,
    "temperature": 0.1,
    "lp_batch_size": 8192,
    "ks": [10, 20],
    "val_metric": None,          # default: accuracy (multi-class), pr_auc (binary), ndcg@10 (link), rmse
    "test_with_val_edges": True,  # link prediction: message passing at test time also uses validation edges
    "lp_targets": "all",         # all: every training edge is a target | next: per source, the edges after a random time cut
    "next_window": 1,            # lp_targets next: targets per source and epoch
    "recency_tau": None,         # weigh the reverse relation's messages by exp(-rank/tau), rank 0 = latest edge
    "session_window": 0,         # link: destination->destination edges between each source's edges up to this many apart in time (0: off)
    "hard_negatives": 0,         # link: draw num_negatives x this many candidates, keep the highest-scoring (0: off)
    "sparse_embeddings": False,  # learnable embeddings as NodeEmbedding tables with SparseAdam
    "sparse_lr": None,           # SparseAdam learning rate (default: lr)
}


def load_train_config(config: Any) -> Dict[str, Any]:
    """Merge a YAML file (or dict) over :data:`TRAIN_DEFAULTS`; unknown keys are an error."""
    import yaml

    if config is None:
        raw: Dict[str, Any] = {}
    elif isinstance(config, str):
        if not os.path.isfile(config):
            raise DGLError(f"config file {config} does not exist")
        with open(config) as fh:
            raw = yaml.safe_load(fh) or {}
        if not isinstance(raw, dict):
            raise DGLError(f"{config}: expected a mapping of options")
    else:
        raw = dict(config)
    unknown = sorted(set(raw) - set(TRAIN_DEFAULTS) - {"task", "graph", "out"})
    if unknown:
        raise DGLError(f"unknown training option(s) {', '.join(unknown)}; known: {', '.join(sorted(TRAIN_DEFAULTS))}")
    out = dict(TRAIN_DEFAULTS)
    out.update(raw)
    return out


def _etype(g, name) -> Tuple[str, str, str]:
    if isinstance(name, str):
        name = tuple(name.split(":")) if ":" in name else g.to_canonical_etype(name)
    name = tuple(name)
    if name not in g.canonical_etypes:
        raise DGLError(f"no relation {list(name)} in the graph; it has {[list(c) for c in g.canonical_etypes]}")
    return name


def _pick_target(cg: ConstructedGraph, task: str, opts: Dict[str, Any]) -> Dict[str, Any]:
    g = cg.graph
    labels = cg.schema.get("labels", {})
    want = "link_prediction" if task == "link-prediction" else task.split("-")[1]
    if task.startswith("node"):
        cands = [(nt, name) for nt, labs in labels.items() if ":" not in nt
                 for name, st in labs.items() if st["task_type"] == want]
        if opts["target_ntype"]:
            cands = [c for c in cands if c[0] == opts["target_ntype"]]
    else:
        cands = [(k, name) for k, labs in labels.items() if ":" in k
                 for name, st in labs.items() if st["task_type"] == want]
        if opts["target_etype"]:
            et = ":".join(_etype(g, opts["target_etype"]))
            cands = [c for c in cands if c[0] == et]
    if opts["label"]:
        cands = [c for c in cands if c[1] == opts["label"]]
    if not cands:
        raise DGLError(f"the graph has no {want} label for task {task} (labels: {labels or 'none'})")
    if len(cands) > 1:
        raise DGLError(f"several targets fit task {task}: {cands}; set target_ntype/target_etype and label")
    key, name = cands[0]
    info = {"key": key, "label": name, "classes": labels[key][name].get("classes")}
    if ":" in key:
        info["etype"] = tuple(key.split(":"))
    else:
        info["ntype"] = key
    return info


class WorkflowModel(nn.Module):
    """Encoder plus task head (a linear layer on nodes, or a :class:`PairDecoder` on pairs)."""

    def __init__(self, encoder: Encoder, head: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head


def build_model(spec: Dict[str, Any]) -> WorkflowModel:
    """Rebuild a model from the ``spec`` stored in ``model.pt``."""
    e = spec["encoder"]
    enc = Encoder(e["ntypes"], [tuple(c) for c in e["etypes"]], e["in_dims"], e["num_nodes"],
                  e["hidden"], e["layers"], e["kind"], e["dropout"], e["id_embeddings"], e["heads"],
                  e.get("sparse_embeddings", False))
    h = spec["head"]
    head = nn.Linear(e["hidden"], h["out"]) if h["kind"] == "linear" else PairDecoder(h["kind"], e["hidden"], h["out"])
    return WorkflowModel(enc, head)


def _features(g, names: Dict[str, List[str]], device) -> Dict[str, torch.Tensor]:
    out = {}
    for nt, keys in names.items():
        if keys:
            out[nt] = torch.cat([g.nodes[nt].data[k].float() for k in keys], 1).to(device)
    return out


def _drop_edges(g, etypes_keep: Dict[Tuple[str, str, str], torch.Tensor],
                extra: Optional[Dict[Tuple[str, str, str], Tuple[torch.Tensor, torch.Tensor]]] = None):
    """The graph with only the edges marked in ``etypes_keep`` for those relations, plus the
    ``extra`` relations (node data is not carried)."""
    data = dict(extra or {})
    for c in g.canonical_etypes:
        s, d = g.edges(etype=c)
        if c in etypes_keep:
            m = etypes_keep[c]
            s, d = s[m], d[m]
        data[c] = (s, d)
    return heterograph(data, num_nodes_dict={nt: g.num_nodes(nt) for nt in g.ntypes}, idtype=g.idtype)


def _seed(seed: int) -> None:
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class _Optimizer:
    """Adam on the dense parameters, plus :class:`~graphdl.optim.SparseAdam` (learning rate
    ``sparse_lr``) on the encoder's :class:`~graphdl.nn.NodeEmbedding` tables when it has any."""

    def __init__(self, model: nn.Module, opts: Dict[str, Any]) -> None:
        params = [p for p in model.parameters() if p.requires_grad]
        self.dense = torch.optim.Adam(params, lr=opts["lr"], weight_decay=opts["weight_decay"]) if params else None
        tables = model.encoder.sparse_tables() if hasattr(model, "encoder") else []
        self.sparse = SparseAdam(tables, lr=opts["sparse_lr"] or opts["lr"]) if tables else None

    def zero_grad(self) -> None:
        if self.dense is not None:
            self.dense.zero_grad()
        if self.sparse is not None:
            self.sparse.zero_grad()

    def step(self) -> None:
        if self.dense is not None:
            self.dense.step()
        if self.sparse is not None:
            self.sparse.step()

    def state_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"dense": self.dense.state_dict() if self.dense is not None else None}
        if self.sparse is not None:
            out["sparse"] = self.sparse._state  # per table: step, mem, power rows
        return out

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        if self.dense is not None and state.get("dense") is not None:
            self.dense.load_state_dict(state["dense"])
        if self.sparse is not None and "sparse" in state:
            self.sparse._state = state["sparse"]
            for t in self.sparse._params:
                t.set_optm_state(state["sparse"][t.name])


class _Run:
    """State shared by the task loops: model, optimiser, history, early stopping, checkpoints."""

    def __init__(self, opts: Dict[str, Any], out: str, quiet: bool) -> None:
        self.opts, self.out, self.quiet = opts, out, quiet
        self.history: Dict[str, List[float]] = {"epoch": [], "loss": [], "val": []}
        self.best_val, self.best_epoch, self.bad = -float("inf"), -1, 0
        self.best_state: Optional[Dict[str, torch.Tensor]] = None
        self.start_epoch = 0

    def setup(self, model: nn.Module, resume: bool) -> None:
        self.model = model
        self.optim = _Optimizer(model, self.opts)
        path = os.path.join(self.out, "checkpoint.pt")
        if resume:
            if not os.path.isfile(path):
                raise DGLError(f"--resume: no checkpoint at {path}")
            ck = torch.load(path, weights_only=False)
            if ck.get("schema_id") != self.schema_id or ck.get("task") != self.task:
                raise DGLError(f"{path} was written for another graph or task; cannot resume")
            model.load_state_dict(ck["model"])
            self.optim.load_state_dict(ck["optim"])
            self.history, self.best_val, self.best_epoch = ck["history"], ck["best_val"], ck["best_epoch"]
            self.bad, self.best_state, self.start_epoch = ck["bad"], ck["best_state"], ck["epoch"] + 1
            torch.set_rng_state(ck["rng"])

    def checkpoint(self, epoch: int) -> None:
        tmp = os.path.join(self.out, "checkpoint.pt.tmp")
        torch.save({"epoch": epoch, "model": self.model.state_dict(), "optim": self.optim.state_dict(),
                    "history": self.history, "best_val": self.best_val, "best_epoch": self.best_epoch,
                    "bad": self.bad, "best_state": self.best_state, "rng": torch.get_rng_state(),
                    "schema_id": self.schema_id, "task": self.task}, tmp)
        os.replace(tmp, os.path.join(self.out, "checkpoint.pt"))

    def epochs(self, train_step, evaluate):
        """Run training epochs with evaluation, early stopping and checkpoints."""
        from tqdm import tqdm

        o = self.opts
        bar = tqdm(range(self.start_epoch, o["epochs"]), desc="train", disable=self.quiet or None, leave=False)
        for epoch in bar:
            self.model.train()
            loss = train_step()
            if (epoch + 1) % o["eval_every"] == 0 or epoch == o["epochs"] - 1:
                self.model.eval()
                with torch.no_grad():
                    val = evaluate()
                self.history["epoch"].append(epoch + 1)
                self.history["loss"].append(float(loss))
                self.history["val"].append(float(val))
                bar.set_postfix(loss=f"{loss:.4f}", val=f"{val:.4f}")
                if val > self.best_val:
                    self.best_val, self.best_epoch, self.bad = val, epoch + 1, 0
                    self.best_state = copy.deepcopy(self.model.state_dict())
                else:
                    self.bad += 1
            if o["checkpoint_every"] and (epoch + 1) % o["checkpoint_every"] == 0:
                self.checkpoint(epoch)
            if self.bad >= o["patience"]:
                break
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        self.model.eval()


def train(graph: Any, task: str, config: Any = None, out: Optional[str] = None, *, resume: bool = False,
          quiet: bool = False) -> Dict[str, Any]:
    """Train one task on a graph written by :func:`~graphdl.workflows.construct_graph`.

    Parameters
    ----------
    graph : str or ConstructedGraph
        The construction output folder.
    task : str
        One of :data:`TASKS`.
    config : str or dict, optional
        Training options (see :data:`TRAIN_DEFAULTS`).
    out : str, optional
        Output folder (default ``runs/<task>``).
    resume : bool
        Continue from ``out/checkpoint.pt``.
    quiet : bool
        No progress bars.

    Returns
    -------
    dict
        The content of ``metrics.json``.

    Examples
    --------
    >>> m = train("ml-graph", "link-prediction", {"epochs": 20})  # doctest: +SKIP
    >>> m["test"]["hits@10"]  # doctest: +SKIP
    """
    if task not in TASKS:
        raise DGLError(f"unknown task {task!r}; use {', '.join(TASKS)}")
    cg = graph if isinstance(graph, ConstructedGraph) else load_constructed(graph)
    opts = load_train_config(config)
    out = out or opts.get("out") or os.path.join("runs", task)
    os.makedirs(out, exist_ok=True)
    _seed(opts["seed"])
    device = torch.device(opts["device"])
    g = cg.graph
    target = _pick_target(cg, task, opts)
    run = _Run(opts, out, quiet)
    run.schema_id, run.task = cg.schema["schema_id"], task
    start = time.time()
    label_names = [target["label"], "lp"]
    names = node_inputs(g, exclude=label_names)
    in_dims = {nt: sum(g.nodes[nt].data[k].shape[1] for k in ks) for nt, ks in names.items()}
    enc_spec = {"ntypes": list(g.ntypes), "etypes": [list(c) for c in g.canonical_etypes], "in_dims": in_dims,
                "num_nodes": {nt: g.num_nodes(nt) for nt in g.ntypes}, "hidden": opts["hidden"],
                "layers": opts["layers"], "kind": opts["encoder"], "dropout": opts["dropout"],
                "id_embeddings": bool(opts["id_embeddings"]), "heads": opts["heads"],
                "sparse_embeddings": bool(opts["sparse_embeddings"])}
    if task == "link-prediction":
        if opts["session_window"]:
            et = target["etype"]
            enc_spec["etypes"] += [list(c) for c in session_etypes(et)]
        result = _train_link(cg, g, target, opts, run, enc_spec, names, device, resume)
    elif task.startswith("node"):
        result = _train_node(cg, g, target, opts, run, enc_spec, names, device, resume, task)
    else:
        result = _train_edge(cg, g, target, opts, run, enc_spec, names, device, resume)
    spec = result.pop("spec")
    result.update(task=task, target={k: (list(v) if isinstance(v, tuple) else v) for k, v in target.items()},
                  best_epoch=run.best_epoch, best_val=run.best_val, history=run.history,
                  train_seconds=round(time.time() - start, 2), config=opts, schema_id=cg.schema["schema_id"])
    torch.save({"format": "graphdl-workflow-v1", "task": task, "spec": spec, "feature_names": names,
                "state_dict": run.model.state_dict(), "schema_id": cg.schema["schema_id"],
                "target": result["target"], "threshold": result.get("threshold"), "config": opts},
               os.path.join(out, "model.pt"))
    _plots(result, out)
    with open(os.path.join(out, "metrics.json"), "w") as fh:
        json.dump(result, fh, indent=1, default=float)
    return result


# ----------------------------------------------------------------------------- node tasks


def _train_node(cg, g, target, opts, run, enc_spec, names, device, resume, task):
    nt, label = target["ntype"], target["label"]
    data = g.nodes[nt].data
    y = data[label]
    masks = {k: torch.nonzero(data[k].bool(), as_tuple=True)[0] for k in ("train_mask", "val_mask", "test_mask")}
    regression = task == "node-regression"
    classes = target["classes"] or []
    C = 1 if regression else len(classes)
    binary = C == 2
    spec = {"encoder": enc_spec, "head": {"kind": "linear", "out": C}}
    model = build_model(spec).to(device)
    run.setup(model, resume)
    feats = _features(g, names, device)
    g = g.to(device)
    y = y.to(device)
    ytr = y[masks["train_mask"]]
    weight = None
    if not regression and opts["class_weights"] == "balanced":
        weight = class_weights(ytr.cpu(), C).to(device)
    loss_kind = opts["loss"] or ("mse" if regression else "cross_entropy")
    if loss_kind not in (("mse",) if regression else ("cross_entropy", "focal")):
        raise DGLError(f"loss {loss_kind!r} does not fit {task}")

    def criterion(logits, target_y):
        if regression:
            return F.mse_loss(logits.squeeze(-1), target_y.float())
        if loss_kind == "focal":
            return focal_loss(logits, target_y, opts["focal_gamma"], weight)
        return F.cross_entropy(logits, target_y, weight=weight)

    loader = None
    if opts["minibatch"]:
        fan = opts["fanouts"] if isinstance(opts["fanouts"], list) else [int(f) for f in str(opts["fanouts"]).split(",")]
        if len(fan) != opts["layers"]:
            raise DGLError(f"fanouts {fan} must have one entry per layer ({opts['layers']})")
        sampler = NeighborSampler(fan)
        loader = DataLoader(g, {nt: masks["train_mask"]}, sampler, batch_size=opts["batch_size"], shuffle=True)

    def logits_of(idx=None):
        h = model.encoder(g, feats)[nt]
        return model.head(h if idx is None else h[idx])

    def train_step():
        if loader is None:
            run.optim.zero_grad()
            loss = criterion(logits_of(masks["train_mask"]), ytr)
            loss.backward()
            run.optim.step()
            return loss.item()
        total, n = 0.0, 0
        for _, output_nodes, blocks in loader:
            run.optim.zero_grad()
            h = model.encoder.forward_blocks(blocks, feats)[nt]
            seeds = output_nodes[nt] if isinstance(output_nodes, dict) else output_nodes
            loss = criterion(model.head(h), y[seeds])
            loss.backward()
            run.optim.step()
            total += loss.item() * len(seeds)
            n += len(seeds)
        return total / max(n, 1)

    def scores(split):
        out = logits_of()[masks[split]]
        return out.squeeze(-1) if regression else F.softmax(out, -1)

    metric = opts["val_metric"] or ("rmse" if regression else ("pr_auc" if binary else "accuracy"))

    def evaluate():
        s, t = scores("val_mask"), y[masks["val_mask"]]
        return _metric(metric, s, t)

    run.epochs(train_step, evaluate)
    with torch.no_grad():
        report = {split: _report(scores(split), y[masks[split]], regression, binary, opts)
                  for split in ("val_mask", "test_mask")}
    result = {"spec": spec, "val": report["val_mask"], "test": report["test_mask"], "val_metric": metric}
    if binary:
        thr = report["val_mask"]["best_threshold"]
        with torch.no_grad():
            result["test"] = _report(scores("test_mask"), y[masks["test_mask"]], regression, binary, opts, thr)
            s = scores("test_mask")[:, 1].cpu().numpy()
        result["threshold"] = thr
        result["_curve"] = (y[masks["test_mask"]].cpu().numpy(), s)
    return result


def _metric(name: str, s: torch.Tensor, t: torch.Tensor) -> float:
    """Validation metric, larger is better (rmse is negated)."""
    if name == "rmse":
        return -float(torch.sqrt(F.mse_loss(s.float(), t.float())))
    if name == "accuracy":
        return float((s.argmax(-1) == t).float().mean()) if len(t) else 0.0
    if name in ("pr_auc", "roc_auc"):
        rep = binary_report(t.cpu().numpy(), s[:, 1].cpu().numpy())
        return float(np.nan_to_num(rep[name]))
    raise DGLError(f"unknown val_metric {name!r}; use accuracy, pr_auc, roc_auc or rmse")


def _report(s, t, regression, binary, opts, threshold=None) -> Dict[str, float]:
    if regression:
        err = s.float() - t.float()
        return {"rmse": float(torch.sqrt((err ** 2).mean())), "mae": float(err.abs().mean()), "count": len(t)}
    out = {"accuracy": float((s.argmax(-1) == t).float().mean()) if len(t) else 0.0, "count": len(t)}
    if binary:
        out.update(binary_report(t.cpu().numpy(), s[:, 1].cpu().numpy(), threshold, opts["precision_target"]))
    return out


# ----------------------------------------------------------------------------- edge classification


def _train_edge(cg, g, target, opts, run, enc_spec, names, device, resume):
    et, label = target["etype"], target["label"]
    data = g.edges[et].data
    y = data[label].to(device)
    masks = {k: torch.nonzero(data[k].bool(), as_tuple=True)[0] for k in ("train_mask", "val_mask", "test_mask")}
    src, dst = g.edges(etype=et)
    classes = target["classes"] or []
    C = len(classes)
    binary = C == 2
    spec = {"encoder": enc_spec, "head": {"kind": "mlp", "out": C}}
    model = build_model(spec).to(device)
    run.setup(model, resume)
    feats = _features(g, names, device)
    g = g.to(device)
    weight = class_weights(y[masks["train_mask"]].cpu(), C).to(device) if opts["class_weights"] == "balanced" else None

    def logits(split):
        h = model.encoder(g, feats)
        idx = masks[split]
        return model.head(h[et[0]][src[idx]], h[et[2]][dst[idx]])

    def train_step():
        run.optim.zero_grad()
        lg = logits("train_mask")
        yt = y[masks["train_mask"]]
        loss = focal_loss(lg, yt, opts["focal_gamma"], weight) if opts["loss"] == "focal" \
            else F.cross_entropy(lg, yt, weight=weight)
        loss.backward()
        run.optim.step()
        return loss.item()

    metric = opts["val_metric"] or ("pr_auc" if binary else "accuracy")
    run.epochs(train_step, lambda: _metric(metric, F.softmax(logits("val_mask"), -1), y[masks["val_mask"]]))
    with torch.no_grad():
        val = _report(F.softmax(logits("val_mask"), -1), y[masks["val_mask"]], False, binary, opts)
        thr = val.get("best_threshold")
        st = F.softmax(logits("test_mask"), -1)
        test = _report(st, y[masks["test_mask"]], False, binary, opts, thr)
    result = {"spec": spec, "val": val, "test": test, "val_metric": metric}
    if binary:
        result["threshold"] = thr
        result["_curve"] = (y[masks["test_mask"]].cpu().numpy(), st[:, 1].cpu().numpy())
    return result


# ----------------------------------------------------------------------------- link prediction


def _by_source(src: np.ndarray, dst: np.ndarray) -> Dict[int, np.ndarray]:
    order = np.argsort(src, kind="stable")
    s, d = src[order], dst[order]
    cuts = np.flatnonzero(np.diff(s)) + 1
    return {int(a[0]): b for a, b in zip(np.split(s, cuts), np.split(d, cuts)) if len(a)}


def link_split(cg: ConstructedGraph, et: Tuple[str, str, str]) -> Dict[str, Any]:
    """Source/destination arrays of the train, val and test edges of a relation, and its reverse."""
    g = cg.graph
    src, dst = (x.numpy() for x in g.edges(etype=et))
    data = g.edges[et].data
    masks = {k: data[k].bool() for k in ("train_mask", "val_mask", "test_mask")}
    out = {k: (src[m.numpy()], dst[m.numpy()]) for k, m in masks.items()}
    rev = cg.schema.get("reverse_etypes", {}).get(":".join(et))
    out["reverse"] = tuple(rev.split(":")) if rev else None
    out["masks"] = masks
    return out


def _link_order(cg: ConstructedGraph, et: Tuple[str, str, str], label: str) -> np.ndarray:
    """Edge ids of a relation ordered by source, then time (the split's ``time_col`` when the
    graph has it, else file order), then file order."""
    g = cg.graph
    src = g.edges(etype=et)[0].numpy()
    eid = np.arange(len(src))
    key = f"{label}_time"
    t = g.edges[et].data[key].numpy() if key in g.edges[et].data else eid.astype(np.float64)
    return np.lexsort((eid, t, src))


def recency_weights(src: np.ndarray, order: np.ndarray, keep: np.ndarray, tau: float) -> np.ndarray:
    """Per-edge weights :math:`w = e^{-r/\\tau}`, :math:`r` = 0 for each source's latest kept edge,
    1 for the one before and so on, scaled so that each source's weights average 1 (a mean
    aggregator then computes the recency-weighted mean). Returns the weights of the kept edges
    in edge-id order."""
    o = order[keep[order]]
    s = src[o]
    n = len(o)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    counts = np.diff(np.r_[starts, n])
    pos = np.arange(n) - np.repeat(starts, counts)
    rank = np.repeat(counts, counts) - 1 - pos
    w = np.exp(-rank / tau)
    w *= np.repeat(counts / np.add.reduceat(w, starts), counts)
    out = np.empty(len(src), dtype=np.float64)
    out[o] = w
    return out[keep].astype(np.float32)


def session_etypes(et: Tuple[str, str, str]) -> List[Tuple[str, str, str]]:
    """The two relations of ``session_window``: destination -> the destinations its source
    reached next (``<rel>-next``) and -> those reached before it (``<rel>-prev``)."""
    return [(et[2], f"{et[1]}-next", et[2]), (et[2], f"{et[1]}-prev", et[2])]


def session_edges(src: np.ndarray, dst: np.ndarray, order: np.ndarray, keep: np.ndarray,
                  window: int) -> Tuple[np.ndarray, np.ndarray]:
    """Pairs (earlier destination, later destination) of each source's ``keep`` edges at most
    ``window`` apart in time order (the session graph of sequential recommenders)."""
    o = order[keep[order]]
    s, d = src[o], dst[o]
    a, b = [], []
    for lag in range(1, window + 1):
        same = s[lag:] == s[:-lag]
        a.append(d[:-lag][same])
        b.append(d[lag:][same])
    return np.concatenate(a) if a else np.zeros(0, np.int64), np.concatenate(b) if b else np.zeros(0, np.int64)


def link_message_graph(cg: ConstructedGraph, et: Tuple[str, str, str], keep: np.ndarray, opts: Dict[str, Any],
                       label: str, device: Any = "cpu", order: Optional[np.ndarray] = None):
    """The message-passing graph holding only the ``keep`` edges of the target relation (and
    of its reverse), with the :func:`session_edges` of those edges under ``session_window``,
    and the edge weights of ``recency_tau`` (None without it)."""
    g = cg.graph
    rev = cg.schema.get("reverse_etypes", {}).get(":".join(et))
    rev = tuple(rev.split(":")) if rev else None
    mask = torch.from_numpy(keep)
    kept = {et: mask}
    if rev:
        kept[rev] = mask
    extra = None
    window = int(opts.get("session_window") or 0)
    if window or opts.get("recency_tau"):
        src, dst = (x.numpy() for x in g.edges(etype=et))
        order = _link_order(cg, et, label) if order is None else order
    if window:
        if et[0] == et[2]:
            raise DGLError("session_window links destinations of a relation between two node types")
        a, b = (torch.from_numpy(x).to(g.idtype) for x in session_edges(src, dst, order, keep, window))
        nxt, prv = session_etypes(et)
        if nxt in g.canonical_etypes or prv in g.canonical_etypes:
            raise DGLError(f"session_window adds relations {nxt[1]!r} and {prv[1]!r}; the graph has one already")
        extra = {nxt: (a, b), prv: (b, a)}
    graph = _drop_edges(g, kept, extra).to(device)
    weights = None
    if opts.get("recency_tau"):
        if rev is None:
            raise DGLError("recency_tau weighs the reverse relation's messages; construct with add_reverse_edges")
        w = recency_weights(src, order, keep, float(opts["recency_tau"]))
        weights = {rev: torch.from_numpy(w).to(device)}
    return graph, weights


def _next_item_targets(src: np.ndarray, order: np.ndarray, train: np.ndarray, window: int,
                       rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """One draw of ``lp_targets: next``: per source a random cut in its time-ordered training
    edges; the ``window`` edges after the cut are the targets, the edges before it the message
    graph (later ones are left out). Returns (message mask, target edge ids)."""
    o = order[train[order]]
    s = src[o]
    n = len(o)
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    counts = np.diff(np.r_[starts, n])
    pos = np.arange(n) - np.repeat(starts, counts)
    # cut in [1, count - 1]: at least one edge before it and one target after it
    cut = np.repeat(1 + np.floor(rng.random(len(counts)) * np.maximum(counts - 1, 1)).astype(np.int64), counts)
    multi = np.repeat(counts >= 2, counts)
    keep = np.zeros(len(src), dtype=bool)
    keep[o[(pos < cut) | ~multi]] = True
    targets = o[multi & (pos >= cut) & (pos < cut + window)]
    return keep, targets


class _CandidateSampler:
    """Negative sampler for the edge data loader: ``k`` destinations per seed edge, uniform or
    by popularity (the weights of :func:`~graphdl.workflows.losses.sample_negatives`)."""

    def __init__(self, kind: str, k: int, popularity: torch.Tensor, etype: Tuple[str, str, str]) -> None:
        self.kind, self.k, self.popularity, self.etype = kind, k, popularity, etype

    def __call__(self, g, eids):
        ids = eids[self.etype] if isinstance(eids, dict) else eids
        src = g.find_edges(ids, etype=self.etype)[0].repeat_interleave(self.k)
        dst = sample_negatives(self.kind, len(ids), self.k, g.num_nodes(self.etype[2]), self.popularity).reshape(-1)
        return {self.etype: (src, dst.to(src.dtype))}


def _link_loader(g_train, et, rev, opts, k, pop, device):
    """Edge data loader over the training edges: sampled blocks, the positive pair graph and
    ``k`` candidate negatives per edge; the seed edges (and their reverses) are left out of the
    blocks so a positive never passes its own message."""
    fan = opts["fanouts"] if isinstance(opts["fanouts"], list) else [int(f) for f in str(opts["fanouts"]).split(",")]
    if len(fan) != opts["layers"]:
        raise DGLError(f"fanouts {fan} must have one entry per layer ({opts['layers']})")
    exclude = {"exclude": "reverse_types", "reverse_etypes": {et: rev, rev: et}} if rev else {"exclude": "self"}
    sampler = as_edge_prediction_sampler(NeighborSampler(fan), negative_sampler=_CandidateSampler(
        opts["negative"], k, pop, et), **exclude)
    seeds = {et: torch.arange(g_train.num_edges(et), device=g_train.device)}
    return DataLoader(g_train, seeds, sampler, batch_size=opts["lp_batch_size"], shuffle=True)


def _train_link(cg, g, target, opts, run, enc_spec, names, device, resume):
    et = target["etype"]
    if opts["loss"] is None:
        opts["loss"] = "bpr"
    if opts["loss"] not in LINK_LOSSES:
        raise DGLError(f"unknown link-prediction loss {opts['loss']!r}; use {', '.join(LINK_LOSSES)}")
    if opts["negative"] not in NEGATIVES + ("all",):
        raise DGLError(f"unknown negative sampler {opts['negative']!r}; use {', '.join(NEGATIVES + ('all',))}")
    if opts["negative"] == "all" and (opts["decoder"] == "mlp" or opts["loss"] != "contrastive"):
        raise DGLError("negative: all (a softmax over every destination) needs loss: contrastive and a dot or distmult decoder")
    if opts["lp_targets"] not in ("all", "next"):
        raise DGLError(f"unknown lp_targets {opts['lp_targets']!r}; use all or next")
    split = link_split(cg, et)
    masks = split["masks"]
    label = target["label"]
    order = _link_order(cg, et, label)
    src_all = g.edges(etype=et)[0].numpy()
    dst_all = g.edges(etype=et)[1].to(device)
    train_np = masks["train_mask"].numpy()
    trval_np = (masks["train_mask"] | masks["val_mask"]).numpy()
    g_train, w_train = link_message_graph(cg, et, train_np, opts, label, device, order)
    g_test, w_test = link_message_graph(cg, et, trval_np, opts, label, device, order) \
        if opts["test_with_val_edges"] else (g_train, w_train)
    spec = {"encoder": enc_spec, "head": {"kind": opts["decoder"], "out": 1}}
    model = build_model(spec).to(device)
    run.setup(model, resume)
    feats = _features(g, names, device)
    tr_s, tr_d = (torch.from_numpy(x).to(device) for x in split["train_mask"])
    train_eids = np.flatnonzero(train_np)
    num_dst = g.num_nodes(et[2])
    pop = torch.bincount(tr_d.cpu(), minlength=num_dst).float() ** 0.75 + 1e-6
    seen_train = _by_source(*split["train_mask"])
    trval = (np.r_[split["train_mask"][0], split["val_mask"][0]], np.r_[split["train_mask"][1], split["val_mask"][1]])
    seen_trval = _by_source(*trval)
    val_t, test_t = _by_source(*split["val_mask"]), _by_source(*split["test_mask"])
    B, K = opts["lp_batch_size"], opts["num_negatives"]
    rng = np.random.default_rng(opts["seed"])
    src_t = torch.from_numpy(src_all).to(device)
    hard = max(1, int(opts["hard_negatives"] or 0))
    if hard > 1 and opts["negative"] not in ("uniform", "popularity"):
        raise DGLError("hard_negatives picks among sampled candidates: use negative uniform or popularity")
    if opts["minibatch"] and (opts["lp_targets"] != "all" or opts["negative"] not in ("uniform", "popularity")):
        raise DGLError("minibatch link prediction takes lp_targets: all and uniform or popularity negatives")

    def step(graph, weights, eids):
        run.optim.zero_grad()
        h = model.encoder(graph, feats, weights)
        u, v = src_t[eids], dst_all[eids]
        hu, hv = h[et[0]][u], h[et[2]][v]
        if opts["negative"] == "all":
            logits = model.head.all_pairs(hu, h[et[2]]) / opts["temperature"]
            loss = F.cross_entropy(logits, v)
        elif opts["negative"] == "in_batch":
            neg = model.head.all_pairs(hu, hv)
            mask = v.unsqueeze(0) != v.unsqueeze(1)  # drop the pair itself (and duplicates)
            loss = link_loss(opts["loss"], model.head(hu, hv), neg, mask, opts["temperature"])
        else:
            nid = sample_negatives(opts["negative"], len(eids), K * hard, num_dst, pop.cpu()).to(device)
            loss = pair_loss(hu, hv, h[et[2]][nid], nid, v)
        loss.backward()
        run.optim.step()
        return loss.item()

    def pair_loss(hu, hv, hn, nid, v):
        """Loss of positives (B, D) against candidate negatives (B, C, D); with hard_negatives
        only the K highest-scoring candidates (that are not the positive) are kept."""
        if hard > 1:
            with torch.no_grad():
                top = hardest_negatives(model.head(hu.unsqueeze(1).expand_as(hn), hn), nid, v, K)
            nid = nid.gather(1, top)
            hn = hn.gather(1, top.unsqueeze(-1).expand(-1, -1, hn.shape[-1]))
        neg = model.head(hu.unsqueeze(1).expand_as(hn), hn)
        return link_loss(opts["loss"], model.head(hu, hv), neg, nid != v.unsqueeze(1), opts["temperature"])

    loader = None
    if opts["minibatch"]:
        loader = _link_loader(g_train, et, split["reverse"], opts, K * hard, pop, device)

    def minibatch_epoch():
        total, n = 0.0, 0
        for _, pos_g, neg_g, blocks in loader:
            run.optim.zero_grad()
            ws = None
            if w_train:
                ws = [{c: w[b.edges[c].data[EID].long()] for c, w in w_train.items() if c in b.canonical_etypes}
                      for b in blocks]
            h = model.encoder.forward_blocks(blocks, feats, ws)
            ps, pd = pos_g.edges(etype=et)
            ns, nd = neg_g.edges(etype=et)
            hu, hv = h[et[0]][ps.long()], h[et[2]][pd.long()]
            nd = nd.long().view(len(ps), -1)
            # compare global ids: a candidate equal to the positive is no negative
            gid = pos_g.nodes[et[2]].data[NID]
            loss = pair_loss(hu, hv, h[et[2]][nd], gid[nd], gid[pd.long()])
            loss.backward()
            run.optim.step()
            total += loss.item() * len(ps)
            n += len(ps)
        return total / max(n, 1)

    def train_step():
        if loader is not None:
            return minibatch_epoch()
        if opts["lp_targets"] == "next":
            keep, targets = _next_item_targets(src_all, order, train_np, int(opts["next_window"]), rng)
            graph, weights = link_message_graph(cg, et, keep, opts, label, device, order)
            eids = torch.from_numpy(targets).to(device)
        else:
            graph, weights = g_train, w_train
            eids = torch.from_numpy(train_eids).to(device)
        perm = eids[torch.randperm(len(eids), device=device)]
        total = 0.0
        for i in range(0, len(perm), B):
            idx = perm[i:i + B]
            total += step(graph, weights, idx) * len(idx)
        return total / max(len(perm), 1)

    def rank(graph, weights, targets, seen, curve_k=0):
        h = model.encoder(graph, feats, weights)
        hu_all, hv_all = h[et[0]], h[et[2]]
        return full_ranking(lambda ub: model.head.all_pairs(hu_all[ub.to(device)], hv_all),
                            np.array(sorted(targets)), targets, seen, num_dst, opts["ks"], curve_k=curve_k)

    metric = opts["val_metric"] or "ndcg@10"

    def evaluate():
        m = rank(g_train, w_train, val_t, seen_train)
        if metric not in m:
            raise DGLError(f"unknown val_metric {metric!r}; use one of {', '.join(k for k in m if k != 'queries')}")
        return m[metric]

    run.epochs(train_step, evaluate)
    with torch.no_grad():
        val = rank(g_train, w_train, val_t, seen_train)
        test = rank(g_test, w_test, test_t, seen_trval, curve_k=50)
    curve = test.pop("hits_curve")
    return {"spec": spec, "val": val, "test": test, "val_metric": metric, "_hits_curve": curve}


# ----------------------------------------------------------------------------- plots


def _plots(result: Dict[str, Any], out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # optional at import time of graphdl

    paths = {}
    hist = result["history"]
    if hist["epoch"]:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(hist["epoch"], hist["loss"], label="training loss", color="tab:blue")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax2 = ax.twinx()
        ax2.plot(hist["epoch"], hist["val"], label=f"validation {result['val_metric']}", color="tab:orange")
        ax2.set_ylabel(result["val_metric"])
        fig.legend(loc="upper right")
        fig.tight_layout()
        paths["curves"] = os.path.join(out, "curves.png")
        fig.savefig(paths["curves"], dpi=90)
        plt.close(fig)
    curve = result.pop("_curve", None)
    if curve is not None:
        y, s = curve
        fpr, tpr, _ = roc_curve(y, s)
        prec, rec, _ = pr_curve(y, s)
        fig, (a, b) = plt.subplots(1, 2, figsize=(9, 4))
        a.plot(fpr, tpr)
        a.plot([0, 1], [0, 1], ls=":", color="grey")
        a.set(xlabel="false positive rate", ylabel="true positive rate",
              title=f"ROC (AUC {result['test'].get('roc_auc', float('nan')):.3f})")
        b.plot(rec, prec)
        b.set(xlabel="recall", ylabel="precision", title=f"PR (AP {result['test'].get('pr_auc', float('nan')):.3f})")
        fig.tight_layout()
        paths["roc_pr"] = os.path.join(out, "roc_pr.png")
        fig.savefig(paths["roc_pr"], dpi=90)
        plt.close(fig)
    hits = result.pop("_hits_curve", None)
    if hits is not None:
        result["test"]["hits_curve"] = hits
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.plot(range(1, len(hits) + 1), hits)
        ax.set(xlabel="k", ylabel="Hits@k (test, full ranking)", title="ranking")
        fig.tight_layout()
        paths["ranking"] = os.path.join(out, "ranking.png")
        fig.savefig(paths["ranking"], dpi=90)
        plt.close(fig)
    result["paths"] = dict(paths, model=os.path.join(out, "model.pt"), metrics=os.path.join(out, "metrics.json"))
