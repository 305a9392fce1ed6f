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


def _ddp_worker(rank, init_file, out_dir):
    import os

    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    items = [(graphdl.graph(([0], [1]), idtype=torch.int32), torch.tensor(i)) for i in range(7)]
    loader = GraphDataLoader(items, batch_size=2, shuffle=True, use_ddp=True, ddp_seed=5)
    epochs = []
    for epoch in range(2):
        loader.set_epoch(epoch)
        epochs.append(torch.cat([labels for _, labels in loader]).tolist())
    torch.save(epochs, os.path.join(out_dir, f"r{rank}.pt"))
    dist.barrier()
    dist.destroy_process_group()


def test_use_ddp_splits_between_two_processes():
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        torch.multiprocessing.spawn(_ddp_worker, args=(os.path.join(d, "init"), d), nprocs=2, join=True)
        r0, r1 = (torch.load(os.path.join(d, f"r{r}.pt")) for r in (0, 1))
    for epoch in range(2):
        assert len(r0[epoch]) == len(r1[epoch]) == 4  # 7 items padded to 8, 4 per process
        assert set(r0[epoch]) | set(r1[epoch]) == set(range(7))
    assert r0[0] != r0[1] or r1[0] != r1[1]  # set_epoch reshuffles
    with pytest.raises(graphdl.DGLError, match="use_ddp"):
        GraphDataLoader([1, 2]).set_epoch(0)
