"""NodeCollator / EdgeCollator in a plain torch DataLoader against the samplers called directly."""
import torch

import graphdl
from graphdl.base import EID, NID
from graphdl.dataloading import EdgeCollator, GraphCollator, MultiLayerFullNeighborSampler, NodeCollator


def _graph(idtype):
    torch.manual_seed(0)
    g = graphdl.rand_graph(30, 120).astype(idtype)
    g.ndata["feat"] = torch.randn(30, 4)
    return g


def test_node_collator_matches_sampler(idtype):
    g = _graph(idtype)
    sampler = MultiLayerFullNeighborSampler(2)
    collator = NodeCollator(g, torch.arange(10), sampler)
    loader = torch.utils.data.DataLoader(collator.dataset, batch_size=4, collate_fn=collator.collate)
    seen = []
    for input_nodes, output_nodes, blocks in loader:
        want_in, want_out, want_blocks = sampler.sample(g, output_nodes)
        assert torch.equal(input_nodes, want_in) and torch.equal(output_nodes, want_out)
        assert [b.num_edges() for b in blocks] == [b.num_edges() for b in want_blocks]
        assert output_nodes.dtype == idtype
        seen += output_nodes.tolist()
    assert seen == list(range(10))


def test_node_collator_typed_seeds():
    g = graphdl.heterograph({("u", "r", "i"): ([0, 1, 2], [0, 0, 1]), ("i", "rb", "u"): ([0, 0, 1], [0, 1, 2])})
    collator = NodeCollator(g, {"u": torch.tensor([0, 2]), "i": torch.tensor([1])}, MultiLayerFullNeighborSampler(1))
    assert len(collator.dataset) == 3
    _, output_nodes, blocks = collator.collate([collator.dataset[i] for i in range(3)])
    assert output_nodes["u"].tolist() == [0, 2] and output_nodes["i"].tolist() == [1]


def test_edge_collator_pairs_and_exclusion(idtype):
    g = _graph(idtype)
    collator = EdgeCollator(g, torch.arange(20), MultiLayerFullNeighborSampler(1), exclude="self",
                            negative_sampler=graphdl.dataloading.negative_sampler.Uniform(2))
    loader = torch.utils.data.DataLoader(collator.dataset, batch_size=5, collate_fn=collator.collate)
    for input_nodes, pair, neg, blocks in loader:
        eids = pair.edata[EID]
        u, v = pair.edges()
        gu, gv = g.find_edges(eids)
        assert torch.equal(pair.ndata[NID][u.long()], gu) and torch.equal(pair.ndata[NID][v.long()], gv)
        assert neg.num_edges() == 2 * eids.numel()
        # the seed edges are not in the block
        assert not set(blocks[0].edata[EID].tolist()) & set(eids.tolist())


def test_edge_collator_samples_on_g_sampling():
    g = _graph(torch.int64)
    g_sampling = graphdl.remove_edges(g, torch.arange(60, 120))
    collator = EdgeCollator(g, torch.arange(60, 70), MultiLayerFullNeighborSampler(1), g_sampling=g_sampling)
    _, pair, blocks = collator.collate(list(range(60, 70)))
    assert pair.edata[EID].tolist() == list(range(60, 70))
    assert int(blocks[0].edata[EID].max()) < 60  # only g_sampling's edges


def test_graph_collator_is_exported():
    g1, g2 = graphdl.graph(([0], [1])), graphdl.graph(([0, 1], [1, 2]))
    bg, labels = GraphCollator().collate([(g1, 0), (g2, 1)])
    assert bg.batch_size == 2 and labels.tolist() == [0, 1]
