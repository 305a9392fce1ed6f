import itertools

import numpy as np
import torch

from graphdl.workflows.metrics import binary_report, full_ranking, pr_auc, roc_auc, best_f1


def brute_rank(scores, excluded, target):
    cands = [j for j in range(len(scores)) if j not in excluded]
    order = sorted(cands, key=lambda j: (-scores[j], j))
    return order.index(target) + 1


def test_full_ranking_against_brute_force():
    rng = np.random.default_rng(0)
    U, N = 30, 40
    S = rng.integers(0, 5, (U, N)).astype(np.float32)  # many ties
    seen = {u: rng.choice(N, 6, replace=False) for u in range(U)}
    targets = {u: rng.choice(N, 1 + u % 3, replace=False) for u in range(U)}
    got = full_ranking(lambda ub: torch.from_numpy(S[ub.numpy()]), np.arange(U), targets, seen, N, (5, 10), batch=7)
    mrr, hits, rec, ndcg = [], [], [], []
    for u in range(U):
        sset = set(seen[u].tolist()) - set(targets[u].tolist())  # every target is a candidate
        ranks = np.array([brute_rank(S[u], sset, t) for t in targets[u]])
        mrr.append(1 / ranks.min())
        hits.append(ranks.min() <= 10)
        rec.append(np.mean(ranks <= 10))
        dcg = sum(1 / np.log2(r + 1) for r in ranks if r <= 10)
        ndcg.append(dcg / sum(1 / np.log2(i + 2) for i in range(min(len(ranks), 10))))
    np.testing.assert_allclose(got["mrr"], np.mean(mrr))
    np.testing.assert_allclose(got["hits@10"], np.mean(hits))
    np.testing.assert_allclose(got["recall@10"], np.mean(rec))
    np.testing.assert_allclose(got["ndcg@10"], np.mean(ndcg))


def test_binary_metrics_against_definitions():
    rng = np.random.default_rng(1)
    y = (rng.random(60) < 0.3).astype(int)
    s = np.round(rng.random(60) + 0.3 * y, 1)  # ties
    pos, neg = s[y == 1], s[y == 0]
    ref_auc = np.mean([(p > n) + 0.5 * (p == n) for p, n in itertools.product(pos, neg)])
    np.testing.assert_allclose(roc_auc(y, s), ref_auc)
    ap = 0.0
    prev_r = 0.0
    for t in sorted(set(s), reverse=True):
        pred = s >= t
        p = (pred & (y == 1)).sum() / pred.sum()
        r = (pred & (y == 1)).sum() / y.sum()
        ap += (r - prev_r) * p
        prev_r = r
    np.testing.assert_allclose(pr_auc(y, s), ap)
    f1s = []
    for t in set(s):
        pred = s >= t
        tp = (pred & (y == 1)).sum()
        f1s.append(2 * tp / (pred.sum() + y.sum()))
    np.testing.assert_allclose(best_f1(y, s)[0], max(f1s))
    rep = binary_report(y, s, threshold=0.8)
    pred = s >= 0.8
    np.testing.assert_allclose(rep["precision"], (pred & (y == 1)).sum() / pred.sum())
