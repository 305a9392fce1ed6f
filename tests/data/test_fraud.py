"""Fraud data sets parsed from a tiny .mat file written by the test."""
import numpy as np
import pytest
import scipy.io as sio
import scipy.sparse as sp
import torch

from graphdl.base import DGLError
from graphdl.data import FraudAmazonDataset, FraudYelpDataset


def write_mat(folder, fname, relations, n=20, feats=4):
    rng = np.random.RandomState(0)
    data = {"features": sp.csr_matrix(rng.rand(n, feats)), "label": rng.randint(0, 2, (1, n)).astype(float),
            "homo": sp.csr_matrix((n, n))}
    for i, rel in enumerate(relations):
        adj = sp.random(n, n, density=0.1 + 0.05 * i, random_state=i, format="csr")
        data[rel] = adj + adj.T
    folder.mkdir(parents=True)
    sio.savemat(str(folder / fname), data)
    return data


def test_yelp(tmp_path):
    data = write_mat(tmp_path / "yelp", "YelpChi.mat", ["net_rur", "net_rtr", "net_rsr"])
    ds = FraudYelpDataset(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert g.ntypes == ["review"] and ds.num_classes == 2
    for rel in ("net_rur", "net_rtr", "net_rsr"):
        coo = data[rel].tocoo()
        u, v = g.edges(etype=rel)
        assert set(zip(u.tolist(), v.tolist())) == set(zip(coo.row.tolist(), coo.col.tolist()))
    assert torch.allclose(g.ndata["feature"], torch.tensor(data["features"].toarray(), dtype=torch.float32))
    assert g.ndata["label"].tolist() == data["label"].reshape(-1).astype(int).tolist()
    masks = [g.ndata[k] for k in ("train_mask", "val_mask", "test_mask")]
    assert [int(m.sum()) for m in masks] == [14, 2, 4]
    assert int(sum(m.int() for m in masks).max()) == 1
    cached = FraudYelpDataset(raw_dir=str(tmp_path), verbose=False)[0]
    assert torch.equal(cached.ndata["train_mask"], g.ndata["train_mask"])


def test_amazon_keeps_unlabelled_out(tmp_path):
    write_mat(tmp_path / "amazon", "Amazon.mat", ["net_upu", "net_usu", "net_uvu"], n=3400)
    g = FraudAmazonDataset(raw_dir=str(tmp_path), verbose=False)[0]
    split = g.ndata["train_mask"] | g.ndata["val_mask"] | g.ndata["test_mask"]
    assert not split[:3305].any() and split[3305:].all()


def test_missing_variable(tmp_path):
    folder = tmp_path / "yelp"
    folder.mkdir()
    sio.savemat(str(folder / "YelpChi.mat"), {"features": np.zeros((2, 2))})
    with pytest.raises(DGLError, match="label"):
        FraudYelpDataset(raw_dir=str(tmp_path), verbose=False)
