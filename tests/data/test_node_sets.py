"""Reddit, PPI, Flickr and Yelp on small fixtures in the published file layout."""
import io
import json
import os

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from graphdl import DGLError, NID
from graphdl.data import FlickrDataset, PPIDataset, RedditDataset, YelpDataset

from data_fixtures import no_network, write_zip


def npz_bytes(save, *args, **kwargs):
    buf = io.BytesIO()
    save(buf, *args, **kwargs)
    return buf.getvalue()


def adjacency(n, edges, fmt="coo"):
    src, dst = zip(*edges)
    return sp.coo_matrix((np.ones(len(edges)), (src, dst)), shape=(n, n)).asformat(fmt)


@pytest.mark.parametrize("self_loop", [False, True])
def test_reddit_from_the_archive(tmp_path, monkeypatch, self_loop):
    no_network(monkeypatch)
    suffix = "_self_loop" if self_loop else ""
    edges = [(0, 1), (1, 0), (1, 2), (2, 3), (3, 0)] + ([(i, i) for i in range(4)] if self_loop else [])
    feat = np.arange(8, dtype=np.float32).reshape(4, 2)
    write_zip(tmp_path / f"reddit{suffix}.zip", {
        f"reddit{suffix}_graph.npz": npz_bytes(sp.save_npz, adjacency(4, edges)),
        "reddit_data.npz": npz_bytes(np.savez, feature=feat, label=np.array([3, 0, 40, 1]),
                                     node_types=np.array([1, 2, 3, 1])),
    })
    ds = RedditDataset(self_loop=self_loop, raw_dir=str(tmp_path))
    g = ds[0]
    assert ds.num_classes == 41 and len(ds) == 1
    assert g.num_edges() == len(edges)
    assert set(zip(*[t.tolist() for t in g.edges()])) == set(edges)
    assert g.ndata["train_mask"].tolist() == [True, False, False, True]
    assert g.ndata["val_mask"].tolist() == [False, True, False, False]
    assert g.ndata["test_mask"].dtype == torch.bool and g.ndata["test_mask"].tolist() == [False, False, True, False]
    torch.testing.assert_close(g.ndata["feat"], torch.from_numpy(feat))
    assert g.ndata["label"].dtype == torch.int64
    cached = RedditDataset(self_loop=self_loop, raw_dir=str(tmp_path))[0]  # from the cache
    assert cached.ndata["val_mask"].dtype == torch.bool and torch.equal(cached.ndata["label"], g.ndata["label"])


def test_reddit_offline_says_where(tmp_path, monkeypatch):
    no_network(monkeypatch)
    with pytest.raises(DGLError) as err:
        RedditDataset(raw_dir=str(tmp_path))
    msg = str(err.value)
    assert "https://data.dgl.ai/dataset/reddit.zip" in msg and os.path.join(str(tmp_path), "reddit.zip") in msg
    assert "reddit_graph.npz" in msg and "reddit_data.npz" in msg


def ppi_files(root, mode, graph_ids):
    n = len(graph_ids)
    links = [{"source": i, "target": i + 1} for i in range(n - 1) if graph_ids[i] == graph_ids[i + 1]]
    nodes = [{"id": i, "test": mode == "test", "val": mode == "valid"} for i in range(n)]
    data = {"directed": False, "multigraph": False, "graph": {}, "nodes": nodes, "links": links}
    (root / f"{mode}_graph.json").write_text(json.dumps(data))
    np.save(root / f"{mode}_feats.npy", np.arange(n * 50, dtype=np.float64).reshape(n, 50))
    labels = np.zeros((n, 121), dtype=np.int64)
    labels[np.arange(n), np.arange(n) % 121] = 1
    np.save(root / f"{mode}_labels.npy", labels)
    np.save(root / f"{mode}_graph_id.npy", np.asarray(graph_ids))


def test_ppi_splits_by_graph_id(tmp_path):
    root = tmp_path / "ppi"
    root.mkdir()
    ppi_files(root, "valid", [21, 21, 21, 22, 22])
    ds = PPIDataset("valid", raw_dir=str(tmp_path))
    assert len(ds) == 2 and ds.num_labels == 121
    g0, g1 = ds[0], ds[1]
    assert g0.num_nodes() == 3 and g1.num_nodes() == 2
    assert g0.num_edges() == 4 and g1.num_edges() == 2  # undirected links, both directions
    assert g1.ndata[NID].tolist() == [3, 4]
    assert g0.ndata["feat"].dtype == torch.float32 and g0.ndata["feat"].shape == (3, 50)
    assert g1.ndata["label"].dtype == torch.float32 and g1.ndata["label"][0, 3] == 1
    with pytest.raises(DGLError, match="mode"):
        PPIDataset("validation", raw_dir=str(tmp_path))


def saint_files(root, class_map, feats_cols):
    root.mkdir()
    n = len(class_map)
    sp.save_npz(root / "adj_full.npz", adjacency(n, [(0, 1), (1, 0), (2, 3), (3, 2), (1, 3)], "csr"))
    np.save(root / "feats.npy", np.ones((n, feats_cols)))
    (root / "class_map.json").write_text(json.dumps({str(k): v for k, v in class_map.items()}))
    (root / "role.json").write_text(json.dumps({"tr": [0, 1], "va": [2], "te": [3]}))


def test_flickr(tmp_path):
    saint_files(tmp_path / "flickr", {0: 6, 1: 0, 2: 3, 3: 3}, 500)
    ds = FlickrDataset(raw_dir=str(tmp_path))
    g = ds[0]
    assert ds.num_classes == 7 and g.num_edges() == 5
    assert g.ndata["label"].tolist() == [6, 0, 3, 3]
    assert g.ndata["train_mask"].tolist() == [True, True, False, False]
    assert g.ndata["test_mask"].tolist() == [False, False, False, True]
    reordered = FlickrDataset(raw_dir=str(tmp_path), reorder=True)[0]
    assert reordered.num_edges() == 5 and sorted(reordered.ndata["label"].tolist()) == [0, 3, 3, 6]


def test_yelp_multilabel(tmp_path):
    rows = {i: [int(j == i) for j in range(100)] for i in range(4)}
    saint_files(tmp_path / "yelp", rows, 300)
    ds = YelpDataset(raw_dir=str(tmp_path))
    label = ds[0].ndata["label"]
    assert ds.num_classes == 100 and label.dtype == torch.float32 and label.shape == (4, 100)
    assert torch.equal(label[:, :4], torch.eye(4))
