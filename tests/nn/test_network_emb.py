import pytest
import torch

import graphdl
from graphdl.base import DGLError
from graphdl.nn import DeepWalk, MetaPath2Vec


def test_deepwalk_pairs_and_training_step(idtype):
    g = graphdl.graph((torch.tensor([0, 1, 2, 1, 2, 0]), torch.tensor([1, 2, 0, 0, 1, 2])), idtype=idtype)
    model = DeepWalk(g, emb_dim=4, walk_length=4, window_size=1, fast_neg=False, sparse=False)
    # each position pairs with its neighbours within the window
    assert sorted(zip(model.idx_list_src.tolist(), model.idx_list_dst.tolist())) == \
        [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2)]
    walk = model.sample(torch.arange(3))
    assert walk.shape == (3, 4)
    src, dst = g.edges()
    edges = set(zip(src.tolist(), dst.tolist()))
    assert all((int(a), int(b)) in edges for w in walk for a, b in zip(w[:-1], w[1:]))
    torch.nn.init.normal_(model.context_embed.weight)
    loss = model(walk)
    loss.backward()
    assert loss.dim() == 0 and model.node_embed.weight.grad.abs().sum() > 0
    fast = DeepWalk(g, emb_dim=4, walk_length=4, window_size=1)
    fast(fast.sample(torch.arange(3))).backward()
    with pytest.raises(DGLError, match="walk_length"):
        DeepWalk(g, walk_length=2, window_size=2)


def test_metapath2vec(idtype):
    g = graphdl.heterograph({
        ("user", "uc", "company"): ([0, 0, 2, 1, 3], [1, 2, 1, 3, 0]),
        ("company", "cu", "user"): ([1, 2, 1, 3, 0], [0, 0, 2, 1, 3]),
        ("company", "cp", "product"): ([0, 0, 0, 1, 2, 3], [0, 2, 3, 0, 2, 1]),
    }, idtype=idtype)
    model = MetaPath2Vec(g, ["uc", "cu"], window_size=1, emb_dim=4)
    assert model.node_embed.weight.shape[0] == g.num_nodes()
    pos_u, pos_v, neg_v = model.sample(torch.arange(4))
    assert pos_u.shape == pos_v.shape and neg_v.shape == (pos_u.shape[0], 5)
    # users are ids [offset, offset + 4) in ntypes order; every pair is a user and a company
    offsets = {}
    total = 0
    for t in g.ntypes:
        offsets[t] = total
        total += g.num_nodes(t)
    users = set(range(offsets["user"], offsets["user"] + 4))
    comps = set(range(offsets["company"], offsets["company"] + 4))
    assert all((int(u) in users) != (int(u) in comps) for u in pos_u)
    assert model.neg_prob[offsets["product"]:offsets["product"] + 4].sum() == 0
    torch.nn.init.normal_(model.context_embed.weight)
    model(pos_u, pos_v, neg_v).backward()
