import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import GraphConv, JumpingKnowledge, LabelPropagation, Sequential
from graphdl.nn.utils import expand_as_pair
from graphdl.testing.graphs import get_case

from nn_helpers import dense_adj, random_graph


def test_expand_as_pair(idtype):
    x = torch.randn(15, 2)
    assert expand_as_pair((1, 2)) == (1, 2)
    block = get_case("block", idtype)
    s, d = expand_as_pair(x, block)
    assert s is x and d.shape[0] == block.num_dst_nodes()
    s, d = expand_as_pair(x)
    assert s is x and d is x


def test_sequential_one_graph_and_blocks(idtype):
    g = random_graph(8, 20, idtype)
    c1, c2 = GraphConv(4, 5), GraphConv(5, 2)
    net = Sequential(c1, c2)
    x = torch.randn(8, 4)
    torch.testing.assert_close(net(g, x), c2(g, c1(g, x)))
    torch.testing.assert_close(net([g, g], x), c2(g, c1(g, x)))
    with pytest.raises(DGLError):
        net([g], x)


def test_jumping_knowledge():
    xs = [torch.randn(6, 4) for _ in range(3)]
    torch.testing.assert_close(JumpingKnowledge("cat")(xs), torch.cat(xs, 1))
    torch.testing.assert_close(JumpingKnowledge("max")(xs), torch.stack(xs).max(0)[0])
    jk = JumpingKnowledge("lstm", 4, 3)
    out = jk(xs)
    assert out.shape == (6, 4)
    out.sum().backward()
    assert all(p.grad is not None for p in jk.parameters())
    with pytest.raises(DGLError):
        JumpingKnowledge("lstm")


def test_label_propagation_matches_dense(idtype):
    src = torch.tensor([0, 1, 1, 2, 2, 3, 3, 4])
    dst = torch.tensor([1, 0, 2, 1, 3, 2, 4, 3])
    g = graphdl.graph((src, dst), num_nodes=5, idtype=idtype)
    labels = torch.tensor([0, 0, 1, 1, 1])
    mask = torch.tensor([True, False, False, False, True])
    lp = LabelPropagation(k=5, alpha=0.6, norm_type="sym", clamp=False)
    out = lp(g, labels, mask)
    a = dense_adj(g).float()
    d = a.sum(1).clamp(min=1).pow(-0.5)
    an = d.unsqueeze(1) * a * d.unsqueeze(0)
    y0 = torch.zeros(5, 2)
    y0[0, 0] = 1
    y0[4, 1] = 1
    y = y0
    for _ in range(5):
        y = 0.6 * an @ y + 0.4 * y0
    torch.testing.assert_close(out, y)
    row = LabelPropagation(k=3, alpha=0.5, norm_type="row", normalize=True, reset=True)(g, labels, mask)
    torch.testing.assert_close(row.sum(1), torch.ones(5))
    with pytest.raises(DGLError):
        LabelPropagation(2, 0.5, norm_type="col")


def test_weight_basis_combines_bases():
    from graphdl.nn import WeightBasis

    basis = WeightBasis((4, 3), 2, 5)
    w = basis()
    assert w.shape == (5, 4, 3)
    torch.testing.assert_close(w[3], basis.w_comp[3, 0] * basis.weight[0] + basis.w_comp[3, 1] * basis.weight[1])
    w.sum().backward()
    assert basis.weight.grad is not None and basis.w_comp.grad is not None
