"""Saved feature transforms applied to rows the graph has never seen, and predict on them."""
import os

import numpy as np
import pandas as pd
import pytest
import torch

from graphdl.base import DGLError
from graphdl.cli import main
from graphdl.workflows import construct_graph, load_constructed, predict, train, transform_rows

from workflow_tables import save_config, write_tables


@pytest.fixture
def built(tmp_path):
    folder = str(tmp_path / "tables")
    path = str(tmp_path / "g")
    construct_graph(save_config(folder, write_tables(folder)), path, progress=False)
    return folder, path


def test_transform_rows_reproduces_construction(built, tmp_path):
    folder, path = built
    users = pd.read_csv(os.path.join(folder, "users.csv"))
    part = users.iloc[[3, 0, 7]]
    part.to_parquet(tmp_path / "again.parquet", index=False)
    ids, feats = transform_rows(path, "user", str(tmp_path / "again.parquet"))
    cg = load_constructed(path)
    new = cg.new_ids("user", ids)
    assert list(ids) == ["u3", "u0", "u7"]
    for k in ("age", "city"):
        assert torch.equal(feats[k], cg.graph.nodes["user"].data[k][torch.from_numpy(new)])


def test_transform_rows_hand_values(built, tmp_path):
    folder, path = built
    users = pd.read_csv(os.path.join(folder, "users.csv"))
    lo, hi = users["age"].min(), users["age"].max()
    rows = pd.DataFrame({"uid": ["n1", "n2"], "age": [lo + (hi - lo) / 4, hi + 100], "city": ["b", "nowhere"],
                         "label": [0, 1]})
    rows.to_csv(tmp_path / "new.csv", index=False)
    ids, feats = transform_rows(path, "user", str(tmp_path / "new.csv"))
    np.testing.assert_allclose(feats["age"][:, 0].numpy(), [0.25, 1.0], rtol=1e-6)  # clipped to the fitted range
    mapping = sorted(users["city"].unique())
    expect = np.zeros((2, len(mapping)), dtype=np.float32)
    expect[0, mapping.index("b")] = 1.0  # an unseen category is all zeros
    np.testing.assert_array_equal(feats["city"].numpy(), expect)
    with pytest.raises(DGLError, match="no node table"):
        transform_rows(path, "nobody", str(tmp_path / "new.csv"))
    rows.drop(columns=["city"]).to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(DGLError, match="city"):
        transform_rows(path, "user", str(tmp_path / "short.csv"))


def test_predict_new_nodes(built, tmp_path):
    folder, path = built
    run = str(tmp_path / "nc")
    train(path, "node-classification", {"hidden": 8, "layers": 1, "epochs": 2}, run, quiet=True)
    rows = pd.DataFrame({"uid": ["n1", "n2", "n3"], "age": [20.0, 40.0, 60.0], "city": ["a", "c", "b"]})
    rows.to_csv(tmp_path / "new.csv", index=False)
    out = str(tmp_path / "p.csv")
    assert main(["predict", "--graph", path, "--model", run, "--output", out, "--new-nodes",
                 str(tmp_path / "new.csv")]) == 0
    p = pd.read_csv(out)
    assert list(p["orig"]) == ["n1", "n2", "n3"]
    np.testing.assert_allclose(p[["prob_0", "prob_1"]].sum(axis=1), 1.0, rtol=1e-5)
    # the same rows score differently from different features (the features reach the model)
    assert p["prob_1"].nunique() == 3
    emb_run = str(tmp_path / "emb")
    train(path, "node-classification", {"hidden": 8, "layers": 1, "epochs": 1, "id_embeddings": True}, emb_run,
          quiet=True)
    with pytest.raises(DGLError, match="per-node embeddings"):
        predict(path, emb_run, out, new_nodes=str(tmp_path / "new.csv"))
