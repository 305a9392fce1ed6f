"""construct -> train -> predict/embed on small generated tables, through the CLI and the API."""
import json
import os

import pandas as pd
import pytest

from graphdl.base import DGLError
from graphdl.cli import main
from graphdl.workflows import construct_graph, embed, predict, train

from workflow_tables import save_config, write_tables


def test_cli_construct_train_predict(tmp_path):
    folder = str(tmp_path / "tables")
    cfg = save_config(folder, write_tables(folder))
    graph = str(tmp_path / "g")
    assert main(["construct", cfg, "--output", graph, "--quiet"]) == 0
    with open(tmp_path / "lp.yaml", "w") as fh:
        fh.write("hidden: 16\nlayers: 1\nepochs: 2\nid_embeddings: true\nnegative: popularity\nloss: bpr\n")
    run = str(tmp_path / "lp")
    assert main(["train", "--task", "link-prediction", "--graph", graph, "--config", str(tmp_path / "lp.yaml"),
                 "--out", run, "--quiet"]) == 0
    m = json.load(open(os.path.join(run, "metrics.json")))
    assert 0 <= m["test"]["hits@10"] <= 1 and m["test"]["queries"] > 0
    assert os.path.isfile(os.path.join(run, "ranking.png"))
    out = str(tmp_path / "top.csv")
    assert main(["predict", "--graph", graph, "--model", run, "--output", out, "--top-k", "3"]) == 0
    top = pd.read_csv(out)
    assert set(top.columns) == {"user", "rank", "item", "score"}
    assert top["user"].str.startswith("u").all() and top.groupby("user").size().max() <= 3
    clicks = pd.read_csv(os.path.join(folder, "clicks.csv"))
    seen = set(zip(clicks["user"], clicks["item"]))
    assert not any((u, i) in seen for u, i in zip(top["user"], top["item"]))
    assert main(["embed", "--graph", graph, "--model", run, "--output", str(tmp_path / "e.parquet"),
                 "--ntype", "item"]) == 0
    emb = pd.read_parquet(tmp_path / "e.parquet")
    assert len(emb) == 30 and emb.shape[1] == 17


@pytest.mark.parametrize("encoder", ["sage", "rgcn", "gat", "hgt"])
def test_node_classification_each_encoder(tmp_path, encoder):
    folder = str(tmp_path / "tables")
    graph = str(tmp_path / "g")
    construct_graph(save_config(folder, write_tables(folder)), graph, progress=False)
    run = str(tmp_path / "nc")
    m = train(graph, "node-classification", {"encoder": encoder, "hidden": 8, "heads": 2, "layers": 2,
                                             "epochs": 3, "class_weights": "balanced", "checkpoint_every": 1},
              run, quiet=True)
    assert {"roc_auc", "pr_auc", "best_f1", "f1"} <= set(m["test"])
    assert os.path.isfile(os.path.join(run, "roc_pr.png")) and os.path.isfile(os.path.join(run, "checkpoint.pt"))
    predict(graph, run, str(tmp_path / "p.parquet"))
    p = pd.read_parquet(tmp_path / "p.parquet")
    assert list(p.columns) == ["orig", "prob_0", "prob_1", "prediction"] and len(p) == 40
    if encoder == "sage":  # resume continues after the last checkpoint
        m2 = train(graph, "node-classification", {"encoder": encoder, "hidden": 8, "heads": 2, "layers": 2,
                                                  "epochs": 5, "checkpoint_every": 1}, run, quiet=True, resume=True)
        assert m2["history"]["epoch"] == [1, 2, 3, 4, 5]


def test_minibatch_and_focal(tmp_path):
    folder = str(tmp_path / "tables")
    graph = str(tmp_path / "g")
    construct_graph(save_config(folder, write_tables(folder)), graph, progress=False)
    m = train(graph, "node-classification", {"hidden": 8, "layers": 2, "epochs": 2, "minibatch": True,
                                             "batch_size": 8, "fanouts": [3, 3], "loss": "focal"},
              str(tmp_path / "mb"), quiet=True)
    assert m["test"]["count"] > 0


def test_wrong_schema_checkpoint_rejected(tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    construct_graph(save_config(a, write_tables(a)), str(tmp_path / "ga"), progress=False)
    cfg = write_tables(b)
    cfg["nodes"][0]["features"].pop()  # another feature set -> another schema
    construct_graph(save_config(b, cfg), str(tmp_path / "gb"), progress=False)
    train(str(tmp_path / "ga"), "node-classification", {"hidden": 8, "epochs": 1}, str(tmp_path / "run"), quiet=True)
    with pytest.raises(DGLError, match="another graph schema"):
        predict(str(tmp_path / "gb"), str(tmp_path / "run"), str(tmp_path / "p.csv"))
    assert main(["predict", "--graph", str(tmp_path / "gb"), "--model", str(tmp_path / "run"),
                 "--output", str(tmp_path / "p.csv")]) == 2


def test_bad_task_config(tmp_path):
    folder = str(tmp_path / "tables")
    graph = str(tmp_path / "g")
    construct_graph(save_config(folder, write_tables(folder)), graph, progress=False)
    with pytest.raises(DGLError, match="unknown training option"):
        train(graph, "node-classification", {"epoch": 3}, str(tmp_path / "r"))
    with pytest.raises(DGLError, match="no regression label"):
        train(graph, "node-regression", {}, str(tmp_path / "r"))
