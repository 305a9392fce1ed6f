"""Distributed sampling equals single-process sampling: 2 ranks on gloo, homogeneous and
heterogeneous partitions. Each rank seeds graphdl's sampler stream, samples, and the parent
replays the same calls in one process on the whole graph, numbered as the partition book
numbers it; the picks must be identical, edge for edge."""
import os

import pytest
import torch

import graphdl
from graphdl.distributed import load_partition_book, partition_graph
from graphdl.sampling import _rng

from test_dist_runtime import _graph, _load, _ok, run_ranks


def _hetero():
    gen = torch.Generator().manual_seed(0)

    def rnd(n, m):
        return torch.randint(n, (m,), generator=gen)

    g = graphdl.heterograph({
        ("user", "follows", "user"): (rnd(30, 90), rnd(30, 90)),
        ("user", "buys", "item"): (rnd(30, 70), rnd(20, 70)),
        ("item", "bought-by", "user"): (rnd(20, 60), rnd(30, 60)),
    }, num_nodes_dict={"user": 30, "item": 20})
    g.nodes["user"].data["feat"] = torch.randn(30, 3)
    return g


def _inverse(perm):
    inv = torch.empty_like(perm)
    inv[perm] = torch.arange(perm.numel())
    return inv


def _relabelled(g, nmap, emap):
    """The whole graph with the partition book's per-type ids, edges in new id order."""
    if not isinstance(nmap, dict):
        nmap, emap = {g.ntypes[0]: nmap}, {g.canonical_etypes[0]: emap}
    inv = {nt: _inverse(m) for nt, m in nmap.items()}
    data = {}
    for c in g.canonical_etypes:
        u, v = g.edges(etype=c)
        old = emap[c]
        data[c] = (inv[c[0]][u[old]], inv[c[2]][v[old]])
    return graphdl.heterograph(data, num_nodes_dict={nt: g.num_nodes(nt) for nt in g.ntypes},
                               idtype=torch.int64)


def _homogeneous(ref, book):
    """``ref`` as one homogeneous graph numbered with the book's homogeneous ids."""
    total = sum(ref.num_edges(c) for c in ref.canonical_etypes)
    src = torch.empty(total, dtype=torch.int64)
    dst = torch.empty(total, dtype=torch.int64)
    for c in ref.canonical_etypes:
        u, v = ref.edges(etype=c)
        he = book.map_to_homo_eid(torch.arange(ref.num_edges(c)), c)
        src[he] = book.map_to_homo_nid(u, c[0])
        dst[he] = book.map_to_homo_nid(v, c[2])
    return graphdl.graph((src, dst), num_nodes=sum(ref.num_nodes(nt) for nt in ref.ntypes))


def _frontier(fr):
    return {tuple(c): (fr.edges(etype=c), fr.edges[c].data[graphdl.EID]) for c in fr.canonical_etypes}


def _assert_same(got, want, what):
    assert set(got) == set(want), what
    for c in want:
        (gu, gv), ge = got[c]
        (wu, wv), we = want[c]
        assert ge.numel() > 0 or we.numel() == 0, (what, c)
        assert torch.equal(ge.long(), we.long()), (what, c, ge, we)
        assert torch.equal(gu.long(), wu.long()) and torch.equal(gv.long(), wv.long()), (what, c)


def _same_set(got, want, what):
    for c in want:
        (gu, gv), ge = got[c]
        (wu, wv), we = want[c]
        key = lambda u, v, e: sorted(zip(e.tolist(), u.tolist(), v.tolist()))  # noqa: E731
        assert key(gu, gv, ge) == key(wu, wv, we), (what, c)


def _blocks(blocks):
    return [({nt: b.srcnodes[nt].data[graphdl.NID] for nt in b.srctypes},
             {nt: b.dstnodes[nt].data[graphdl.NID] for nt in b.dsttypes},
             {tuple(c): (b.edges(etype=c), b.edges[c].data[graphdl.EID]) for c in b.canonical_etypes})
            for b in blocks]


def _check_rank(res, rank, ref, homo, book, sampler):
    seeds = res["seeds"]
    sp = graphdl.sampling.sample_neighbors
    graphdl.seed(50 + rank)  # the worker's seed: the same sampler stream, call for call
    _assert_same(res["etype3"], _frontier(sp(ref, seeds, 3)), "sample_etype_neighbors")
    fan = {c: 2 + i for i, c in enumerate(ref.canonical_etypes)}
    _assert_same(res["etype_dict"], _frontier(sp(ref, seeds, fan)), "per-type fanouts")
    if isinstance(seeds, dict):
        hseeds = torch.cat([book.map_to_homo_nid(ids, nt) for nt, ids in seeds.items()])
        blind = sp(homo, hseeds, 2)
        bu, bv = blind.edges()
        tids, per_e = book.map_to_per_etype(blind.edata[graphdl.EID])
        want = {}
        for r, c in enumerate(ref.canonical_etypes):
            sel = tids == r
            want[c] = ((book.map_to_per_ntype(bu[sel])[1], book.map_to_per_ntype(bv[sel])[1]),
                       per_e[sel])
    else:
        want = _frontier(sp(ref, seeds, 2))
    _assert_same(res["blind2"], want, "sample_neighbors (all edge types together)")
    _same_set(res["in_sub"], _frontier(graphdl.in_subgraph(ref, seeds)), "in_subgraph")
    # DistGraph.sample_neighbors samples per edge type, as DGL's does on a heterogeneous graph
    _assert_same(res["method"], _frontier(sp(ref, seeds, 2)), "DistGraph.sample_neighbors")
    assert len(res["batches"]) >= 2
    for i, (batch_seeds, input_nodes, blocks) in enumerate(res["batches"]):
        with _rng.batch_state(res["epoch_seed"], i):
            w_input, _, w_blocks = sampler.sample_blocks(ref, batch_seeds)
        want_blocks = _blocks(w_blocks)
        assert len(blocks) == len(want_blocks)
        for (gs, gd, ge), (ws, wd, we) in zip(blocks, want_blocks):
            assert {k: v.tolist() for k, v in gs.items()} == {k: v.tolist() for k, v in ws.items()}
            assert {k: v.tolist() for k, v in gd.items()} == {k: v.tolist() for k, v in wd.items()}
            _assert_same({tuple(k): v for k, v in ge.items()}, we, f"block of batch {i}")
        if isinstance(input_nodes, dict):
            assert {k: v.tolist() for k, v in input_nodes.items()} == \
                {k: v.tolist() for k, v in w_input.items()}
        else:
            assert torch.equal(input_nodes, w_input)


@pytest.mark.parametrize("kind", ["homogeneous", "heterogeneous"])
def test_distributed_sampling_equals_single_process(kind, tmp_path):
    g = _graph() if kind == "homogeneous" else _hetero()
    torch.manual_seed(3)
    nmap, emap = partition_graph(g, "g", 2, str(tmp_path), part_method="random",
                                 return_mapping=True)
    config = str(tmp_path / "g.json")
    _ok(run_ranks(2, "same_stream", config, tmp_path))
    ref = _relabelled(g, nmap, emap)
    book = load_partition_book(config, 0)[0]
    homo = _homogeneous(ref, book)
    if kind == "homogeneous":
        sampler = graphdl.dataloading.NeighborSampler([4, 2])
    else:
        sampler = graphdl.dataloading.NeighborSampler(
            [2, {c: 1 + i for i, c in enumerate(ref.canonical_etypes)}])
    for rank, res in enumerate(_load(tmp_path, "same_stream", 2)):
        _check_rank(res, rank, ref, homo, book, sampler)
        if kind == "heterogeneous":  # the seeds of a batch are typed, and cover every seed once
            seen = {nt: [] for nt in res["seeds"]}
            for batch_seeds, _, _ in res["batches"]:
                assert isinstance(batch_seeds, dict)
                for nt, ids in batch_seeds.items():
                    seen[nt] += ids.tolist()
            for nt, ids in res["seeds"].items():
                assert sorted(seen[nt]) == sorted(ids.tolist())


def test_distributed_sampling_rejects_bad_fanouts(tmp_path):
    g = _hetero()
    partition_graph(g, "g", 1, str(tmp_path), part_method="random")
    code = ("import graphdl.distributed as d, torch\n"
            "d.initialize()\n"
            f"g = d.DistGraph('g', part_config={str(tmp_path / 'g.json')!r})\n"
            "try:\n"
            "    d.sample_etype_neighbors(g, {'user': torch.arange(3)}, {'follows': 2})\n"
            "except graphdl.DGLError as e:\n"
            "    print('ERR', e)\n"
            "try:\n"
            "    d.sample_neighbors(g, torch.arange(3), 2)\n"
            "except graphdl.DGLError as e:\n"
            "    print('ERR', e)\n")
    import subprocess
    import sys
    from test_dist_runtime import ROOT
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE")}
    env["PYTHONPATH"] = os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")])
    p = subprocess.run([sys.executable, "-c", "import graphdl\n" + code], env=env,
                       capture_output=True, timeout=60, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    errs = [line for line in p.stdout.splitlines() if line.startswith("ERR")]
    assert len(errs) == 2, p.stdout
    assert "misses edge types" in errs[0]
    assert "dict {ntype: ids}" in errs[1]
