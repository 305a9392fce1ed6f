import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn import PathEncoder


def test_average_of_edge_encodings_along_the_path():
    g = graphdl.graph((torch.tensor([0, 1, 2]), torch.tensor([1, 2, 3])))
    efeat = torch.randn(3, 4)
    dist, paths = graphdl.shortest_dist(g, return_paths=True)
    padded = torch.cat([efeat, torch.zeros(1, 4)])  # row -1 is zero
    enc = PathEncoder(2, 4, num_heads=3)
    out = enc(dist.unsqueeze(0), padded[paths[..., :2]].unsqueeze(0))
    w = enc.embedding_table.weight.view(2, 3, 4)
    # 0 -> 3 has three edges; the first two are encoded and the sum is divided by min(3, 2)
    want = (efeat[0] @ w[0].T + efeat[1] @ w[1].T) / 2
    torch.testing.assert_close(out[0, 0, 3], want, rtol=1e-5, atol=1e-6)
    # 0 -> 1 has one edge
    torch.testing.assert_close(out[0, 0, 1], efeat[0] @ w[0].T, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert enc.embedding_table.weight.grad.abs().sum() > 0


def test_too_long_paths():
    with pytest.raises(DGLError, match="path_data"):
        PathEncoder(1, 4)(torch.zeros(1, 2, 2), torch.zeros(1, 2, 2, 2, 4))
