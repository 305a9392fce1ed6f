# A DGL script: the deterministic parts of the mini-batch pipeline (full-neighbour sampling).
import json

import torch
import dgl

R = {}


def canon(ids, keep):
    """Positions of sampled node ids in a reproducible order: the first ``keep`` (the seed
    nodes, whose order is defined) as they are, the others by id. DGL's full-neighbour
    sampling returns the others in a different order on every call."""
    ids = ids.tolist()
    return list(range(keep)) + sorted(range(keep, len(ids)), key=lambda j: ids[j])


src = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 4, 6, 1, 3, 5, 7, 0, 4])
dst = torch.tensor([1, 2, 3, 4, 5, 6, 7, 0, 2, 4, 6, 0, 3, 5, 7, 1, 4, 0])
g = dgl.graph((src, dst), num_nodes=8)
g.ndata["feat"] = torch.arange(16.0).reshape(8, 2)
g.ndata["label"] = torch.arange(8) % 3
g.edata["w"] = torch.arange(18.0)

fr = dgl.sampling.sample_neighbors(g, torch.tensor([0, 4]), -1)
R["sample_all_edges"] = sorted(zip(fr.edges()[0].tolist(), fr.edges()[1].tolist()))
R["sample_all_eid"] = sorted(fr.edata[dgl.EID].tolist())
R["sample_all_num_nodes"] = fr.num_nodes()
topk = dgl.sampling.select_topk(g, 2, "w", torch.tensor([0, 2]))
R["select_topk"] = sorted(topk.edata[dgl.EID].tolist())

sampler = dgl.dataloading.MultiLayerFullNeighborSampler(2)
loader = dgl.dataloading.DataLoader(g, torch.tensor([0, 3, 5]), sampler, batch_size=2, shuffle=False)
batches = []
for input_nodes, output_nodes, blocks in loader:
    k = len(output_nodes)
    first = canon(input_nodes, k)
    batches.append({
        "input_nodes": input_nodes[first].tolist(),
        "output_nodes": output_nodes.tolist(),
        "blocks": [[b.num_src_nodes(), b.num_dst_nodes(), b.num_edges(),
                    b.srcdata[dgl.NID][canon(b.srcdata[dgl.NID], k)].tolist(),
                    b.dstdata[dgl.NID][canon(b.dstdata[dgl.NID], k)].tolist(),
                    sorted(b.edata[dgl.EID].tolist())] for b in blocks],
        "feat": blocks[0].srcdata["feat"][first].tolist(),
    })
R["full_loader"] = batches

sampler = dgl.dataloading.NeighborSampler([-1, -1], prefetch_node_feats=["feat"], prefetch_labels=["label"])
loader = dgl.dataloading.DataLoader(g, torch.tensor([1, 6]), sampler, batch_size=2)
for input_nodes, output_nodes, blocks in loader:
    R["prefetch_feat"] = blocks[0].srcdata["feat"][canon(input_nodes, len(output_nodes))].tolist()
    R["prefetch_label"] = blocks[-1].dstdata["label"].tolist()

esampler = dgl.dataloading.as_edge_prediction_sampler(dgl.dataloading.MultiLayerFullNeighborSampler(1), exclude="self")
eloader = dgl.dataloading.DataLoader(g, torch.tensor([0, 5]), esampler, batch_size=2)
for input_nodes, pair_graph, blocks in eloader:
    R["edge_pair_nodes"] = pair_graph.ndata[dgl.NID].tolist()
    R["edge_pair_edges"] = [pair_graph.edges()[0].tolist(), pair_graph.edges()[1].tolist()]
    R["edge_block_eids"] = sorted(blocks[0].edata[dgl.EID].tolist())
    R["edge_input_nodes"] = input_nodes[canon(input_nodes, pair_graph.num_nodes())].tolist()

hg = dgl.heterograph({
    ("user", "clicks", "item"): (torch.tensor([0, 1, 2, 2]), torch.tensor([0, 1, 1, 2])),
    ("item", "clicked-by", "user"): (torch.tensor([0, 1, 1, 2]), torch.tensor([0, 1, 2, 2])),
})
hloader = dgl.dataloading.DataLoader(hg, {"item": torch.tensor([1, 2])}, dgl.dataloading.MultiLayerFullNeighborSampler(2), batch_size=2)
for input_nodes, output_nodes, blocks in hloader:
    R["hetero_input"] = {t: v[canon(v, len(output_nodes.get(t, [])))].tolist()
                         for t, v in sorted(input_nodes.items())}
    R["hetero_blocks"] = [[[list(c), b.num_edges(c)] for c in b.canonical_etypes] for b in blocks]

print(json.dumps(R, sort_keys=True))
