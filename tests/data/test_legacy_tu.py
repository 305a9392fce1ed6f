"""LegacyTUDataset on a small set in the TU file layout (1-based ids, one file per field)."""
import pytest
import torch

from graphdl import DGLError, NID
from graphdl.data import LegacyTUDataset

from data_fixtures import no_network, write_zip

# two graphs: nodes 1-3 (a path, both directions) and nodes 4-5 (one edge each way)
FILES = {
    "TOY/TOY_A.txt": "1, 2\n2, 1\n2, 3\n3, 2\n4, 5\n5, 4\n",
    "TOY/TOY_graph_indicator.txt": "1\n1\n1\n2\n2\n",
    "TOY/TOY_graph_labels.txt": "-1\n1\n",
}


def test_node_labels_one_hot_from_the_archive(tmp_path, monkeypatch):
    no_network(monkeypatch)
    write_zip(tmp_path / "TOY.zip", dict(FILES, **{"TOY/TOY_node_labels.txt": "0\n2\n1\n0\n0\n"}))
    ds = LegacyTUDataset("TOY", raw_dir=str(tmp_path))
    assert len(ds) == 2 and ds.num_classes == 2 and ds.data_mode == "node_label"
    g, label = ds[1]
    assert label.item() == 1 and g.num_nodes() == 2 and g.num_edges() == 2
    assert g.ndata[NID].tolist() == [3, 4]
    assert ds[0][0].ndata["feat"].tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert ds.statistics() == (3, 2, 3)


def test_attributes_win_and_constant_fallback(tmp_path):
    for name, text in dict(FILES, **{"TOY/TOY_node_attributes.txt": "0.5, 1\n1, 2\n2, 3\n3, 4\n4, 5\n"}).items():
        (tmp_path / "TOY" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "TOY" / name).write_text(text)
    ds = LegacyTUDataset("TOY", raw_dir=str(tmp_path))
    assert ds.data_mode == "node_attr" and ds[1][0].ndata["feat"].tolist() == [[3, 4], [4, 5]]
    (tmp_path / "TOY" / "TOY" / "TOY_node_attributes.txt").unlink()
    ds = LegacyTUDataset("TOY", raw_dir=str(tmp_path), hidden_size=4, max_allow_node=2)
    assert ds.data_mode == "constant" and len(ds) == 1  # the 3-node graph is dropped
    g, label = ds[0]
    assert torch.equal(g.ndata["feat"], torch.ones(2, 4)) and label.item() == 1


def test_missing_labels(tmp_path):
    for name in ("TOY/TOY_A.txt", "TOY/TOY_graph_indicator.txt"):
        (tmp_path / "TOY" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "TOY" / name).write_text(FILES[name])
    with pytest.raises(DGLError, match="graph_labels"):
        LegacyTUDataset("TOY", raw_dir=str(tmp_path))
