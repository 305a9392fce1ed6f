"""``use_libxsmm`` / ``is_libxsmm_enabled``: DGL's switch, recorded and read back."""
import torch

import graphdl
from graphdl import function as fn


def test_flag_round_trips_and_leaves_results_alone():
    g = graphdl.graph(([0, 0, 1, 2], [1, 2, 2, 0]), num_nodes=3)
    x = torch.arange(6.0).view(3, 2)
    g.ndata["x"] = x
    assert graphdl.is_libxsmm_enabled() is True
    try:
        graphdl.use_libxsmm(False)
        assert graphdl.is_libxsmm_enabled() is False
        g.update_all(fn.copy_u("x", "m"), fn.sum("m", "h"))
        off = g.ndata["h"].clone()
        graphdl.use_libxsmm(True)
        assert graphdl.is_libxsmm_enabled() is True
        g.update_all(fn.copy_u("x", "m"), fn.sum("m", "h"))
        expected = torch.zeros(3, 2).index_add_(0, torch.tensor([1, 2, 2, 0]), x[torch.tensor([0, 0, 1, 2])])
        assert torch.equal(off, expected)
        assert torch.equal(g.ndata["h"], expected)
    finally:
        graphdl.use_libxsmm(True)
