import numpy as np
import pytest
import scipy.sparse as sp
import torch

from graphdl import DGLError
from graphdl._graph.storage import SparseAdj


def _random_coo(idtype, ns=30, nd=20, e=120, seed=0):
    gen = torch.Generator().manual_seed(seed)
    src = torch.randint(0, ns, (e,), generator=gen).to(idtype)
    dst = torch.randint(0, nd, (e,), generator=gen).to(idtype)
    return src, dst, ns, nd


def test_csr_csc_match_scipy(idtype):
    src, dst, ns, nd = _random_coo(idtype)
    adj = SparseAdj(src, dst, ns, nd)
    eids = np.arange(src.shape[0])
    ref = sp.coo_matrix((eids + 1, (src.numpy(), dst.numpy())), shape=(ns, nd))
    indptr, indices, eid = adj.csr()
    assert indptr.dtype == idtype and indices.dtype == idtype and eid.dtype == idtype
    # rebuild a matrix of edge ids from our CSR and compare with the reference (duplicates summed)
    mine = sp.csr_matrix((eid.numpy() + 1, indices.numpy(), indptr.numpy()), shape=(ns, nd))
    assert (mine != ref.tocsr()).nnz == 0
    indptr, indices, eid = adj.csc()
    mine = sp.csc_matrix((eid.numpy() + 1, indices.numpy(), indptr.numpy()), shape=(ns, nd))
    assert (mine != ref.tocsc()).nnz == 0
    # within a row, edge ids increase
    for r in range(nd):
        seg = eid[indptr[r]:indptr[r + 1]]
        assert torch.all(seg[1:] > seg[:-1])


def test_degrees(idtype):
    src, dst, ns, nd = _random_coo(idtype)
    adj = SparseAdj(src, dst, ns, nd)
    assert torch.equal(adj.in_degrees().long(), torch.bincount(dst.long(), minlength=nd))
    assert torch.equal(adj.out_degrees().long(), torch.bincount(src.long(), minlength=ns))


def test_from_csr_and_csc_roundtrip(idtype):
    src, dst, ns, nd = _random_coo(idtype)
    adj = SparseAdj(src, dst, ns, nd)
    back = SparseAdj.from_csr(*adj.csr(), ns, nd)
    assert torch.equal(back.src, src) and torch.equal(back.dst, dst)
    back = SparseAdj.from_csc(*adj.csc(), ns, nd)
    assert torch.equal(back.src, src) and torch.equal(back.dst, dst)


def test_reverse_swaps_roles(idtype):
    src, dst, ns, nd = _random_coo(idtype)
    adj = SparseAdj(src, dst, ns, nd)
    adj.csr()
    rev = adj.reverse()
    assert rev.num_src == nd and rev.num_dst == ns
    assert torch.equal(rev.csc()[1], adj.csr()[1])


@pytest.mark.parametrize("bad", [-1, 30])
def test_out_of_range_ids_are_named(bad):
    src = torch.tensor([0, bad])
    dst = torch.tensor([0, 1])
    with pytest.raises(DGLError, match=str(bad)):
        SparseAdj(src, dst, 30, 20)


def test_bad_indptr_rejected():
    with pytest.raises(DGLError, match="indptr"):
        SparseAdj.from_csr(torch.tensor([0, 2, 1]), torch.tensor([0, 1]), None, 2, 2)
    with pytest.raises(DGLError, match="permutation"):
        SparseAdj.from_csr(torch.tensor([0, 1, 2]), torch.tensor([0, 1]), torch.tensor([0, 0]), 2, 2)


def test_empty():
    adj = SparseAdj(torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64), 3, 4)
    indptr, indices, eid = adj.csc()
    assert indptr.tolist() == [0, 0, 0, 0, 0] and indices.numel() == 0 and eid.numel() == 0
