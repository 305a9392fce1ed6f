import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import GINConv, SumPooling
from graphdl.testing.graphs import get_case

from nn_helpers import check_edge_order_invariance, check_grads, check_relabel_equivariance, dense_adj, random_graph


def reference_gin(g, x_src, x_dst, agg, eps, edge_weight=None):
    src, dst = g.edges()
    src, dst = src.long(), dst.long()
    if agg in ("sum", "mean"):
        neigh = (dense_adj(g, edge_weight) @ x_src.double()).float()
        if agg == "mean":
            neigh = neigh / torch.bincount(dst, minlength=g.num_dst_nodes()).clamp(min=1).unsqueeze(1)
    else:
        msgs = x_src[src] if edge_weight is None else x_src[src] * edge_weight.unsqueeze(1)
        neigh = torch.zeros(g.num_dst_nodes(), x_src.shape[1])
        for v in range(g.num_dst_nodes()):
            m = dst == v
            if m.any():
                neigh[v] = msgs[m].max(0)[0]
    return (1 + eps) * x_dst + neigh


@pytest.mark.parametrize("agg", ["sum", "max", "mean"])
def test_gin_matches_reference(idtype, agg):
    g = random_graph(10, 30, idtype, self_loops=False)
    lin = torch.nn.Linear(4, 3)
    conv = GINConv(lin, agg, init_eps=0.25)
    x = torch.randn(10, 4)
    w = torch.rand(g.num_edges())
    torch.testing.assert_close(conv(g, x), lin(reference_gin(g, x, x, agg, 0.25)), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(conv(g, x, w), lin(reference_gin(g, x, x, agg, 0.25, w)), rtol=1e-4, atol=1e-5)


def test_gin_block_bipartite_and_identity(idtype):
    block = get_case("block", idtype)
    x = torch.randn(block.num_src_nodes(), 4)
    conv = GINConv(None, "sum")
    torch.testing.assert_close(conv(block, x), reference_gin(block, x, x[: block.num_dst_nodes()], "sum", 0.0),
                               rtol=1e-4, atol=1e-5)
    bip = get_case("bipartite", idtype)
    xs, xd = torch.randn(bip.num_src_nodes(), 4), torch.randn(bip.num_dst_nodes(), 4)
    torch.testing.assert_close(conv(bip, (xs, xd)), reference_gin(bip, xs, xd, "sum", 0.0), rtol=1e-4, atol=1e-5)


def test_gin_eps_invariances_grads(idtype):
    g = random_graph(9, 25, idtype)
    conv = GINConv(torch.nn.Linear(4, 3), "sum", learn_eps=True, activation=torch.tanh)
    assert isinstance(conv.eps, torch.nn.Parameter)
    assert "eps" in dict(GINConv(None, "sum").named_buffers())
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, _: conv(gg, x), g)
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, x)
    check_grads(conv, conv(g, x))
    torch.testing.assert_close(conv(g.int(), x), conv(g.long(), x))
    with pytest.raises(DGLError):
        GINConv(None, "median")


def _batch(graphs):
    """Batch homogeneous graphs by offsetting node ids (block-diagonal adjacency)."""
    us, vs, off = [], [], 0
    for u, v, n in graphs:
        us.append(u + off)
        vs.append(v + off)
        off += n
    bg = graphdl.graph((torch.cat(us), torch.cat(vs)), num_nodes=off)
    bg.set_batch_num_nodes(torch.tensor([n for _, _, n in graphs]))
    bg.set_batch_num_edges(torch.tensor([len(u) for u, _, _ in graphs]))
    return bg


def _cycle_or_path(n, cycle):
    u = torch.arange(n - 1)
    v = u + 1
    if cycle:
        u, v = torch.cat([u, torch.tensor([n - 1])]), torch.cat([v, torch.tensor([0])])
    return torch.cat([u, v]), torch.cat([v, u]), n


def test_gin_with_sum_pooling_learns_cycles_vs_paths():
    torch.manual_seed(0)
    specs = [(n, c) for n in range(4, 11) for c in (True, False)]
    bg = _batch([_cycle_or_path(n, c) for n, c in specs])
    labels = torch.tensor([int(c) for _, c in specs])
    x = torch.ones(bg.num_nodes(), 1)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            mlp = lambda i, o: torch.nn.Sequential(torch.nn.Linear(i, o), torch.nn.ReLU(), torch.nn.Linear(o, o))
            self.conv1 = GINConv(mlp(1, 16), "sum")
            self.conv2 = GINConv(mlp(16, 16), "sum")
            self.pool = SumPooling()
            self.out = torch.nn.Linear(16, 2)

        def forward(self, g, h):
            h = torch.relu(self.conv1(g, h))
            h = torch.relu(self.conv2(g, h))
            return self.out(self.pool(g, h))

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(300):
        loss = torch.nn.functional.cross_entropy(net(bg, x), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    acc = (net(bg, x).argmax(1) == labels).float().mean().item()
    assert acc == 1.0, acc
