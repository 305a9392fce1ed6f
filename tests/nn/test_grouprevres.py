import pytest
import torch

from graphdl.base import DGLError
from graphdl.nn import GraphConv, GroupRevRes

from nn_helpers import check_grads, random_graph


class WithWeight(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = GraphConv(2, 2)

    def forward(self, g, x, w):
        return self.conv(g, x, edge_weight=w.sum(-1))


@pytest.mark.parametrize("groups", [2, 3])
def test_same_output_and_gradients_as_plain_residuals(idtype, groups):
    torch.manual_seed(0)
    g = random_graph(8, 20, idtype)
    block = GroupRevRes(GraphConv(2, 2), groups=groups)
    x = torch.randn(8, 2 * groups, requires_grad=True)
    out = block(g, x)
    (out * torch.linspace(-1, 1, out.numel()).view(out.shape)).sum().backward()
    grads = [p.grad.clone() for p in block.parameters()] + [x.grad.clone()]
    block.zero_grad()
    x.grad = None
    plain = block._forward(g, x)
    (plain * torch.linspace(-1, 1, out.numel()).view(out.shape)).sum().backward()
    torch.testing.assert_close(out, plain)
    for a, b in zip(grads, [p.grad for p in block.parameters()] + [x.grad]):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(block._inverse(g, out.detach()), x.detach(), rtol=1e-4, atol=1e-5)
    check_grads(block, block(g, x))


def test_extra_arguments_are_split_and_differentiated(idtype):
    g = random_graph(6, 12, idtype)
    block = GroupRevRes(WithWeight(), groups=2)
    w = (torch.rand(g.num_edges(), 2) + 0.5).requires_grad_(True)
    block(g, torch.randn(6, 4), w).sum().backward()
    assert w.grad is not None and w.grad.abs().sum() > 0
    with pytest.raises(DGLError, match="divisible"):
        block(g, torch.randn(6, 5), w)
