"""farthest_point_sampler against a direct loop over the definition."""
import pytest
import torch

from graphdl import DGLError
from graphdl.geometry import farthest_point_sampler


def _fps_ref(points, k, start):
    chosen = [start]
    for _ in range(k - 1):
        best, best_d = None, -1.0
        for i in range(points.shape[0]):
            d = min(float(((points[i] - points[j]) ** 2).sum()) for j in chosen)
            if d > best_d:
                best, best_d = i, d
        chosen.append(best)
    return chosen


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_fps_matches_loop(dtype):
    torch.manual_seed(0)
    pos = torch.rand(3, 40, 3, dtype=dtype)
    out = farthest_point_sampler(pos, 8, start_idx=5)
    assert out.shape == (3, 8) and out.dtype == torch.int64
    for b in range(3):
        assert out[b].tolist() == _fps_ref(pos[b], 8, 5)


def test_fps_random_start_and_bad_input():
    pos = torch.rand(2, 10, 2)
    out = farthest_point_sampler(pos, 10)
    assert all(sorted(r.tolist()) == list(range(10)) for r in out)
    with pytest.raises(DGLError, match="Cannot pick"):
        farthest_point_sampler(pos, 11)
    with pytest.raises(DGLError, match="shape"):
        farthest_point_sampler(torch.rand(10, 2), 3)
