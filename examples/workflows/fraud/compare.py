"""GNN vs gradient-boosted trees on the same account features (PR-AUC on the same test split)."""
from __future__ import annotations

import json
import sys

import numpy as np


def main(graph: str, run: str) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier  # example extra

    from graphdl.workflows import load_constructed
    from graphdl.workflows.metrics import binary_report

    cg = load_constructed(graph)
    d = cg.graph.nodes["account"].data
    x = np.concatenate([d["num"].numpy(), d["country"].numpy()], 1)
    y = d["is_fraud"].numpy()
    tr, te = d["train_mask"].bool().numpy(), d["test_mask"].bool().numpy()
    clf = HistGradientBoostingClassifier(random_state=0).fit(x[tr], y[tr])
    gbt = binary_report(y[te], clf.predict_proba(x[te])[:, 1])
    with open(f"{run}/metrics.json") as fh:
        gnn = json.load(fh)["test"]
    print(f"HistGradientBoosting (features only): PR-AUC {gbt['pr_auc']:.4f} ROC-AUC {gbt['roc_auc']:.4f}")
    print(f"GNN ({run}): PR-AUC {gnn['pr_auc']:.4f} ROC-AUC {gnn['roc_auc']:.4f} "
          f"F1 at validation threshold {gnn['f1']:.4f}")
    print(f"PR-AUC difference: {gnn['pr_auc'] - gbt['pr_auc']:+.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
