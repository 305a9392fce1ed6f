import math

import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn import SpatialEncoder, SpatialEncoder3d


def test_spatial_encoder_looks_up_clamped_distances():
    enc = SpatialEncoder(2, num_heads=3)
    g = graphdl.graph((torch.tensor([0, 1, 2]), torch.tensor([1, 2, 3])))
    dist = graphdl.shortest_dist(g).unsqueeze(0)  # -1 where unreachable
    out = enc(dist)
    assert out.shape == (1, 4, 4, 3)
    torch.testing.assert_close(out[0, 0, 3], enc.embedding_table.weight[3])  # distance 3 clamped to 2
    torch.testing.assert_close(out[0, 3, 0], torch.zeros(3))  # unreachable: padding row


def test_spatial_encoder_3d_reference_and_invariances():
    torch.manual_seed(0)
    enc = SpatialEncoder3d(4, num_heads=2, max_node_type=3)
    with torch.no_grad():
        enc.gamma.weight.uniform_(0.5, 1.5)
        enc.beta.weight.uniform_(-0.2, 0.2)
    coord = torch.randn(2, 5, 3)
    types = torch.randint(0, 3, (2, 5))
    out = enc(coord, types)
    b, i, j = 1, 2, 4
    g = enc.gamma.weight[types[b, i] + 2] + enc.gamma.weight[types[b, j] + 3 + 3]
    be = enc.beta.weight[types[b, i] + 2] + enc.beta.weight[types[b, j] + 3 + 3]
    psi = g * (coord[b, i] - coord[b, j]).norm() + be
    std = enc.stds.abs() + 0.01
    k = torch.exp(-0.5 * ((psi - enc.means) / std) ** 2) / (math.sqrt(2 * math.pi) * std)
    want = enc.linear_layer_2(torch.nn.functional.gelu(enc.linear_layer_1(k)))
    torch.testing.assert_close(out[b, i, j], want, rtol=1e-4, atol=1e-5)
    # rotation and translation of the coordinates change nothing
    rot, _ = torch.linalg.qr(torch.randn(3, 3))
    torch.testing.assert_close(enc(coord @ rot + 1.5, types), out, rtol=1e-4, atol=1e-4)
    out.sum().backward()
    for name, p in enc.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_spatial_encoder_3d_bad_types():
    with pytest.raises(DGLError, match="node types"):
        SpatialEncoder3d(2, max_node_type=3)(torch.rand(1, 2, 3), torch.tensor([[0, 3]]))
