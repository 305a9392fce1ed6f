import pytest
import torch

import graphdl
import graphdl.function as fn
from graphdl._graph.message_passing import degree_buckets
from graphdl.ops import kernel_backend
from graphdl.testing.graphs import get_cases

BINARY = [(a, op, b) for a in "uve" for op in ["add", "sub", "mul", "div", "dot"] for b in "uve" if a != b]
CASES = ["homo", "bipartite", "block", "zero-degree", "empty", "multigraph"]


@pytest.fixture(params=["numba", "torch"])
def backend(request):
    with kernel_backend(request.param):
        yield request.param


def fill(g, shape=(2, 3)):
    gen = torch.Generator().manual_seed(0)
    g.srcdata["x"] = torch.randn((g.num_src_nodes(),) + shape, generator=gen).requires_grad_()
    g.dstdata["y"] = (torch.rand((g.num_dst_nodes(),) + shape, generator=gen) + 0.5).requires_grad_()
    g.edata["w"] = (torch.rand((g.num_edges(), shape[0], 1), generator=gen) + 0.5).requires_grad_()
    g.edata["z"] = (torch.rand((g.num_edges(),) + shape, generator=gen) + 0.5).requires_grad_()
    return [g.srcdata["x"], g.dstdata["y"], g.edata["w"], g.edata["z"]]


FIELD = {"u": "x", "v": "y", "e": "z"}


def udf_message(lhs, op, rhs):
    def get(edges, t, f):
        return {"u": edges.src, "v": edges.dst, "e": edges.data}[t][f]

    def func(edges):
        a, b = get(edges, lhs, FIELD[lhs]), get(edges, rhs, FIELD[rhs])
        out = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b}.get(op)
        if op == "dot":
            out = (a * b).sum(-1, keepdim=True)
        return {"m": out}

    return func


def udf_reduce(name):
    def func(nodes):
        m = nodes.mailbox["m"]
        return {"h": {"sum": m.sum(1), "mean": m.mean(1), "max": m.max(1).values, "min": m.min(1).values}[name]}

    return func


def grads(out, inputs):
    gen = torch.Generator().manual_seed(3)
    w = torch.randn(out.shape, generator=gen)
    gs = torch.autograd.grad((out * w).sum(), inputs, allow_unused=True)
    return [torch.zeros_like(t) if gr is None else gr for t, gr in zip(inputs, gs)]


@pytest.mark.parametrize("reducer", ["sum", "max", "min", "mean"])
def test_every_builtin_pair_matches_udfs(backend, reducer):
    # few, small graphs (the user-defined path loops over degree buckets), both id types
    cases = [("zero-degree", torch.int32), ("block", torch.int64), ("multigraph", torch.int32)]
    for name, idtype in cases:
        g = get_cases([name], idtype=idtype)[0][1]
        for lhs, op, rhs in BINARY:
            inputs = fill(g)
            mfunc = getattr(fn, f"{lhs}_{op}_{rhs}")(FIELD[lhs], FIELD[rhs], "m")
            g.update_all(mfunc, getattr(fn, reducer)("m", "h"))
            fused = g.dstdata["h"]
            g.update_all(udf_message(lhs, op, rhs), udf_reduce(reducer))
            ref = g.dstdata["h"]
            assert fused.shape == ref.shape, (name, lhs, op, rhs)
            torch.testing.assert_close(fused, ref, rtol=1e-4, atol=1e-4, msg=f"{name} {lhs}{op}{rhs}")
            if g.num_edges():
                for a, b in zip(grads(fused, inputs), grads(ref, inputs)):
                    torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-3, msg=f"grad {name} {lhs}{op}{rhs}")


@pytest.mark.parametrize("reducer", ["sum", "max", "mean"])
def test_copy_messages_and_mixed_paths(backend, idtype, reducer):
    g = get_cases(["zero-degree"], idtype=idtype)[0][1]
    fill(g, (4,))
    rf = getattr(fn, reducer)
    g.update_all(fn.copy_u("x", "m"), rf("m", "a"))
    g.update_all(lambda e: {"m": e.src["x"]}, rf("m", "b"))  # UDF message, built-in reducer
    g.update_all(fn.copy_u("x", "m"), udf_reduce(reducer))  # built-in message, UDF reducer
    torch.testing.assert_close(g.ndata["a"], g.ndata["b"])
    torch.testing.assert_close(g.ndata["a"], g.ndata["h"])
    assert torch.equal(g.ndata["a"][9], torch.zeros(4))  # isolated node
    g.update_all(fn.copy_e("z", "m"), rf("m", "c"))
    g.update_all(lambda e: {"m": e.data["z"]}, udf_reduce(reducer))
    torch.testing.assert_close(g.ndata["c"], g.ndata["h"])


def test_dense_reference_gcn(backend, idtype):
    g = get_cases(["homo"], idtype=idtype)[0][1]
    src, dst = g.edges()
    n = g.num_nodes()
    adj = torch.zeros(n, n)
    adj.index_put_((dst.long(), src.long()), torch.ones(g.num_edges()), accumulate=True)
    x = torch.randn(n, 5)
    g.ndata["x"] = x
    g.update_all(fn.copy_u("x", "m"), fn.sum("m", "h"))
    torch.testing.assert_close(g.ndata["h"], adj @ x)
    g.update_all(fn.copy_u("x", "m"), fn.mean("m", "h"))
    torch.testing.assert_close(g.ndata["h"], (adj @ x) / adj.sum(1, keepdim=True).clamp(min=1))


def test_apply_edges_builtin_udf_and_subset(backend, idtype):
    g = get_cases(["homo"], idtype=idtype)[0][1]
    fill(g)
    g.apply_edges(fn.u_dot_v("x", "y", "s"))
    g.apply_edges(lambda e: {"t": (e.src["x"] * e.dst["y"]).sum(-1, keepdim=True)})
    torch.testing.assert_close(g.edata["s"], g.edata["t"])
    g.edata["s"] = torch.zeros_like(g.edata["s"])
    sub = torch.tensor([0, 3, 5], dtype=idtype)
    g.apply_edges(fn.u_dot_v("x", "y", "s"), edges=sub)
    torch.testing.assert_close(g.edata["s"][sub.long()], g.edata["t"][sub.long()])
    rest = torch.ones(g.num_edges(), dtype=torch.bool)
    rest[sub.long()] = False
    assert torch.equal(g.edata["s"][rest], torch.zeros_like(g.edata["s"][rest]))


def test_apply_nodes_and_filters(idtype):
    g = get_cases(["homo"], idtype=idtype)[0][1]
    g.ndata["x"] = torch.arange(g.num_nodes(), dtype=torch.float32)
    g.apply_nodes(lambda n: {"y": n.data["x"] * 2})
    assert torch.equal(g.ndata["y"], g.ndata["x"] * 2)
    g.apply_nodes(lambda n: {"y": n.data["x"] * 0}, v=[1, 2])
    assert g.ndata["y"][1] == 0 and g.ndata["y"][3] == 6
    ids = g.filter_nodes(lambda n: n.data["x"] > 15)
    assert ids.dtype == idtype and ids.tolist() == [16, 17, 18, 19]
    assert g.filter_nodes(lambda n: n.data["x"] > 2, nodes=[1, 3, 5]).tolist() == [3, 5]
    g.edata["w"] = torch.arange(g.num_edges(), dtype=torch.float32)
    assert g.filter_edges(lambda e: e.data["w"] < 3).tolist() == [0, 1, 2]


def test_send_and_recv_pull_push(backend, idtype):
    g = graphdl.graph(([0, 1, 2, 3, 3], [1, 2, 3, 1, 0]), num_nodes=5, idtype=idtype)
    g.ndata["x"] = torch.tensor([1.0, 2.0, 4.0, 8.0, 16.0])[:, None]
    g.ndata["h"] = torch.full((5, 1), -1.0)
    g.send_and_recv([0, 3], fn.copy_u("x", "m"), fn.sum("m", "h"))
    assert g.ndata["h"].reshape(-1).tolist() == [-1.0, 9.0, -1.0, -1.0, -1.0]
    g.ndata["h"] = torch.full((5, 1), -1.0)
    g.pull([1, 4], fn.copy_u("x", "m"), fn.sum("m", "h"))
    assert g.ndata["h"].reshape(-1).tolist() == [-1.0, 9.0, -1.0, -1.0, 0.0]
    g.ndata["h"] = torch.full((5, 1), -1.0)
    g.push([3], fn.copy_u("x", "m"), fn.sum("m", "h"), lambda n: {"h": n.data["h"] * 10})
    assert g.ndata["h"].reshape(-1).tolist() == [80.0, 80.0, -1.0, -1.0, -1.0]
    g.send_and_recv((torch.tensor([2]), torch.tensor([3])), fn.copy_u("x", "m"), fn.max("m", "h"))
    assert g.ndata["h"][3].item() == 4.0


def test_apply_node_func_sees_reduced_and_old_features(backend):
    g = graphdl.graph(([0, 1], [1, 2]), num_nodes=3)
    g.ndata["x"] = torch.ones(3, 2)
    g.update_all(fn.copy_u("x", "m"), fn.sum("m", "h"), lambda n: {"z": n.data["h"] + n.data["x"]})
    assert g.ndata["z"][:, 0].tolist() == [1.0, 2.0, 2.0]
    assert "h" not in g.ndata


def test_block_and_bipartite_write_dst(backend, idtype):
    for name in ["block", "bipartite"]:
        g = get_cases([name], idtype=idtype)[0][1]
        fill(g, (3,))
        g.update_all(fn.u_mul_v("x", "y", "m"), fn.sum("m", "h"))
        src, dst = g.edges()
        msg = g.srcdata["x"][src.long()] * g.dstdata["y"][dst.long()]
        ref = torch.zeros(g.num_dst_nodes(), 3).index_add_(0, dst.long(), msg)
        torch.testing.assert_close(g.dstdata["h"], ref)


@pytest.mark.parametrize("cross", ["sum", "min", "max", "mean", "stack"])
def test_multi_update_all(backend, idtype, cross):
    g = get_cases(["hetero"], idtype=idtype)[0][1]
    for nt in g.ntypes:
        g.nodes[nt].data["x"] = torch.randn(g.num_nodes(nt), 3)
    funcs = {ce: (fn.copy_u("x", "m"), fn.sum("m", "h")) for ce in g.canonical_etypes}
    g.multi_update_all(funcs, cross)
    per_type = {}
    for ce in g.canonical_etypes:
        src, dst = g.edges(etype=ce)
        x = g.nodes[ce[0]].data["x"]
        per_type.setdefault(ce[2], []).append(
            torch.zeros(g.num_nodes(ce[2]), 3).index_add_(0, dst.long(), x[src.long()])
        )
    for nt, vals in per_type.items():
        s = torch.stack(vals, 0)
        ref = {"sum": s.sum(0), "min": s.min(0).values, "max": s.max(0).values, "mean": s.mean(0),
               "stack": torch.stack(vals, 1)}[cross]
        torch.testing.assert_close(g.nodes[nt].data["h"], ref)
    if cross == "sum":
        for nt in per_type:
            del g.nodes[nt].data["h"]
        g.update_all(fn.copy_u("x", "m"), fn.sum("m", "h"))  # all relations, summed
        for nt, vals in per_type.items():
            torch.testing.assert_close(g.nodes[nt].data["h"], torch.stack(vals).sum(0))


def test_degree_buckets(idtype):
    g = get_cases(["zero-degree"], idtype=idtype)[0][1]
    buckets = degree_buckets(g._adj())
    seen = set()
    src, dst = g.edges()
    for d, nodes, eids in buckets:
        assert eids.shape == (nodes.shape[0], d)
        for n, es in zip(nodes.tolist(), eids.tolist()):
            assert sorted(es) == es and all(dst[e] == n for e in es)
            seen.add(n)
    assert seen == set(dst.tolist())


def test_errors_name_the_problem():
    g = graphdl.graph(([0, 1], [1, 2]), num_nodes=3)
    g.ndata["x"] = torch.randn(3, 2)
    with pytest.raises(graphdl.DGLError, match="'nope'"):
        g.update_all(fn.copy_u("nope", "m"), fn.sum("m", "h"))
    with pytest.raises(graphdl.DGLError, match="'q'"):
        g.update_all(fn.copy_u("x", "m"), fn.sum("q", "h"))
    with pytest.raises(graphdl.DGLError, match="dict"):
        g.apply_edges(lambda e: e.src["x"])
    with pytest.raises(graphdl.DGLError, match="edge id 7"):
        g.apply_edges(fn.copy_u("x", "m"), edges=[7])


def test_local_scope_leaves_features(backend):
    g = graphdl.graph(([0, 1], [1, 2]), num_nodes=3)
    g.ndata["x"] = torch.randn(3, 2)
    with g.local_scope():
        g.update_all(fn.copy_u("x", "m"), fn.sum("m", "h"))
        assert "h" in g.ndata
    assert "h" not in g.ndata


@pytest.mark.parametrize("op", ["sum", "max", "min"])
def test_update_all_every_relation_combines_with_its_reducer(op, idtype):
    # two relations into "game": the per-relation results combine with the reducer itself;
    # reference: per-relation reduction (0 where a relation brings nothing), then op across
    g = graphdl.heterograph({
        ("user", "plays", "game"): ([0, 1, 2, 2], [0, 0, 1, 2]),
        ("user", "wishes", "game"): ([1, 2], [0, 1]),
        ("user", "follows", "user"): ([0, 1], [1, 2]),
    }, num_nodes_dict={"user": 3, "game": 4}, idtype=idtype)
    h = torch.tensor([[-1.0, 2.0], [3.0, -4.0], [-5.0, 6.0]], requires_grad=True)
    g.nodes["user"].data["h"] = h
    g.update_all(fn.copy_u("h", "m"), getattr(fn, op)("m", "y"))
    reduce = {"sum": "sum", "max": "amax", "min": "amin"}[op]

    def rel(src, dst, n):
        if reduce == "sum":
            return torch.zeros(n, 2).index_add(0, torch.tensor(dst), h[torch.tensor(src)])
        return torch.zeros(n, 2).index_reduce(0, torch.tensor(dst), h[torch.tensor(src)], reduce,
                                              include_self=False)

    plays, wishes = rel([0, 1, 2, 2], [0, 0, 1, 2], 4), rel([1, 2], [0, 1], 4)
    both = torch.stack([plays, wishes])
    ref = {"sum": both.sum(0), "max": both.max(0).values, "min": both.min(0).values}[op]
    assert torch.allclose(g.nodes["game"].data["y"], ref)
    assert torch.allclose(g.nodes["user"].data["y"], rel([0, 1], [1, 2], 3))
    got = torch.autograd.grad(g.nodes["game"].data["y"].sum(), h)[0]
    want = torch.autograd.grad(ref.sum(), h)[0]
    assert torch.allclose(got, want)


def test_update_all_every_relation_refuses_udfs_and_mean(idtype):
    g = graphdl.heterograph({("a", "r", "b"): ([0], [0]), ("a", "s", "b"): ([0], [0])}, idtype=idtype)
    g.nodes["a"].data["h"] = torch.ones(1, 2)
    with pytest.raises(graphdl.DGLError, match="etype"):
        g.update_all(lambda e: {"m": e.src["h"]}, lambda n: {"y": n.mailbox["m"].sum(1)})
    with pytest.raises(graphdl.DGLError, match="mean"):
        g.update_all(fn.copy_u("h", "m"), fn.mean("m", "y"))
    g.update_all(lambda e: {"m": e.src["h"]}, lambda n: {"y": n.mailbox["m"].sum(1)}, etype="r")
    assert torch.equal(g.nodes["b"].data["y"], torch.ones(1, 2))
