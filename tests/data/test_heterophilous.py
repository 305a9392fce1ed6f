"""Geom-GCN's six graphs and Platonov et al.'s five on fixtures in the published file formats."""
import numpy as np
import pytest
import torch

from graphdl import DGLError
from graphdl.data import (ActorDataset, AmazonRatingsDataset, ChameleonDataset, CornellDataset, MinesweeperDataset,
                          QuestionsDataset, RomanEmpireDataset, SquirrelDataset, TexasDataset, TolokersDataset,
                          WisconsinDataset)

from data_fixtures import no_network, write_zip


def geom_files(name, actor=False):
    if actor:
        feats = "node_id\tfeature\tlabel\n0\t1,3\t2\n1\t0\t0\n2\t2,3\t1\n"
    else:
        feats = "node_id\tfeature\tlabel\n0\t1,0,0\t2\n1\t0,1,0\t0\n2\t0,0.5,1\t1\n"
    files = {"out1_node_feature_label.txt": feats,
             "out1_graph_edges.txt": "node_id\tnode_id\n0\t1\n0\t2\n2\t1\n"}
    for i in range(10):
        import io
        buf = io.BytesIO()
        train = np.array([1, 0, 0], dtype=np.uint8) if i % 2 == 0 else np.array([0, 1, 0], dtype=np.uint8)
        np.savez(buf, train_mask=train, val_mask=np.array([0, 0, 1], dtype=np.uint8), test_mask=1 - train)
        files[f"{name}_split_0.6_0.2_{i}.npz"] = buf.getvalue()
    return files


@pytest.mark.parametrize("cls,name", [(ChameleonDataset, "chameleon"), (SquirrelDataset, "squirrel"),
                                      (CornellDataset, "cornell"), (TexasDataset, "texas"),
                                      (WisconsinDataset, "wisconsin")])
def test_geom_gcn(tmp_path, monkeypatch, cls, name):
    no_network(monkeypatch)
    write_zip(tmp_path / f"{name}.zip", geom_files(name))
    ds = cls(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert ds.num_classes == 3
    # a row (node, neighbour) is the edge neighbour -> node, one direction only
    assert list(zip(*[t.tolist() for t in g.edges()])) == [(1, 0), (2, 0), (1, 2)]
    torch.testing.assert_close(g.ndata["feat"][2], torch.tensor([0.0, 0.5, 1.0]))
    assert g.ndata["label"].tolist() == [2, 0, 1]
    assert g.ndata["train_mask"].shape == (3, 10) and g.ndata["train_mask"].dtype == torch.bool
    assert g.ndata["train_mask"][:, 0].tolist() == [True, False, False]
    assert g.ndata["train_mask"][:, 1].tolist() == [False, True, False]
    assert ds[0].ndata["val_mask"][:, 9].tolist() == [False, False, True]
    again = cls(raw_dir=str(tmp_path), verbose=False)[0]  # from the cache
    assert again.ndata["test_mask"].dtype == torch.bool and torch.equal(again.ndata["feat"], g.ndata["feat"])


def test_actor_sparse_features(tmp_path):
    folder = tmp_path / "actor"
    folder.mkdir()
    for name, data in geom_files("actor", actor=True).items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    g = ActorDataset(raw_dir=str(tmp_path), verbose=False)[0]
    assert g.ndata["feat"].tolist() == [[0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 1, 1]]


def platonov_npz(path, n=4):
    path.parent.mkdir(parents=True, exist_ok=True)
    masks = np.zeros((10, n), dtype=bool)
    masks[:, 0] = True
    masks[3, 1] = True
    np.savez(path, node_features=np.arange(n * 3, dtype=np.float32).reshape(n, 3), node_labels=np.array([0, 1, 1, 3]),
             edges=np.array([[0, 1], [1, 2], [2, 0]]), train_masks=masks, val_masks=~masks, test_masks=~masks)


@pytest.mark.parametrize("cls,name", [(RomanEmpireDataset, "roman_empire"), (AmazonRatingsDataset, "amazon_ratings"),
                                      (MinesweeperDataset, "minesweeper"), (TolokersDataset, "tolokers"),
                                      (QuestionsDataset, "questions")])
def test_platonov(tmp_path, cls, name):
    platonov_npz(tmp_path / name / f"{name}.npz")
    ds = cls(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert ds.name == name and ds.num_classes == 3  # distinct labels, not max + 1
    assert g.num_nodes() == 4 and g.num_edges() == 6  # bidirected
    assert g.ndata["train_mask"].shape == (4, 10) and g.ndata["train_mask"][1].tolist() == [i == 3 for i in range(10)]
    assert g.ndata["feat"].dtype == torch.float32


def test_platonov_offline_names_the_file(tmp_path, monkeypatch):
    no_network(monkeypatch)
    with pytest.raises(DGLError, match=r"heterophilous-graphs/raw/main/data/roman_empire.npz"):
        RomanEmpireDataset(raw_dir=str(tmp_path), verbose=False)
