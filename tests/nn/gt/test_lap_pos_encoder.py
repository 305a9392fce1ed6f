import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn import LapPosEncoder


@pytest.mark.parametrize("model_type", ["Transformer", "DeepSet"])
def test_padding_pairs_are_ignored(model_type):
    torch.manual_seed(0)
    enc = LapPosEncoder(model_type, 2, 4, 6, n_head=2, num_post_layer=1).eval()
    vals = torch.rand(5, 3)
    vecs = torch.randn(5, 3)
    nan = torch.full((5, 1), float("nan"))
    short = LapPosEncoder(model_type, 2, 3, 6, n_head=2, num_post_layer=1).eval()
    short.load_state_dict(enc.state_dict())
    torch.testing.assert_close(enc(torch.cat([vals, nan], 1), torch.cat([vecs, nan], 1)), short(vals, vecs),
                               rtol=1e-4, atol=1e-5)


def test_deepset_reference_and_gradients():
    enc = LapPosEncoder("DeepSet", 1, 3, 4)
    vals, vecs = torch.rand(6, 3), torch.randn(6, 3)
    pairs = torch.stack([vecs, vals], 2)
    want = torch.relu(enc.linear(pairs)).sum(1)
    out = enc(vals, vecs)
    torch.testing.assert_close(out, want)
    out.sum().backward()
    assert all(p.grad is not None for p in enc.parameters())


def test_on_a_graph_with_fewer_nodes_than_k():
    g = graphdl.graph((torch.tensor([0, 1]), torch.tensor([1, 0])))
    vecs, vals = graphdl.lap_pe(g, 3, padding=True, return_eigval=True)
    vals = vals.expand(g.num_nodes(), -1) if vals.dim() == 1 else vals
    out = LapPosEncoder("Transformer", 1, 3, 4, n_head=2).eval()(vals, vecs)
    assert out.shape == (2, 4) and torch.isfinite(out).all()


def test_bad_arguments():
    with pytest.raises(DGLError, match="model_type"):
        LapPosEncoder("RNN", 1, 3, 4)
    with pytest.raises(DGLError, match="eigvals"):
        LapPosEncoder("DeepSet", 1, 3, 4)(torch.rand(2, 3), torch.rand(2, 2))
