import torch

from graphdl._graph.storage import compress


def test_compress_matches_stable_sort(idtype):
    gen = torch.Generator().manual_seed(0)
    rows = torch.randint(0, 50, (1000,), generator=gen).to(idtype)
    cols = torch.randint(0, 70, (1000,), generator=gen).to(idtype)
    indptr, out_cols, perm = compress(rows, cols, 60)
    _, ref_perm = torch.sort(rows.long(), stable=True)
    assert indptr.dtype == out_cols.dtype == perm.dtype == idtype
    assert torch.equal(perm.long(), ref_perm)
    assert torch.equal(out_cols, cols[ref_perm])
    assert torch.equal(indptr.long(), torch.cat([torch.zeros(1, dtype=torch.long),
                                                 torch.bincount(rows.long(), minlength=60).cumsum(0)]))
