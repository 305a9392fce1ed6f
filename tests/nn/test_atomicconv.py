import math

import torch

from graphdl.nn import AtomicConv

from nn_helpers import check_edge_order_invariance, random_graph


def test_matches_reference(idtype):
    g = random_graph(7, 20, idtype)
    types = (torch.arange(7.0) % 3).unsqueeze(1)
    dist = torch.rand(g.num_edges(), 1) * 4
    cut, mean, scale = torch.tensor([3.0, 2.0]), torch.tensor([0.0, 1.5]), torch.tensor([1.0, 4.0])
    conv = AtomicConv(cut, mean, scale, features_to_use=torch.tensor([0.0, 2.0]))
    out = conv(g, types, dist)
    assert out.shape == (7, 4)
    src, dst = (t.long() for t in g.edges())
    want = torch.zeros(7, 2, 2)
    for e in range(g.num_edges()):
        r = dist[e, 0]
        f = torch.exp(-scale * (r - mean) ** 2) * 0.5 * (torch.cos(math.pi * r / cut) + 1) * (r <= cut)
        onehot = (types[src[e]] == torch.tensor([0.0, 2.0])).float()
        want[dst[e]] += onehot.unsqueeze(1) * f.unsqueeze(0)
    torch.testing.assert_close(out, want.reshape(7, 4), rtol=1e-4, atol=1e-5)
    check_edge_order_invariance(lambda gg, d: conv(gg, types, d), g, dist)
    out.sum().backward()
    assert conv.radial_pooling.rbf_kernel_means.grad is not None
    assert conv.features_to_use.grad is None
