"""QM9, QM9Edge and ZINC on small files in the published layouts."""
import numpy as np
import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.data import QM9Dataset, QM9EdgeDataset, ZINCDataset, save_graphs

from data_fixtures import no_network, write_zip


def write_qm9(path):
    # molecule 0: three atoms on a line 1 apart; molecule 1: two atoms 10 apart
    R = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 0, 0], [10, 0, 0]], dtype=np.float64)
    targets = {k: np.array([i, i + 0.5]) for i, k in enumerate(QM9Dataset.keys)}
    np.savez(path, N=np.array([3, 2]), R=R, Z=np.array([6, 1, 1, 8, 8]), **targets)


def test_qm9_cutoff_graphs(tmp_path):
    write_qm9(tmp_path / "qm9_eV.npz")
    ds = QM9Dataset(label_keys=["gap", "mu"], cutoff=1.5, raw_dir=str(tmp_path))
    assert len(ds) == 2 and ds.num_labels == 2
    g, label = ds[0]
    assert sorted(zip(*[t.tolist() for t in g.edges()])) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    assert g.ndata["Z"].tolist() == [6, 1, 1] and g.ndata["R"].dtype == torch.float32
    torch.testing.assert_close(label, torch.tensor([4.0, 0.0]))
    g1, label1 = ds[1]
    assert g1.num_nodes() == 2 and g1.num_edges() == 0  # beyond the cutoff, yet both atoms kept
    torch.testing.assert_close(label1, torch.tensor([4.5, 0.5]))
    assert QM9Dataset(["gap"], cutoff=20.0, raw_dir=str(tmp_path))[1][0].num_edges() == 2
    with pytest.raises(DGLError, match="label_keys"):
        QM9Dataset(["energy"], raw_dir=str(tmp_path))


def test_qm9_offline(tmp_path, monkeypatch):
    no_network(monkeypatch)
    with pytest.raises(DGLError, match=r"https://data.dgl.ai/dataset/qm9_eV.npz.*qm9_eV.npz"):
        QM9Dataset(["mu"], raw_dir=str(tmp_path))


def test_qm9_edge(tmp_path):
    np.savez(tmp_path / "qm9_edge.npz", n_node=np.array([2, 3]), n_edge=np.array([2, 4]),
             node_attr=np.eye(5, 11), node_pos=np.arange(15.0).reshape(5, 3), edge_attr=np.eye(6, 4),
             src=np.array([0, 1, 0, 1, 1, 2]), dst=np.array([1, 0, 1, 0, 2, 1]),
             targets=np.arange(38.0).reshape(2, 19))
    ds = QM9EdgeDataset(label_keys=["C", "mu"], raw_dir=str(tmp_path))
    g, label = ds[1]
    assert len(ds) == 2 and ds.num_labels == 2
    assert g.num_nodes() == 3 and g.edges()[1].tolist() == [1, 0, 2, 1]
    torch.testing.assert_close(g.ndata["pos"][0], torch.tensor([6.0, 7.0, 8.0]))
    torch.testing.assert_close(g.edata["edge_attr"][0], torch.tensor([0.0, 0.0, 1.0, 0.0]))
    torch.testing.assert_close(label, torch.tensor([37.0, 19.0]))
    assert QM9EdgeDataset(raw_dir=str(tmp_path))[0][1].shape == (19,)


def test_zinc_from_the_archive(tmp_path, monkeypatch):
    no_network(monkeypatch)
    graphs = []
    for n in (3, 4):
        g = graphdl.graph((torch.arange(n - 1), torch.arange(1, n)), num_nodes=n)
        g.ndata["feat"] = torch.arange(n)
        g.edata["feat"] = torch.ones(n - 1, dtype=torch.int64)
        graphs.append(g)
    save_graphs(str(tmp_path / "train.bin"), graphs, {"g_label": torch.tensor([0.5, -1.25])})
    write_zip(tmp_path / "zinc.zip", {"ZincDGL_train.bin": (tmp_path / "train.bin").read_bytes()})
    ds = ZINCDataset("train", raw_dir=str(tmp_path))
    assert len(ds) == 2 and ds.num_atom_types == 28 and ds.num_bond_types == 4
    g, label = ds[1]
    assert g.num_nodes() == 4 and g.ndata["feat"].tolist() == [0, 1, 2, 3] and label.item() == -1.25
    with pytest.raises(DGLError, match="ZincDGL_test.bin"):
        ZINCDataset("test", raw_dir=str(tmp_path))
    with pytest.raises(DGLError, match="mode"):
        ZINCDataset("val", raw_dir=str(tmp_path))
