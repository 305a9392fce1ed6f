"""TUDataset parsed from tiny files written by the test."""
import pytest
import torch

from graphdl.base import DGLError
from graphdl.data import TUDataset


def write_tu(root, name="TINY", extra=True, edges=None):
    folder = root / name / name
    folder.mkdir(parents=True)
    # graph 1: nodes 1-3 (triangle), graph 2: nodes 4-5 (one edge both ways)
    edges = edges or [(1, 2), (2, 3), (3, 1), (4, 5), (5, 4)]
    (folder / f"{name}_A.txt").write_text("\n".join(f"{a}, {b}" for a, b in edges) + "\n")
    (folder / f"{name}_graph_indicator.txt").write_text("1\n1\n1\n2\n2\n")
    (folder / f"{name}_graph_labels.txt").write_text("1\n-1\n")
    if extra:
        (folder / f"{name}_node_labels.txt").write_text("3\n4\n3\n5\n3\n")
        (folder / f"{name}_node_attributes.txt").write_text("0.5, 1\n1.5, 2\n2.5, 3\n3.5, 4\n4.5, 5\n")
        (folder / f"{name}_edge_labels.txt").write_text("0\n1\n0\n1\n1\n")
    return root


def test_parse_tiny(tmp_path):
    ds = TUDataset("TINY", raw_dir=str(write_tu(tmp_path)))
    assert len(ds) == 2 and ds.num_classes == 2
    g0, y0 = ds[0]
    g1, y1 = ds[1]
    assert y0.tolist() == [1] and y1.tolist() == [0]
    assert g0.num_nodes() == 3 and g0.num_edges() == 3 and g1.num_nodes() == 2 and g1.num_edges() == 2
    assert sorted(zip(*[t.tolist() for t in g0.edges()])) == [(0, 1), (1, 2), (2, 0)]
    assert g0.ndata["node_labels"].squeeze(1).tolist() == [0, 1, 0]
    assert torch.equal(g1.ndata["node_attr"], torch.tensor([[3.5, 4.0], [4.5, 5.0]], dtype=torch.float64))
    assert g1.edata["edge_labels"].squeeze(1).tolist() == [1, 1]
    assert g1.ndata["_ID"].tolist() == [3, 4]
    # second construction loads the cache and agrees
    again = TUDataset("TINY", raw_dir=str(tmp_path))
    assert torch.equal(again[1][0].ndata["node_attr"], g1.ndata["node_attr"])
    assert again[0][1].tolist() == [1]


def test_errors(tmp_path):
    with pytest.raises(DGLError, match="different graphs"):
        TUDataset("BAD", raw_dir=str(write_tu(tmp_path, "BAD", extra=False, edges=[(1, 4)])))
    with pytest.raises(DGLError, match="there are 5 nodes"):
        TUDataset("BAD2", raw_dir=str(write_tu(tmp_path, "BAD2", extra=False, edges=[(1, 9)])))
