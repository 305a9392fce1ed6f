import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import (AvgPooling, GlobalAttentionPooling, MaxPooling, Set2Set, SortPooling, SumPooling,
                        WeightAndSum)
from graphdl.testing.graphs import get_case


def pieces(bg, x):
    """The feature rows of each graph of the batch."""
    out, start = [], 0
    for n in bg.batch_num_nodes().tolist():
        out.append(x[start:start + n])
        start += n
    return out


def test_simple_pooling_one_graph_at_a_time(idtype):
    bg = get_case("batched", idtype)
    x = torch.randn(bg.num_nodes(), 3)
    parts = pieces(bg, x)
    torch.testing.assert_close(SumPooling()(bg, x), torch.stack([p.sum(0) for p in parts]))
    torch.testing.assert_close(AvgPooling()(bg, x), torch.stack([p.mean(0) for p in parts]))
    torch.testing.assert_close(MaxPooling()(bg, x), torch.stack([p.max(0)[0] for p in parts]))
    single = graphdl.graph(([0], [1]), num_nodes=2, idtype=idtype)
    torch.testing.assert_close(SumPooling()(single, x[:2]), x[:2].sum(0, keepdim=True))
    with pytest.raises(DGLError):
        SumPooling()(bg, x[:-1])


def test_sort_pooling(idtype):
    bg = get_case("batched", idtype)
    x = torch.randn(bg.num_nodes(), 3)
    out = SortPooling(k=3)(bg, x)
    rows = []
    for p in pieces(bg, x):
        s = p.sort(-1)[0]
        top = s[torch.argsort(s[:, -1], descending=True)[:3]]
        rows.append(torch.cat([top, torch.zeros(3 - top.shape[0], 3)]).flatten())
    torch.testing.assert_close(out, torch.stack(rows))


def test_attention_pooling_and_set2set(idtype):
    bg = get_case("batched", idtype)
    x = torch.randn(bg.num_nodes(), 4)
    gate, feat = torch.nn.Linear(4, 1), torch.nn.Linear(4, 2)
    pool = GlobalAttentionPooling(gate, feat)
    out, att = pool(bg, x, get_attention=True)
    rows = [(torch.softmax(gate(p), 0) * feat(p)).sum(0) for p in pieces(bg, x)]
    torch.testing.assert_close(out, torch.stack(rows))
    assert att.shape == (bg.num_nodes(), 1)

    s2s = Set2Set(4, n_iters=2, n_layers=1)
    got = s2s(bg, x)
    assert got.shape == (4, 8)
    for b, p in enumerate(pieces(bg, x)):
        one = graphdl.graph(([], []), num_nodes=p.shape[0], idtype=idtype)
        torch.testing.assert_close(got[b], s2s(one, p)[0], rtol=1e-5, atol=1e-6)
    got.sum().backward()
    assert all(q.grad is not None for q in s2s.parameters())


def test_weight_and_sum(idtype):
    bg = get_case("batched", idtype)
    x = torch.randn(bg.num_nodes(), 4)
    ws = WeightAndSum(4)
    rows = [(ws.atom_weighting(p) * p).sum(0) for p in pieces(bg, x)]
    torch.testing.assert_close(ws(bg, x), torch.stack(rows))
