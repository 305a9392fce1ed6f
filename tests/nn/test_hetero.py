import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.nn import GATConv, GraphConv, HeteroGraphConv, SAGEConv
from graphdl.testing.graphs import get_case


def per_relation(g, mods, feats):
    """Each relation's module run on its own, grouped by destination type."""
    out = {}
    for s, e, d in g.canonical_etypes:
        out.setdefault(d, []).append(mods[e](g[s, e, d], (feats[s], feats[d])))
    return out


@pytest.mark.parametrize("agg", ["sum", "max", "min", "mean", "stack"])
def test_hetero_graphconv_aggregations(idtype, agg):
    g = get_case("hetero", idtype)
    mods = {e: GraphConv(5, 3) for e in g.etypes}
    conv = HeteroGraphConv(mods, aggregate=agg)
    feats = {nt: torch.randn(g.num_nodes(nt), 5) for nt in g.ntypes}
    out = conv(g, feats)
    ref = per_relation(g, mods, feats)
    assert sorted(out) == sorted(ref)
    for nt, parts in ref.items():
        stacked = torch.stack(parts)
        want = {"sum": stacked.sum(0), "max": stacked.max(0)[0], "min": stacked.min(0)[0], "mean": stacked.mean(0),
                "stack": torch.stack(parts, 1)}[agg]
        torch.testing.assert_close(out[nt], want)


def test_hetero_callable_aggregate_args_and_canonical_keys(idtype):
    g = get_case("hetero", idtype)
    feats = {nt: torch.randn(g.num_nodes(nt), 4) for nt in g.ntypes}
    seen = []

    def first(tensors, dsttype):
        seen.append(dsttype)
        return tensors[0]

    mods = {("user", "follows", "user"): GraphConv(4, 2), "plays": GraphConv(4, 2),
            "played-by": GraphConv(4, 2), "develops": GraphConv(4, 2)}
    conv = HeteroGraphConv(mods, aggregate=first)
    w = {e: torch.rand(g.num_edges(e)) for e in g.etypes}
    out = conv(g, feats, mod_kwargs={e: {"edge_weight": w[e]} for e in g.etypes})
    assert sorted(seen) == ["game", "user"]
    s, e, d = next(c for c in g.canonical_etypes if c[2] == "game")  # the first relation into game
    ref = mods[e](g[s, e, d], (feats[s], feats[d]), edge_weight=w[e])
    torch.testing.assert_close(out["game"], ref)
    assert "mods.('user', 'follows', 'user').weight" in conv.state_dict()
    with pytest.raises(DGLError):
        HeteroGraphConv({"follows": GraphConv(4, 2)})(g, feats)
    with pytest.raises(DGLError):
        HeteroGraphConv(mods, aggregate="median")


def test_hetero_zero_in_degree_allowed_and_missing_inputs(idtype):
    g = get_case("hetero", idtype)
    mods = {e: GATConv(4, 2, 1) for e in g.etypes}
    conv = HeteroGraphConv(mods)
    assert all(m._allow_zero_in_degree for m in mods.values())
    feats = {"user": torch.randn(10, 4), "game": torch.randn(6, 4)}  # no developer features
    out = conv(g, feats)
    assert set(out) == {"user", "game"} and out["game"].shape == (6, 1, 2)


def test_hetero_on_block_and_pair(idtype):
    g = get_case("hetero", idtype)
    block = graphdl.to_block(g)
    mods = {e: SAGEConv(4, 3, "mean") for e in g.etypes}
    conv = HeteroGraphConv(mods)
    feats = {nt: torch.randn(block.num_src_nodes(nt), 4) for nt in block.srctypes}
    out = conv(block, feats)
    dst_feats = {nt: feats[nt][: block.num_dst_nodes(nt)] for nt in block.dsttypes}
    out2 = conv(block, (feats, dst_feats))
    for nt in out:
        assert out[nt].shape[0] == block.num_dst_nodes(nt)
        torch.testing.assert_close(out[nt], out2[nt])


@pytest.mark.parametrize("agg", ["sum", "max", "min", "mean", "stack"])
def test_hetero_graphconv_pickles(idtype, agg):
    import io
    import pickle

    g = get_case("hetero", idtype)
    conv = HeteroGraphConv({e: GraphConv(5, 3) for e in g.etypes}, aggregate=agg)
    feats = {nt: torch.randn(g.num_nodes(nt), 5) for nt in g.ntypes}
    buf = io.BytesIO()
    torch.save(conv, buf)  # pickles the module, aggregate included
    buf.seek(0)
    again = torch.load(buf, weights_only=False)
    out, out2 = conv(g, feats), again(g, feats)
    assert sorted(out) == sorted(out2)
    for nt in out:
        torch.testing.assert_close(out[nt], out2[nt])
    assert pickle.loads(pickle.dumps(conv.agg_fn))([torch.ones(2), torch.ones(2)], "x") is not None
