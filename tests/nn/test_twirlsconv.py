import torch

import graphdl
from graphdl.nn import TWIRLSConv, TWIRLSUnfoldingAndAttention

from nn_helpers import check_grads, check_relabel_equivariance, dense_adj, random_graph


def unfold_reference(x, a, alp, lam, steps, precond=True):
    deg = a.sum(1, keepdim=True)
    y = x
    for _ in range(steps):
        if precond:
            dt = lam * deg + 1 - lam
            y = (1 - alp) * y + alp * lam * dt.rsqrt() * (a @ (dt.rsqrt() * y)) + alp * x / dt
        else:
            y = (1 - alp * lam - alp) * y + alp * lam * deg.rsqrt() * (a @ (deg.rsqrt() * y)) + alp * x
    return y


def test_unfolding_matches_dense_iterations(idtype):
    g = graphdl.add_self_loop(random_graph(8, 20, idtype, self_loops=False).remove_self_loop())
    x = torch.randn(8, 3, dtype=torch.float64)
    a = dense_adj(g)
    for precond in (True, False):
        unfold = TWIRLSUnfoldingAndAttention(3, 0.4, 0.8, 5, precond=precond)
        torch.testing.assert_close(unfold(g, x), unfold_reference(x, a, 0.4, 0.8, 5, precond))


def test_reweighting_after_a_step(idtype):
    g = graphdl.add_self_loop(random_graph(8, 20, idtype, self_loops=False).remove_self_loop())
    x = torch.randn(8, 3, dtype=torch.float64)
    unfold = TWIRLSUnfoldingAndAttention(3, 0.5, 1.0, 2, attn_aft=1, tau=0.1, p=1)
    a = dense_adj(g)
    y1 = unfold_reference(x, a, 0.5, 1.0, 1)
    src, dst = (t.long() for t in g.edges())
    w = ((y1[src] - y1[dst]).square().sum(1) + 1e-7).pow(0.5).clamp(min=0.1).reciprocal() + 1e-9
    aw = torch.zeros(8, 8, dtype=torch.float64).index_put_((dst, src), w, accumulate=True)
    deg = aw.sum(1, keepdim=True)
    dt = deg + 0.0
    want = 0.5 * y1 + 0.5 * dt.rsqrt() * (aw @ (dt.rsqrt() * y1)) + 0.5 * x / dt
    torch.testing.assert_close(unfold(g, x), want)


def test_conv_relabel_and_gradients(idtype):
    g = random_graph(9, 25, idtype)
    conv = TWIRLSConv(4, 2, 6, prop_step=4, attention=True, use_eta=True, num_mlp_before=2, norm="layer").eval()
    check_relabel_equivariance(lambda gg, xx: conv(gg, xx), g, torch.randn(9, 4))
    conv.train()
    check_grads(conv, conv(g, torch.randn(9, 4)))
