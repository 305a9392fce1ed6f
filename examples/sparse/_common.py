"""Shared pieces of the sparse-algebra examples: data, normalised adjacency, training, seeds.

Model selection follows the GAT paper (as examples/node_classification.py does): training
stops once neither the validation accuracy nor the validation loss has improved for
``--patience`` epochs, and the test accuracy is read at the last epoch that improved both.
Models listed as ``fixed_epochs`` (SGC, SIGN) train their budget and report the last epoch.
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, Optional

import torch
import torch.nn.functional as F

import graphdl as dgl
import graphdl.sparse as dglsp

DATASETS = {"cora": dgl.data.CoraGraphDataset, "citeseer": dgl.data.CiteseerGraphDataset}


def load(name: str):
    """The graph without self-loops, and its adjacency matrix ``A`` (a SparseMatrix)."""
    g = DATASETS[name](verbose=False)[0]
    src, dst = g.edges()
    keep = src != dst
    h = dgl.graph((src[keep], dst[keep]), num_nodes=g.num_nodes())
    for k, v in g.ndata.items():
        h.ndata[k] = v
    return h, h.adj()


def sparse_features(X: torch.Tensor) -> dglsp.SparseMatrix:
    """The non-zero entries of a feature matrix as a SparseMatrix (Cora's features are ~1% dense)."""
    row, col = X.nonzero(as_tuple=True)
    return dglsp.from_coo(row, col, X[row, col], shape=tuple(X.shape))


def dropout_linear(X, lin: torch.nn.Linear, p: float, training: bool) -> torch.Tensor:
    r"""``lin(dropout(X))``; for a sparse ``X`` on its stored entries only.

    Dropout leaves a zero at zero, so dropping out the stored values of :math:`X` and
    computing :math:`X W^\top + b` as a sparse @ dense product is the same layer as the dense
    one, without drawing a random number for (and multiplying) every zero of the feature matrix.
    """
    if isinstance(X, dglsp.SparseMatrix):
        X = dglsp.val_like(X, F.dropout(X.val, p, training))
        out = X @ lin.weight.T
        return out if lin.bias is None else out + lin.bias
    return lin(F.dropout(X, p, training))


def gcn_norm(A: dglsp.SparseMatrix) -> dglsp.SparseMatrix:
    r""":math:`\hat D^{-1/2} (A + I) \hat D^{-1/2}`, written as sparse algebra."""
    A_hat = A + dglsp.identity(A.shape)
    d_inv_sqrt = dglsp.diag(A_hat.sum(0)) ** -0.5
    return d_inv_sqrt @ A_hat @ d_inv_sqrt


def accuracy(logits: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor) -> float:
    return (logits[mask].argmax(1) == labels[mask]).float().mean().item()


def train(model: torch.nn.Module, forward: Callable[[], torch.Tensor], g, lr: float, weight_decay: float,
          epochs: int, patience: int, fixed_epochs: bool = False,
          param_groups: Optional[list] = None) -> float:
    labels = g.ndata["label"]
    train_m, val_m, test_m = (g.ndata[k].bool() for k in ("train_mask", "val_mask", "test_mask"))
    opt = torch.optim.Adam(param_groups or model.parameters(), lr=lr, weight_decay=weight_decay)
    best_acc, best_loss, best_test, waited = -1.0, float("inf"), 0.0, 0
    logits = None
    for _ in range(epochs):
        model.train()
        loss = F.cross_entropy(forward()[train_m], labels[train_m])
        opt.zero_grad()
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            logits = forward()
        if fixed_epochs:
            continue
        val_acc = accuracy(logits, labels, val_m)
        val_loss = F.cross_entropy(logits[val_m], labels[val_m]).item()
        if val_acc >= best_acc or val_loss <= best_loss:
            if val_acc >= best_acc and val_loss <= best_loss:
                best_test = accuracy(logits, labels, test_m)
            best_acc, best_loss, waited = max(best_acc, val_acc), min(best_loss, val_loss), 0
        else:
            waited += 1
            if waited >= patience:
                break
    return accuracy(logits, labels, test_m) if fixed_epochs else best_test


def main(name: str, run: Callable[[str, int, argparse.Namespace], float], defaults: Optional[Dict] = None) -> None:
    """Parse the common options, run ``run(dataset, seed, args)`` per seed, print mean ± std."""
    parser = argparse.ArgumentParser(description=f"{name} written as sparse-matrix algebra")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="cora")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="run seeds first-seed, ..., first-seed + seeds - 1 (to split a long series)")
    parser.add_argument("--patience", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    for k, v in (defaults or {}).items():
        parser.add_argument(f"--{k}", type=type(v), default=v)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    try:
        import numba

        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    except ImportError:  # numba is optional for the examples
        pass
    start = time.time()
    accs = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        torch.manual_seed(seed)
        accs.append(run(args.dataset, seed, args))
        print(f"seed {seed}: test accuracy {100 * accs[-1]:.1f} ({time.time() - start:.0f} s)", flush=True)
    mean = 100 * statistics.mean(accs)
    std = 100 * statistics.stdev(accs) if len(accs) > 1 else 0.0
    print(f"{name} {args.dataset}: test accuracy {mean:.1f} ± {std:.1f} over {len(accs)} seeds "
          f"({time.time() - start:.0f} s)")
