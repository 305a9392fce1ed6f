import pytest
import torch

import graphdl
from graphdl import EID, NID, DGLError
from graphdl.dataloading import LaborSampler, MultiLayerFullNeighborSampler, NeighborSampler


def _graph(idtype, n=60, e=500):
    gen = torch.Generator().manual_seed(0)
    g = graphdl.graph((torch.randint(0, n, (e,), generator=gen), torch.randint(0, n, (e,), generator=gen)),
                      num_nodes=n, idtype=idtype)
    g.ndata["feat"] = torch.randn(n, 5, generator=gen)
    g.ndata["label"] = torch.randint(0, 3, (n,), generator=gen)
    g.edata["w"] = torch.rand(e, generator=gen)
    return g


def _hetero(idtype):
    gen = torch.Generator().manual_seed(1)
    r = lambda a, b, e: (torch.randint(0, a, (e,), generator=gen), torch.randint(0, b, (e,), generator=gen))
    g = graphdl.heterograph({
        ("user", "follows", "user"): r(20, 20, 80),
        ("user", "plays", "game"): r(20, 10, 60),
        ("game", "played-by", "user"): r(10, 20, 60),
    }, {"user": 20, "game": 10}, idtype=idtype)
    g.nodes["user"].data["h"] = torch.randn(20, 3, generator=gen)
    g.nodes["game"].data["h"] = torch.randn(10, 3, generator=gen)
    return g


def _ref_block(fr, seeds):
    """to_block of the frontier, with edge ids mapped back to the original graph (as the
    sampler reports them)."""
    ref = graphdl.to_block(fr, seeds)
    for cet in ref.canonical_etypes:
        local = ref.edges[cet].data[EID].long()
        ref.edges[cet].data[EID] = fr.edges[cet].data[EID][local]
    return ref


def _assert_same_block(a, b):
    assert a.srctypes == b.srctypes and a.dsttypes == b.dsttypes
    for nt in a.srctypes:
        assert torch.equal(a.srcnodes[nt].data[NID], b.srcnodes[nt].data[NID])
    for nt in a.dsttypes:
        assert torch.equal(a.dstnodes[nt].data[NID], b.dstnodes[nt].data[NID])
    for cet in a.canonical_etypes:
        ua, va = a.edges(etype=cet)
        ub, vb = b.edges(etype=cet)
        assert torch.equal(ua, ub) and torch.equal(va, vb)
        assert torch.equal(a.edges[cet].data[EID], b.edges[cet].data[EID])


def test_blocks_match_to_block(idtype):
    g = _graph(idtype)
    seeds = torch.tensor([3, 1, 4, 15, 9])
    for s in range(3):
        graphdl.seed(s)
        fr = graphdl.sampling.sample_neighbors(g, seeds, 4)
        ref = _ref_block(fr, seeds)
        graphdl.seed(s)
        inp, out, (blk,) = NeighborSampler([4]).sample(g, seeds)
        _assert_same_block(blk, ref)
        assert torch.equal(out, seeds) and torch.equal(inp, blk.srcdata[NID])
        graphdl.seed(s)
        _assert_same_block(graphdl.sampling.sample_neighbors_fused(g, seeds, 4), ref)


def test_multi_layer_structure(idtype):
    graphdl.seed(0)
    g = _graph(idtype)
    seeds = torch.tensor([0, 7, 21])
    sampler = NeighborSampler([5, 3, 2], prefetch_node_feats=["feat"], prefetch_labels=["label"],
                              prefetch_edge_feats=["w"])
    inp, out, blocks = sampler.sample(g, seeds)
    assert len(blocks) == 3
    assert torch.equal(blocks[-1].dstdata[NID].long(), seeds)
    assert torch.equal(blocks[0].srcdata[NID], inp)
    u, v = g.edges()
    for i, b in enumerate(blocks):
        assert b.is_block and b.idtype == idtype
        src, dst = b.srcdata[NID].long(), b.dstdata[NID].long()
        # destination nodes come first among the sources
        assert torch.equal(src[: dst.numel()], dst)
        assert src.unique().numel() == src.numel()
        bu, bv = b.edges()
        eid = b.edata[EID].long()
        assert torch.equal(u[eid], src[bu.long()]) and torch.equal(v[eid], dst[bv.long()])
        fan = [5, 3, 2][i]
        counts = torch.bincount(bv.long(), minlength=dst.numel())
        indeg = g.in_degrees(dst.to(idtype)).long()
        assert torch.equal(counts, torch.minimum(indeg, torch.full_like(indeg, fan)))
        assert torch.equal(b.edata["w"], g.edata["w"][eid])
        if i + 1 < len(blocks):
            assert torch.equal(blocks[i + 1].srcdata[NID], dst.to(idtype))
    assert torch.equal(blocks[0].srcdata["feat"], g.ndata["feat"][inp.long()])
    assert torch.equal(blocks[-1].dstdata["label"], g.ndata["label"][seeds])


def test_full_neighbor_sampler(idtype):
    g = _graph(idtype)
    seeds = torch.tensor([5, 6])
    _, _, blocks = MultiLayerFullNeighborSampler(2).sample(g, seeds)
    for b in blocks:
        dst = b.dstdata[NID]
        assert b.num_edges() == int(g.in_degrees(dst).sum())
    ref = _ref_block(graphdl.in_subgraph(g, seeds), seeds)
    assert sorted(blocks[1].edata[EID].tolist()) == sorted(ref.edata[EID].tolist())


def test_exclude_and_mask(idtype):
    g = _graph(idtype)
    g.edata["m"] = torch.arange(500) % 3 == 0
    excl = torch.arange(0, 500, 2)
    _, _, blocks = NeighborSampler([-1, -1], mask="m").sample(g, torch.arange(10), exclude_eids=excl)
    for b in blocks:
        eid = b.edata[EID].long()
        assert bool((eid % 3 == 0).all()) and not bool(torch.isin(eid, excl).any())
    with pytest.raises(DGLError):
        NeighborSampler([2], prob="w", mask="m")


def test_hetero_blocks(idtype):
    graphdl.seed(3)
    g = _hetero(idtype)
    seeds = {"user": torch.tensor([0, 5]), "game": torch.tensor([2])}
    sampler = NeighborSampler([{"follows": 2, "plays": 2, "played-by": 1}] * 2, prefetch_node_feats={"user": ["h"]})
    inp, out, blocks = sampler.sample(g, seeds)
    assert isinstance(inp, dict) and set(inp) == {"user", "game"}
    b = blocks[-1]
    for cet in g.canonical_etypes:
        eid = b.edges[cet].data[EID].long()
        gu, gv = g.edges(etype=cet)
        bu, bv = b.edges(etype=cet)
        assert torch.equal(gu[eid], b.srcnodes[cet[0]].data[NID][bu.long()])
        assert torch.equal(gv[eid], b.dstnodes[cet[2]].data[NID][bv.long()])
    assert torch.equal(blocks[0].srcnodes["user"].data["h"], g.nodes["user"].data["h"][inp["user"].long()])
    # the fast path equals to_block of the frontier
    graphdl.seed(4)
    fr = graphdl.sampling.sample_neighbors(g, seeds, {"follows": 2, "plays": 2, "played-by": 1})
    ref = _ref_block(fr, seeds)
    graphdl.seed(4)
    _, _, (blk,) = NeighborSampler([{"follows": 2, "plays": 2, "played-by": 1}]).sample(g, seeds)
    _assert_same_block(blk, ref)


def test_duplicate_seeds_rejected(idtype):
    g = _graph(idtype)
    with pytest.raises(DGLError, match="twice"):
        NeighborSampler([2]).sample(g, torch.tensor([1, 1]))


def test_labor_sampler(idtype):
    graphdl.seed(5)
    g = _graph(idtype)
    seeds = torch.arange(20)
    inp, out, blocks = LaborSampler([3, 3]).sample(g, seeds)
    u, v = g.edges()
    for b in blocks:
        eid = b.edata[EID].long()
        bu, bv = b.edges()
        assert torch.equal(u[eid], b.srcdata[NID][bu.long()].long())
        assert torch.equal(v[eid], b.dstdata[NID][bv.long()].long())
    with pytest.raises(DGLError):
        LaborSampler([3], importance_sampling=-1)
