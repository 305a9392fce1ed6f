import pytest
import torch

import graphdl
import graphdl.ops as ops
from graphdl.testing.graphs import get_cases

from reference import edges_of


def reference(logits, group, num_groups):
    out = torch.zeros_like(logits)
    for v in range(num_groups):
        mask = group == v
        if mask.any():
            out = out.index_put((mask.nonzero().reshape(-1),), torch.softmax(logits[mask], 0))
    return out


@pytest.mark.parametrize("norm_by", ["dst", "src"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 1)])
def test_edge_softmax_matches_reference(backend, idtype, norm_by, shape):
    for name, g in get_cases(["homo", "bipartite", "block", "zero-degree", "empty", "multigraph"], idtype=idtype):
        if name in ("batched", "self-loop"):
            continue
        src, dst = edges_of(g)
        group, n = (dst, g.num_dst_nodes()) if norm_by == "dst" else (src, g.num_src_nodes())
        x = torch.randn((g.num_edges(),) + shape, dtype=torch.float32).requires_grad_()
        out = ops.edge_softmax(g, x, norm_by=norm_by)
        ref = reference(x, group, n)
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-6)
        if g.num_edges():
            w = torch.randn(out.shape)
            ga = torch.autograd.grad((out * w).sum(), x)[0]
            gb = torch.autograd.grad((ref * w).sum(), x)[0]
            torch.testing.assert_close(ga, gb, rtol=1e-4, atol=1e-5)


def test_edge_softmax_subset(backend, idtype):
    g = get_cases(["homo"], idtype=idtype)[0][1]
    src, dst = edges_of(g)
    eids = torch.arange(0, g.num_edges(), 2)
    x = torch.randn(eids.shape[0], 2)
    out = ops.edge_softmax(g, x, eids=eids.to(idtype))
    torch.testing.assert_close(out, reference(x, dst[eids], g.num_nodes()))


def test_gradcheck_float64(backend):
    g = graphdl.graph(([0, 1, 2, 2, 3, 0], [1, 2, 0, 1, 1, 3]), num_nodes=5)
    x = torch.randn(6, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a: ops.edge_softmax(g, a), (x,))
    assert torch.autograd.gradcheck(lambda a: ops.edge_softmax(g, a, norm_by="src"), (x,))


def test_bad_arguments_raise():
    g = graphdl.graph(([0, 1], [1, 2]), num_nodes=3)
    with pytest.raises(graphdl.DGLError, match="norm_by"):
        ops.edge_softmax(g, torch.randn(2), norm_by="x")
    with pytest.raises(graphdl.DGLError, match="rows"):
        ops.edge_softmax(g, torch.randn(3))


@pytest.mark.parametrize("norm_by", ["dst", "src"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)])
def test_edge_softmax_per_relation_logits_matches_homogeneous(idtype, norm_by, shape):
    # reference: the same edges in one homogeneous graph (node ids offset per type)
    g = graphdl.heterograph({
        ("user", "follows", "user"): ([0, 1, 2, 1, 1], [0, 0, 1, 1, 2]),
        ("user", "plays", "game"): ([0, 1, 2, 1], [0, 0, 1, 1]),
        ("developer", "develops", "game"): ([0, 1, 0], [0, 1, 1]),
    }, idtype=idtype)
    off = {"developer": 0, "game": 2, "user": 4}
    logits = {ce: torch.randn((g.num_edges(ce),) + shape, dtype=torch.float64, requires_grad=True)
              for ce in g.canonical_etypes}
    out = ops.edge_softmax(g, logits, norm_by=norm_by)
    us, vs = [], []
    for ce in g.canonical_etypes:
        u, v = g.edges(etype=ce)
        us.append(u.long() + off[ce[0]])
        vs.append(v.long() + off[ce[2]])
    hg = graphdl.graph((torch.cat(us), torch.cat(vs)), num_nodes=7)
    x = torch.cat([logits[ce] for ce in g.canonical_etypes]).detach().requires_grad_()
    ref = ops.edge_softmax(hg, x, norm_by=norm_by)
    torch.testing.assert_close(torch.cat([out[ce] for ce in g.canonical_etypes]), ref)
    w = torch.randn_like(ref)
    (torch.cat([out[ce] for ce in g.canonical_etypes]) * w).sum().backward()
    (ref * w).sum().backward()
    torch.testing.assert_close(torch.cat([logits[ce].grad for ce in g.canonical_etypes]), x.grad)


def test_edge_softmax_per_relation_logits_bad_input():
    g = graphdl.heterograph({("a", "r", "b"): ([0], [0]), ("b", "s", "b"): ([0], [0])})
    with pytest.raises(graphdl.DGLError, match="rows"):
        ops.edge_softmax(g, {"r": torch.ones(2), "s": torch.ones(1)})
    with pytest.raises(graphdl.DGLError, match="shape"):
        ops.edge_softmax(g, {"r": torch.ones(1, 2), "s": torch.ones(1)})


@pytest.mark.parametrize("table_bytes", [0, 1 << 30])
def test_both_forward_orders_match_reference(table_bytes, idtype, monkeypatch):
    """The forward walks rows in destination order (tables too big) or edges in storage order."""
    from graphdl.ops import _numba_backend

    monkeypatch.setattr(_numba_backend, "_SOFTMAX_TABLE_BYTES", table_bytes)
    gen = torch.Generator().manual_seed(5)
    src = torch.randint(0, 30, (400,), generator=gen)
    dst = torch.randint(0, 30, (400,), generator=gen)
    g = graphdl.graph((src, dst), num_nodes=30, idtype=idtype)
    x = torch.randn(400, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    out = ops.edge_softmax(g, x)
    torch.testing.assert_close(out, reference(x, dst, 30))
    assert torch.autograd.gradcheck(lambda a: ops.edge_softmax(g, a), (x,))
