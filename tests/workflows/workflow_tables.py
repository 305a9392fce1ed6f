"""Small generated tables shared by the workflow tests."""
import json
import os

import numpy as np
import pandas as pd
import pytest


def write_tables(folder, fmt="csv", n_users=40, n_items=30, seed=0):
    """Small user/item tables: users with a numeric and a categorical feature and a binary label,
    items with a multi-valued genre column, and user->item clicks with timestamps."""
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    users = pd.DataFrame({"uid": [f"u{i}" for i in range(n_users)], "age": rng.integers(18, 70, n_users).astype(float),
                          "city": rng.choice(["a", "b", "c"], n_users), "label": rng.integers(0, 2, n_users)})
    items = pd.DataFrame({"iid": np.arange(100, 100 + n_items),
                          "genres": ["|".join(rng.choice(["x", "y", "z"], 2, replace=False)) for _ in range(n_items)]})
    e = 200
    clicks = pd.DataFrame({"user": rng.choice(users["uid"], e), "item": rng.choice(items["iid"], e),
                           "ts": rng.integers(0, 10**6, e)})
    ext = "csv" if fmt == "csv" else "parquet"
    for name, df in (("users", users), ("items", items), ("clicks", clicks)):
        if fmt == "csv":
            df.to_csv(os.path.join(folder, f"{name}.{ext}"), index=False)
        else:
            df.to_parquet(os.path.join(folder, f"{name}.{ext}"), index=False)
    return {
        "nodes": [
            {"node_type": "user", "files": [f"users.{ext}"], "format": {"name": fmt}, "node_id_col": "uid",
             "features": [{"feature_col": "age", "transform": {"name": "max_min_norm"}},
                          {"feature_col": "city", "transform": {"name": "to_categorical"}}],
             "labels": [{"label_col": "label", "task_type": "classification", "split_pct": [0.5, 0.25, 0.25]}]},
            {"node_type": "item", "files": [f"items.{ext}"], "format": {"name": fmt}, "node_id_col": "iid",
             "features": [{"feature_col": "genres", "transform": {"name": "to_categorical", "separator": "|"}}]}],
        "edges": [
            {"relation": ["user", "clicks", "item"], "files": [f"clicks.{ext}"], "format": {"name": fmt},
             "source_id_col": "user", "dest_id_col": "item",
             "labels": [{"task_type": "link_prediction", "split_type": "leave_last_out", "time_col": "ts"}]}],
        "add_reverse_edges": True,
    }


def save_config(folder, config):
    path = os.path.join(folder, "construct.json")
    with open(path, "w") as fh:
        json.dump(config, fh)
    return path

