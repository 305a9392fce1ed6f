"""The Shchur et al. .npz graphs (CoraFull, Coauthor, Amazon co-purchase) on fixtures in that format."""
import io

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from graphdl import DGLError
from graphdl.data import (AmazonCoBuyComputerDataset, AmazonCoBuyPhotoDataset, CoauthorCSDataset,
                          CoauthorPhysicsDataset, CoraFullDataset, GNNBenchmarkDataset)

from data_fixtures import no_network, write_zip

# a directed adjacency with one duplicate direction (0->1 and 1->0 both stored)
ADJ = sp.csr_matrix((np.ones(4, dtype=np.float32), ([0, 1, 1, 3], [1, 0, 2, 4])), shape=(5, 5))
ATTR = sp.csr_matrix(np.array([[1, 0, 0], [0, 2, 0], [0, 0, 3], [1, 1, 2], [0, 0, 0]], dtype=np.float32))
LABELS = np.array([0, 1, 1, 2, 0])


def npz(dense_attr=False):
    arrays = dict(adj_data=ADJ.data, adj_indices=ADJ.indices, adj_indptr=ADJ.indptr, adj_shape=np.array(ADJ.shape),
                  labels=LABELS, node_names=np.array(["a", "b", "c", "d", "e"], dtype=object))
    if dense_attr:
        arrays["attr_matrix"] = ATTR.toarray()
    else:
        arrays.update(attr_data=ATTR.data, attr_indices=ATTR.indices, attr_indptr=ATTR.indptr,
                      attr_shape=np.array(ATTR.shape))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("cls,name,classes", [
    (CoraFullDataset, "cora_full", 70), (CoauthorCSDataset, "coauthor_cs", 15),
    (CoauthorPhysicsDataset, "coauthor_physics", 5), (AmazonCoBuyComputerDataset, "amazon_co_buy_computer", 10),
    (AmazonCoBuyPhotoDataset, "amazon_co_buy_photo", 8)])
def test_archive_to_graph(tmp_path, monkeypatch, cls, name, classes):
    no_network(monkeypatch)
    write_zip(tmp_path / f"{name}.zip", {f"{name}.npz": npz(dense_attr=name == "coauthor_cs")})
    ds = cls(raw_dir=str(tmp_path))
    g = ds[0]
    assert ds.num_classes == classes and ds.name == name
    # symmetric and simple: {0-1, 1-2, 3-4} in both directions, multiplicity in 'count'
    assert g.num_nodes() == 5 and g.num_edges() == 6
    src, dst = g.edges()
    pairs = set(zip(src.tolist(), dst.tolist()))
    assert all((v, u) in pairs for u, v in pairs)
    assert sorted(g.edata["count"].tolist()) == [1, 1, 1, 1, 2, 2]
    assert torch.all(dst[1:] >= dst[:-1])  # edges sorted by destination
    # renumbered nodes keep their own features and labels: feature row sums identify nodes
    sums = dict(zip(ATTR.toarray().sum(1).tolist(), LABELS.tolist()))
    for row, label in zip(g.ndata["feat"].sum(1).tolist(), g.ndata["label"].tolist()):
        assert sums[row] == label
    assert g.ndata["feat"].dtype == torch.float32 and g.ndata["label"].dtype == torch.int64


def test_unknown_name_and_missing_parts(tmp_path):
    with pytest.raises(DGLError, match="cora_full"):
        GNNBenchmarkDataset("cora-full", raw_dir=str(tmp_path))
    folder = tmp_path / "amazon_co_buy_photo"
    folder.mkdir()
    np.savez(folder / "amazon_co_buy_photo.npz", labels=LABELS)
    with pytest.raises(DGLError, match="adjacency"):
        AmazonCoBuyPhotoDataset(raw_dir=str(tmp_path))
