import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.data import AsGraphPredDataset, AsLinkPredDataset, AsNodePredDataset, CoraGraphDataset


class _One:
    def __init__(self, g):
        self.g = g

    def __getitem__(self, i):
        return self.g

    def __len__(self):
        return 1


class _Many:
    def __init__(self, n=10):
        self.items = []
        for i in range(n):
            g = graphdl.graph(([0, 1], [1, 2]))
            g.ndata["feat"] = torch.ones(3, 4)
            self.items.append((g, torch.tensor([i % 3])))

    def __getitem__(self, i):
        return self.items[i]

    def __len__(self):
        return len(self.items)


def test_node_pred_uses_existing_masks(tmp_path):
    ds = AsNodePredDataset(CoraGraphDataset(raw_dir=str(tmp_path), verbose=False))
    assert ds.num_classes == 7 and len(ds) == 1
    assert (ds.train_idx.numel(), ds.val_idx.numel(), ds.test_idx.numel()) == (140, 500, 1000)
    assert ds.train_idx.tolist() == list(range(140))


def test_node_pred_random_split():
    g = graphdl.graph(([0, 1, 2], [1, 2, 3]), num_nodes=10)
    g.ndata["label"] = torch.arange(10) % 2
    ds = AsNodePredDataset(_One(g), split_ratio=[0.6, 0.2, 0.2], random_state=0)
    assert "train_mask" not in g.ndata  # the wrapped graph is left alone
    assert (ds.train_idx.numel(), ds.val_idx.numel(), ds.test_idx.numel()) == (6, 2, 2)
    all_ids = torch.cat([ds.train_idx, ds.val_idx, ds.test_idx]).sort().values
    assert all_ids.tolist() == list(range(10))
    assert int(ds[0].ndata["train_mask"].sum()) == 6 and ds.num_classes == 2
    with pytest.raises(DGLError, match="split_ratio"):
        AsNodePredDataset(_One(g), split_ratio=[0.5, 0.5, 0.5])


def test_link_pred_split():
    n = 30
    u = torch.arange(n)
    g = graphdl.graph((u, (u + 1) % n))
    g.ndata["feat"] = torch.randn(n, 5)
    ds = AsLinkPredDataset(_One(g), split_ratio=[0.8, 0.1, 0.1], neg_ratio=2, random_state=0)
    train = ds[0]
    assert train is ds.train_graph and train.num_edges() == 24 and ds.feat_size == 5
    (pu, pv), (nu, nv) = ds.test_edges
    assert pu.numel() == 3 and nu.numel() == 6
    train_pairs = set(zip(*[t.tolist() for t in train.edges()]))
    assert not train_pairs & set(zip(pu.tolist(), pv.tolist()))
    all_pairs = set(zip(*[t.tolist() for t in g.edges()]))
    (_, _), (vnu, vnv) = ds.val_edges
    negatives = list(zip(nu.tolist(), nv.tolist())) + list(zip(vnu.tolist(), vnv.tolist()))
    assert len(negatives) == 12 and len(set(negatives)) == 12
    assert not set(negatives) & all_pairs and all(a != b for a, b in negatives)
    with pytest.raises(DGLError, match="split_ratio"):
        AsLinkPredDataset(_One(g))


def test_graph_pred():
    many = _Many(10)
    many.num_classes = 3
    ds = AsGraphPredDataset(many, split_ratio=[0.8, 0.1, 0.1])
    assert (ds.train_idx.numel(), ds.val_idx.numel(), ds.test_idx.numel()) == (8, 1, 1)
    assert sorted(torch.cat([ds.train_idx, ds.val_idx, ds.test_idx]).tolist()) == list(range(10))
    assert ds.num_classes == 3 and ds.num_tasks == 1 and ds.node_feat_size == 4
    assert ds[3][1].tolist() == [0]
    assert AsGraphPredDataset(_Many(4), split_ratio=[0.5, 0.25, 0.25]).num_classes is None
    with pytest.raises(DGLError, match="split_ratio"):
        AsGraphPredDataset(_Many(4))
