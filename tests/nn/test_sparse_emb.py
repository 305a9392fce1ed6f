import pytest
import torch

from graphdl import DGLError
from graphdl.nn import NodeEmbedding


def test_node_embedding_lookup_and_trace():
    emb = NodeEmbedding(10, 3, "emb", init_func=lambda t: torch.nn.init.uniform_(t, -1, 1))
    assert emb.num_embeddings == 10 and emb.embedding_dim == 3 and emb.name == "emb"
    ids = torch.tensor([1, 4, 4])
    rows = emb(ids)
    torch.testing.assert_close(rows, emb.weight[ids])
    assert rows.requires_grad and len(emb.trace) == 1
    with torch.no_grad():
        emb(ids)
    assert len(emb.trace) == 1
    emb.reset_trace()
    assert emb.trace == []
    with pytest.raises(DGLError):
        emb(torch.tensor([10]))
    assert torch.all(NodeEmbedding(4, 2, "zeros").weight == 0)
