"""Cora and Citeseer from the bundled arrays, checked against the raw Planetoid files."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
import torch

from graphdl.base import DGLError
from graphdl.data import CiteseerGraphDataset, CoraGraphDataset, PubmedGraphDataset

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RAW = os.path.join(REPO, "..", "shared", "datasets", "planetoid")

EXPECTED = {
    # name: (nodes, edges, classes, features, train, val, test)
    "cora": (2708, 10556, 7, 1433, 140, 500, 1000),
    "citeseer": (3327, 9228, 6, 3703, 120, 500, 1000),
}
CLASSES = {"cora": CoraGraphDataset, "citeseer": CiteseerGraphDataset}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_statistics(name, tmp_path):
    ds = CLASSES[name](raw_dir=str(tmp_path), verbose=False)
    assert len(ds) == 1 and ds.num_classes == EXPECTED[name][2]
    g = ds[0]
    nodes, edges, classes, feats, train, val, test = EXPECTED[name]
    assert g.num_nodes() == nodes and g.num_edges() == edges
    assert g.ndata["feat"].shape == (nodes, feats) and g.ndata["feat"].dtype == torch.float32
    assert g.ndata["label"].dtype == torch.int64
    assert int(g.ndata["label"].max()) + 1 == classes
    assert [int(g.ndata[f"{s}_mask"].sum()) for s in ("train", "val", "test")] == [train, val, test]
    assert g.ndata["train_mask"].dtype == torch.bool
    sums = g.ndata["feat"].sum(1)
    nonzero = sums > 0
    assert torch.allclose(sums[nonzero], torch.ones(int(nonzero.sum())), atol=1e-5)
    # symmetric edge set with no duplicate pairs
    u, v = g.edges()
    pairs = set(zip(u.tolist(), v.tolist()))
    assert len(pairs) == edges and all((b, a) in pairs for a, b in pairs)
    # nothing was written outside the requested folder for bundled data
    assert not any(tmp_path.iterdir())


def _raw(name, part):
    import warnings

    with open(os.path.join(RAW, f"ind.{name}.{part}"), "rb") as f, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the pickles name old scipy modules
        return pickle.load(f, encoding="latin1")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matches_raw_files(name, tmp_path):
    if not os.path.exists(os.path.join(RAW, f"ind.{name}.graph")):
        pytest.skip(f"raw Planetoid files not found in {RAW}")
    g = CLASSES[name](raw_dir=str(tmp_path), verbose=False)[0]
    allx, ally, tx, ty, y = (_raw(name, p) for p in ("allx", "ally", "tx", "ty", "y"))
    adjacency = _raw(name, "graph")
    with open(os.path.join(RAW, f"ind.{name}.test.index")) as f:
        test_ids = [int(line) for line in f]
    feat = g.ndata["feat"].numpy()
    label = g.ndata["label"].numpy()
    # training and validation rows come straight from allx/ally
    dense_allx = np.asarray(allx.todense(), dtype=np.float64)
    for i in list(range(0, 640, 37)):
        row = dense_allx[i]
        expect = row / row.sum() if row.sum() else row
        assert np.allclose(feat[i], expect, atol=1e-6)
        assert label[i] == np.argmax(ally[i])
    # the k-th row of tx/ty belongs to the k-th id of test.index
    dense_tx = np.asarray(tx.todense(), dtype=np.float64)
    for k in range(0, len(test_ids), 53):
        node = test_ids[k]
        row = dense_tx[k]
        expect = row / row.sum() if row.sum() else row
        assert np.allclose(feat[node], expect, atol=1e-6)
        assert label[node] == np.argmax(ty[k])
    test_mask = g.ndata["test_mask"].numpy()
    assert set(np.nonzero(test_mask)[0].tolist()) == set(test_ids)
    assert g.ndata["train_mask"][: len(y)].all() and not g.ndata["train_mask"][len(y):].any()
    # every adjacency-list pair is an edge in both directions
    u, v = g.edges()
    pairs = set(zip(u.tolist(), v.tolist()))
    expected_pairs = {(a, b) for a, nbrs in adjacency.items() for b in nbrs}
    expected_pairs |= {(b, a) for a, b in expected_pairs}
    assert pairs == expected_pairs


def test_transform_and_index_errors(tmp_path):
    ds = CoraGraphDataset(raw_dir=str(tmp_path), verbose=False, transform=lambda g: g.num_nodes())
    assert ds[0] == 2708
    with pytest.raises(IndexError):
        ds[1]


def test_one_direction_only(tmp_path):
    g = CoraGraphDataset(raw_dir=str(tmp_path), verbose=False, reverse_edge=False)[0]
    assert g.num_edges() == 10556 // 2


def test_pubmed_without_network_fails_fast(tmp_path, monkeypatch):
    import time

    import graphdl.data.utils as data_utils

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data_utils.urllib.request, "urlopen", no_network)
    start = time.time()
    with pytest.raises(DGLError, match="place it at"):
        PubmedGraphDataset(raw_dir=str(tmp_path), verbose=False)
    assert time.time() - start < 5


def test_pubmed_from_local_raw_dir(tmp_path):
    """A raw folder laid out like the download is processed without network (Cora files stand in)."""
    if not os.path.exists(os.path.join(RAW, "ind.cora.graph")):
        pytest.skip("raw Planetoid files not found")
    folder = tmp_path / "pubmed"
    folder.mkdir()
    for part in ("x", "y", "tx", "ty", "allx", "ally", "graph", "test.index"):
        with open(os.path.join(RAW, f"ind.cora.{part}"), "rb") as src:
            (folder / f"ind.pubmed.{part}").write_bytes(src.read())
    with pytest.raises(DGLError, match="3 classes"):
        PubmedGraphDataset(raw_dir=str(tmp_path), verbose=False)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundle_matches_processing_the_raw_files(name):
    """The shipped arrays are what scripts/bundle_planetoid.py makes from the raw files."""
    if not os.path.exists(os.path.join(RAW, f"ind.{name}.graph")):
        pytest.skip(f"raw Planetoid files not found in {RAW}")
    from graphdl.data._planetoid import read_planetoid
    from graphdl.data.citation_graph import bundled_path

    fresh = read_planetoid(RAW, name)
    with np.load(bundled_path(name)) as npz:
        bundle = {k: npz[k] for k in npz.files}
    assert set(bundle) == set(fresh)
    for key, value in fresh.items():
        stored = bundle[key]
        if key == "feat_data" and stored.size == 0:
            assert np.all(value == 1.0)
            continue
        assert np.array_equal(stored.astype(value.dtype), value), key


# SHA-256 of the int64 bytes of (src, dst) as DGL 2.1's CoraGraphDataset/CiteseerGraphDataset
# build them from the same raw files (reverse_edge True, then False).
DGL_EDGE_ORDER = {
    ("cora", True): "0e5c17b5f6199e9df8bb7212adb01c1003e6369b307db77841a7d229ed9d7704",
    ("cora", False): "30d92c985626e507908fa11eecb08aeffb2923933efde6ab6c1dfc45677fbdf5",
    ("citeseer", True): "4930f0193113e5be089bbfd457372f872f3bff2c1a3a6a530cc8804839abb21a",
    ("citeseer", False): "647eae53df6b311057394bb4309ffdf8cd992ddb659490801b479fb2f4463ba0",
}


@pytest.mark.parametrize("name,reverse", sorted(DGL_EDGE_ORDER))
def test_edge_order_matches_dgl(name, reverse, tmp_path):
    import hashlib

    u, v = CLASSES[name](raw_dir=str(tmp_path), verbose=False, reverse_edge=reverse)[0].edges(order="eid")
    digest = hashlib.sha256(u.to(torch.int64).numpy().tobytes() + v.to(torch.int64).numpy().tobytes()).hexdigest()
    assert digest == DGL_EDGE_ORDER[(name, reverse)]
