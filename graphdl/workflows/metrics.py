"""Evaluation metrics: binary classification (imbalance-aware) and full-ranking recommendation.

Binary (``y`` in {0, 1}, higher ``score`` = more positive):

- ROC-AUC as the Mann-Whitney statistic, ties counted one half;
- PR-AUC as average precision :math:`\\sum_n (R_n - R_{n-1}) P_n` over distinct thresholds;
- F1 at the threshold that maximises it, and recall at the lowest threshold whose precision
  reaches a target.

Ranking: for each query (user) the candidates are all items except the excluded ones (already
seen in training). Candidates are ordered by score, ties broken by item id (a stable sort), and
each target item gets its 1-based position :math:`r`. Per query with targets :math:`T`:
:math:`\\mathrm{MRR} = 1/\\min_T r`, Hits@k = :math:`[\\min_T r \\le k]`,
Recall@k = :math:`|\\{t: r_t \\le k\\}| / |T|`,
NDCG@k = :math:`\\sum_{r_t \\le k} 1/\\log_2(r_t + 1) \\,/\\, \\sum_{i=1}^{\\min(|T|, k)} 1/\\log_2(i + 1)`;
each is averaged over queries.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

__all__ = ["roc_auc", "pr_auc", "best_f1", "recall_at_precision", "roc_curve", "pr_curve",
           "binary_report", "target_ranks", "ranking_metrics", "full_ranking"]


def _sorted_counts(y: np.ndarray, score: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative true/false positives at each distinct threshold, highest score first."""
    order = np.argsort(-score, kind="stable")
    y, score = y[order], score[order]
    last = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    return tp.astype(np.float64), fp.astype(np.float64), score[last]


def roc_curve(y, score) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False-positive rates, true-positive rates and thresholds."""
    y, score = np.asarray(y, dtype=np.int64), np.asarray(score, dtype=np.float64)
    tp, fp, thr = _sorted_counts(y, score)
    pos, neg = max(tp[-1], 1.0), max(fp[-1], 1.0)
    return np.r_[0.0, fp / neg], np.r_[0.0, tp / pos], np.r_[np.inf, thr]


def pr_curve(y, score) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and thresholds (highest threshold first)."""
    y, score = np.asarray(y, dtype=np.int64), np.asarray(score, dtype=np.float64)
    tp, fp, thr = _sorted_counts(y, score)
    precision = tp / np.maximum(tp + fp, 1.0)
    recall = tp / max(tp[-1], 1.0)
    return precision, recall, thr


def roc_auc(y, score) -> float:
    """Area under the ROC curve (probability that a positive outranks a negative)."""
    y, score = np.asarray(y, dtype=np.int64), np.asarray(score, dtype=np.float64)
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    from scipy.stats import rankdata  # average ranks for ties

    ranks = rankdata(score)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def pr_auc(y, score) -> float:
    """Average precision."""
    precision, recall, _ = pr_curve(y, score)
    if np.asarray(y).sum() == 0:
        return float("nan")
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def best_f1(y, score) -> Tuple[float, float]:
    """The best F1 over thresholds and the threshold (predict positive when score >= it)."""
    precision, recall, thr = pr_curve(y, score)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    i = int(np.argmax(f1))
    return float(f1[i]), float(thr[i])


def recall_at_precision(y, score, precision_target: float = 0.9) -> float:
    """The highest recall among thresholds whose precision is at least ``precision_target``."""
    precision, recall, _ = pr_curve(y, score)
    ok = precision >= precision_target
    return float(recall[ok].max()) if ok.any() else 0.0


def binary_report(y, score, threshold: Optional[float] = None, precision_target: float = 0.9) -> Dict[str, float]:
    """ROC-AUC, PR-AUC, best F1 and its threshold, recall at ``precision_target``; with
    ``threshold`` (chosen on validation) also precision, recall and F1 at that threshold."""
    y = np.asarray(y, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    f1, thr = best_f1(y, score)
    out = {"roc_auc": roc_auc(y, score), "pr_auc": pr_auc(y, score), "best_f1": f1,
           "best_threshold": thr, f"recall_at_precision_{precision_target:g}":
           recall_at_precision(y, score, precision_target), "positives": int(y.sum()), "count": int(len(y))}
    if threshold is not None:
        pred = score >= threshold
        tp = float((pred & (y == 1)).sum())
        p = tp / max(pred.sum(), 1)
        r = tp / max(y.sum(), 1)
        out.update(threshold=float(threshold), precision=p, recall=r, f1=2 * p * r / max(p + r, 1e-12))
    return out


def target_ranks(scores: torch.Tensor, exclude: torch.Tensor, rows: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
    """1-based positions of ``items`` among the non-excluded candidates of their score rows.

    Parameters
    ----------
    scores : Tensor
        (Q, N) scores of every item for Q queries.
    exclude : Tensor
        (Q, N) bool: items that are not candidates (seen in training).
    rows, items : Tensor
        The query row and item id of each target.
    """
    s = scores.masked_fill(exclude, float("-inf"))
    st = scores[rows, items].unsqueeze(1)
    cand = ~exclude[rows]
    ids = torch.arange(scores.shape[1], device=scores.device).unsqueeze(0)
    ahead = ((s[rows] > st) | ((s[rows] == st) & (ids < items.unsqueeze(1)))) & cand
    return ahead.sum(1) + 1


def ranking_metrics(ranks: Sequence[np.ndarray], ks: Sequence[int] = (10, 20)) -> Dict[str, float]:
    """MRR, Hits@k, Recall@k and NDCG@k from the target ranks of each query."""
    out: Dict[str, float] = {}
    q = len(ranks)
    if q == 0:
        return {"queries": 0}
    best = np.array([r.min() for r in ranks], dtype=np.float64)
    out["mrr"] = float(np.mean(1.0 / best))
    for k in ks:
        out[f"hits@{k}"] = float(np.mean(best <= k))
        out[f"recall@{k}"] = float(np.mean([np.mean(r <= k) for r in ranks]))
        ndcg = []
        for r in ranks:
            dcg = np.sum(1.0 / np.log2(r[r <= k] + 1.0))
            idcg = np.sum(1.0 / np.log2(np.arange(1, min(len(r), k) + 1) + 1.0))
            ndcg.append(dcg / idcg)
        out[f"ndcg@{k}"] = float(np.mean(ndcg))
    out["queries"] = q
    return out


def full_ranking(score_fn: Callable[[torch.Tensor], torch.Tensor], users: np.ndarray,
                 targets: Dict[int, np.ndarray], seen: Dict[int, np.ndarray], num_items: int,
                 ks: Sequence[int] = (10, 20), batch: int = 256,
                 curve_k: int = 0) -> Dict[str, float]:
    """Rank every item for each user, excluding ``seen``, and score the ``targets``.

    ``score_fn(user_ids)`` returns a (B, num_items) score matrix. With ``curve_k`` the result
    also holds ``hits_curve``: Hits@k for k = 1..curve_k.
    """
    all_ranks: List[np.ndarray] = []
    users = np.asarray([u for u in users if len(targets.get(int(u), ())) > 0], dtype=np.int64)
    for start in range(0, len(users), batch):
        ub = users[start:start + batch]
        with torch.no_grad():
            scores = score_fn(torch.from_numpy(ub)).float().cpu()
        exclude = torch.zeros(scores.shape, dtype=torch.bool)
        rows, items = [], []
        for i, u in enumerate(ub):
            s = seen.get(int(u))
            if s is not None and len(s):
                exclude[i, torch.from_numpy(np.asarray(s, dtype=np.int64))] = True
            t = np.asarray(targets[int(u)], dtype=np.int64)
            exclude[i, torch.from_numpy(t)] = False  # a target is always a candidate
            rows += [i] * len(t)
            items += t.tolist()
        ranks = target_ranks(scores, exclude, torch.tensor(rows), torch.tensor(items)).numpy()
        rows_np = np.asarray(rows)
        for i in range(len(ub)):
            all_ranks.append(ranks[rows_np == i])
    out = ranking_metrics(all_ranks, ks)
    if curve_k:
        best = np.array([r.min() for r in all_ranks]) if all_ranks else np.zeros(0)
        out["hits_curve"] = [float(np.mean(best <= k)) if len(best) else 0.0 for k in range(1, curve_k + 1)]
    return out
