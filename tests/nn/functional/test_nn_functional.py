import torch

import graphdl
from graphdl.nn.functional import edge_softmax


def test_edge_softmax_normalises_over_in_edges(idtype):
    g = graphdl.graph(([0, 1, 2, 2, 3], [1, 1, 1, 3, 3]), num_nodes=4, idtype=idtype)
    logits = torch.tensor([[0.5], [1.0], [-1.0], [2.0], [0.0]])
    out = edge_softmax(g, logits)
    torch.testing.assert_close(out[:3, 0], torch.softmax(logits[:3, 0], 0))
    torch.testing.assert_close(out[3:, 0], torch.softmax(logits[3:, 0], 0))
    torch.testing.assert_close(out, graphdl.ops.edge_softmax(g, logits))
    by_src = edge_softmax(g, logits, norm_by="src")
    torch.testing.assert_close(by_src[2:4, 0], torch.softmax(logits[2:4, 0], 0))
