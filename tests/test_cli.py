"""The ``graphdl`` command, run as a subprocess like a user would."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

import graphdl

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, cwd=None, timeout=300):
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return subprocess.run([sys.executable, "-m", "graphdl", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def assert_clean_error(proc, *fragments):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("graphdl: error:")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_datasets_lists_sizes_and_availability(tmp_path):
    env_dir = tmp_path / "dl"
    proc = subprocess.run([sys.executable, "-m", "graphdl", "datasets"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": REPO, "GRAPHDL_DOWNLOAD_DIR": str(env_dir)})
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()[1:]}
    assert "2708" in rows["cora"] and "10556" in rows["cora"] and "bundled" in rows["cora"]
    assert "3327" in rows["citeseer"] and "9228" in rows["citeseer"]
    assert "19717" in rows["pubmed"] and "no (downloads)" in rows["pubmed"]
    assert "built in" in rows["karate"]


def test_info_describes_a_file(tmp_path):
    g = graphdl.heterograph({("user", "rates", "movie"): ([0, 1, 1], [2, 0, 1])}, {"user": 2, "movie": 3},
                            idtype=torch.int32)
    g.nodes["user"].data["age"] = torch.tensor([30.0, 40.0])
    g.edges["rates"].data["rating"] = torch.rand(3, 1)
    path = tmp_path / "g.bin"
    graphdl.save_graphs(str(path), [g, g], {"y": torch.tensor([0, 1])})
    proc = run("info", str(path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "2 graph(s)" in out and "id type int32" in out
    assert "node type 'user': 2 nodes" in out and "age: shape (2,), float32" in out
    assert "('user', 'rates', 'movie'): 3 edges" in out and "rating: shape (3, 1), float32" in out
    assert "y: shape (2,), int64" in out


def test_version_and_help(capsys):
    from graphdl.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.startswith("graphdl ")
    assert main([]) == 2 and "train" in capsys.readouterr().out


def test_info_describes_a_tensor_file(tmp_path, capsys):
    from graphdl.cli import main
    from graphdl.data.utils import save_tensors

    path = tmp_path / "t.bin"
    save_tensors(str(path), {"emb": torch.zeros(4, 8), "ids": torch.arange(3, dtype=torch.int32)})
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "tensor file with 2 tensor(s)" in out and "emb: shape (4, 8), float32" in out
    assert "ids: shape (3,), int32" in out


def test_error_cases_print_one_line(tmp_path):
    assert_clean_error(run("info", str(tmp_path / "nope.bin")), "does not exist")
    not_graph = tmp_path / "text.bin"
    not_graph.write_text("hello\n" * 1000)
    assert_clean_error(run("info", str(not_graph)), "not a DGL graph file")
    assert_clean_error(run("train", "--dataset", "imagenet"), "unknown dataset 'imagenet'")


class _Proc:
    def __init__(self, returncode, stderr):
        self.returncode, self.stderr = returncode, stderr


def _in_process(capsys, *args):
    from graphdl.cli import main

    code = main(list(args))
    return _Proc(code, capsys.readouterr().err)


def test_more_error_cases_in_process(tmp_path, capsys):
    assert_clean_error(_in_process(capsys, "train", "--model", "transformer"), "unknown model 'transformer'")
    assert_clean_error(_in_process(capsys, "train", "--epochs", "x"), "invalid int value")
    assert_clean_error(_in_process(capsys, "train", "--dropout", "1.5"), "--dropout")
    assert_clean_error(_in_process(capsys, "train", "--config", str(tmp_path / "missing.yaml")), "does not exist")
    bad = tmp_path / "bad.yaml"
    bad.write_text("learning_rate: 3\n")
    assert_clean_error(_in_process(capsys, "train", "--config", str(bad)), "unknown key 'learning_rate'")
    bad.write_text("epochs: [1, 2\n")
    assert_clean_error(_in_process(capsys, "train", "--config", str(bad)), "not valid YAML")
    assert_clean_error(_in_process(capsys, "frobnicate"), "invalid choice")
    assert_clean_error(_in_process(capsys, "info"), "file")
    assert_clean_error(_in_process(capsys, "info", str(tmp_path)), "folder")
    truncated = tmp_path / "cut.bin"
    g = graphdl.graph(([0, 1], [1, 2]))
    graphdl.save_graphs(str(truncated), [g])
    truncated.write_bytes(truncated.read_bytes()[:-20])
    assert_clean_error(_in_process(capsys, "info", str(truncated)), "Corrupt DGL file")


def test_short_training_run_writes_outputs(tmp_path):
    out = tmp_path / "run"
    proc = run("train", "--epochs", "5", "--out", str(out), "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    assert "Test accuracy:" in proc.stdout
    for name in ("model.pt", "metrics.json", "curve.png"):
        assert (out / name).exists() and (out / name).stat().st_size > 0
        assert str(out / name) in proc.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["history"]["loss"]) == 5 and 0.0 <= metrics["test_acc"] <= 1.0
    assert (out / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    state = torch.load(out / "model.pt", weights_only=False)
    assert state["model"] == "gcn" and any(k.startswith("layers.0.") for k in state["state_dict"])


def test_config_file_and_default_out_folder(tmp_path):
    cfg = tmp_path / "run.yaml"
    cfg.write_text("model: sgc\nepochs: 3\nweight-decay: 0.0\nlr: 0.2\n")
    proc = run("train", "--config", str(cfg), "--epochs", "2", "--dataset", "citeseer", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((tmp_path / "runs" / "citeseer-sgc" / "metrics.json").read_text())
    assert metrics["options"]["model"] == "sgc" and metrics["options"]["epochs"] == 2  # command line wins
    assert metrics["options"]["lr"] == 0.2


@pytest.mark.parametrize("model", ["sage", "gat", "appnp"])
def test_other_models_train(tmp_path, model, capsys):
    from graphdl.cli import main

    out = tmp_path / model
    assert main(["train", "--model", model, "--epochs", "2", "--out", str(out), "--quiet"]) == 0
    assert "Test accuracy:" in capsys.readouterr().out
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["options"]["model"] == model and len(metrics["history"]["val_acc"]) == 2


def test_minibatch_training(tmp_path):
    out = tmp_path / "mb"
    proc = run("train", "--minibatch", "--model", "sage", "--epochs", "1", "--batch-size", "512",
               "--fanouts", "5,5", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["options"]["minibatch"] is True and len(metrics["history"]["loss"]) == 1


def test_minibatch_errors(capsys):
    assert_clean_error(_in_process(capsys, "train", "--minibatch", "--model", "appnp", "--epochs", "1"),
                       "does not support --minibatch")
    assert_clean_error(_in_process(capsys, "train", "--minibatch", "--fanouts", "a,b", "--epochs", "1"),
                       "--fanouts")


def test_unwritable_output_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = _in_process(capsys, "train", "--epochs", "1", "--out", str(blocker / "sub"), "--quiet")
    assert_clean_error(proc, "Not a directory")


def test_same_seed_same_run(tmp_path, capsys):
    from graphdl.cli import main

    histories = []
    for run_id in range(2):
        out = tmp_path / f"r{run_id}"
        assert main(["train", "--model", "gcn", "--epochs", "3", "--seed", "7", "--out", str(out), "--quiet"]) == 0
        histories.append(json.loads((out / "metrics.json").read_text())["history"])
    capsys.readouterr()
    assert histories[0] == histories[1]
