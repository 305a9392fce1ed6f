import torch

import graphdl as dgl


def test_adj_agrees_with_adj_external_and_tensors(idtype):
    g = dgl.graph((torch.tensor([0, 1, 2, 2, 0]), torch.tensor([1, 2, 3, 0, 1])), num_nodes=5, idtype=idtype)
    A = g.adj()
    assert A.shape == (5, 5) and A.nnz == 5 and A.indices().dtype == idtype
    assert torch.equal(A.to_dense(), g.adj_external().to_dense())
    src, dst = g.adj_tensors("coo")
    assert torch.equal(A.row, src) and torch.equal(A.col, dst)
    for fmt in ("csr", "csc"):
        ip, ix, perm = getattr(A, fmt)()
        gip, gix, geid = g.adj_tensors(fmt)
        assert torch.equal(ip, gip) and torch.equal(ix, gix) and torch.equal(perm, geid)


def test_adj_with_edge_weights_and_etypes(idtype):
    g = dgl.heterograph({("user", "follows", "user"): ([0, 1], [0, 1]),
                         ("developer", "develops", "game"): ([0, 1], [0, 2])}, idtype=idtype)
    A = g.adj(etype="develops")
    assert A.shape == (2, 3) and A.to_dense().tolist() == [[1, 0, 0], [0, 0, 1]]
    g.edges["follows"].data["h"] = torch.tensor([3.0, 2.0])
    W = g.adj(etype="follows", eweight_name="h")
    assert W.val.tolist() == [3.0, 2.0]
    x = torch.randn(2, 4)
    assert torch.allclose(W @ x, W.to_dense() @ x)
