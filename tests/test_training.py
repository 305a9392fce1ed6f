"""The shared epoch loop and its selection rules, on a task a linear model can learn."""
import pytest
import torch

import graphdl as dgl
from graphdl import DGLError
from graphdl.models import GCN
from graphdl.training import fit, full_graph_evaluator, full_graph_step, with_self_loops


def _task():
    gen = torch.Generator().manual_seed(0)
    n = 60
    g = dgl.graph((torch.randint(0, n, (200,), generator=gen), torch.randint(0, n, (200,), generator=gen)),
                  num_nodes=n)
    x = torch.randn(n, 5, generator=gen)
    y = x[:, :2].argmax(1)
    perm = torch.randperm(n, generator=gen)
    masks = {}
    for name, sl in (("train", perm[:30]), ("val", perm[30:45]), ("test", perm[45:])):
        m = torch.zeros(n, dtype=torch.bool)
        m[sl] = True
        masks[name] = m
    return with_self_loops(g), x, y, masks


def test_scripted_evaluations_pick_the_documented_epoch():
    """Each rule is checked against a fixed sequence of validation results."""
    model = torch.nn.Linear(1, 1)
    # epoch:              0     1     2     3     4
    val = [(0.5, 1.0), (0.7, 0.9), (0.7, 0.95), (0.6, 0.8), (0.6, 1.2)]
    test = [0.1, 0.2, 0.3, 0.4, 0.5]
    epoch = {"i": -1}

    def step():
        epoch["i"] += 1
        return 0.0

    def evaluate(splits):
        i = epoch["i"]
        return {"train": (0.0, 0.0), "val": val[i], "test": (test[i], 0.0)}

    # the GAT rule: the last epoch improving both accuracy (>=) and loss (<=) is epoch 1
    res = fit(model, step, evaluate, 5, selection="gat", patience=10)
    assert res.test_acc == 0.2 and res.epochs == 5 and res.best_epoch == 1
    # patience 1: epoch 4 improves nothing after epoch 3 improved the loss -> stop after epoch 4
    epoch["i"] = -1
    res = fit(model, step, evaluate, 5, selection="gat", patience=1)
    assert res.epochs == 5
    epoch["i"] = -1
    val[3] = (0.6, 0.99)  # epoch 3 improves nothing now: patience 1 stops there
    res = fit(model, step, evaluate, 5, selection="gat", patience=1)
    assert res.epochs == 4 and res.test_acc == 0.2
    epoch["i"] = -1
    res = fit(model, step, evaluate, 5, selection="last")
    assert res.test_acc == 0.5  # evaluated after the final epoch
    with pytest.raises(DGLError, match="selection"):
        fit(model, step, evaluate, 1, selection="best")


def test_best_val_acc_restores_the_best_weights():
    g, x, y, masks = _task()
    torch.manual_seed(0)
    model = GCN(5, 2, hidden=8, dropout=0.0)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    evaluate = full_graph_evaluator(model, g, x, y, masks)
    res = fit(model, full_graph_step(model, opt, g, x, y, masks["train"]), evaluate, 30,
              selection="best_val_acc")
    best = max(res.history["val_acc"])
    assert res.history["val_acc"][res.best_epoch] == best
    model.eval()
    with torch.no_grad():
        assert evaluate(["val"])["val"][0] == best
    assert res.history["train_acc"][-1] > 0.8
    assert len(res.history["loss"]) == 30 and res.history["loss"][-1] < res.history["loss"][0]


def test_with_self_loops_has_exactly_one_per_node(idtype):
    g = dgl.graph(([0, 0, 1, 2], [0, 0, 2, 1]), num_nodes=4, idtype=idtype)
    g.ndata["h"] = torch.arange(4.0)
    h = with_self_loops(g)
    u, v = h.edges()
    assert h.idtype == idtype and int((u == v).sum()) == 4 and h.num_edges() == 2 + 4
    assert h.ndata["h"].tolist() == [0.0, 1.0, 2.0, 3.0]
