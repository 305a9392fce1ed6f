import pytest
import torch

import graphdl
from graphdl import EID, NID, DGLError
from graphdl.dataloading import DataLoader, NeighborSampler, as_edge_prediction_sampler, negative_sampler


def _graph(idtype, n=80, e=600):
    gen = torch.Generator().manual_seed(0)
    g = graphdl.graph((torch.randint(0, n, (e,), generator=gen), torch.randint(0, n, (e,), generator=gen)),
                      num_nodes=n, idtype=idtype)
    g.ndata["feat"] = torch.randn(n, 4, generator=gen)
    return g


def _flatten(batch):
    out = []
    for x in batch:
        if isinstance(x, torch.Tensor):
            out.append(x)
        elif isinstance(x, dict):
            out.extend(x[k] for k in sorted(x))
        elif isinstance(x, list):
            for b in x:
                out.extend(_graph_parts(b))
        else:
            out.extend(_graph_parts(x))
    return out


def _graph_parts(b):
    parts = []
    for cet in b.canonical_etypes:
        parts.extend(b.edges(etype=cet))
        parts.append(b.edges[cet].data[EID])
    return parts


def test_batches_cover_ids(idtype):
    g = _graph(idtype)
    ids = torch.arange(0, 80, 3)
    for shuffle in (False, True):
        for drop_last in (False, True):
            loader = DataLoader(g, ids, NeighborSampler([2, 2]), batch_size=5, shuffle=shuffle, drop_last=drop_last)
            outs = [o for _, o, _ in loader]
            assert len(outs) == len(loader) == (len(ids) // 5 if drop_last else -(-len(ids) // 5))
            seen = torch.cat(outs).long()
            if drop_last:
                assert seen.numel() == len(ids) // 5 * 5 and set(seen.tolist()) <= set(ids.tolist())
            else:
                assert sorted(seen.tolist()) == ids.tolist()
            if not shuffle:
                assert torch.equal(seen, ids[: seen.numel()])


def test_workers_match_single_process(idtype):
    g = _graph(idtype)
    ids = torch.arange(60)
    sampler = NeighborSampler([3, 2])
    results = []
    for workers in (0, 2):
        graphdl.seed(11)
        loader = DataLoader(g, ids, sampler, batch_size=16, shuffle=True, num_workers=workers)
        results.append([_flatten(b) for epoch in range(2) for b in loader])
    graphdl.seed(11)
    loader = DataLoader(g, ids, sampler, batch_size=16, shuffle=True, num_workers=2, persistent_workers=True)
    results.append([_flatten(b) for epoch in range(2) for b in loader])
    a, b, p = results
    assert len(a) == len(b) == len(p) == 8
    for x, y in zip(a, p):
        assert len(x) == len(y) and all(torch.equal(u, w) for u, w in zip(x, y))
    for x, y in zip(a, b):
        assert len(x) == len(y) and all(torch.equal(p, q) for p, q in zip(x, y))
    graphdl.seed(12)
    c = [_flatten(b) for b in DataLoader(g, ids, sampler, batch_size=16, shuffle=True)]
    assert not all(torch.equal(p, q) for p, q in zip(c[0], a[0]))


def test_dict_indices_and_bool_mask(idtype):
    g = graphdl.heterograph({("a", "r", "b"): (torch.tensor([0, 1, 2]), torch.tensor([0, 1, 1])),
                             ("b", "s", "a"): (torch.tensor([1, 0]), torch.tensor([0, 2]))}, idtype=idtype)
    loader = DataLoader(g, {"a": torch.tensor([0, 1, 2]), "b": torch.tensor([0, 1])}, NeighborSampler([1]),
                        batch_size=2)
    seen = {"a": [], "b": []}
    for inp, out, blocks in loader:
        assert isinstance(out, dict)
        for k, v in out.items():
            seen[k] += v.tolist()
    assert sorted(seen["a"]) == [0, 1, 2] and sorted(seen["b"]) == [0, 1]
    h = _graph(idtype)
    mask = torch.zeros(80, dtype=torch.bool)
    mask[[4, 9]] = True
    outs = [o for _, o, _ in DataLoader(h, mask, NeighborSampler([1]), batch_size=10)]
    assert torch.cat(outs).tolist() == [4, 9]


def test_errors(idtype):
    g = _graph(idtype)
    with pytest.raises(DGLError):
        DataLoader(g, torch.arange(3), NeighborSampler([1]), batch_size=0)
    with pytest.raises(DGLError):
        DataLoader(g, torch.arange(3), object())
    with pytest.raises(DGLError, match="80"):
        next(iter(DataLoader(g, torch.tensor([80]), NeighborSampler([1]))))


def _reverse_graph(idtype):
    """Each edge i < E has its reverse at i + E."""
    gen = torch.Generator().manual_seed(3)
    u = torch.randint(0, 30, (100,), generator=gen)
    v = torch.randint(0, 30, (100,), generator=gen)
    g = graphdl.graph((torch.cat([u, v]), torch.cat([v, u])), num_nodes=30, idtype=idtype)
    return g, torch.cat([torch.arange(100, 200), torch.arange(0, 100)])


@pytest.mark.parametrize("neg", [None, "uniform", "global"])
def test_edge_prediction(idtype, neg):
    graphdl.seed(5)
    g, rev = _reverse_graph(idtype)
    ns = {None: None, "uniform": negative_sampler.Uniform(2), "global": negative_sampler.GlobalUniform(2)}[neg]
    sampler = as_edge_prediction_sampler(NeighborSampler([-1, -1]), exclude="reverse_id", reverse_eids=rev,
                                         negative_sampler=ns)
    loader = DataLoader(g, torch.arange(200), sampler, batch_size=32, shuffle=True)
    u, v = g.edges()
    for batch in loader:
        if neg is None:
            inp, pair, blocks = batch
        else:
            inp, pair, neg_pair, blocks = batch
            nu, nv = neg_pair.edges()
            nid = neg_pair.ndata[NID].long()
            assert neg_pair.num_nodes() == pair.num_nodes()
            if neg == "uniform":
                assert neg_pair.num_edges() == 2 * pair.num_edges()
                assert torch.equal(nid[nu.long()], nid[pair.edges()[0].long()].repeat_interleave(2))
            else:
                existing = set(zip(u.tolist(), v.tolist()))
                assert not (set(zip(nid[nu.long()].tolist(), nid[nv.long()].tolist())) & existing)
        eid = pair.edata[EID].long()
        nid = pair.ndata[NID].long()
        pu, pv = pair.edges()
        assert torch.equal(nid[pu.long()], u[eid].long()) and torch.equal(nid[pv.long()], v[eid].long())
        assert torch.equal(blocks[-1].dstdata[NID].long(), nid)
        excluded = torch.cat([eid, rev[eid]])
        for b in blocks:
            assert not bool(torch.isin(b.edata[EID].long(), excluded).any())


def test_edge_prediction_self_and_reverse_types(idtype):
    graphdl.seed(6)
    gen = torch.Generator().manual_seed(4)
    u = torch.randint(0, 10, (40,), generator=gen)
    i = torch.randint(0, 8, (40,), generator=gen)
    g = graphdl.heterograph({("user", "buys", "item"): (u, i), ("item", "bought-by", "user"): (i, u)},
                            idtype=idtype)
    sampler = as_edge_prediction_sampler(NeighborSampler([-1]), exclude="reverse_types",
                                         reverse_etypes={"buys": "bought-by", "bought-by": "buys"},
                                         negative_sampler=negative_sampler.PerSourceUniform(1))
    loader = DataLoader(g, {"buys": torch.arange(40)}, sampler, batch_size=8)
    for inp, pair, neg, blocks in loader:
        seeds = pair.edges["buys"].data[EID].long()
        assert pair.num_edges("bought-by") == 0 and neg.num_edges("buys") == seeds.numel()
        for cet in blocks[0].canonical_etypes:
            assert not bool(torch.isin(blocks[0].edges[cet].data[EID].long(), seeds).any())
    h = _graph(idtype)
    sampler = as_edge_prediction_sampler(NeighborSampler([-1]), exclude="self")
    for inp, pair, blocks in DataLoader(h, torch.arange(600), sampler, batch_size=100):
        assert not bool(torch.isin(blocks[0].edata[EID], pair.edata[EID]).any())
    with pytest.raises(DGLError):
        as_edge_prediction_sampler(NeighborSampler([1]), exclude="reverse_id")


def test_reverse_types_for_some_types_only(idtype):
    # a seed type without an entry in reverse_etypes excludes only its own seed edges (DGL)
    from graphdl.dataloading import find_exclude_eids

    g = graphdl.heterograph({("A", "AB", "B"): ([0, 1], [0, 1]), ("B", "BA", "A"): ([0, 1], [0, 1]),
                             ("B", "BC", "C"): ([0], [0])}, idtype=idtype)
    out = find_exclude_eids(g, {"AB": torch.tensor([1]), "BC": torch.tensor([0])}, "reverse_types",
                            reverse_etypes={"AB": "BA"})
    assert {k: v.tolist() for k, v in out.items()} == {("A", "AB", "B"): [1], ("B", "BA", "A"): [1],
                                                      ("B", "BC", "C"): [0]}
    sampler = as_edge_prediction_sampler(NeighborSampler([-1]), exclude="reverse_types",
                                         reverse_etypes={"AB": "BA"})
    loader = DataLoader(g, {"AB": torch.tensor([0, 1]), "BC": torch.tensor([0])}, sampler, batch_size=3)
    _, pair, (block,) = next(iter(loader))
    assert pair.num_edges("AB") == 2 and pair.num_edges("BC") == 1
    assert block.num_edges("AB") == 0 and block.num_edges("BA") == 0 and block.num_edges("BC") == 0


def test_ddp_single_process(idtype, tmp_path):
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{tmp_path}/pg", rank=0, world_size=1)
    try:
        g = _graph(idtype)
        loader = DataLoader(g, torch.arange(20), NeighborSampler([1]), batch_size=6, shuffle=True,
                            use_ddp=True, ddp_seed=3)
        loader.set_epoch(0)
        first = torch.cat([o for _, o, _ in loader])
        loader.set_epoch(0)
        again = torch.cat([o for _, o, _ in loader])
        assert sorted(first.tolist()) == list(range(20)) and torch.equal(first, again)
    finally:
        dist.destroy_process_group()
