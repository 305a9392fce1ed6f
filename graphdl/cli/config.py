"""``graphdl train``'s options: defaults, the YAML config file, validation and the device."""
from __future__ import annotations

import argparse
import os
from typing import Any, Callable, Dict

import torch

from ..models import MODELS
from ._command import CommandError

__all__ = ["TRAIN_DEFAULTS", "NODE_DATASETS", "MODELS", "load_config", "resolve_train_options", "device"]

NODE_DATASETS = ("cora", "citeseer", "pubmed")

# Defaults follow DGL's GCN example on Cora.
TRAIN_DEFAULTS: Dict[str, Any] = {
    "dataset": "cora",
    "model": "gcn",
    "epochs": 200,
    "lr": 0.01,
    "hidden": 16,
    "dropout": 0.5,
    "weight_decay": 5e-4,
    "device": "auto",
    "seed": 0,
    "out": None,
    "minibatch": False,
    "batch_size": 1024,
    "fanouts": "10,10",
}
_TYPES: Dict[str, Callable[[Any], Any]] = {
    "dataset": str, "model": str, "epochs": int, "lr": float, "hidden": int, "dropout": float,
    "weight_decay": float, "device": str, "seed": int, "out": str, "minibatch": bool,
    "batch_size": int, "fanouts": str,
}


def load_config(path: str) -> Dict[str, Any]:
    """The options of a YAML file, checked against the known keys and their types."""
    import yaml  # only ``--config`` needs it

    if not os.path.isfile(path):
        raise CommandError(f"config file {path} does not exist")
    try:
        with open(path) as f:
            data = yaml.safe_load(f) or {}
    except yaml.YAMLError as err:
        raise CommandError(f"config file {path} is not valid YAML ({str(err).splitlines()[0]})") from err
    if not isinstance(data, dict):
        raise CommandError(f"config file {path} must hold a mapping of option names to values")
    out = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in _TYPES:
            raise CommandError(f"unknown key {key!r} in {path}; known keys: {', '.join(sorted(_TYPES))}")
        try:
            out[name] = _TYPES[name](value) if value is not None else None
        except (TypeError, ValueError) as err:
            raise CommandError(f"bad value {value!r} for {key!r} in {path}") from err
    return out


def resolve_train_options(args: argparse.Namespace) -> Dict[str, Any]:
    """Defaults, then the config file, then options given on the command line."""
    opts = dict(TRAIN_DEFAULTS)
    if args.config:
        opts.update(load_config(args.config))
    for key in TRAIN_DEFAULTS:
        value = getattr(args, key, None)
        if value is not None:
            opts[key] = value
    if opts["dataset"] not in NODE_DATASETS:
        raise CommandError(f"unknown dataset {opts['dataset']!r}; choose one of {', '.join(NODE_DATASETS)}")
    if opts["model"] not in MODELS:
        raise CommandError(f"unknown model {opts['model']!r}; choose one of {', '.join(MODELS)}")
    for key in ("epochs", "hidden", "batch_size"):
        if opts[key] <= 0:
            raise CommandError(f"--{key.replace('_', '-')} must be positive, got {opts[key]}")
    if not 0 <= opts["dropout"] < 1:
        raise CommandError(f"--dropout must be in [0, 1), got {opts['dropout']}")
    if opts["lr"] <= 0:
        raise CommandError(f"--lr must be positive, got {opts['lr']}")
    if opts["out"] is None:
        opts["out"] = os.path.join("runs", f"{opts['dataset']}-{opts['model']}")
    return opts


def device(name: str) -> torch.device:
    """``auto`` (CUDA when available), ``cpu``, ``cuda`` or ``cuda:N``."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except RuntimeError as err:
        raise CommandError(f"unknown device {name!r}") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise CommandError(f"device {name!r} requested but CUDA is not available")
    return dev
