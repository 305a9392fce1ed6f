"""Generate a heterogeneous fraud graph as tables: accounts, devices, merchants and orders.

Fraud rings: groups of fraudulent accounts share a few devices and buy from the same
merchants. Camouflage: every fraudster also links to random honest devices and merchants.
The account features (age, order count, amount) are noisy and overlap between classes, so
node features alone separate the classes only partly; the ring structure carries the rest.
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import pandas as pd


def generate(out: str, accounts: int = 3000, fraud_rate: float = 0.05, ring_size: int = 15, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    n_fraud = int(accounts * fraud_rate)
    fraud = np.zeros(accounts, dtype=np.int64)
    fraud[rng.choice(accounts, n_fraud, replace=False)] = 1
    ids = np.array([f"acct-{i:06d}" for i in range(accounts)])
    # overlapping features: fraudsters slightly younger accounts with slightly larger amounts
    age = rng.gamma(3.0, 200.0, accounts) * np.where(fraud == 1, 0.8, 1.0)
    amount = rng.lognormal(3.0 + 0.25 * fraud, 1.0)
    orders = rng.poisson(8 + 2 * fraud)
    country = rng.choice(["us", "de", "jp", "br", "in"], accounts)
    pd.DataFrame({"account_id": ids, "age_days": age.round(1), "avg_amount": amount.round(2),
                  "orders": orders, "country": country, "is_fraud": fraud}).to_csv(
        os.path.join(out, "accounts.csv"), index=False)
    n_dev, n_mer = accounts // 2, 300
    dev_rows, mer_rows = [], []
    for a in range(accounts):  # honest background: own device(s), random merchants
        for d in rng.choice(n_dev, rng.integers(1, 3), replace=False):
            dev_rows.append((ids[a], f"dev-{d}"))
        for m in rng.choice(n_mer, rng.integers(2, 6), replace=False):
            mer_rows.append((ids[a], f"m-{m}", float(rng.lognormal(3, 1))))
    fr = np.flatnonzero(fraud)
    rng.shuffle(fr)
    for r, ring in enumerate(np.array_split(fr, max(1, len(fr) // ring_size))):
        ring_devs = [f"ring-dev-{r}-{k}" for k in range(3)]
        ring_mers = rng.choice(n_mer, 3, replace=False)
        for a in ring:
            for d in rng.choice(ring_devs, 2, replace=False):
                dev_rows.append((ids[a], d))
            for m in ring_mers:
                mer_rows.append((ids[a], f"m-{m}", float(rng.lognormal(3.5, 1))))
            # camouflage: links to honest devices and popular merchants
            for d in rng.choice(n_dev, 2, replace=False):
                dev_rows.append((ids[a], f"dev-{d}"))
    pd.DataFrame(dev_rows, columns=["account_id", "device_id"]).drop_duplicates().to_csv(
        os.path.join(out, "uses_device.csv"), index=False)
    pd.DataFrame(mer_rows, columns=["account_id", "merchant_id", "amount"]).to_parquet(
        os.path.join(out, "orders.parquet"), index=False)


CONFIG = {
    "version": "gconstruct-v0.1",
    "add_reverse_edges": True,
    "nodes": [{
        "node_type": "account", "files": ["accounts.csv"], "format": {"name": "csv"}, "node_id_col": "account_id",
        "features": [
            {"feature_col": ["age_days", "avg_amount", "orders"], "feature_name": "num",
             "transform": {"name": "rank_gauss"}},
            {"feature_col": "country", "transform": {"name": "to_categorical"}}],
        "labels": [{"label_col": "is_fraud", "task_type": "classification", "split_pct": [0.6, 0.2, 0.2]}]}],
    "edges": [
        {"relation": ["account", "uses", "device"], "files": ["uses_device.csv"], "format": {"name": "csv"},
         "source_id_col": "account_id", "dest_id_col": "device_id"},
        {"relation": ["account", "buys", "merchant"], "files": ["orders.parquet"], "format": {"name": "parquet"},
         "source_id_col": "account_id", "dest_id_col": "merchant_id",
         "features": [{"feature_col": "amount", "transform": {"name": "max_min_norm"}}]}],
}

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--accounts", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    generate(a.out, a.accounts, seed=a.seed)
    with open(os.path.join(a.out, "construct.json"), "w") as fh:
        json.dump(CONFIG, fh, indent=1)
    print(f"wrote {a.out}/construct.json and its tables")
