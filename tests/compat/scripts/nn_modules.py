# A DGL script: nn modules with their parameters set by name, run on a small graph.
import json

import torch
import dgl
import dgl.nn as dglnn

R = {}


def set_params(module):
    """Deterministic parameter values from each parameter's name and shape."""
    sd = module.state_dict()
    for i, name in enumerate(sorted(sd)):
        t = sd[name]
        if t.is_floating_point():
            vals = torch.sin(torch.arange(t.numel(), dtype=torch.float64) * 0.37 + i).reshape(t.shape) * 0.5
            sd[name] = vals.to(t.dtype)
    module.load_state_dict(sd)
    return {k: list(v.shape) for k, v in sd.items()}


def run(name, module, *args, **kwargs):
    R[name + ".params"] = set_params(module)
    module.eval()
    with torch.no_grad():
        out = module(*args, **kwargs)
    if isinstance(out, tuple):
        out = out[0]
    if isinstance(out, dict):
        R[name] = {k: v.tolist() for k, v in sorted(out.items())}
    else:
        R[name] = out.tolist()


src = torch.tensor([0, 1, 2, 3, 4, 5, 0, 2, 4, 1, 3, 5, 0, 3])
dst = torch.tensor([1, 2, 3, 4, 5, 0, 2, 4, 0, 3, 5, 1, 0, 3])
g = dgl.graph((src, dst), num_nodes=6)
x = torch.cos(torch.arange(6 * 5, dtype=torch.float32)).reshape(6, 5)
ew = torch.linspace(0.2, 1.5, 14)
ef = torch.sin(torch.arange(14 * 3, dtype=torch.float32)).reshape(14, 3)

for norm in ["both", "right", "none", "left"]:
    run(f"GraphConv_{norm}", dglnn.GraphConv(5, 4, norm=norm), g, x)
run("GraphConv_ew", dglnn.GraphConv(5, 4), g, x, edge_weight=ew)
for agg in ["mean", "gcn", "pool", "lstm"]:
    run(f"SAGEConv_{agg}", dglnn.SAGEConv(5, 4, agg), g, x)
run("GATConv", dglnn.GATConv(5, 3, num_heads=2), g, x)
run("GATConv_res", dglnn.GATConv(5, 3, num_heads=2, residual=True), g, x)
run("GATv2Conv", dglnn.GATv2Conv(5, 3, num_heads=2), g, x)
run("DotGatConv", dglnn.DotGatConv(5, 3, num_heads=2), g, x)
run("GINConv", dglnn.GINConv(torch.nn.Linear(5, 4), "sum", learn_eps=True), g, x)
run("APPNPConv", dglnn.APPNPConv(3, 0.1), g, x)
run("SGConv", dglnn.SGConv(5, 4, k=2), g, x)
run("TAGConv", dglnn.TAGConv(5, 4, k=2), g, x)
run("ChebConv", dglnn.ChebConv(5, 4, 3), g, x, lambda_max=[2.0])
run("GraphSAGE_block", dglnn.SAGEConv(5, 4, "mean"), dgl.create_block((src[:8] % 6, dst[:8] % 3), 6, 3), x)
run("EdgeConv", dglnn.EdgeConv(5, 4), g, x)
run("GatedGraphConv", dglnn.GatedGraphConv(5, 5, 2, 2), g, x, torch.tensor([0, 1] * 7))
run("NNConv", dglnn.NNConv(5, 2, torch.nn.Linear(3, 10), "sum"), g, x, ef)
run("GMMConv", dglnn.GMMConv(5, 4, 3, 2, "sum"), g, x, ef)
run("AGNNConv", dglnn.AGNNConv(), g, x)
run("GCN2Conv", dglnn.GCN2Conv(5, layer=1, alpha=0.1, lambda_=1.0), g, x, x)
run("RelGraphConv_basis", dglnn.RelGraphConv(5, 4, 2, "basis", 2), g, x, torch.tensor([0, 1] * 7))
run("RelGraphConv_bdd", dglnn.RelGraphConv(4, 4, 2, "bdd", 2), g, x[:, :4], torch.tensor([0, 1] * 7))
run("EGATConv", dglnn.EGATConv(5, 3, 4, 2, num_heads=2), g, x, ef)
run("GINEConv", dglnn.GINEConv(torch.nn.Linear(5, 4)), g, x, torch.cos(torch.arange(14 * 5.0)).reshape(14, 5))

bg = dgl.batch([g, dgl.graph(([0, 1], [1, 2]))])
bx = torch.cat([x, x[:3] * 2])
run("SumPooling", dglnn.SumPooling(), bg, bx)
run("AvgPooling", dglnn.AvgPooling(), bg, bx)
run("MaxPooling", dglnn.MaxPooling(), bg, bx)
run("SortPooling", dglnn.SortPooling(2), bg, bx)
run("GlobalAttentionPooling", dglnn.GlobalAttentionPooling(torch.nn.Linear(5, 1)), bg, bx)
run("Set2Set", dglnn.Set2Set(5, 2, 1), bg, bx)
run("WeightAndSum", dglnn.WeightAndSum(5), bg, bx)

hg = dgl.heterograph({
    ("user", "follows", "user"): (torch.tensor([0, 1, 2]), torch.tensor([1, 2, 0])),
    ("user", "plays", "game"): (torch.tensor([0, 1, 2]), torch.tensor([0, 0, 1])),
    ("game", "played-by", "user"): (torch.tensor([0, 1]), torch.tensor([2, 0])),
})
hx = {"user": x[:3], "game": x[3:5]}
conv = dglnn.HeteroGraphConv({
    "follows": dglnn.GraphConv(5, 4),
    "plays": dglnn.GraphConv(5, 4),
    "played-by": dglnn.SAGEConv(5, 4, "mean"),
}, aggregate="sum")
run("HeteroGraphConv", conv, hg, hx)
run("HeteroLinear", dglnn.HeteroLinear({"user": 5, "game": 5}, 3), hx)
run("TypedLinear", dglnn.TypedLinear(5, 3, 2), x, torch.tensor([0, 1, 0, 1, 0, 1]))

print(json.dumps(R, sort_keys=True))
