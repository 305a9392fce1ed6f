"""One rank of a multi-process test (started by test_dist_runtime.py with RANK/WORLD_SIZE set).

``python _worker.py SCENARIO PART_CONFIG OUT_DIR``: checks run inside the rank and raise on a
mismatch; results that the parent compares are saved as ``OUT_DIR/<scenario>-rank<r>.pt``.
"""
import os
import sys

import torch

import graphdl
import graphdl.distributed as gdist
from graphdl.base import NID


def tensor_rw(g, out):
    rank, world = gdist.get_rank(), gdist.get_world_size()
    n = g.num_nodes()
    gen = torch.Generator().manual_seed(rank)
    order = torch.randperm(n, generator=gen)
    feats = g.ndata["feat"][order]
    # Every rank writes the rows r, r + world, ... then everyone reads everything back.
    h = gdist.DistTensor((n, 2), torch.float32, name="h")
    mine = torch.arange(rank, n, world)
    h[mine] = torch.stack([mine.float(), torch.full((mine.numel(),), float(rank))], 1)
    gdist.barrier()
    back = h[torch.arange(n)]
    empty = g.ndata["feat"][torch.zeros(0, dtype=torch.int64)]  # a rank may ask for nothing
    torch.save({"order": order, "feats": feats, "back": back, "empty": tuple(empty.shape),
                "in_deg": g.in_degrees(), "out_deg": g.out_degrees(),
                "edges": g.find_edges(torch.arange(rank, g.num_edges(), world)),
                "eids": torch.arange(rank, g.num_edges(), world)}, out)


def split(g, out):
    nids = gdist.node_split(g.ndata["train_mask"], g.get_partition_book(), force_even=True)
    uneven = gdist.node_split(g.ndata["train_mask"], g.get_partition_book(), force_even=False)
    torch.save({"even": nids, "uneven": uneven}, out)


def sample(g, out):
    rank = gdist.get_rank()
    seeds = torch.arange(rank * 7, rank * 7 + 20) % g.num_nodes()
    full_counts, (full_nbrs, full_eids) = g.sample_in_edges(seeds, -1)
    k_counts, (k_nbrs, k_eids) = g.sample_in_edges(seeds, 3)
    loader = gdist.DistNodeDataLoader(g, seeds, graphdl.dataloading.NeighborSampler([4, 2]),
                                      batch_size=8)
    batches = [(i, s, [(b.srcdata[NID], b.dstdata[NID], b.edges(), b.edata[graphdl.EID])
                       for b in blocks]) for i, s, blocks in loader]
    torch.save({"seeds": seeds, "full": (full_counts, full_nbrs, full_eids),
                "k": (k_counts, k_nbrs, k_eids), "batches": batches, "len": len(loader)}, out)


def _blocks_out(blocks):
    """Per block: source and destination ids per node type, edges and edge ids per edge type."""
    return [({nt: b.srcnodes[nt].data[NID] for nt in b.srctypes},
             {nt: b.dstnodes[nt].data[NID] for nt in b.dsttypes},
             {c: (b.edges(etype=c), b.edges[c].data[graphdl.EID]) for c in b.canonical_etypes})
            for b in blocks]


def _frontier_out(fr):
    return {c: (fr.edges(etype=c), fr.edges[c].data[graphdl.EID]) for c in fr.canonical_etypes}


def same_stream(g, out):
    """Sampling calls whose picks the parent reproduces in one process (same sampler seed)."""
    rank = gdist.get_rank()
    graphdl.seed(50 + rank)
    if g.is_homogeneous():
        seeds = torch.arange(rank * 7, rank * 7 + 20) % g.num_nodes()
        sampler = graphdl.dataloading.NeighborSampler([4, 2])
    else:
        seeds = {"user": torch.arange(rank, 30, 2), "item": torch.arange(rank * 3, 20, 3)}
        sampler = graphdl.dataloading.NeighborSampler([2, {c: 1 + i for i, c in
                                                           enumerate(g.canonical_etypes)}])
    res = {"seeds": seeds,
           "etype3": _frontier_out(gdist.sample_etype_neighbors(g, seeds, 3)),
           "etype_dict": _frontier_out(gdist.sample_etype_neighbors(
               g, seeds, {c: 2 + i for i, c in enumerate(g.canonical_etypes)})),
           "blind2": _frontier_out(gdist.sample_neighbors(g, seeds, 2)),
           "in_sub": _frontier_out(gdist.in_subgraph(g, seeds)),
           "method": _frontier_out(g.sample_neighbors(seeds, 2))}
    loader = gdist.DistNodeDataLoader(g, seeds, sampler, batch_size=6, shuffle=True, seed=5)
    res["epoch_seed"] = loader._epoch_seed()
    res["batches"] = [(s, i, _blocks_out(blocks)) for i, s, blocks in loader]
    torch.save(res, out)


def edges(g, out):
    from graphdl.dataloading import NeighborSampler, as_edge_prediction_sampler
    from graphdl.dataloading.negative_sampler import Uniform

    rank, world = gdist.get_rank(), gdist.get_world_size()
    eids = torch.arange(rank, g.num_edges(), world)[:30]
    sampler = as_edge_prediction_sampler(NeighborSampler([3, 3]), negative_sampler=Uniform(2))
    loader = gdist.DistEdgeDataLoader(g, eids, sampler, batch_size=8, shuffle=True)
    got = []
    for input_nodes, pair, neg, blocks in loader:
        got.append((pair.ndata[NID], pair.edges(), pair.edata[graphdl.EID], neg.edges(),
                    blocks[-1].dstdata[NID], blocks[0].srcdata[NID], input_nodes))
    torch.save({"batches": got, "eids": eids}, out)


def embedding(g, out):
    rank = gdist.get_rank()
    n, d = g.num_nodes(), 3
    emb = gdist.DistEmbedding(n, d, name="emb")
    if rank == 0:
        emb.weight[torch.arange(n)] = torch.arange(n * d, dtype=torch.float32).reshape(n, d) / (n * d)
    else:
        emb.weight[torch.zeros(0, dtype=torch.int64)] = torch.zeros(0, d)
    gdist.barrier()
    opt = gdist.optim.SparseAdam([emb], lr=0.1)
    for step in range(3):
        ids = torch.tensor([(rank * 5 + step * 3 + j) % n for j in range(6)] + [rank])
        rows = emb(ids)
        loss = (rows * torch.arange(1, d + 1, dtype=torch.float32) * (rank + 1)).sum()
        loss.backward()
        opt.step()
    gdist.barrier()
    torch.save({"table": emb.weight[torch.arange(n)]}, out)


def hang(g, out):
    """Rank 1 dies; rank 0 then waits in a collective that can never complete."""
    if gdist.get_rank() == 1:
        os.kill(os.getpid(), 9)
    import time
    time.sleep(1)
    g.ndata["feat"][torch.arange(g.num_nodes())]


def main():
    scenario, config, out_dir = sys.argv[1:4]
    gdist.initialize(timeout=float(os.environ.get("GRAPHDL_TEST_TIMEOUT", "30")))
    g = gdist.DistGraph("g", part_config=config)
    out = os.path.join(out_dir, f"{scenario}-rank{gdist.get_rank()}.pt")
    globals()[scenario](g, out)
    gdist.barrier()
    gdist.exit_client()


if __name__ == "__main__":
    main()
