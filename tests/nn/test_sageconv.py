import pytest
import torch
import torch.nn.functional as F

from graphdl import DGLError
from graphdl.nn import SAGEConv
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, dense_adj, random_graph

AGGS = ["mean", "gcn", "pool", "lstm"]


def reference_sage(conv, g, x_src, x_dst, edge_weight=None):
    """Neighbour aggregation by dense algebra (mean, gcn) or per-node loops (pool, lstm)."""
    agg = conv._aggre_type
    src, dst = g.edges()
    src, dst = src.long(), dst.long()
    n_dst = g.num_dst_nodes()
    deg = torch.bincount(dst, minlength=n_dst).double()
    if agg in ("mean", "gcn"):
        a = dense_adj(g, edge_weight)
        total = a @ x_src.double()
        if agg == "mean":
            neigh = total / deg.clamp(min=1).unsqueeze(1)
            return (conv.fc_self(x_dst).double() + conv.fc_neigh(neigh.float()).double()).float()
        neigh = (total + x_dst.double()) / (deg + 1).unsqueeze(1)
        return (conv.fc_neigh(neigh.float()) + conv.bias).float()
    rows = []
    for v in range(n_dst):
        eids = torch.nonzero(dst == v).flatten()  # increasing edge id
        if eids.numel() == 0:
            rows.append(torch.zeros(x_src.shape[1]))
            continue
        msgs = x_src[src[eids]]
        if edge_weight is not None:
            msgs = msgs * edge_weight[eids].unsqueeze(1)
        if agg == "pool":
            rows.append(F.relu(conv.fc_pool(x_src[src[eids]])).max(0)[0])
        else:
            _, (h, _) = conv.lstm(msgs.unsqueeze(0))
            rows.append(h[0, 0])
    neigh = torch.stack(rows)
    return conv.fc_self(x_dst) + conv.fc_neigh(neigh)


@pytest.mark.parametrize("agg", AGGS)
@pytest.mark.parametrize("sizes", [(5, 3), (3, 6)])
def test_sage_matches_reference(idtype, agg, sizes):
    g = random_graph(10, 30, idtype, self_loops=False)
    conv = SAGEConv(sizes[0], sizes[1], agg)
    if conv._aggre_type == "gcn":
        torch.nn.init.uniform_(conv.bias, -1, 1)
    x = torch.randn(10, sizes[0])
    torch.testing.assert_close(conv(g, x), reference_sage(conv, g, x, x), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("agg", ["mean", "gcn", "lstm"])
def test_sage_edge_weight(idtype, agg):
    g = random_graph(9, 25, idtype)
    conv = SAGEConv(4, 3, agg)
    x = torch.randn(9, 4)
    w = torch.rand(g.num_edges())
    torch.testing.assert_close(conv(g, x, edge_weight=w), reference_sage(conv, g, x, x, w), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("agg", AGGS)
def test_sage_block_and_bipartite(idtype, agg):
    block = get_case("block", idtype)
    conv = SAGEConv(4, 3, agg)
    x = torch.randn(block.num_src_nodes(), 4)
    out = conv(block, x)
    assert out.shape == (block.num_dst_nodes(), 3)
    torch.testing.assert_close(out, reference_sage(conv, block, x, x[: block.num_dst_nodes()]), rtol=1e-4, atol=1e-5)

    bip = get_case("bipartite", idtype)
    in_dst = 4 if agg == "gcn" else 2
    conv = SAGEConv((4, in_dst), 3, agg)
    xs, xd = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), in_dst)
    torch.testing.assert_close(conv(bip, (xs, xd)), reference_sage(conv, bip, xs, xd), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("agg", AGGS)
def test_sage_zero_in_degree_and_empty(idtype, agg):
    for name in ("zero-degree", "empty"):
        g = get_case(name, idtype)
        conv = SAGEConv(3, 2, agg)
        x = torch.randn(g.num_nodes(), 3)
        torch.testing.assert_close(conv(g, x), reference_sage(conv, g, x, x), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("agg", AGGS)
def test_sage_invariances_and_grads(idtype, agg):
    g = random_graph(10, 30, idtype)
    conv = SAGEConv(4, 3, agg)
    x = torch.randn(10, 4)
    if agg != "lstm":  # the LSTM reads neighbours in edge order by design
        check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
        check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    if agg == "gcn":
        torch.nn.init.uniform_(conv.bias, -1, 1)
    check_grads(conv, conv(g, x))


def test_sage_int32_equals_int64():
    g = random_graph(8, 20, torch.int64)
    x = torch.randn(8, 4)
    for agg in AGGS:
        conv = SAGEConv(4, 3, agg)
        torch.testing.assert_close(conv(g.int(), x), conv(g, x))


def test_sage_options(idtype):
    g = random_graph(8, 20, idtype)
    x = torch.randn(8, 4)
    conv = SAGEConv(4, 3, "mean", bias=False, norm=torch.nn.LayerNorm(3), activation=torch.relu)
    assert conv.fc_self.bias is None
    out = conv(g, x)
    torch.testing.assert_close(out.mean(-1), torch.zeros(8), atol=1e-5, rtol=0)
    assert SAGEConv(4, 3, "gcn", bias=False).bias is None
    with pytest.raises(DGLError):
        SAGEConv(4, 3, "median")
    with pytest.raises(DGLError):
        SAGEConv((4, 2), 3, "gcn")(get_case("bipartite", idtype), (torch.randn(12, 4), torch.randn(7, 2)))


@pytest.mark.parametrize("sizes", [(5, 3), (3, 6)])
@pytest.mark.parametrize("name", ["homo", "block", "bipartite"])
def test_sage_mean_gradients_match_reference(idtype, sizes, name):
    """The mean aggregator with in > out runs one fused kernel (projected mean plus the self
    branch); its gradients must equal those of the dense reference."""
    g = random_graph(10, 30, idtype, self_loops=False) if name == "homo" else get_case(name, idtype)
    conv = SAGEConv(sizes[0], sizes[1], "mean")
    xs = torch.randn(g.num_src_nodes(), sizes[0], requires_grad=True)
    xd = xs[: g.num_dst_nodes()] if name == "block" else (
        xs if name == "homo" else torch.randn(g.num_dst_nodes(), sizes[0], requires_grad=True))
    out = conv(g, xs) if name in ("homo", "block") else conv(g, (xs, xd))
    ref = reference_sage(conv, g, xs, xd)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)
    w = torch.randn(out.shape)
    params = [xs] + list(conv.parameters())
    if name == "bipartite":
        params.append(xd)
    got = torch.autograd.grad((out * w).sum(), params)
    want = torch.autograd.grad((ref * w).sum(), params)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("agg", ["mean", "gcn", "pool", "lstm"])
def test_sage_on_an_empty_block(agg):
    # the block of an empty seed batch: no nodes, no edges -> a (0, out) result
    import graphdl

    block = graphdl.create_block(([], []), num_src_nodes=0, num_dst_nodes=0)
    out = SAGEConv(3, 4, agg)(block, torch.zeros(0, 3))
    assert out.shape == (0, 4)
