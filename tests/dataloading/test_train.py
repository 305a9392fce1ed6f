import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.dataloading import train_minibatch_node_classification


def _task(idtype):
    """Labels are a function of each node's own features: a small model must fit them."""
    gen = torch.Generator().manual_seed(0)
    n = 200
    g = graphdl.graph((torch.randint(0, n, (800,), generator=gen), torch.randint(0, n, (800,), generator=gen)),
                      num_nodes=n, idtype=idtype)
    x = torch.randn(n, 8, generator=gen)
    g.ndata["feat"] = x
    g.ndata["label"] = x[:, :3].argmax(1)
    perm = torch.randperm(n, generator=gen)
    for name, sl in (("train_mask", perm[:120]), ("val_mask", perm[120:160]), ("test_mask", perm[160:])):
        m = torch.zeros(n, dtype=torch.bool)
        m[sl] = True
        g.ndata[name] = m
    return g


def test_train_minibatch(idtype):
    g = _task(idtype)
    out = train_minibatch_node_classification(g, fanouts=(5, 5), hidden_feats=32, epochs=15, batch_size=32,
                                              dropout=0.0, seed=0)
    assert out["epochs"] == 15 and isinstance(out["model"], torch.nn.Module)
    assert out["train_acc"] > 0.7 and out["test_acc"] > 0.5
    again = train_minibatch_node_classification(g, fanouts=(5, 5), hidden_feats=32, epochs=15, batch_size=32,
                                                dropout=0.0, seed=0)
    assert again["val_acc"] == out["val_acc"]


def test_train_minibatch_missing_feature(idtype):
    g = _task(idtype)
    with pytest.raises(DGLError, match="nope"):
        train_minibatch_node_classification(g, feat_name="nope", epochs=1)
