import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import GraphConv, RelGraphConv

from nn_helpers import check_edge_order_invariance, check_grads, random_graph


def reference_rgcn(conv, g, x, etypes, norm=None):
    """Sum over relations of A_r X W_r (dense), plus self-loop and bias."""
    w = conv.linear_r.get_weight()
    src, dst = g.edges()
    src, dst = src.long(), dst.long()
    out = torch.zeros(g.num_dst_nodes(), conv.linear_r.out_size)
    for r in range(conv.linear_r.num_types):
        a = torch.zeros(g.num_dst_nodes(), g.num_src_nodes())
        m = etypes == r
        vals = torch.ones(int(m.sum())) if norm is None else norm[m].flatten()
        a.index_put_((dst[m], src[m]), vals, accumulate=True)
        if conv.linear_r.regularizer == "bdd":
            nb, si, so = conv.linear_r.num_bases, conv.linear_r.submat_in, conv.linear_r.submat_out
            wr = torch.block_diag(*w[r].view(nb, si, so))
        else:
            wr = w[r]
        out = out + a @ x @ wr
    if conv.layer_norm:
        out = conv.layer_norm_weight(out)
    if conv.bias:
        out = out + conv.h_bias
    if conv.self_loop:
        out = out + x[: g.num_dst_nodes()] @ conv.loop_weight
    return out


@pytest.mark.parametrize("reg", [None, "basis", "bdd"])
def test_rgcn_matches_dense(idtype, reg):
    g = random_graph(10, 30, idtype)
    etypes = torch.randint(0, 3, (g.num_edges(),), generator=torch.Generator().manual_seed(0))
    conv = RelGraphConv(4, 6, 3, reg, 2)
    torch.nn.init.uniform_(conv.h_bias, -1, 1)
    x = torch.randn(10, 4)
    norm = torch.rand(g.num_edges(), 1)
    torch.testing.assert_close(conv(g, x, etypes), reference_rgcn(conv, g, x, etypes), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(conv(g, x, etypes, norm), reference_rgcn(conv, g, x, etypes, norm), rtol=1e-4, atol=1e-5)
    check_grads(conv, conv(g, x, etypes))


def test_rgcn_options_invariance_and_block(idtype):
    g = random_graph(9, 25, idtype)
    etypes = torch.randint(0, 2, (g.num_edges(),), generator=torch.Generator().manual_seed(1))
    conv = RelGraphConv(4, 4, 2, "basis", 1, bias=False, self_loop=False, layer_norm=True, activation=torch.relu)
    assert not hasattr(conv, "h_bias") and not hasattr(conv, "loop_weight")
    x = torch.randn(9, 4)
    check_edge_order_invariance(lambda gg, et: conv(gg, x, et), g, etypes)
    torch.testing.assert_close(conv(g.int(), x, etypes), conv(g, x, etypes))
    block = graphdl.create_block((torch.tensor([0, 1, 2, 3, 4]), torch.tensor([0, 0, 1, 1, 1])), 5, 2, idtype=idtype)
    out = RelGraphConv(4, 3, 2)(block, torch.randn(5, 4), torch.tensor([0, 1, 0, 1, 1]))
    assert out.shape == (2, 3)
    with pytest.raises(DGLError):
        RelGraphConv(4, 3, 2, "bdd", 3)
    with pytest.raises(DGLError):
        conv(g, x, etypes[:-1])


def test_rgcn_learns_relation_dependent_labels():
    """Label = more in-edges of relation 0 than of relation 1: impossible without edge types."""
    gen = torch.Generator().manual_seed(0)
    n, e = 200, 1200
    g = graphdl.graph((torch.randint(0, n, (e,), generator=gen), torch.randint(0, n, (e,), generator=gen)), num_nodes=n)
    etypes = torch.randint(0, 2, (e,), generator=gen)
    dst = g.edges()[1].long()
    c0 = torch.bincount(dst[etypes == 0], minlength=n)
    c1 = torch.bincount(dst[etypes == 1], minlength=n)
    keep = c0 != c1
    labels = (c0 > c1).long()
    x = torch.ones(n, 4)

    def train(layer, use_types):
        torch.manual_seed(0)
        head = torch.nn.Linear(8, 2)
        params = list(layer.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(params, lr=0.05)
        for _ in range(150):
            h = layer(g, x, etypes) if use_types else layer(g, x)
            loss = torch.nn.functional.cross_entropy(head(torch.relu(h))[keep], labels[keep])
            opt.zero_grad()
            loss.backward()
            opt.step()
        h = layer(g, x, etypes) if use_types else layer(g, x)
        return (head(torch.relu(h)).argmax(1)[keep] == labels[keep]).float().mean().item()

    assert train(RelGraphConv(4, 8, 2, self_loop=False), True) > 0.95
    assert train(GraphConv(4, 8, norm="none", allow_zero_in_degree=True), False) < 0.8
