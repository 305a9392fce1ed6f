"""graphdl.partition: HALO partitions, node reordering and METIS assignments.

The exact outputs for the small graph below were recorded with DGL 2.1
(``dgl.transforms.partition_graph_with_halo``, ``dgl.partition.reorder_nodes``).
"""
import numpy as np
import pytest
import torch

import graphdl
from graphdl import partition

SRC = [0, 1, 2, 3, 4, 5, 1, 4]
DST = [1, 2, 3, 4, 5, 0, 4, 1]

# (hops, part) -> (NID, inner_node, local src, local dst, EID, inner_edge), recorded with DGL 2.1
DGL_HALO = {
    (0, 0): ([0, 1, 2], [1, 1, 1], [0, 1], [1, 2], [0, 1], [1, 1]),
    (0, 1): ([3, 4, 5], [1, 1, 1], [0, 1], [1, 2], [3, 4], [1, 1]),
    (1, 0): ([0, 1, 2, 5, 4, 3], [1, 1, 1, 0, 0, 0], [3, 0, 4, 1, 1, 2], [0, 1, 1, 2, 4, 5],
             [5, 0, 7, 1, 6, 2], [1, 1, 1, 1, 0, 0]),
    (1, 1): ([3, 4, 5, 2, 1, 0], [1, 1, 1, 0, 0, 0], [3, 0, 4, 1, 1, 2], [0, 1, 1, 2, 4, 5],
             [2, 3, 6, 4, 7, 5], [1, 1, 1, 1, 0, 0]),
    (2, 0): ([0, 1, 2, 5, 4, 3], [1, 1, 1, 0, 0, 0], [3, 0, 4, 1, 4, 5, 1, 2],
             [0, 1, 1, 2, 3, 4, 4, 5], [5, 0, 7, 1, 4, 3, 6, 2], [1, 1, 1, 1, 0, 0, 0, 0]),
}


@pytest.mark.parametrize("key", sorted(DGL_HALO))
def test_halo_partition_matches_dgl(key, idtype):
    hops, p = key
    g = graphdl.graph((SRC, DST), idtype=idtype)
    parts, onids, oeids = partition.partition_graph_with_halo(g, torch.tensor([0, 0, 0, 1, 1, 1]), hops)
    assert onids is None and oeids is None and sorted(parts) == [0, 1]
    sg = parts[p]
    nid, inner, s, d, eid, inner_e = DGL_HALO[key]
    assert sg.idtype == idtype
    assert sg.ndata[graphdl.NID].tolist() == nid
    assert sg.ndata["inner_node"].tolist() == inner and sg.ndata["inner_node"].dtype == torch.int32
    assert [x.tolist() for x in sg.edges()] == [s, d]
    assert sg.edata[graphdl.EID].tolist() == eid
    assert sg.edata["inner_edge"].tolist() == inner_e and sg.edata["inner_edge"].dtype == torch.int8
    assert sg.ndata["part_id"].tolist() == [int(x >= 3) for x in nid]


def test_halo_out_neighbours_come_after_every_hop():
    # recorded with DGL 2.1: node 3 (reached only by the inner node's out-edge) comes last and
    # its own in-edge 4->3 is not kept, whatever the number of hops
    g = graphdl.graph(([1, 2, 0, 4, 5, 3], [0, 1, 3, 3, 4, 6]), num_nodes=7)
    node_part = [0, 1, 1, 1, 1, 1, 1]
    want = {1: ([0, 1, 3], [0, 2]), 2: ([0, 1, 2, 3], [0, 1, 2]), 3: ([0, 1, 2, 3], [0, 1, 2])}
    for hops, (nid, eid) in want.items():
        sg = partition.partition_graph_with_halo(g, node_part, hops)[0][0]
        assert sg.ndata[graphdl.NID].tolist() == nid
        assert sg.edata[graphdl.EID].tolist() == eid


def test_reshuffled_partition_matches_dgl():
    g = graphdl.graph((SRC, DST))
    parts, onids, oeids = partition.partition_graph_with_halo(g, [1, 0, 1, 0, 1, 0], 1, reshuffle=True)
    # recorded with DGL 2.1
    assert onids.tolist() == [1, 3, 5, 0, 2, 4]
    assert oeids.tolist() == [0, 7, 2, 4, 5, 1, 3, 6]
    p0, p1 = parts[0], parts[1]
    assert p0.ndata[graphdl.NID].tolist() == [0, 1, 2, 3, 5, 4]
    assert [x.tolist() for x in p0.edges()] == [[3, 4, 5, 4, 2, 0, 1, 0], [0, 0, 1, 2, 3, 5, 4, 4]]
    assert p0.edata[graphdl.EID].tolist() == list(range(8))
    assert p0.edata["inner_edge"].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert p0.ndata["orig_id"].tolist() == [1, 3, 5, 0, 4, 2]
    assert p1.ndata[graphdl.NID].tolist() == [3, 4, 5, 2, 0, 1]
    assert p1.edata[graphdl.EID].tolist() == [4, 5, 6, 7, 0, 1, 2, 3]
    assert p1.edata["orig_id"].tolist() == [5, 1, 3, 6, 0, 7, 2, 4]
    assert "orig_id" not in g.ndata  # the input graph is left alone


@pytest.mark.parametrize("hops", [1, 2])
def test_inner_nodes_keep_their_whole_in_neighbourhood(hops, idtype):
    g = graphdl.rand_graph(200, 1200, idtype=idtype)
    node_part = np.random.default_rng(0).integers(0, 4, 200)
    parts, onids, _ = partition.partition_graph_with_halo(g, node_part, hops, reshuffle=True)
    seen = np.zeros(200, int)
    for p, sg in parts.items():
        inner = sg.ndata["inner_node"].bool()
        orig = sg.ndata["orig_id"]
        seen[orig[inner].numpy()] += 1
        assert (sg.ndata["part_id"][inner] == p).all()
        for local in torch.nonzero(inner).reshape(-1).tolist():
            got = sorted(orig[sg.predecessors(local).long()].tolist())
            assert got == sorted(g.predecessors(int(orig[local])).tolist())
        # inner nodes hold contiguous ids of the reshuffled graph
        ids = sg.ndata[graphdl.NID][inner]
        assert torch.equal(ids, torch.arange(int(ids[0]), int(ids[0]) + ids.shape[0]))
    assert (seen == 1).all()


def test_reorder_nodes_matches_dgl():
    g = graphdl.graph((SRC, DST))
    r = partition.reorder_nodes(g, torch.tensor([5, 4, 3, 2, 1, 0]))
    # recorded with DGL 2.1
    assert [x.tolist() for x in r.edges()] == [[5, 4, 3, 2, 1, 0, 4, 1], [4, 3, 2, 1, 0, 5, 1, 4]]
    assert r.ndata["orig_id"].tolist() == [5, 4, 3, 2, 1, 0]
    with pytest.raises(graphdl.DGLError, match="permutation"):
        partition.reorder_nodes(g, [0, 0, 1, 2, 3, 4])


def test_metis_partition_balances_and_covers(idtype):
    g = graphdl.rand_graph(300, 2000, idtype=idtype)
    assign = partition.metis_partition_assignment(g, 4)
    assert assign.dtype == torch.int64 and sorted(assign.unique().tolist()) == [0, 1, 2, 3]
    # balance_edges alone: METIS balances the in-degree sums of the parts
    assign = partition.metis_partition_assignment(g, 4, balance_edges=True)
    per_part = torch.zeros(4).index_add(0, assign, g.in_degrees().float())
    assert per_part.min() > 0.7 * per_part.mean()
    ntypes = np.zeros(300, np.int64)
    ntypes[:100] = 1
    assign = partition.metis_partition_assignment(g, 4, balance_ntypes=ntypes, balance_edges=True)
    assert sorted(assign.unique().tolist()) == [0, 1, 2, 3]
    parts = partition.metis_partition(g, 4, extra_cached_hops=1)
    assert sum(int(sg.ndata["inner_node"].sum()) for sg in parts.values()) == 300


def test_bad_input():
    g = graphdl.graph((SRC, DST))
    with pytest.raises(graphdl.DGLError, match="6 nodes"):
        partition.partition_graph_with_halo(g, [0, 1], 1)
    with pytest.raises(graphdl.DGLError, match="extra_cached_hops"):
        partition.partition_graph_with_halo(g, [0] * 6, -1)
    with pytest.raises(graphdl.DGLError, match="mode"):
        partition.metis_partition_assignment(g, 2, mode="bogus")


def test_reorder_graph_metis_and_custom_edges():
    g = graphdl.graph(([0, 2, 1, 0], [1, 0, 2, 2]))
    g.edata["w"] = torch.arange(4.0)
    r = graphdl.reorder_graph(g, edge_permute_algo="custom", permute_config={"edges_perm": [3, 0, 2, 1]})
    # new edge i is input edge edges_perm[i] (DGL's rule)
    assert r.edata["w"].tolist() == [3.0, 0.0, 2.0, 1.0]
    assert [x.tolist() for x in r.edges()] == [[0, 0, 1, 2], [2, 1, 2, 0]]
    with pytest.raises(graphdl.DGLError, match="'k'"):
        graphdl.reorder_graph(g, node_permute_algo="metis")
    big = graphdl.rand_graph(100, 600)
    r = graphdl.reorder_graph(big, node_permute_algo="metis", permute_config={"k": 2})
    parts = partition.metis_partition_assignment(big, 2)[r.ndata[graphdl.NID].long()]
    assert (parts[1:] >= parts[:-1]).all()  # nodes grouped by part
