# A DGL script: graphs, features, queries, subgraphs, transforms and batching.
# The compatibility test runs it under DGL (to record results) and under graphdl with only
# the import lines changed, and compares.
import json

import torch
import dgl

R = {}


def rec(name, value):
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    elif isinstance(value, tuple):
        value = [v.tolist() if isinstance(v, torch.Tensor) else v for v in value]
    R[name] = value


g = dgl.graph((torch.tensor([0, 0, 1, 2, 3, 3, 4]), torch.tensor([1, 2, 2, 3, 4, 0, 4])), num_nodes=6)
g.ndata["h"] = torch.arange(6.0).unsqueeze(1)
g.edata["w"] = torch.arange(7.0)
rec("num_nodes", g.num_nodes())
rec("num_edges", g.num_edges())
rec("in_degrees", g.in_degrees())
rec("out_degrees", g.out_degrees())
rec("in_edges_2", g.in_edges(2, form="all"))
rec("out_edges_3", g.out_edges([3], form="all"))
rec("edges_srcdst", g.edges(form="all", order="srcdst"))
rec("edge_ids", g.edge_ids(torch.tensor([0, 3]), torch.tensor([2, 0])))
rec("has_edges", g.has_edges_between(torch.tensor([0, 1, 5]), torch.tensor([1, 0, 5])))
rec("predecessors_4", g.predecessors(4))
rec("successors_0", g.successors(0))
rec("find_edges", g.find_edges(torch.tensor([1, 5])))
rec("is_multigraph", g.is_multigraph)

sg = dgl.node_subgraph(g, torch.tensor([0, 2, 3, 4]))
rec("node_subgraph_edges", sg.edges())
rec("node_subgraph_nid", sg.ndata[dgl.NID])
rec("node_subgraph_eid", sg.edata[dgl.EID])
rec("node_subgraph_h", sg.ndata["h"])
es = dgl.edge_subgraph(g, torch.tensor([1, 4, 5]))
rec("edge_subgraph_edges", es.edges())
rec("edge_subgraph_nid", es.ndata[dgl.NID])
es2 = dgl.edge_subgraph(g, torch.tensor([1, 4, 5]), relabel_nodes=False)
rec("edge_subgraph_norelabel", (es2.num_nodes(), es2.edges()[0], es2.edges()[1]))
ins = dgl.in_subgraph(g, torch.tensor([2, 4]))
rec("in_subgraph", (ins.num_nodes(),) + tuple(ins.edges()) + (ins.edata[dgl.EID],))
outs = dgl.out_subgraph(g, torch.tensor([3]))
rec("out_subgraph", tuple(outs.edges()) + (outs.edata[dgl.EID],))
kg, inv = dgl.khop_in_subgraph(g, 4, k=2)
rec("khop_in", (kg.ndata[dgl.NID], inv, kg.num_edges()))

sl = dgl.add_self_loop(g)
rec("add_self_loop", sl.edges())
rec("add_self_loop_w", sl.edata["w"])
rec("remove_self_loop", dgl.remove_self_loop(g).edges())
bi = dgl.to_bidirected(dgl.graph(([0, 1, 1], [1, 2, 0])))
rec("to_bidirected", bi.edges(order="srcdst"))
rv = dgl.reverse(g, copy_edata=True)
rec("reverse", tuple(rv.edges()) + (rv.edata["w"],))
mg = dgl.graph(([0, 0, 1, 1, 1], [1, 1, 2, 2, 0]))
simple = dgl.to_simple(mg)
rec("to_simple", tuple(simple.edges(order="srcdst")) + (simple.edata["count"],))
ar = dgl.add_reverse_edges(dgl.graph(([0, 1], [1, 2])))
rec("add_reverse_edges", ar.edges())
lg = dgl.line_graph(dgl.graph(([0, 1, 1, 2], [1, 2, 0, 0])))
rec("line_graph", lg.edges(order="srcdst"))
kh = dgl.khop_graph(dgl.graph(([0, 1], [1, 2])), 2)
rec("khop_graph", kh.edges(order="srcdst"))

blk = dgl.to_block(dgl.in_subgraph(g, torch.tensor([2, 4])), torch.tensor([2, 4]))
rec("to_block_counts", (blk.num_src_nodes(), blk.num_dst_nodes(), blk.num_edges()))
rec("to_block_src_nid", blk.srcdata[dgl.NID])
rec("to_block_dst_nid", blk.dstdata[dgl.NID])
rec("to_block_eid", blk.edata[dgl.EID])

g1 = dgl.graph(([0, 1], [1, 2]))
g1.ndata["x"] = torch.tensor([[1.0], [2.0], [3.0]])
g2 = dgl.graph(([0, 0, 1], [1, 1, 0]), num_nodes=4)
g2.ndata["x"] = torch.tensor([[4.0], [5.0], [6.0], [7.0]])
bg = dgl.batch([g1, g2])
rec("batch_size", bg.batch_size)
rec("batch_num_nodes", bg.batch_num_nodes())
rec("batch_num_edges", bg.batch_num_edges())
rec("batch_edges", bg.edges())
rec("sum_nodes", dgl.sum_nodes(bg, "x"))
rec("mean_nodes", dgl.mean_nodes(bg, "x"))
rec("max_nodes", dgl.max_nodes(bg, "x"))
rec("softmax_nodes", dgl.softmax_nodes(bg, "x"))
rec("broadcast_nodes", dgl.broadcast_nodes(bg, torch.tensor([[10.0], [20.0]])))
ub = dgl.unbatch(bg)
rec("unbatch", [(x.num_nodes(), x.num_edges(), x.ndata["x"].squeeze(1).tolist()) for x in ub])

hg = dgl.heterograph({
    ("user", "follows", "user"): (torch.tensor([0, 1]), torch.tensor([1, 2])),
    ("user", "plays", "game"): (torch.tensor([0, 1, 2, 2]), torch.tensor([0, 0, 1, 0])),
    ("developer", "develops", "game"): (torch.tensor([0, 1]), torch.tensor([1, 0])),
})
rec("h_ntypes", hg.ntypes)
rec("h_etypes", hg.etypes)
rec("h_canonical", [list(c) for c in hg.canonical_etypes])
rec("h_num_nodes", [hg.num_nodes(t) for t in hg.ntypes])
rec("h_in_degrees_plays", hg.in_degrees(etype="plays"))
hg.nodes["user"].data["a"] = torch.tensor([1.0, 2.0, 3.0])
hsub = dgl.node_subgraph(hg, {"user": torch.tensor([1, 2]), "game": torch.tensor([0])})
rec("h_subgraph_counts", [hsub.num_edges(c) for c in hsub.canonical_etypes])
rec("h_subgraph_user_a", hsub.nodes["user"].data["a"])
ets = dgl.edge_type_subgraph(hg, ["plays"])
rec("h_edge_type_subgraph", [list(c) for c in ets.canonical_etypes])
homo = dgl.to_homogeneous(hg)
rec("to_homogeneous", (homo.num_nodes(), homo.num_edges(), homo.ndata[dgl.NTYPE], homo.edata[dgl.ETYPE]))
mp = dgl.metapath_reachable_graph(hg, ["follows", "plays"])
rec("metapath", mp.edges(order="srcdst"))
hb = dgl.to_block(dgl.in_subgraph(hg, {"game": torch.tensor([0])}), {"game": torch.tensor([0])})
rec("hetero_block", [hb.num_edges(c) for c in hb.canonical_etypes])
rec("hetero_block_src", {t: hb.srcnodes[t].data[dgl.NID].tolist() for t in hb.srctypes})

print(json.dumps(R, sort_keys=True))
