"""CSVDataset on folders written by the test."""
import pytest
import torch

from graphdl.base import DGLError
from graphdl.data import CSVDataset


def test_single_graph_with_features(tmp_path):
    (tmp_path / "meta.yaml").write_text("dataset_name: mini\nedge_data:\n- file_name: edges.csv\nnode_data:\n- file_name: nodes.csv\n")
    (tmp_path / "nodes.csv").write_text('node_id,label,train_mask,feat\n0,1,True,"0.5, 1.5"\n1,0,False,"1, 2"\n2,1,True,"3, 4"\n')
    (tmp_path / "edges.csv").write_text("src_id,dst_id,weight\n0,1,0.5\n1,2,1.5\n2,0,2.5\n2,2,3.5\n")
    ds = CSVDataset(str(tmp_path), verbose=False)
    assert len(ds) == 1
    g = ds[0]
    assert g.num_nodes() == 3 and g.num_edges() == 4
    assert g.edges()[0].tolist() == [0, 1, 2, 2] and g.edges()[1].tolist() == [1, 2, 0, 2]
    assert g.ndata["label"].tolist() == [1, 0, 1] and g.ndata["train_mask"].dtype == torch.bool
    assert torch.equal(g.ndata["feat"], torch.tensor([[0.5, 1.5], [1.0, 2.0], [3.0, 4.0]]))
    assert g.edata["weight"].tolist() == [0.5, 1.5, 2.5, 3.5]


def test_hetero_string_ids_and_multi_graph(tmp_path):
    (tmp_path / "meta.yaml").write_text(
        "dataset_name: h\nedge_data:\n- file_name: e.csv\n  etype: [user, like, item]\n"
        "node_data:\n- file_name: u.csv\n  ntype: user\n- file_name: i.csv\n  ntype: item\n"
        "graph_data:\n  file_name: g.csv\n")
    (tmp_path / "u.csv").write_text("graph_id,node_id,age\n0,bob,30\n0,amy,40\n1,cat,50\n")
    (tmp_path / "i.csv").write_text("graph_id,node_id\n0,10\n0,11\n1,12\n")
    (tmp_path / "e.csv").write_text("graph_id,src_id,dst_id\n0,amy,11\n0,bob,10\n1,cat,12\n")
    (tmp_path / "g.csv").write_text("graph_id,label\n0,1\n1,0\n")
    ds = CSVDataset(str(tmp_path), verbose=False)
    assert len(ds) == 2
    g0, y0 = ds[0]
    assert y0.tolist() == [1]  # one graph data column: the item is (graph, value), as in DGL
    assert g0.num_nodes("user") == 2 and g0.num_nodes("item") == 2
    u, v = g0.edges(etype="like")
    assert u.tolist() == [0, 1] and v.tolist() == [1, 0]  # ids in increasing order: amy=0, bob=1
    assert g0.nodes["user"].data["age"].tolist() == [40, 30]
    g1, y1 = ds[1]
    assert g1.num_edges("like") == 1 and y1.tolist() == [0]


def test_errors(tmp_path):
    with pytest.raises(DGLError, match="meta.yaml"):
        CSVDataset(str(tmp_path))
    (tmp_path / "meta.yaml").write_text("dataset_name: x\nedge_data:\n- file_name: e.csv\nnode_data:\n- file_name: n.csv\n")
    (tmp_path / "n.csv").write_text("node_id\n0\n1\n")
    (tmp_path / "e.csv").write_text("src_id,dst_id\n0,7\n")
    with pytest.raises(DGLError, match="node id 7"):
        CSVDataset(str(tmp_path), verbose=False)
    (tmp_path / "e.csv").write_text("source,dst_id\n0,1\n")
    with pytest.raises(DGLError, match="src_id"):
        CSVDataset(str(tmp_path), verbose=False)
