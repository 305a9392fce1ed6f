"""Link-prediction training options: next-item targets, recency weights, hard negatives,
mini-batch edge loading and sparse node embeddings."""
import json
import os

import numpy as np
import pandas as pd
import pytest
import torch

from graphdl.base import DGLError
from graphdl.workflows import construct_graph, predict, train
from graphdl.workflows.losses import hardest_negatives
from graphdl.workflows.train import _next_item_targets, recency_weights, session_edges

from workflow_tables import save_config, write_tables


def _order(src, t):
    return np.lexsort((np.arange(len(src)), t, src))


def test_recency_weights_against_loop():
    rng = np.random.default_rng(1)
    src = rng.integers(0, 4, 30)
    t = rng.integers(0, 5, 30).astype(float)  # ties: file order decides
    keep = rng.random(30) < 0.7
    tau = 1.5
    w = recency_weights(src, _order(src, t), keep, tau)
    ref = np.zeros(30)
    for s in np.unique(src[keep]):
        ids = [i for i in range(30) if keep[i] and src[i] == s]
        ids.sort(key=lambda i: (t[i], i))
        raw = np.array([np.exp(-(len(ids) - 1 - r) / tau) for r in range(len(ids))])
        ref[ids] = raw / raw.mean()
    np.testing.assert_allclose(w, ref[keep], rtol=1e-6)
    assert len(w) == keep.sum()


@pytest.mark.parametrize("window", [1, 2])
def test_session_edges_against_loop(window):
    rng = np.random.default_rng(2)
    src = rng.integers(0, 4, 40)
    dst = rng.integers(0, 9, 40)
    t = rng.integers(0, 6, 40).astype(float)
    keep = rng.random(40) < 0.8
    a, b = session_edges(src, dst, _order(src, t), keep, window)
    ref = []
    for s in np.unique(src[keep]):
        ids = sorted((i for i in range(40) if keep[i] and src[i] == s), key=lambda i: (t[i], i))
        ref += [(dst[ids[i]], dst[ids[j]]) for i in range(len(ids)) for j in range(i + 1, min(i + window + 1, len(ids)))]
    assert sorted(zip(a.tolist(), b.tolist())) == sorted((int(x), int(y)) for x, y in ref)


def test_session_window_trains_and_predicts(tmp_path, graph):
    run = str(tmp_path / "session")
    m = train(graph, "link-prediction", {"hidden": 8, "layers": 1, "epochs": 2, "id_embeddings": True,
                                         "lp_targets": "next", "recency_tau": 2.0, "session_window": 2,
                                         "negative": "all", "loss": "contrastive"}, run, quiet=True)
    assert m["test"]["queries"] > 0 and np.isfinite(m["history"]["loss"]).all()
    assert ["item", "clicks-next", "item"] in m["spec"]["encoder"]["etypes"] if "spec" in m else True
    _check_top(tmp_path, graph, run)


@pytest.mark.parametrize("window", [1, 3])
def test_next_item_targets_follow_the_cut(window):
    rng = np.random.default_rng(0)
    src = rng.integers(0, 5, 60)
    t = rng.permutation(60).astype(float)
    train = rng.random(60) < 0.8
    keep, targets = _next_item_targets(src, _order(src, t), train, window, rng)
    assert not keep[~train].any() and len(targets) > 0
    assert not keep[targets].any() and train[targets].all()
    for s in np.unique(src[train]):
        k = np.flatnonzero(keep & (src == s))
        tg = targets[src[targets] == s]
        n = (train & (src == s)).sum()
        if n < 2:
            assert len(tg) == 0 and len(k) == n
            continue
        assert len(k) >= 1 and 1 <= len(tg) <= window
        assert t[k].max() < t[tg].min()  # every target comes after every message edge
        later = np.flatnonzero(train & (src == s) & (t > t[k].max()))
        assert set(tg) == set(later[np.argsort(t[later])][:len(tg)])  # the edges right after the cut


def test_hardest_negatives_against_sort():
    torch.manual_seed(0)
    scores = torch.randn(6, 10)
    cand = torch.randint(0, 5, (6, 10))
    pos = torch.randint(0, 5, (6,))
    idx = hardest_negatives(scores, cand, pos, 3)
    for r in range(6):
        allowed = [j for j in range(10) if cand[r, j] != pos[r]]
        best = sorted(allowed, key=lambda j: -scores[r, j].item())[:3]
        if len(allowed) >= 3:
            assert sorted(idx[r].tolist()) == sorted(best)
    with pytest.raises(DGLError, match="hard negatives"):
        hardest_negatives(scores, cand, pos, 11)


@pytest.fixture
def graph(tmp_path):
    folder = str(tmp_path / "tables")
    path = str(tmp_path / "g")
    construct_graph(save_config(folder, write_tables(folder)), path, progress=False)
    return path


def _check_top(tmp_path, graph, run):
    out = str(tmp_path / "top.csv")
    predict(graph, run, out, top_k=3)
    top = pd.read_csv(out)
    assert len(top) > 0 and top.groupby("user").size().max() <= 3
    return top


def test_next_targets_recency_full_softmax(tmp_path, graph):
    run = str(tmp_path / "next")
    m = train(graph, "link-prediction", {"hidden": 8, "layers": 1, "epochs": 3, "id_embeddings": True,
                                         "lp_targets": "next", "next_window": 2, "recency_tau": 2.0,
                                         "negative": "all", "loss": "contrastive"}, run, quiet=True)
    assert m["test"]["queries"] > 0 and np.isfinite(m["history"]["loss"]).all()
    _check_top(tmp_path, graph, run)
    with pytest.raises(DGLError, match="negative: all"):
        train(graph, "link-prediction", {"negative": "all", "loss": "bpr", "epochs": 1}, run, quiet=True)
    with pytest.raises(DGLError, match="lp_targets"):
        train(graph, "link-prediction", {"lp_targets": "later", "epochs": 1}, run, quiet=True)


def test_recency_changes_the_user_representation(tmp_path, graph):
    from graphdl.workflows.construct import load_constructed
    from graphdl.workflows.predict import _encode, load_model

    run = str(tmp_path / "rec")
    train(graph, "link-prediction", {"hidden": 8, "layers": 1, "epochs": 1, "recency_tau": 1.0}, run, quiet=True)
    cg = load_constructed(graph)
    model, ck = load_model(run, cg)
    h_rec = _encode(model, cg, ck)["user"]
    ck["config"] = dict(ck["config"], recency_tau=None)
    h_flat = _encode(model, cg, ck)["user"]
    assert not torch.allclose(h_rec, h_flat)


@pytest.mark.parametrize("negative", ["uniform", "popularity"])
def test_minibatch_hard_negatives_sparse_embeddings(tmp_path, graph, negative):
    run = str(tmp_path / "mb")
    cfg = {"hidden": 8, "layers": 2, "fanouts": [4, 4], "epochs": 2, "minibatch": True, "lp_batch_size": 32,
           "negative": negative, "num_negatives": 4, "hard_negatives": 3, "id_embeddings": True,
           "sparse_embeddings": True, "sparse_lr": 0.05, "recency_tau": 2.0, "checkpoint_every": 1}
    m = train(graph, "link-prediction", cfg, run, quiet=True)
    assert m["test"]["queries"] > 0 and len(m["history"]["loss"]) == 2
    state = torch.load(os.path.join(run, "model.pt"), weights_only=False)["state_dict"]
    assert {"encoder.sparse_emb.user", "encoder.sparse_emb.item"} <= set(state)
    assert not any(k.startswith("encoder.emb.") for k in state)
    top = _check_top(tmp_path, graph, run)
    # the saved tables are the trained ones: predict from them reproduces the run's ranking input
    m2 = train(graph, "link-prediction", dict(cfg, epochs=3), run, quiet=True, resume=True)
    assert m2["history"]["epoch"] == [1, 2, 3]
    with pytest.raises(DGLError, match="minibatch link prediction"):
        train(graph, "link-prediction", dict(cfg, negative="in_batch", hard_negatives=0), run, quiet=True)


def test_sparse_embeddings_are_trained(tmp_path, graph):
    from graphdl.workflows.construct import load_constructed
    from graphdl.workflows.train import build_model

    run = str(tmp_path / "sp")
    cfg = {"hidden": 8, "layers": 1, "epochs": 2, "id_embeddings": True, "sparse_embeddings": True, "seed": 3}
    train(graph, "link-prediction", cfg, run, quiet=True)
    ck = torch.load(os.path.join(run, "model.pt"), weights_only=False)
    torch.manual_seed(3)
    fresh = build_model(ck["spec"]).state_dict()
    # the initialisation drawn with the same seed differs from the saved table: SparseAdam moved it
    assert not torch.allclose(fresh["encoder.sparse_emb.user"], ck["state_dict"]["encoder.sparse_emb.user"])
    model = build_model(ck["spec"])
    model.load_state_dict(ck["state_dict"])
    assert torch.equal(model.encoder.sparse["user"].weight, ck["state_dict"]["encoder.sparse_emb.user"])


def test_full_graph_hard_negatives(tmp_path, graph):
    run = str(tmp_path / "hard")
    m = train(graph, "link-prediction", {"hidden": 8, "layers": 1, "epochs": 2, "num_negatives": 3,
                                         "hard_negatives": 4, "loss": "bpr"}, run, quiet=True)
    assert m["test"]["queries"] > 0 and np.isfinite(m["history"]["loss"]).all()
    with pytest.raises(DGLError, match="hard_negatives"):
        train(graph, "link-prediction", {"negative": "in_batch", "hard_negatives": 2, "epochs": 1}, run, quiet=True)
