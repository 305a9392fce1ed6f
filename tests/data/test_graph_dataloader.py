import pytest
import torch

import graphdl
from graphdl.data import GraphDataLoader


def _items(n=5):
    out = []
    for i in range(n):
        g = graphdl.graph((torch.arange(i + 1), torch.arange(1, i + 2)), num_nodes=i + 2)
        g.ndata["h"] = torch.full((i + 2, 2), float(i))
        out.append((g, torch.tensor(i), {"w": float(i)}))
    return out


def test_batches_graphs_labels_and_dicts():
    items = _items()
    loader = GraphDataLoader(items, batch_size=2, shuffle=False)
    batches = list(loader)
    assert len(batches) == 3
    bg, labels, extra = batches[0]
    assert bg.batch_size == 2 and bg.num_nodes() == 2 + 3 and bg.num_edges() == 1 + 2
    assert labels.tolist() == [0, 1] and extra["w"].tolist() == [0.0, 1.0]
    assert torch.equal(bg.ndata["h"][:, 0], torch.tensor([0.0, 0, 1, 1, 1]))
    assert list(GraphDataLoader(items, batch_size=2, drop_last=True)).__len__() == 2


def test_non_graph_items_and_errors():
    from graphdl.base import DGLError
    from graphdl.data import GraphCollator

    collate = GraphCollator().collate
    assert collate([(1, 2.0), (3, 4.0)])[0].tolist() == [1, 3]
    with pytest.raises(DGLError, match="same number"):
        collate([[1, 2], [1]])
    with pytest.raises(DGLError):
        GraphDataLoader([1, 2], use_ddp=True)


def test_batch_size_none_gives_single_items(idtype):
    # as with torch's loader, batch_size=None yields the items themselves (no batching)
    items = [(graphdl.graph(([0, i], [1, 0]), idtype=idtype), torch.tensor(i)) for i in range(3)]
    loader = graphdl.dataloading.GraphDataLoader(items, batch_size=None)
    got = list(loader)
    assert len(got) == 3
    for (g, label), (g0, l0) in zip(got, items):
        assert isinstance(g, graphdl.DGLGraph) and g.idtype == idtype and g.num_edges() == 2
        assert label.ndim == 0 and int(label) == int(l0)
