import torch

import graphdl
from graphdl.nn import SetTransformerDecoder, SetTransformerEncoder

from nn_helpers import check_grads


def _graphs(idtype):
    return [graphdl.graph((torch.tensor([0]), torch.tensor([1])), num_nodes=n, idtype=idtype) for n in (3, 5, 2)]


def test_batch_equals_graphs_one_at_a_time(idtype):
    torch.manual_seed(0)
    gs = _graphs(idtype)
    x = torch.randn(10, 6)
    for model in (SetTransformerEncoder(6, 2, 3, 8, n_layers=2).eval(),
                  SetTransformerEncoder(6, 2, 3, 8, block_type="isab", m=3).eval(),
                  SetTransformerDecoder(6, 2, 3, 8, n_layers=1, k=2).eval()):
        out = model(graphdl.batch(gs), x)
        parts, start = [], 0
        for g in gs:
            parts.append(model(graphdl.batch([g]), x[start:start + g.num_nodes()]))
            start += g.num_nodes()
        torch.testing.assert_close(out, torch.cat(parts), rtol=1e-4, atol=1e-5)


def test_node_order_within_a_set():
    torch.manual_seed(0)
    g = graphdl.batch(_graphs(torch.int64))
    x = torch.randn(10, 6)
    p = torch.cat([torch.randperm(3), 3 + torch.randperm(5), 8 + torch.randperm(2)])
    enc = SetTransformerEncoder(6, 2, 3, 8).eval()
    dec = SetTransformerDecoder(6, 2, 3, 8, n_layers=1, k=2).eval()
    torch.testing.assert_close(enc(g, x[p]), enc(g, x)[p], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(dec(g, x[p]), dec(g, x), rtol=1e-4, atol=1e-5)
    assert dec(g, x).shape == (3, 12)
    check_grads(dec, dec(g, x))
