import copy
import json
import os

import numpy as np
import pandas as pd
import pytest
import torch

from graphdl.base import DGLError
from graphdl.workflows import construct_graph, load_constructed

from workflow_tables import save_config, write_tables


def build(folder, config, out):
    return construct_graph(save_config(folder, config), out, progress=False)


def test_csv_equals_parquet(tmp_path):
    a, b = str(tmp_path / "csv"), str(tmp_path / "pq")
    build(a, write_tables(a, "csv"), str(tmp_path / "g1"))
    build(b, write_tables(b, "parquet"), str(tmp_path / "g2"))
    g1, g2 = load_constructed(str(tmp_path / "g1")).graph, load_constructed(str(tmp_path / "g2")).graph
    assert g1.canonical_etypes == g2.canonical_etypes
    for c in g1.canonical_etypes:
        for x, y in zip(g1.edges(etype=c), g2.edges(etype=c)):
            assert torch.equal(x, y)
    for nt in g1.ntypes:
        for k in g1.nodes[nt].data:
            assert torch.equal(g1.nodes[nt].data[k], g2.nodes[nt].data[k]), (nt, k)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_batch_size_does_not_change_the_output(tmp_path, monkeypatch, fmt):
    """Streaming in many small record batches gives the same files as one batch per file."""
    import graphdl.workflows.tables as tables

    folder = str(tmp_path / "t")
    config = write_tables(folder, fmt)
    config["nodes"].append({"node_type": "city", "files": [f"users.{'csv' if fmt == 'csv' else 'parquet'}"],
                            "format": {"name": fmt}, "node_id_col": "uid"})
    config["nodes"][-1]["node_type"] = "member"
    config["edges"].append({"relation": ["user", "knows", "person"], "files": config["edges"][0]["files"],
                            "format": {"name": fmt}, "source_id_col": "user", "dest_id_col": "user",
                            "features": [{"feature_col": "ts", "transform": {"name": "rank_gauss"}}]})
    outs = []
    for block, rows in ((1 << 22, 1 << 16), (64, 7)):
        monkeypatch.setattr(tables, "_BLOCK", block)
        monkeypatch.setattr(tables, "_PARQUET_ROWS", rows)
        out = str(tmp_path / f"g{rows}")
        build(folder, config, out)
        outs.append(out)
    for name in ("graph.bin", "transforms.json", "schema.json", "id_mappings/user.parquet",
                 "id_mappings/person.parquet", "id_mappings/item.parquet"):
        with open(os.path.join(outs[0], name), "rb") as a, open(os.path.join(outs[1], name), "rb") as b:
            assert a.read() == b.read(), name
    person = load_constructed(outs[1]).id_mapping("person")["orig"].tolist()
    clicks = pd.read_csv(os.path.join(folder, "clicks.csv")) if fmt == "csv" else \
        pd.read_parquet(os.path.join(folder, "clicks.parquet"))
    assert person == list(pd.unique(clicks["user"].astype(str)))  # first appearance order


def test_id_codes_first_appearance():
    from graphdl.workflows.tables import IdCodes

    codes = IdCodes()
    codes.add(np.array(["b", "a", "b"], dtype=object))
    codes.add(np.array(["c", "a"], dtype=object))
    assert codes.keys() == ["b", "a", "c"]
    assert codes.map(np.array([10, 20, 30])).tolist() == [10, 20, 10, 30, 20]


def test_id_mapping_round_trip_and_outputs(tables, tmp_path):
    folder, config = tables
    out = str(tmp_path / "g")
    summary = build(folder, config, out)
    cg = load_constructed(out)
    users = pd.read_csv(os.path.join(folder, "users.csv"))
    new = cg.new_ids("user", users["uid"])
    assert new.tolist() == list(range(len(users)))
    assert cg.original_ids("user", new).tolist() == users["uid"].tolist()
    clicks = pd.read_csv(os.path.join(folder, "clicks.csv"))
    s, d = cg.graph.edges(etype=("user", "clicks", "item"))
    assert cg.original_ids("user", s.numpy()).tolist() == clicks["user"].tolist()
    assert cg.original_ids("item", d.numpy()).astype(int).tolist() == clicks["item"].tolist()
    rs, rd = cg.graph.edges(etype=("item", "clicks-rev", "user"))
    assert torch.equal(rs, d) and torch.equal(rd, s)
    assert summary["nodes"]["user"]["count"] == 40
    assert cg.graph.nodes["item"].data["genres"].sum(1).eq(2).all()
    # leave-last-out: each user's test edge is its latest one
    m = cg.graph.edges[("user", "clicks", "item")].data
    for u in range(40):
        mine = np.flatnonzero(clicks["user"].to_numpy() == f"u{u}")
        if len(mine) >= 3:
            latest = mine[np.lexsort((mine, clicks["ts"].to_numpy()[mine]))[-1]]
            assert bool(m["test_mask"][latest])
    assert set(os.listdir(out)) >= {"graph.bin", "id_mappings", "transforms.json", "schema.json", "summary.json"}
    assert not [p for p in os.listdir(tmp_path) if ".tmp-" in p]


def test_unknown_endpoints_reported(tables, tmp_path):
    folder, config = tables
    clicks = pd.read_csv(os.path.join(folder, "clicks.csv"))
    clicks.loc[3, "user"] = "ghost"
    clicks.to_csv(os.path.join(folder, "clicks.csv"), index=False)
    summary = build(folder, config, str(tmp_path / "g"))
    (d,) = summary["dropped_edges"]
    assert d["count"] == 1 and d["first_row"] == 4 and d["file"].endswith("clicks.csv")


def _edit(folder, config, name, fn):
    path = os.path.join(folder, name)
    df = pd.read_csv(path)
    df = fn(df)
    df.to_csv(path, index=False)
    return config


@pytest.mark.parametrize("case, match", [
    ("missing_file", r"file .*nope\.csv does not exist"),
    ("missing_column", r"users\.csv: no column 'agee'"),
    ("bad_transform", r"unknown transform 'magic'"),
    ("duplicate_id", r"users\.csv, column 'uid', row 3: duplicate node id 'u0'"),
    ("bad_split", r"split_pct \[0.5, 0.5, 0.5\] must be three non-negative fractions summing to 1"),
    ("same_relation", r"relation \['user', 'clicks', 'item'\] is named twice"),
    ("empty", r"the table is empty"),
    ("float_ids", r"clicks\.csv, column 'item', row 1: .* is not a number|ids must be strings or integers"),
    ("bad_number", r"users\.csv, column 'age', row 2: 'old' is not a number"),
    ("missing_id", r"users\.csv, column 'uid', row 1: missing id"),
    ("unknown_label_node", r"train\.txt, row 2: label for unknown node 'zz'"),
    ("bad_regression_label", r"users\.csv, column 'city', row 1: 'a' is not a number|'[bc]' is not a number"),
])
def test_bad_input(tables, tmp_path, case, match):
    folder, config = tables
    config = copy.deepcopy(config)
    user = config["nodes"][0]
    if case == "missing_file":
        user["files"] = ["nope.csv"]
    elif case == "missing_column":
        user["features"][0]["feature_col"] = "agee"
    elif case == "bad_transform":
        user["features"][0]["transform"] = {"name": "magic"}
    elif case == "duplicate_id":
        _edit(folder, config, "users.csv", lambda df: df.assign(uid=df["uid"].where(df.index != 2, "u0")))
    elif case == "bad_split":
        user["labels"][0]["split_pct"] = [0.5, 0.5, 0.5]
    elif case == "same_relation":
        config["edges"].append(copy.deepcopy(config["edges"][0]))
    elif case == "empty":
        pd.DataFrame({"uid": [], "age": [], "city": [], "label": []}).to_csv(os.path.join(folder, "users.csv"), index=False)
    elif case == "float_ids":
        config["edges"][0]["features"] = []
        _edit(folder, config, "clicks.csv", lambda df: df.assign(item=df["item"].astype(float) + 0.5))
        config["nodes"][1]["node_id_col"] = "iid"
        config["edges"][0]["format"] = {"name": "parquet"}
        df = pd.read_csv(os.path.join(folder, "clicks.csv"))
        df.to_parquet(os.path.join(folder, "clicks.parquet"), index=False)
        config["edges"][0]["files"] = ["clicks.parquet"]
    elif case == "bad_number":
        _edit(folder, config, "users.csv", lambda df: df.assign(age=df["age"].astype(str).where(df.index != 1, "old")))
    elif case == "missing_id":
        _edit(folder, config, "users.csv", lambda df: df.assign(uid=df["uid"].where(df.index != 0, None)))
    elif case == "unknown_label_node":
        with open(os.path.join(folder, "train.txt"), "w") as fh:
            fh.write("u1\nzz\n")
        user["labels"][0]["custom_split_filenames"] = {"train": "train.txt"}
    elif case == "bad_regression_label":
        user["labels"][0] = {"label_col": "city", "task_type": "regression"}
    out = str(tmp_path / "g")
    with pytest.raises(DGLError, match=match):
        build(folder, config, out)
    assert not os.path.exists(out)
    assert not [p for p in os.listdir(tmp_path) if ".tmp-" in p]


@pytest.fixture
def tables(tmp_path):
    folder = str(tmp_path / "tables")
    return folder, write_tables(folder)
