"""GINDataset parsed from tiny files written by the test."""
import pytest
import torch

from graphdl.base import DGLError
from graphdl.data import GINDataset

TEXT = """2
3 1
7 2 1 2
8 2 0 2
7 2 0 1
2 0
8 1 1
9 1 0
"""


def write(root, name, text):
    folder = root / "GINDataset" / "dataset" / name
    folder.mkdir(parents=True)
    (folder / f"{name}.txt").write_text(text)
    return str(root)


def test_parse(tmp_path):
    ds = GINDataset("TOY", self_loop=False, raw_dir=write(tmp_path, "TOY", TEXT))
    assert len(ds) == 2 and ds.num_classes == 2 and ds.dim_nfeats == 3
    g0, y0 = ds[0]
    g1, y1 = ds[1]
    assert int(y0) == 0 and int(y1) == 1 and y0.dim() == 0
    assert g0.num_nodes() == 3 and g0.num_edges() == 6
    assert g0.ndata["label"].tolist() == [0, 1, 0] and g1.ndata["label"].tolist() == [1, 2]
    assert torch.equal(g1.ndata["attr"], torch.tensor([[0.0, 1, 0], [0, 0, 1]]))
    loops = GINDataset("TOY", self_loop=True, raw_dir=str(tmp_path), force_reload=True)
    assert loops[0][0].num_edges() == 9


def test_attributes_and_degrees(tmp_path):
    text = "1\n2 5\n0 1 1 0.5 2.0\n0 1 0 1.5 3.0\n"
    ds = GINDataset("ATTR", self_loop=False, raw_dir=write(tmp_path, "ATTR", text), degree_as_nlabel=True)
    g, y = ds[0]
    assert torch.allclose(g.ndata["attr"], torch.tensor([[0.5, 2.0], [1.5, 3.0]]))
    assert g.ndata["label"].tolist() == [0, 0]


@pytest.mark.parametrize("text,match", [
    ("2\n1 0\n0 0\n", "ends early"),
    ("1\n2 0\n0 1 5\n0 0\n", "outside"),
    ("1\n1 0\n0 3 0\n", "announces 3"),
    ("x\n", "number of graphs"),
])
def test_malformed(tmp_path, text, match):
    with pytest.raises(DGLError, match=match):
        GINDataset("BAD", self_loop=False, raw_dir=write(tmp_path, "BAD", text))


def test_dgl_conventions(tmp_path):
    """Self-loops follow each node's neighbours; one-hot columns follow DGL's tag map when
    the labels are 0..k-1 and are themselves tags (checked against DGL 2.1 on these files)."""
    text = "2\n3 0\n1 2 1 2\n0 1 0\n2 1 0\n2 1\n0 1 1\n1 1 0\n"
    ds = GINDataset("QUIRK", self_loop=True, raw_dir=write(tmp_path, "QUIRK", text))
    g, _ = ds[0]
    u, v = g.edges()
    assert list(zip(u.tolist(), v.tolist())) == [(0, 1), (0, 2), (0, 0), (1, 0), (1, 1), (2, 0), (2, 2)]
    assert g.ndata["label"].tolist() == [0, 1, 2]
    assert g.ndata["attr"].tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
    deg = GINDataset("QUIRK", self_loop=False, degree_as_nlabel=True, raw_dir=str(tmp_path), force_reload=True)
    assert deg[0][0].ndata["label"].tolist() == [2, 1, 1]
    assert deg[0][0].ndata["attr"].tolist() == [[0, 1], [1, 0], [1, 0]]  # degrees {1, 2} -> columns 0, 1
