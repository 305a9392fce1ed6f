"""Most-popular, item-kNN and implicit-ALS baselines on a constructed graph's leave-last-out split.

Both are scored by the same full-ranking code as the GNN (graphdl.workflows.metrics):
validation picks the ALS setting, then each baseline is refitted on training + validation
interactions and ranks every item the user has not interacted with for the test item.

Item-kNN scores :math:`s_{ui} = \\sum_j w_{uj}\\, \\mathrm{sim}(j, i)` with the cosine
co-occurrence :math:`\\mathrm{sim}(j, i) = |U_j \\cap U_i| / \\sqrt{|U_j||U_i|}`; :math:`w_{uj} = 1`
for plain kNN, and the recency weights of ``recency_tau`` (graphdl.workflows.train) for the
recency-weighted variant, :math:`\\tau` picked on validation.

ALS is the implicit-feedback matrix factorisation of Hu, Koren and Volinsky (2008): with
confidence :math:`c_{ui} = 1 + \\alpha` on observed pairs (1 elsewhere) and preference
:math:`p_{ui} = [\\text{observed}]`, alternate
:math:`x_u = (Y^\\top Y + Y^\\top (C_u - I) Y + \\lambda I)^{-1} Y^\\top C_u p_u` and the same for items.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, Tuple

import numpy as np
import torch

from graphdl.workflows.construct import load_constructed
from graphdl.workflows.metrics import full_ranking
from graphdl.workflows.train import _by_source, _link_order, link_split, recency_weights


def popularity_scores(dst: np.ndarray, num_items: int):
    counts = torch.from_numpy(np.bincount(dst, minlength=num_items).astype(np.float32))
    return lambda ub: counts.unsqueeze(0).expand(len(ub), -1)


def item_knn_scores(src: np.ndarray, dst: np.ndarray, w: np.ndarray, num_users: int, num_items: int):
    """(users, items) scores sum_j w_uj sim(j, i), computed as (W Xn^T) Xn with Xn the
    user-item matrix scaled by 1/sqrt(item count); the sim(i, i) term lands on seen items only."""
    import scipy.sparse as sp

    counts = np.bincount(dst, minlength=num_items).astype(np.float64)
    X = sp.csr_matrix((1.0 / np.sqrt(np.maximum(counts[dst], 1.0)), (src, dst)), shape=(num_users, num_items))
    W = sp.csr_matrix((w, (src, dst)), shape=(num_users, num_items))
    S = torch.from_numpy(np.asarray(((W @ X.T) @ X).todense(), dtype=np.float32))
    return lambda ub: S[ub]


def als(src: np.ndarray, dst: np.ndarray, num_users: int, num_items: int, factors: int, reg: float,
        alpha: float, iters: int = 8, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 0.01, (num_users, factors))
    Y = rng.normal(0, 0.01, (num_items, factors))
    by_u = _by_source(src, dst)
    by_i = _by_source(dst, src)

    def solve(fixed: np.ndarray, rows: Dict[int, np.ndarray], n: int) -> np.ndarray:
        gram = fixed.T @ fixed + reg * np.eye(factors)
        out = np.zeros((n, factors))
        for r, cols in rows.items():
            F = fixed[cols]
            A = gram + alpha * F.T @ F
            b = (1 + alpha) * F.sum(0)
            out[r] = np.linalg.solve(A, b)
        return out

    for _ in range(iters):
        X = solve(Y, by_u, num_users)
        Y = solve(X, by_i, num_items)
    return X, Y


def evaluate(fn, targets, seen, num_items):
    return full_ranking(fn, np.array(sorted(targets)), targets, seen, num_items, (10, 20))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("graph", help="folder written by graphdl construct")
    p.add_argument("--relation", default="user:rates:movie")
    p.add_argument("--out", default=None, help="write the results as JSON here")
    p.add_argument("--skip-als", action="store_true", help="only the popularity and item-kNN baselines")
    a = p.parse_args(argv)
    cg = load_constructed(a.graph)
    et = tuple(a.relation.split(":"))
    split = link_split(cg, et)
    nu, ni = cg.graph.num_nodes(et[0]), cg.graph.num_nodes(et[2])
    tr, va, te = split["train_mask"], split["val_mask"], split["test_mask"]
    trval = (np.r_[tr[0], va[0]], np.r_[tr[1], va[1]])
    seen_tr, seen_trval = _by_source(*tr), _by_source(*trval)
    val_t, test_t = _by_source(*va), _by_source(*te)
    results = {"most_popular": {"test": evaluate(popularity_scores(trval[1], ni), test_t, seen_trval, ni)}}
    src_all, dst_all = (x.numpy() for x in cg.graph.edges(etype=et))
    order = _link_order(cg, et, "lp")
    m_tr, m_trval = split["masks"]["train_mask"].numpy(), (split["masks"]["train_mask"] | split["masks"]["val_mask"]).numpy()

    def knn(mask, tau):
        w = np.ones(mask.sum()) if tau is None else recency_weights(src_all, order, mask, tau).astype(np.float64)
        return item_knn_scores(src_all[mask], dst_all[mask], w, nu, ni)

    results["item_knn"] = {"test": evaluate(knn(m_trval, None), test_t, seen_trval, ni)}
    knn_grid = []
    for tau in (1.0, 2.0, 5.0, 10.0):
        m = evaluate(knn(m_tr, tau), val_t, seen_tr, ni)
        knn_grid.append({"tau": tau, "val_ndcg@10": m["ndcg@10"], "val_hits@10": m["hits@10"]})
        print(f"item-kNN recency tau={tau}: val Hits@10 {m['hits@10']:.4f} NDCG@10 {m['ndcg@10']:.4f}", file=sys.stderr)
    tau = max(knn_grid, key=lambda r: r["val_ndcg@10"])["tau"]
    results["item_knn_recency"] = {"setting": {"tau": tau}, "grid": knn_grid,
                                   "test": evaluate(knn(m_trval, tau), test_t, seen_trval, ni)}
    best = None
    grid = [] if a.skip_als else [(64, 1.0, 10.0), (128, 1.0, 10.0), (64, 10.0, 40.0)]
    settings = []
    for factors, reg, alpha in grid:
        X, Y = als(tr[0], tr[1], nu, ni, factors, reg, alpha)
        Xt, Yt = torch.from_numpy(X).float(), torch.from_numpy(Y).float()
        m = evaluate(lambda ub: Xt[ub] @ Yt.t(), val_t, seen_tr, ni)
        settings.append({"factors": factors, "reg": reg, "alpha": alpha, "val_ndcg@10": m["ndcg@10"],
                         "val_hits@10": m["hits@10"]})
        print(f"ALS factors={factors} reg={reg} alpha={alpha}: val Hits@10 {m['hits@10']:.4f} "
              f"NDCG@10 {m['ndcg@10']:.4f}", file=sys.stderr)
        if best is None or m["ndcg@10"] > best[0]:
            best = (m["ndcg@10"], factors, reg, alpha)
    if best is not None:
        _, factors, reg, alpha = best
        X, Y = als(trval[0], trval[1], nu, ni, factors, reg, alpha)
        Xt, Yt = torch.from_numpy(X).float(), torch.from_numpy(Y).float()
        results["als"] = {"setting": {"factors": factors, "reg": reg, "alpha": alpha}, "grid": settings,
                          "test": evaluate(lambda ub: Xt[ub] @ Yt.t(), test_t, seen_trval, ni)}
    for name, r in results.items():
        t = r["test"]
        print(f"{name}: test Hits@10 {t['hits@10']:.4f} NDCG@10 {t['ndcg@10']:.4f} MRR {t['mrr']:.4f} "
              f"Recall@20 {t['recall@20']:.4f} ({t['queries']} users)")
    if a.out:
        with open(a.out, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
