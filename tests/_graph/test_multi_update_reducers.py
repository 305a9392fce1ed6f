"""multi_update_all with a different reducer per relation, where some nodes get no messages.

A node with no in-edges of a relation contributes 0 for that relation, whatever the reducer,
and the cross-type reducer then combines the per-relation results.
"""
import pytest
import torch

import graphdl as dgl
import graphdl.function as fn

REDUCE = {
    "sum": lambda x, d, n: torch.zeros(n, x.shape[1]).index_add_(0, d, x),
    "max": lambda x, d, n: torch.zeros(n, x.shape[1]).index_reduce_(0, d, x, "amax", include_self=False),
    "min": lambda x, d, n: torch.zeros(n, x.shape[1]).index_reduce_(0, d, x, "amin", include_self=False),
}


@pytest.mark.parametrize("cross", ["sum", "mean", "max", "min", "stack"])
@pytest.mark.parametrize("inner", [("sum", "max"), ("max", "min"), ("min", "sum")])
def test_mixed_reducers_with_zero_in_degree(cross, inner, idtype):
    g = dgl.heterograph({
        ("user", "follows", "user"): ([0, 1, 2], [1, 2, 2]),
        ("user", "plays", "game"): ([0, 1, 2, 2], [0, 0, 1, 0]),
        ("game", "played-by", "user"): ([0, 1], [2, 0]),
    }, idtype=idtype)
    g.nodes["user"].data["h"] = torch.arange(6.0).reshape(3, 2) - 2
    g.nodes["game"].data["h"] = torch.arange(4.0).reshape(2, 2) + 10
    rf, rp = inner
    g.multi_update_all({
        "follows": (fn.copy_u("h", "m"), getattr(fn, rf)("m", "o")),
        "played-by": (fn.copy_u("h", "m"), getattr(fn, rp)("m", "o")),
    }, cross)
    per = []  # canonical etype order: ('game', 'played-by', 'user') then ('user', 'follows', 'user')
    for etype, red in (("played-by", rp), ("follows", rf)):
        src, dst = g.edges(etype=etype)
        x = g.nodes[g.to_canonical_etype(etype)[0]].data["h"][src.long()]
        per.append(REDUCE[red](x, dst.long(), 3))
    s = torch.stack(per)
    ref = {"sum": s.sum(0), "mean": s.mean(0), "max": s.max(0).values, "min": s.min(0).values,
           "stack": torch.stack(per, 1)}[cross]
    torch.testing.assert_close(g.nodes["user"].data["o"], ref)
