"""Samplers on every shared test graph (except blocks): structure checked against the graph."""
import pytest
import torch

import graphdl
from graphdl import EID, NID
from graphdl.dataloading import NeighborSampler
from graphdl.testing.graphs import get_case, graph_cases

CASES = graph_cases(exclude=["block"])


def _all_seeds(g):
    return {nt: torch.arange(g.num_nodes(nt), dtype=g.idtype) for nt in g.dsttypes}


@pytest.mark.parametrize("name,idtype", CASES)
def test_sample_neighbors_on_registry(name, idtype):
    graphdl.seed(0)
    g = get_case(name, idtype)
    fr = graphdl.sampling.sample_neighbors(g, _all_seeds(g), 2)
    for cet in g.canonical_etypes:
        gu, gv = g.edges(etype=cet)
        fu, fv = fr.edges(etype=cet)
        eid = fr.edges[cet].data[EID].long()
        assert torch.equal(gu[eid], fu) and torch.equal(gv[eid], fv)
        assert eid.unique().numel() == eid.numel()
        indeg = torch.bincount(gv.long(), minlength=g.num_nodes(cet[2]))
        got = torch.bincount(fv.long(), minlength=g.num_nodes(cet[2]))
        assert torch.equal(got, torch.clamp(indeg, max=2))


@pytest.mark.parametrize("name,idtype", CASES)
def test_neighbor_sampler_on_registry(name, idtype):
    graphdl.seed(1)
    g = get_case(name, idtype)
    seeds = {nt: torch.arange(0, g.num_nodes(nt), 2, dtype=idtype) for nt in g.ntypes}
    if len(g.ntypes) == 1:
        seeds = seeds[g.ntypes[0]]
    inp, out, blocks = NeighborSampler([2, -1]).sample(g, seeds)
    for b in blocks:
        for cet in b.canonical_etypes:
            gu, gv = g.edges(etype=cet)
            bu, bv = b.edges(etype=cet)
            eid = b.edges[cet].data[EID].long()
            assert torch.equal(gu[eid], b.srcnodes[cet[0]].data[NID][bu.long()])
            assert torch.equal(gv[eid], b.dstnodes[cet[2]].data[NID][bv.long()])
        for nt in b.dsttypes:
            dst = b.dstnodes[nt].data[NID]
            assert torch.equal(b.srcnodes[nt].data[NID][: dst.numel()], dst)
