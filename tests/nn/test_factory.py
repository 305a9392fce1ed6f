import torch

import graphdl
from graphdl.nn import KNNGraph, RadiusGraph, SegmentedKNNGraph, pairwise_squared_distance


def test_pairwise_squared_distance():
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    torch.testing.assert_close(pairwise_squared_distance(x), torch.cdist(x, x) ** 2)


def test_modules_match_the_functions():
    x = torch.rand(10, 3)
    for a, b in ((KNNGraph(3)(x), graphdl.knn_graph(x, 3)),
                 (SegmentedKNNGraph(2)(x, [4, 6]), graphdl.segmented_knn_graph(x, 2, [4, 6])),
                 (RadiusGraph(0.6)(x), graphdl.radius_graph(x, 0.6))):
        assert a.num_nodes() == b.num_nodes()
        assert sorted(zip(*[t.tolist() for t in a.edges()])) == sorted(zip(*[t.tolist() for t in b.edges()]))
    g, dist = RadiusGraph(0.6, self_loop=True)(x, get_distances=True)
    src, dst = g.edges()
    torch.testing.assert_close(dist.reshape(-1), (x[src.long()] - x[dst.long()]).norm(dim=1), rtol=1e-4, atol=1e-5)
