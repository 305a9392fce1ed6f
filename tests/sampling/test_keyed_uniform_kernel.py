"""The keyed uniform kernel (a random stream per row, given as (seed, key)) against the plain
uniform kernel: row i of a call with seed s is reproduced by the stream (s, i), in any order
and subset of the rows; this is what lets a partition's owner repeat a requester's picks."""
import numpy as np
import pytest

from graphdl.sampling import _kernels as K


def _csr(n, m, dtype, rng):
    dst = np.sort(rng.integers(0, n, m))
    indptr = np.zeros(n + 1, np.int64)
    np.add.at(indptr, dst + 1, 1)
    indptr = np.cumsum(indptr)
    return indptr, rng.integers(0, n, m).astype(dtype), np.arange(m).astype(dtype)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("k,replace", [(3, False), (40, False), (3, True), (-1, False)])
def test_keyed_rows_repeat_the_plain_call(dtype, k, replace):
    rng = np.random.default_rng(0)
    indptr, nbr, eid = _csr(50, 2000, dtype, rng)
    rows = rng.integers(0, 50, 30).astype(dtype)
    seed = 123456789
    counts, pn, pe = K.sample_rows_uniform(indptr, nbr, eid, rows, k, replace, seed, 0)
    offs = np.concatenate([[0], np.cumsum(counts)])
    pick = rng.permutation(30)[:17]  # a subset of the rows, in another order
    kc, kn, ke = K.sample_rows_uniform_keyed(indptr, nbr, eid, rows[pick], k, replace,
                                             np.full(17, seed, np.int64), pick.astype(np.int64))
    koffs = np.concatenate([[0], np.cumsum(kc)])
    assert np.array_equal(kc, counts[pick])
    for j, i in enumerate(pick):
        assert np.array_equal(kn[koffs[j]:koffs[j + 1]], pn[offs[i]:offs[i + 1]])
        assert np.array_equal(ke[koffs[j]:koffs[j + 1]], pe[offs[i]:offs[i + 1]])
    # every pick is an entry of its row
    for j, r in enumerate(rows[pick]):
        assert set(ke[koffs[j]:koffs[j + 1]].tolist()) <= set(eid[indptr[r]:indptr[r + 1]].tolist())


def test_keyed_rows_differ_by_seed():
    rng = np.random.default_rng(1)
    indptr, nbr, eid = _csr(20, 2000, np.int64, rng)
    rows = np.arange(20)
    keys = np.arange(20, dtype=np.int64)
    a = K.sample_rows_uniform_keyed(indptr, nbr, eid, rows, 5, False, np.full(20, 1, np.int64), keys)
    b = K.sample_rows_uniform_keyed(indptr, nbr, eid, rows, 5, False, np.full(20, 2, np.int64), keys)
    assert not np.array_equal(a[2], b[2])
