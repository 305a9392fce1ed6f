"""Partitions on disk: graphdl's own round trips, DGL 2.1's files read by graphdl, and graphdl's
files as DGL 2.1 read them (recorded by tests/distributed/record_dgl_fixtures.py)."""
import json
import os

import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.data.utils import load_tensors
from graphdl.distributed import (
    RangePartitionBook,
    load_partition,
    load_partition_book,
    load_partition_feats,
    partition_graph,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def _source():
    return graphdl.load_graphs(os.path.join(FIXTURES, "source.dgl"))[0]


def check_partitions(g, config, orig_nids, orig_eids, num_hops):
    """Every node and edge is inner in exactly one partition, with its features, and the halo
    holds exactly the edges within ``num_hops`` of the partition's own nodes (checked by a plain
    breadth-first loop)."""
    cfg = json.load(open(config))
    num_parts = cfg["num_parts"]
    hetero = len(g.ntypes) > 1 or len(g.canonical_etypes) > 1
    if not hetero:
        orig_nids = {g.ntypes[0]: orig_nids}
        orig_eids = {g.canonical_etypes[0]: orig_eids}
    # new homogeneous id -> (type, original per-type id)
    homo_to_orig = {}
    gpb0 = load_partition_book(config, 0)[0]
    for t in g.ntypes:
        new_homo = gpb0.map_to_homo_nid(torch.arange(g.num_nodes(t)), t)
        for i, h in enumerate(new_homo.tolist()):
            homo_to_orig[h] = (t, int(orig_nids[t][i]))
    assert len(homo_to_orig) == sum(g.num_nodes(t) for t in g.ntypes)
    edge_to_orig = {}
    for c in g.canonical_etypes:
        new_homo = gpb0.map_to_homo_eid(torch.arange(g.num_edges(c)), c)
        for i, h in enumerate(new_homo.tolist()):
            edge_to_orig[h] = (c, int(orig_eids[c][i]))
    # all original edges as (src key, dst key)
    all_edges = {}
    for c in g.canonical_etypes:
        u, v = g.edges(etype=c)
        for i in range(u.shape[0]):
            all_edges[(c, i)] = ((c[0], int(u[i])), (c[2], int(v[i])))

    seen_nodes, seen_edges = [], []
    for p in range(num_parts):
        lg, nf, ef, gpb, name, ntypes, etypes = load_partition(config, p)
        assert ntypes == g.ntypes and etypes == g.canonical_etypes
        nid = lg.ndata["_ID"]
        inner = lg.ndata["inner_node"].bool()
        assert inner[: int(inner.sum())].all(), "inner nodes come first"
        assert torch.equal(lg.ndata["part_id"][inner], torch.full((int(inner.sum()),), p))
        owned = [homo_to_orig[h] for h in nid[inner].tolist()]
        seen_nodes += owned
        for h in nid[~inner].tolist():
            assert int(gpb.nid2partid(torch.tensor([h]))) != p
        if hetero:
            assert [g.ntypes[t] for t in lg.ndata["_TYPE"][inner].tolist()] == [o[0] for o in owned]
        u, v = lg.edges()
        ie = lg.edata["inner_edge"].bool()
        assert torch.equal(ie, inner[v]), "an edge is inner when its destination is"
        local_edges = set()
        for k, h in enumerate(lg.edata["_ID"].tolist()):
            c, oe = edge_to_orig[h]
            src, dst = all_edges[(c, oe)]
            assert homo_to_orig[int(nid[u[k]])] == src and homo_to_orig[int(nid[v[k]])] == dst
            local_edges.add((c, oe))
            if ie[k]:
                seen_edges.append((c, oe))
        # Halo: breadth-first, both directions, from the inner nodes.
        frontier = set(owned)
        expect = set()
        for _ in range(max(num_hops, 1)):
            expect = {e for e, (s, d) in all_edges.items() if s in frontier or d in frontier}
            frontier = frontier | {all_edges[e][0] for e in expect} | {all_edges[e][1] for e in expect}
        assert local_edges == expect
        # Features of the owned nodes and edges, in owned order.
        for t in g.ntypes:
            rows = [o[1] for o in owned if o[0] == t]
            for key, value in g.nodes[t].data.items():
                got = nf[f"{t}/{key}"]
                want = value[torch.tensor(rows, dtype=torch.long)]
                assert torch.equal(got, want.to(got.dtype)), (t, key)
        for c in g.canonical_etypes:
            rows = [oe for h in gpb.partid2eids(p, c).tolist() for oe in [int(orig_eids[c][h])]]
            for key, value in g.edges[c].data.items():
                got = ef[":".join(c) + "/" + key]
                assert torch.equal(got, value[torch.tensor(rows, dtype=torch.long)]), (c, key)
    assert sorted(seen_nodes) == sorted((t, i) for t in g.ntypes for i in range(g.num_nodes(t)))
    assert sorted(seen_edges) == sorted(all_edges)


def _dgl_mapping(folder, g):
    m = load_tensors(os.path.join(FIXTURES, folder, "mapping.dgl"))
    if len(g.ntypes) == 1:
        return m["nid"], m["eid"]
    return ({t: m[f"nid/{t}"] for t in g.ntypes},
            {c: m["eid/" + ":".join(c)] for c in g.canonical_etypes})


def test_reads_dgl21_partitions():
    g, hg = _source()
    check_partitions(g, os.path.join(FIXTURES, "dgl21_homo", "homo.json"),
                     *_dgl_mapping("dgl21_homo", g), num_hops=1)
    check_partitions(hg, os.path.join(FIXTURES, "dgl21_hetero", "hetero.json"),
                     *_dgl_mapping("dgl21_hetero", hg), num_hops=1)


@pytest.mark.parametrize("method", ["random", "metis"])
@pytest.mark.parametrize("num_hops", [1, 2])
@pytest.mark.parametrize("which", ["homo", "hetero"])
def test_partition_round_trip(tmp_path, method, num_hops, which):
    g = _source()[0 if which == "homo" else 1]
    torch.manual_seed(1)
    nmap, emap = partition_graph(g, "g", 3, str(tmp_path), num_hops=num_hops, part_method=method,
                                 return_mapping=True)
    check_partitions(g, str(tmp_path / "g.json"), nmap, emap, num_hops)


@pytest.mark.parametrize("idtype", [torch.int32, torch.int64])
def test_partition_idtypes(tmp_path, idtype):
    g = _source()[0].int() if idtype == torch.int32 else _source()[0]
    nmap, emap = partition_graph(g, "g", 2, str(tmp_path), return_mapping=True)
    check_partitions(g, str(tmp_path / "g.json"), nmap, emap, 1)


def test_dgl21_reads_graphdl_partitions(tmp_path):
    """Same graphs and seeds as record_dgl_fixtures.py's write-graphdl step; DGL 2.1's reading of
    those files is in graphdl_read_by_dgl.json and must equal graphdl's reading of them."""
    g, hg = _source()
    torch.manual_seed(0)
    partition_graph(g, "homo", 2, str(tmp_path / "homo"), num_hops=1, part_method="random")
    partition_graph(hg, "hetero", 3, str(tmp_path / "hetero"), num_hops=2, part_method="random")
    recorded = json.load(open(os.path.join(FIXTURES, "graphdl_read_by_dgl.json")))
    for name in ("homo", "hetero"):
        config = str(tmp_path / name / f"{name}.json")
        for p, want in enumerate(recorded[name]):
            lg, nf, ef, gpb, _, ntypes, etypes = load_partition(config, p)
            nid = lg.ndata["_ID"]
            u, v = lg.edges()
            assert lg.num_nodes() == want["num_nodes"] and lg.num_edges() == want["num_edges"]
            assert lg.ndata["inner_node"].tolist() == want["inner_node"]
            assert nid.tolist() == want["nid"] and lg.ndata["part_id"].tolist() == want["part_id"]
            assert nid[u].tolist() == want["src"] and nid[v].tolist() == want["dst"]
            assert lg.edata["_ID"].tolist() == want["eid"]
            assert lg.edata["inner_edge"].tolist() == want["inner_edge"]
            assert {k: t.shape[0] for k, t in nf.items()} == want["node_rows"]
            for k, s in want["node_feats"].items():
                assert nf[k].double().sum().item() == pytest.approx(s, rel=1e-6, abs=1e-9)
            for k, s in want["edge_feats"].items():
                assert ef[k].double().sum().item() == pytest.approx(s, rel=1e-6, abs=1e-9)
            assert gpb.metadata() == want["metadata"]
            assert ntypes == want["ntypes"] and [list(e) for e in etypes] == want["etypes"]


def test_balance_ntypes(tmp_path):
    g = graphdl.rand_graph(300, 2000)
    train = torch.zeros(300, dtype=torch.bool)
    train[:60] = True  # concentrated ids: METIS alone would not spread them
    g.ndata["train_mask"] = train
    nmap, _ = partition_graph(g, "g", 4, str(tmp_path), balance_ntypes=train.long(),
                              return_mapping=True)
    gpb = load_partition_book(str(tmp_path / "g.json"), 0)[0]
    owners = gpb.nid2partid(torch.arange(300))
    counts = torch.bincount(owners[train[nmap]], minlength=4)
    assert int(counts.max() - counts.min()) <= 1, counts


def test_hetero_node_types_balanced(tmp_path):
    g, hg = _source()
    partition_graph(hg, "g", 2, str(tmp_path), part_method="metis")
    cfg = json.load(open(tmp_path / "g.json"))
    for t, ranges in cfg["node_map"].items():
        sizes = [e - s for s, e in ranges]
        assert max(sizes) - min(sizes) <= 1, (t, sizes)


def _book():
    # 2 partitions, node types a (5 nodes: 3 + 2) and b (4 nodes: 1 + 3)
    node_map = {"a": [[0, 3], [4, 6]], "b": [[3, 4], [6, 9]]}
    edge_map = {"a:r:b": [[0, 2], [5, 6]], "b:s:a": [[2, 5], [6, 8]]}
    return RangePartitionBook(1, 2, node_map, edge_map, {"a": 0, "b": 1},
                              {"a:r:b": 0, "b:s:a": 1})


def test_partition_book_against_brute_force():
    gpb = _book()
    owner, typ, per_type = {}, {}, {}
    counters = {"a": 0, "b": 0}
    for p in range(2):
        for t, ranges in (("a", [[0, 3], [4, 6]]), ("b", [[3, 4], [6, 9]])):
            s, e = ranges[p]
            for h in range(s, e):
                owner[h], typ[h], per_type[h] = p, t, counters[t]
                counters[t] += 1
    ids = torch.arange(9)
    assert gpb.nid2partid(ids).tolist() == [owner[h] for h in range(9)]
    tids, pt = gpb.map_to_per_ntype(ids)
    assert [gpb.ntypes[t] for t in tids.tolist()] == [typ[h] for h in range(9)]
    assert pt.tolist() == [per_type[h] for h in range(9)]
    for t in ("a", "b"):
        homo = [h for h in range(9) if typ[h] == t]
        assert gpb.map_to_homo_nid(torch.arange(len(homo)), t).tolist() == homo
        assert gpb.nid2partid(torch.arange(len(homo)), t).tolist() == [owner[h] for h in homo]
    assert gpb.partid2nids(1, "b").tolist() == [1, 2, 3]
    assert gpb.partid2nids(1).tolist() == [4, 5, 6, 7, 8]
    assert gpb.nid2localnid(torch.tensor([1, 3]), 1, "b").tolist() == [0, 2]
    assert gpb.eid2partid(torch.tensor([0, 1, 2]), ("a", "r", "b")).tolist() == [0, 0, 1]
    assert gpb.map_to_homo_eid(torch.tensor([2]), "s").tolist() == [4]
    assert gpb.metadata() == [{"machine_id": 0, "num_nodes": 4, "num_edges": 5},
                              {"machine_id": 1, "num_nodes": 5, "num_edges": 3}]
    assert gpb.local_ntype_offset == [0, 2, 5]
    with pytest.raises(DGLError, match="out of range"):
        gpb.nid2partid(torch.tensor([9]))
    with pytest.raises(DGLError, match="Unknown node type"):
        gpb.partid2nids(0, "zzz")
    with pytest.raises(DGLError, match="own partition"):
        gpb.nid2localnid(torch.tensor([0]), 0, "a")
    with pytest.raises(DGLError, match="integer"):
        gpb.nid2partid(torch.tensor([0.5]))


def test_bad_input(tmp_path):
    g = _source()[0]
    with pytest.raises(DGLError, match="part_method"):
        partition_graph(g, "g", 2, str(tmp_path), part_method="spectral")
    with pytest.raises(DGLError, match="Cannot split"):
        partition_graph(graphdl.graph(([0], [1])), "g", 3, str(tmp_path))
    with pytest.raises(DGLError, match="balance_ntypes"):
        partition_graph(g, "g", 2, str(tmp_path), balance_ntypes=torch.zeros(3))
    with pytest.raises(DGLError, match="does not exist"):
        load_partition(str(tmp_path / "missing.json"), 0)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(DGLError, match="not valid JSON"):
        load_partition(str(tmp_path / "bad.json"), 0)
    partition_graph(g, "g", 2, str(tmp_path / "ok"))
    with pytest.raises(DGLError, match="part_id"):
        load_partition_book(str(tmp_path / "ok" / "g.json"), 2)
    with open(tmp_path / "ok" / "part0" / "graph.dgl", "wb") as f:
        f.write(b"garbage")
    with pytest.raises(DGLError):
        load_partition(str(tmp_path / "ok" / "g.json"), 0)
    nf, ef = load_partition_feats(str(tmp_path / "ok" / "g.json"), 1, load_edges=False)
    assert ef is None and set(nf) == {"_N/feat", "_N/train_mask"}
