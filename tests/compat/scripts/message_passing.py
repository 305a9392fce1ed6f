# A DGL script: update_all with built-ins and UDFs, apply_edges, edge_softmax, heterographs.
import json

import torch
import dgl
import dgl.function as fn
from dgl.nn.functional import edge_softmax

R = {}


def rec(name, value):
    R[name] = value.tolist() if isinstance(value, torch.Tensor) else value


torch.manual_seed(0)
g = dgl.graph((torch.tensor([0, 0, 1, 2, 3, 3, 4, 1]), torch.tensor([1, 2, 2, 3, 4, 0, 4, 2])), num_nodes=6)
g.ndata["h"] = torch.arange(12.0).reshape(6, 2) / 3
g.ndata["k"] = torch.arange(6.0).reshape(6, 1) - 2
g.edata["w"] = torch.arange(8.0).reshape(8, 1) / 4 - 1

for red in ["sum", "max", "min", "mean"]:
    g.update_all(fn.copy_u("h", "m"), getattr(fn, red)("m", "out"))
    rec(f"copy_u_{red}", g.ndata["out"])
    g.update_all(fn.u_mul_e("h", "w", "m"), getattr(fn, red)("m", "out"))
    rec(f"u_mul_e_{red}", g.ndata["out"])
    g.update_all(fn.copy_e("w", "m"), getattr(fn, red)("m", "out"))
    rec(f"copy_e_{red}", g.ndata["out"])
g.update_all(fn.u_add_v("h", "h", "m"), fn.sum("m", "out"))
rec("u_add_v_sum", g.ndata["out"])
g.update_all(fn.u_sub_e("k", "w", "m"), fn.max("m", "out"))
rec("u_sub_e_max", g.ndata["out"])
g.update_all(fn.v_div_e("h", "w", "m"), fn.sum("m", "out"))
rec("v_div_e_sum", g.ndata["out"])
g.apply_edges(fn.u_dot_v("h", "h", "dot"))
rec("u_dot_v", g.edata["dot"])
g.apply_edges(fn.e_mul_v("w", "k", "ev"))
rec("e_mul_v", g.edata["ev"])
g.apply_edges(lambda edges: {"s": edges.src["h"].sum(1) + edges.dst["k"].squeeze(1) * edges.data["w"].squeeze(1)})
rec("apply_edges_udf", g.edata["s"])

rec("edge_softmax_dst", edge_softmax(g, g.edata["w"]))
rec("edge_softmax_src", edge_softmax(g, g.edata["w"], norm_by="src"))


def reduce_udf(nodes):
    return {"r": nodes.mailbox["m"].max(1)[0] * 2 + nodes.data["k"]}


g.update_all(fn.copy_u("h", "m"), reduce_udf)
rec("reduce_udf", g.ndata["r"])
g.update_all(lambda e: {"m": e.src["h"] * e.data["w"]}, fn.sum("m", "out2"))
rec("message_udf", g.ndata["out2"])
g.send_and_recv(torch.tensor([0, 2, 5]), fn.copy_u("h", "m"), fn.sum("m", "sr"))
rec("send_and_recv", g.ndata["sr"])
g.pull(torch.tensor([2, 4]), fn.copy_u("h", "m"), fn.sum("m", "pl"))
rec("pull", g.ndata["pl"])
g.push(torch.tensor([3]), fn.copy_u("h", "m"), fn.sum("m", "ps"))
rec("push", g.ndata["ps"])
g.apply_nodes(lambda nodes: {"an": nodes.data["h"] * 2})
rec("apply_nodes", g.ndata["an"])
rec("filter_nodes", g.filter_nodes(lambda nodes: nodes.data["k"].squeeze(1) > 0))
rec("filter_edges", g.filter_edges(lambda edges: edges.data["w"].squeeze(1) > 0))

hg = dgl.heterograph({
    ("user", "follows", "user"): (torch.tensor([0, 1, 2]), torch.tensor([1, 2, 2])),
    ("user", "plays", "game"): (torch.tensor([0, 1, 2, 2]), torch.tensor([0, 0, 1, 0])),
    ("game", "played-by", "user"): (torch.tensor([0, 1]), torch.tensor([2, 0])),
})
hg.nodes["user"].data["h"] = torch.arange(6.0).reshape(3, 2)
hg.nodes["game"].data["h"] = torch.arange(4.0).reshape(2, 2) + 10
for cross in ["sum", "max", "min", "mean", "stack"]:
    hg.multi_update_all({
        "follows": (fn.copy_u("h", "m"), fn.sum("m", "o")),
        # (DGL 2.1 mixes a max reducer with zero-in-degree nodes wrongly into a cross-type sum or
        # mean, so the second relation uses mean; graphdl's tests check max + sum against a reference)
        "played-by": (fn.copy_u("h", "m"), fn.mean("m", "o")),
    }, cross)
    rec(f"multi_update_{cross}", hg.nodes["user"].data["o"])
hg.update_all(fn.copy_u("h", "m"), fn.mean("m", "g"), etype="plays")
rec("hetero_etype_update", hg.nodes["game"].data["g"])

blk = dgl.create_block((torch.tensor([0, 1, 2, 3, 3]), torch.tensor([0, 0, 1, 1, 0])), num_src_nodes=5, num_dst_nodes=2)
blk.srcdata["h"] = torch.arange(10.0).reshape(5, 2)
blk.update_all(fn.copy_u("h", "m"), fn.sum("m", "h"))
rec("block_update", blk.dstdata["h"])

print(json.dumps(R, sort_keys=True))
