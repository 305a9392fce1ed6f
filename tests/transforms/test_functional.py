"""Functional transforms checked against loops and dense numpy algebra written here."""
from collections import Counter

import numpy as np
import pytest
import torch

import graphdl as dgl
from graphdl.testing import user_game_graph
from graphdl import DGLError


def _el(g, etype=None):
    u, v = g.edges(etype=etype)
    return list(zip(u.tolist(), v.tolist()))


def _graph(idtype, n=9, e=24, seed=0, loops=True):
    gen = torch.Generator().manual_seed(seed)
    u = torch.randint(0, n, (e,), generator=gen)
    v = torch.randint(0, n, (e,), generator=gen)
    if loops:
        u = torch.cat([u, torch.tensor([2, 5])])
        v = torch.cat([v, torch.tensor([2, 5])])
    g = dgl.graph((u, v), num_nodes=n, idtype=idtype)
    g.ndata["h"] = torch.randn(n, 2, generator=gen)
    g.edata["w"] = torch.randn(g.num_edges(), 3, generator=gen)
    return g


def _hetero(idtype):
    return user_game_graph(idtype, node_feats=("user",))


def _dense(g, etype=None):
    n_s = g.num_nodes(g.to_canonical_etype(etype)[0]) if etype else g.num_nodes()
    n_d = g.num_nodes(g.to_canonical_etype(etype)[2]) if etype else g.num_nodes()
    a = np.zeros((n_s, n_d))
    for u, v in _el(g, etype):
        a[u, v] += 1
    return a


# ---------------------------------------------------------------------------------------
# to_block
# ---------------------------------------------------------------------------------------
def test_to_block_homogeneous(idtype):
    g = _graph(idtype)
    frontier = dgl.in_subgraph(g, [6, 4, 1])
    block = dgl.to_block(frontier, torch.tensor([6, 4, 1], dtype=idtype))
    assert block.is_block and block.idtype == idtype
    dst = [6, 4, 1]
    src = list(dst)
    for a, _ in _el(frontier):
        if a not in src:
            src.append(a)
    assert block.dstdata[dgl.NID].tolist() == dst
    assert block.srcdata[dgl.NID].tolist() == src
    assert block.num_src_nodes() == len(src) and block.num_dst_nodes() == 3
    assert _el(block) == [(src.index(a), dst.index(b)) for a, b in _el(frontier)]
    assert block.edata[dgl.EID].tolist() == list(range(frontier.num_edges()))
    assert torch.equal(block.srcdata["h"], g.ndata["h"][src])
    assert torch.equal(block.dstdata["h"], g.ndata["h"][dst])
    assert torch.equal(block.edata["w"], frontier.edata["w"])


def test_to_block_defaults_and_options(idtype):
    g = _graph(idtype, seed=1)
    frontier = dgl.in_subgraph(g, [3, 0])
    b = dgl.to_block(frontier)
    assert b.dstdata[dgl.NID].tolist() == sorted({v for _, v in _el(frontier)})
    nod = dgl.to_block(frontier, torch.tensor([3, 0], dtype=idtype), include_dst_in_src=False)
    src = []
    for a, _ in _el(frontier):
        if a not in src:
            src.append(a)
    assert nod.srcdata[dgl.NID].tolist() == src
    given = [3, 0] + [x for x in range(9) if x not in (3, 0)]
    fixed = dgl.to_block(frontier, torch.tensor([3, 0], dtype=idtype), src_nodes=torch.tensor(given, dtype=idtype))
    assert fixed.srcdata[dgl.NID].tolist() == given
    assert _el(fixed) == [(given.index(a), [3, 0].index(b)) for a, b in _el(frontier)]


def test_to_block_hetero(idtype):
    g = _hetero(idtype)
    frontier = dgl.in_subgraph(g, {"game": [0, 1], "user": [0]})
    dst = {"game": torch.tensor([1, 0], dtype=idtype), "user": torch.tensor([0], dtype=idtype)}
    block = dgl.to_block(frontier, dst)
    assert block.srctypes == ["developer", "game", "user"]
    assert block.dsttypes == ["developer", "game", "user"]
    assert block.num_dst_nodes("developer") == 0
    assert block.dstnodes["game"].data[dgl.NID].tolist() == [1, 0]
    src_user = [0]
    for et in frontier.canonical_etypes:
        if et[0] == "user":
            for a, _ in _el(frontier, et):
                if a not in src_user:
                    src_user.append(a)
    assert block.srcnodes["user"].data[dgl.NID].tolist() == src_user
    assert block.edges["plays"].data["x"].tolist() == frontier.edges["plays"].data["x"].tolist()


def test_to_block_errors(idtype):
    g = _graph(idtype)
    with pytest.raises(DGLError, match="dst_nodes"):
        dgl.to_block(g, torch.tensor([0], dtype=idtype))
    frontier = dgl.in_subgraph(g, [1])
    with pytest.raises(DGLError, match="start with"):
        dgl.to_block(frontier, torch.tensor([1], dtype=idtype), src_nodes=torch.arange(9, dtype=idtype))
    with pytest.raises(DGLError, match="dict"):
        dgl.to_block(_hetero(idtype), torch.tensor([0], dtype=idtype))


def test_to_block_drops_edges_into_types_left_out(idtype):
    # recorded with DGL 2.1: a type missing from the dst_nodes dict gets no destination
    # nodes, the edges into it are dropped and their sources are not counted
    g = dgl.heterograph({("A", "AA", "A"): ([0, 2, 1, 3], [1, 3, 2, 4]),
                         ("A", "AB", "B"): ([0, 1, 3, 1], [1, 3, 5, 6]),
                         ("B", "BA", "A"): ([2, 3], [3, 2])}, idtype=idtype)
    g.edges["AA"].data["x"] = torch.arange(4.0)
    g.edges["AB"].data["x"] = torch.arange(4.0) + 10
    b = dgl.to_block(g, {"B": torch.tensor([5, 6, 3, 1], dtype=idtype)})
    assert b.num_dst_nodes("A") == 0 and b.num_nodes("DST/A") == 0 and b.num_nodes("SRC/B") == 4
    assert b.num_edges("AA") == 0 and b.num_edges("BA") == 0
    assert b.edges["AA"].data["x"].shape == (0,) and b.edges["AA"].data[dgl.EID].dtype == idtype
    assert b.srcnodes["A"].data[dgl.NID].tolist() == [0, 1, 3]
    assert b.srcnodes["B"].data[dgl.NID].tolist() == [5, 6, 3, 1]
    assert [t.tolist() for t in b.edges(etype="AB", form="all")] == [[0, 1, 2, 1], [3, 2, 0, 1], [0, 1, 2, 3]]
    assert b.edges["AB"].data["x"].tolist() == [10.0, 11.0, 12.0, 13.0]


def test_to_block_empty(idtype):
    g = dgl.graph(([], []), num_nodes=3, idtype=idtype)
    b = dgl.to_block(g, torch.tensor([2], dtype=idtype))
    assert b.num_src_nodes() == 1 and b.num_dst_nodes() == 1 and b.num_edges() == 0


# ---------------------------------------------------------------------------------------
# self-loops, reversal, simplification
# ---------------------------------------------------------------------------------------
def test_add_self_loop(idtype):
    g = _graph(idtype)
    out = dgl.add_self_loop(g)
    n, e = g.num_nodes(), g.num_edges()
    assert _el(out) == _el(g) + [(i, i) for i in range(n)]
    assert torch.equal(out.edata["w"][:e], g.edata["w"])
    assert torch.all(out.edata["w"][e:] == 1)
    assert torch.equal(out.ndata["h"], g.ndata["h"])
    assert g.num_edges() == e  # input untouched
    for how in ("sum", "mean", "max", "min"):
        filled = dgl.add_self_loop(g, fill_data=how).edata["w"][e:]
        for v in range(n):
            incoming = [g.edata["w"][i] for i, (_, b) in enumerate(_el(g)) if b == v]
            if not incoming:
                ref = torch.zeros(3)
            else:
                st = torch.stack(incoming)
                ref = {"sum": st.sum(0), "mean": st.mean(0), "max": st.max(0).values, "min": st.min(0).values}[how]
            assert torch.allclose(filled[v], ref, atol=1e-6)
    g.edata["z"] = torch.ones(e)
    part = dgl.add_self_loop(g, edge_feat_names=["w"], fill_data=2.0)
    assert torch.all(part.edata["w"][e:] == 2) and torch.all(part.edata["z"][e:] == 0)


def test_add_self_loop_hetero_and_errors(idtype):
    g = _hetero(idtype)
    out = dgl.add_self_loop(g, etype="follows")
    assert _el(out, "follows") == _el(g, "follows") + [(i, i) for i in range(5)]
    assert _el(out, "plays") == _el(g, "plays")
    with pytest.raises(DGLError, match="plays"):
        dgl.add_self_loop(g, etype="plays")
    with pytest.raises(DGLError, match="several edge types"):
        dgl.add_self_loop(g)
    with pytest.raises(DGLError, match="fill_data"):
        dgl.add_self_loop(_graph(idtype), fill_data="median")


def test_remove_self_loop(idtype):
    g = _graph(idtype)
    out = dgl.remove_self_loop(g)
    keep = [i for i, (a, b) in enumerate(_el(g)) if a != b]
    assert _el(out) == [_el(g)[i] for i in keep]
    assert torch.equal(out.edata["w"], g.edata["w"][keep])
    bg = dgl.batch([g, dgl.graph(([0, 1], [0, 0]), idtype=idtype), g], ndata=None, edata=None)
    rb = dgl.remove_self_loop(bg)
    assert rb.batch_num_edges().tolist() == [len(keep), 1, len(keep)]
    assert rb.batch_num_nodes().tolist() == bg.batch_num_nodes().tolist()


def test_to_bidirected(idtype):
    g = _graph(idtype, loops=False)
    out = dgl.to_bidirected(g, copy_ndata=True)
    want = sorted(set(_el(g)) | {(b, a) for a, b in _el(g)})
    assert _el(out) == want
    assert list(out.edata.keys()) == []
    assert torch.equal(out.ndata["h"], g.ndata["h"])
    assert "h" not in dgl.to_bidirected(g).ndata
    with pytest.raises(DGLError, match="develops"):
        dgl.to_bidirected(_hetero(idtype))


def test_add_reverse_edges(idtype):
    g = _graph(idtype)
    out = dgl.add_reverse_edges(g, copy_edata=True)
    non_loop = [i for i, (a, b) in enumerate(_el(g)) if a != b]
    assert _el(out) == _el(g) + [(_el(g)[i][1], _el(g)[i][0]) for i in non_loop]
    assert torch.equal(out.edata["w"], torch.cat([g.edata["w"], g.edata["w"][non_loop]]))
    assert out.edata[dgl.EID].tolist() == list(range(g.num_edges())) + non_loop
    all_rev = dgl.add_reverse_edges(g, exclude_self=False)
    assert all_rev.num_edges() == 2 * g.num_edges() and list(all_rev.edata.keys()) == []
    h = _hetero(idtype)
    with pytest.raises(DGLError, match="ignore_bipartite"):
        dgl.add_reverse_edges(h)
    hr = dgl.add_reverse_edges(h, ignore_bipartite=True)
    assert _el(hr, "plays") == _el(h, "plays")
    assert hr.num_edges("follows") == 2 * h.num_edges("follows") - 1  # one self-loop


def test_reverse(idtype):
    h = _hetero(idtype)
    r = dgl.reverse(h, copy_edata=True)
    assert r.canonical_etypes == [("game", "develops", "developer"), ("user", "follows", "user"),
                                  ("game", "plays", "user")]
    for s, e, d in h.canonical_etypes:
        assert _el(r, (d, e, s)) == [(b, a) for a, b in _el(h, (s, e, d))]
    assert torch.equal(r.edges["plays"].data["x"], h.edges["plays"].data["x"])
    assert torch.equal(r.nodes["user"].data["a"], h.nodes["user"].data["a"])
    bare = dgl.reverse(h, copy_ndata=False)
    assert list(bare.nodes["user"].data.keys()) == [] and list(bare.edges["plays"].data.keys()) == []
    assert _el(_graph(idtype).reverse()) == [(b, a) for a, b in _el(_graph(idtype))]


def test_to_simple(idtype):
    g = _graph(idtype, n=4, e=30, loops=False)
    out, wm = dgl.to_simple(g, writeback_mapping=True, copy_edata=True)
    cnt = Counter(_el(g))
    pairs = sorted(cnt)
    assert _el(out) == pairs
    assert out.edata["count"].tolist() == [cnt[p] for p in pairs]
    assert [pairs[i] for i in wm.tolist()] == _el(g)
    firsts = [_el(g).index(p) for p in pairs]
    assert out.edata[dgl.EID].tolist() == firsts
    assert torch.equal(out.edata["w"], g.edata["w"][firsts])
    for agg in ("sum", "mean"):
        s = dgl.to_simple(g, copy_edata=True, aggregator=agg, return_counts=None)
        assert "count" not in s.edata
        for i, p in enumerate(pairs):
            rows = g.edata["w"][[j for j, q in enumerate(_el(g)) if q == p]]
            ref = rows.sum(0) if agg == "sum" else rows.mean(0)
            assert torch.allclose(s.edata["w"][i], ref, atol=1e-6)
    h = _hetero(idtype)
    _, hwm = dgl.to_simple(h, writeback_mapping=True)
    assert isinstance(hwm, dict) and set(hwm) == set(h.canonical_etypes)
    with pytest.raises(DGLError, match="aggregator"):
        dgl.to_simple(g, aggregator="max")


# ---------------------------------------------------------------------------------------
# compaction and derived graphs
# ---------------------------------------------------------------------------------------
def test_compact_graphs(idtype):
    g1 = dgl.graph(([1, 3, 1, 5], [0, 0, 0, 6]), num_nodes=8, idtype=idtype)
    g1.ndata["h"] = torch.arange(8.0)
    g2 = dgl.graph(([7, 2], [2, 4]), num_nodes=8, idtype=idtype)
    g2.ndata["h"] = torch.arange(8.0)
    c1, c2 = dgl.compact_graphs([g1, g2], always_preserve=torch.tensor([6, 4], dtype=idtype))
    order = [6, 4]
    for x in [1, 3, 1, 5, 0, 0, 0, 6, 7, 2, 2, 4]:
        if x not in order:
            order.append(x)
    assert c1.ndata[dgl.NID].tolist() == order
    assert c2.ndata[dgl.NID].tolist() == order
    assert [(order[a], order[b]) for a, b in _el(c1)] == _el(g1)
    assert [(order[a], order[b]) for a, b in _el(c2)] == _el(g2)
    assert c1.ndata["h"].tolist() == [float(x) for x in order]
    single = dgl.compact_graphs(g1)
    assert single.ndata[dgl.NID].tolist() == [1, 3, 5, 0, 6]


def test_line_graph(idtype):
    g = _graph(idtype, n=6, e=12)
    edges = _el(g)
    for back in (True, False):
        lg = dgl.line_graph(g, backtracking=back)
        ref = [(i, j) for i, (a, b) in enumerate(edges) for j, (c, d) in enumerate(edges)
               if b == c and i != j and (back or d != a)]
        assert _el(lg) == ref
        assert lg.num_nodes() == len(edges)
    shared = dgl.line_graph(g, shared=True)
    assert torch.equal(shared.ndata["w"], g.edata["w"])


def test_khop_graph_and_adj(idtype):
    g = _graph(idtype, n=6, e=10)
    a = _dense(g)
    for k in (1, 2, 3):
        ak = np.linalg.matrix_power(a, k)
        kg = dgl.khop_graph(g, k)
        assert Counter(_el(kg)) == Counter({(u, v): int(ak[u, v]) for u in range(6) for v in range(6) if ak[u, v]})
        src = [u for u, _ in _el(kg)]
        if k == 1:
            assert _el(kg) == _el(g)
        else:
            assert src == sorted(src)
        assert np.allclose(dgl.khop_adj(g, k).numpy(), ak)
    assert dgl.khop_adj(g, 2).dtype == torch.float32
    assert torch.equal(dgl.khop_graph(g, 2).ndata["h"], g.ndata["h"])


def test_metapath_reachable_graph(idtype):
    h = _hetero(idtype)
    mp = dgl.metapath_reachable_graph(h, ["follows", "plays"])
    reach = (_dense(h, "follows") @ _dense(h, "plays")) > 0
    assert _el(mp) == [(u, v) for u in range(5) for v in range(3) if reach[u, v]]
    assert mp.canonical_etypes == [("user", "_E", "game")]
    assert torch.equal(mp.nodes["user"].data["a"], h.nodes["user"].data["a"])
    same = dgl.metapath_reachable_graph(h, ["follows", "follows"])
    assert same.ntypes == ["user"]
    with pytest.raises(DGLError, match="broken"):
        dgl.metapath_reachable_graph(h, ["plays", "plays"])


def test_adj_product_graph(idtype):
    a = dgl.heterograph({("A", "ab", "B"): ([0, 1, 1], [0, 0, 2])}, {"A": 2, "B": 3}, idtype=idtype)
    a.edata["w"] = torch.tensor([1.0, 2.0, 3.0])
    b = dgl.heterograph({("B", "bc", "C"): ([0, 2, 2], [1, 0, 1])}, {"B": 3, "C": 2}, idtype=idtype)
    b.edata["w"] = torch.tensor([4.0, 5.0, 6.0])
    c = dgl.adj_product_graph(a, b, "w")
    da = np.zeros((2, 3)); da[[0, 1, 1], [0, 0, 2]] = [1, 2, 3]
    db = np.zeros((3, 2)); db[[0, 2, 2], [1, 0, 1]] = [4, 5, 6]
    prod = da @ db
    assert _el(c) == [(u, v) for u in range(2) for v in range(2) if prod[u, v]]
    assert c.edata["w"].tolist() == [prod[u, v] for u, v in _el(c)]


def test_norm_by_dst(idtype):
    g = _graph(idtype)
    deg = Counter(v for _, v in _el(g))
    assert torch.allclose(dgl.norm_by_dst(g), torch.tensor([1.0 / deg[v] for _, v in _el(g)]))


def _check_reordered(g, rg, cet=None):
    nid = rg.ndata[dgl.NID].tolist()
    eid = rg.edata[dgl.EID].tolist()
    assert sorted(nid) == list(range(g.num_nodes()))
    assert sorted(eid) == list(range(g.num_edges()))
    assert [(nid[a], nid[b]) for a, b in _el(rg)] == [_el(g)[e] for e in eid]
    assert torch.equal(rg.ndata["h"], g.ndata["h"][nid])
    assert torch.equal(rg.edata["w"], g.edata["w"][eid])


def test_reorder_graph(idtype):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    g = _graph(idtype)
    rg = dgl.reorder_graph(g, node_permute_algo="rcmk")
    _check_reordered(g, rg)
    src = [a for a, _ in _el(rg)]
    assert src == sorted(src)
    n = g.num_nodes()
    # CSR keeping parallel edges as separate entries, rows in edge-id order
    order = sorted(range(g.num_edges()), key=lambda i: _el(g)[i][0])
    counts = np.bincount([a for a, _ in _el(g)], minlength=n)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    m = csr_matrix((np.ones(len(order)), [_el(g)[i][1] for i in order], indptr), shape=(n, n))
    assert rg.ndata[dgl.NID].tolist() == [int(x) for x in reverse_cuthill_mckee(m, symmetric_mode=False)]
    rd = dgl.reorder_graph(g, edge_permute_algo="dst")
    _check_reordered(g, rd)
    dst = [b for _, b in _el(rd)]
    assert dst == sorted(dst)
    perm = list(range(n))[::-1]
    rc = dgl.reorder_graph(g, node_permute_algo="custom", permute_config={"nodes_perm": perm})
    assert rc.ndata[dgl.NID].tolist() == perm
    _check_reordered(g, rc)
    ce = dgl.reorder_graph(g, edge_permute_algo="custom",
                           permute_config={"edges_perm": list(range(g.num_edges()))[::-1]}, store_ids=False)
    assert dgl.NID not in ce.ndata and dgl.EID not in ce.edata
    with pytest.raises(DGLError, match="permutation"):
        dgl.reorder_graph(g, node_permute_algo="custom", permute_config={"nodes_perm": [0] * n})
    with pytest.raises(DGLError, match="metis"):
        dgl.reorder_graph(g, node_permute_algo="metis")


def test_laplacian_lambda_max(idtype):
    def ref(g):
        n = g.num_nodes()
        a = _dense(g).T
        deg = np.clip(a.sum(1), 1, None)
        d = np.diag(deg ** -0.5)
        lam = np.linalg.eigvals(np.eye(n) - d @ a @ d)
        return float(lam[np.argmax(np.abs(lam))].real)

    g1 = _graph(idtype, n=5, e=8, loops=False)
    g2 = dgl.to_bidirected(_graph(idtype, n=80, e=200, seed=3, loops=False))
    out = dgl.laplacian_lambda_max(dgl.batch([g1, g2], ndata=None, edata=None))
    assert len(out) == 2
    assert out[0] == pytest.approx(ref(g1), abs=1e-6)
    assert out[1] == pytest.approx(ref(g2), abs=1e-5)


# ---------------------------------------------------------------------------------------
# k nearest neighbours
# ---------------------------------------------------------------------------------------
def _ref_knn(x, k, exclude_self, cosine=False):
    if cosine:
        xn = x / x.norm(dim=1, keepdim=True)
        d = 1 - xn @ xn.t()
    else:
        d = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    out = []
    for i in range(x.shape[0]):
        cands = [j for j in range(x.shape[0]) if not (exclude_self and j == i)]
        cands.sort(key=lambda j: (-1.0 if (j == i and not exclude_self) else float(d[i, j])))
        out += [(j, i) for j in cands[:k]]
    return out


@pytest.mark.parametrize("exclude_self", [False, True])
@pytest.mark.parametrize("dist", ["euclidean", "cosine"])
def test_knn_graph(exclude_self, dist):
    x = torch.randn(10, 3, generator=torch.Generator().manual_seed(5))
    g = dgl.knn_graph(x, 3, dist=dist, exclude_self=exclude_self)
    assert _el(g) == _ref_knn(x, 3, exclude_self, dist == "cosine")
    assert g.batch_size == 1


def test_knn_graph_batched_and_segmented():
    x = torch.randn(12, 2, generator=torch.Generator().manual_seed(6))
    g = dgl.knn_graph(x.reshape(3, 4, 2), 2)
    assert g.batch_num_nodes().tolist() == [4, 4, 4] and g.batch_num_edges().tolist() == [8, 8, 8]
    want = []
    for b in range(3):
        want += [(u + 4 * b, v + 4 * b) for u, v in _ref_knn(x[4 * b:4 * b + 4], 2, False)]
    assert _el(g) == want
    s = dgl.segmented_knn_graph(x, 2, [5, 7])
    assert s.batch_num_nodes().tolist() == [5, 7]
    want = _ref_knn(x[:5], 2, False) + [(u + 5, v + 5) for u, v in _ref_knn(x[5:], 2, False)]
    assert _el(s) == want
    # k above the candidates: lowered to them with a DGLWarning, as DGL does
    with pytest.warns(dgl.base.DGLWarning, match="k=5"):
        big = dgl.knn_graph(x[:4], 5)
    assert _el(big) == _ref_knn(x[:4], 4, False)
    with pytest.warns(dgl.base.DGLWarning, match="k=3"):
        seg = dgl.segmented_knn_graph(x, 3, [3, 9], exclude_self=True)
    assert _el(seg) == _ref_knn(x[:3], 2, True) + [(u + 3, v + 3) for u, v in _ref_knn(x[3:], 2, True)]
    with pytest.raises(DGLError, match="no candidate"):
        dgl.knn_graph(x[:1], 2, exclude_self=True)
    with pytest.raises(DGLError, match="sum"):
        dgl.segmented_knn_graph(x, 2, [5, 5])
    with pytest.raises(DGLError, match="dist"):
        dgl.knn_graph(x, 2, dist="manhattan")


# ---------------------------------------------------------------------------------------
# functional mutation
# ---------------------------------------------------------------------------------------
def test_functional_mutation_leaves_input(idtype):
    g = _graph(idtype)
    n, e = g.num_nodes(), g.num_edges()
    assert dgl.add_nodes(g, 3).num_nodes() == n + 3
    out = dgl.add_edges(g, torch.tensor([0, 1], dtype=idtype), torch.tensor([2, 3], dtype=idtype))
    assert _el(out) == _el(g) + [(0, 2), (1, 3)]
    rn = dgl.remove_nodes(g, torch.tensor([0], dtype=idtype))
    assert rn.num_nodes() == n - 1
    re = dgl.remove_edges(g, torch.tensor([0, 1], dtype=idtype))
    assert _el(re) == _el(g)[2:]
    assert g.num_nodes() == n and g.num_edges() == e


# ---------------------------------------------------------------------------------------
# positional encodings, distances, radius graphs, precision
# ---------------------------------------------------------------------------------------
def test_random_walk_pe(idtype):
    g = dgl.graph(([0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 0, 2]), num_nodes=5, idtype=idtype)
    g.edata["w"] = torch.tensor([0.1, 0.2, 0.2, 0.3, 0.1, 1.0])
    for weight in (None, "w"):
        a = np.zeros((5, 5))
        for (u, v), w in zip(_el(g), g.edata["w"].tolist()):
            a[u, v] += 1.0 if weight is None else w
        rows = a.sum(1, keepdims=True)
        p = np.divide(a, rows, out=np.zeros_like(a), where=rows > 0)
        pe = dgl.random_walk_pe(g, 4, eweight_name=weight)
        ref = np.stack([np.diag(np.linalg.matrix_power(p, t)) for t in range(1, 5)], 1)
        assert pe.shape == (5, 4)
        assert np.allclose(pe.numpy(), ref, atol=1e-6)


def test_lap_pe(idtype):
    g = dgl.to_bidirected(dgl.graph(([0, 1, 2, 3, 3, 4], [1, 2, 3, 0, 1, 5]), idtype=idtype))
    pe, ev = dgl.lap_pe(g, 3, return_eigval=True)
    n = g.num_nodes()
    a = _dense(g)
    d = np.diag(np.clip(a.sum(0), 1, None) ** -0.5)
    lap = np.eye(n) - d @ a @ d
    all_vals = np.sort(np.linalg.eigvalsh(lap))
    assert np.allclose(ev.numpy(), all_vals[1:4], atol=1e-5)
    for j in range(3):
        v = pe[:, j].double().numpy()
        assert np.allclose(lap @ v, ev[j].item() * v, atol=1e-5)
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)
    padded, pev = dgl.lap_pe(dgl.graph(([0, 1], [1, 0]), idtype=idtype), 3, padding=True, return_eigval=True)
    assert padded.shape == (2, 3) and torch.all(padded[:, 1:] == 0) and torch.isnan(pev[1:]).all()
    with pytest.raises(DGLError, match="padding"):
        dgl.lap_pe(dgl.graph(([0, 1], [1, 0]), idtype=idtype), 3)
    with pytest.warns(UserWarning):
        dgl.laplacian_pe(g, 1)


def test_shortest_dist(idtype):
    import networkx as nx

    g = _graph(idtype, n=8, e=12, seed=7)
    nxg = nx.DiGraph(_el(g))
    nxg.add_nodes_from(range(8))
    want = dict(nx.all_pairs_shortest_path_length(nxg))
    dist, paths = dgl.shortest_dist(g, return_paths=True)
    for u in range(8):
        for v in range(8):
            assert dist[u, v].item() == want[u].get(v, -1)
            length = dist[u, v].item()
            path = [e for e in paths[u, v].tolist() if e >= 0]
            assert len(path) == max(length, 0)
            cur = u
            for e in path:  # the edges chain from u to v
                a, b = _el(g)[e]
                assert a == cur
                cur = b
            if length > 0:
                assert cur == v
    d0, p0 = dgl.shortest_dist(g, root=3, return_paths=True)
    assert torch.equal(d0, dist[3])
    assert torch.equal(dgl.shortest_dist(g, root=3), dist[3])
    with pytest.raises(DGLError, match="root"):
        dgl.shortest_dist(g, root=8)


def test_radius_graph():
    x = torch.randn(15, 3, generator=torch.Generator().manual_seed(8))
    g, d = dgl.radius_graph(x, 1.2, get_distances=True)
    want = [(i, j) for i in range(15) for j in range(15) if i != j and (x[i] - x[j]).norm() <= 1.2]
    assert _el(g) == want
    assert torch.allclose(d.squeeze(1), torch.stack([(x[i] - x[j]).norm() for i, j in want]), atol=1e-5)
    loops = dgl.radius_graph(x, 1.2, self_loop=True)
    assert loops.num_edges() == len(want) + 15
    l1 = dgl.radius_graph(x, 1.2, p=1)
    assert _el(l1) == [(i, j) for i in range(15) for j in range(15)
                       if i != j and (x[i] - x[j]).abs().sum() <= 1.2 + 1e-6]


def test_precision_casts(idtype):
    g = _graph(idtype)
    g.ndata["i"] = torch.arange(g.num_nodes())
    d = dgl.to_double(g)
    assert d.ndata["h"].dtype == torch.float64 and d.edata["w"].dtype == torch.float64
    assert d.ndata["i"].dtype == torch.int64
    assert g.ndata["h"].dtype == torch.float32
    assert dgl.to_half(g).edata["w"].dtype == torch.float16
    assert dgl.to_float(d).ndata["h"].dtype == torch.float32


def test_svd_pe(idtype):
    g = _graph(idtype, n=6, e=10, seed=9)
    a = _dense(g)
    pe = dgl.svd_pe(g, 6, random_flip=False).double().numpy()
    left, right = pe[:, :6], pe[:, 6:]
    assert np.allclose(left @ right.T, a, atol=1e-5)  # U sqrt(S) (V sqrt(S))^T = A
    part = dgl.svd_pe(g, 2, random_flip=True).double().numpy()
    s = np.linalg.svd(a, compute_uv=False)
    assert np.allclose(np.linalg.norm(part[:, :2], axis=0) ** 2, s[:2], atol=1e-5)
    padded = dgl.svd_pe(g, 8, padding=True)
    assert padded.shape == (6, 16) and torch.all(padded[:, 12:] == 0)
    with pytest.raises(DGLError, match="padding"):
        dgl.svd_pe(g, 7)


def test_adj_sum_graph(idtype):
    g1 = _graph(idtype, n=5, e=8, seed=10, loops=False)
    g2 = _graph(idtype, n=5, e=6, seed=11, loops=False)
    g1.edata["s"] = torch.rand(g1.num_edges())
    g2.edata["s"] = torch.rand(g2.num_edges())
    out = dgl.adj_sum_graph([g1, g2], "s")
    dense = np.zeros((5, 5))
    for g in (g1, g2):
        for (u, v), w in zip(_el(g), g.edata["s"].tolist()):
            dense[u, v] += w
    assert sorted(_el(out)) == sorted({p for g in (g1, g2) for p in _el(g)})
    for (u, v), w in zip(_el(out), out.edata["s"].tolist()):
        assert w == pytest.approx(dense[u, v], abs=1e-6)
    src = [u for u, _ in _el(out)]
    assert src == sorted(src)
    with pytest.raises(DGLError, match="zz"):
        dgl.adj_sum_graph([g1], "zz")


def test_misc_names(idtype):
    g = _graph(idtype)
    assert dgl.to_bfloat16(g).ndata["h"].dtype == torch.bfloat16
    with pytest.warns(UserWarning):
        assert _el(dgl.to_simple_graph(g)) == sorted(set(_el(g)))
    parts = dgl.metis_partition(g, 2)  # implemented in graphdl.partition (tests/test_partition.py)
    assert sum(int(p.ndata["inner_node"].sum()) for p in parts.values()) == g.num_nodes()
    parts = dgl.metis_partition_assignment(g, 3)
    assert parts.dtype == torch.int64 and parts.shape == (g.num_nodes(),)
    assert set(parts.tolist()) <= {0, 1, 2}
    with pytest.raises(DGLError, match="mode"):
        dgl.metis_partition_assignment(g, 2, mode="fast")


def test_double_radius_node_labeling(idtype):
    import networkx as nx

    g = dgl.to_bidirected(dgl.graph(([0, 1, 2, 3, 4, 1, 6], [1, 2, 3, 4, 5, 5, 7]), idtype=idtype))
    und = nx.Graph(_el(g))
    und.add_nodes_from(range(g.num_nodes()))
    for s, t in ((1, 3), (0, 5)):
        z = dgl.double_radius_node_labeling(g, s, t).tolist()
        for x in range(g.num_nodes()):
            if x in (s, t):
                assert z[x] == 1
                continue
            a = nx.single_source_shortest_path_length(und.subgraph(set(und) - {t}), s).get(x)
            b = nx.single_source_shortest_path_length(und.subgraph(set(und) - {s}), t).get(x)
            if a is None or b is None:
                assert z[x] == 0
            else:
                d = a + b
                assert z[x] == 1 + min(a, b) + (d // 2) * (d // 2 + d % 2 - 1)
    assert dgl.double_radius_node_labeling(g, 1, 3).tolist()[:6] == [0, 1, 2, 1, 3, 3]
    with pytest.raises(DGLError, match="dst"):
        dgl.double_radius_node_labeling(g, 0, 99)
