"""Compiled kernels for neighbour sampling, random walks and relabelling.

All kernels work on numpy views of compressed adjacency arrays: ``indptr`` (rows),
``indices`` (the neighbour of each stored edge) and ``eids`` (its edge id). Randomness
comes from a splitmix64 stream per row, started from ``_mix(seed ^ row * golden)``, so
the result of a call depends only on its seed, never on how rows are split over threads.

Every kernel is single-threaded and releases the GIL; :func:`over_rows` splits a large call
into contiguous slices of rows run on a small pool of Python threads (``_threads``). Each
kernel takes ``base``, the position of its first row in the whole call, and draws row ``i``
from the stream of row ``base + i``: a call on a slice gives the picks of the call on all rows.
(numba's own parallel loops were measured slower: GNU OpenMP's waiting threads spin, and on a
busy machine a 5,000-row call took 143 ms on 2 threads against 1.5 ms on one.)
"""
from __future__ import annotations

import numpy as np
from typing import Any, Callable, Tuple

from numba import njit

from . import _threads

__all__ = [
    "over_rows",
    "row_work",
    "sample_rows",
    "sample_rows_uniform",
    "sample_rows_uniform_keyed",
    "topk_rows",
    "relabel_into",
    "random_walk",
    "node2vec_walk",
    "labor_rows",
    "labor_rows_weighted",
]

_GOLD = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _start(seed, row):
    return _mix(np.uint64(seed) ^ (np.uint64(row) * _GOLD))


@njit(cache=True, inline="always")
def _uniform(state):
    """Advance ``state`` and return ``(state, u)`` with ``u`` uniform in [0, 1)."""
    state = state + _GOLD
    return state, float(_mix(state) >> _S11) * _INV53


@njit(cache=True, inline="always")
def _randint(state, n):
    """Advance ``state`` and return ``(state, r)`` with ``r`` uniform in ``[0, n)``."""
    state = state + _GOLD
    # multiply-shift: the top 32 random bits scaled to [0, n); n < 2**32 here
    r = np.int64(((_mix(state) >> _S32) * np.uint64(n)) >> _S32)
    return state, r


@njit(cache=True, inline="always")
def _in_sorted(arr, x):
    n = arr.shape[0]
    if n == 0:
        return False
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < n and arr[lo] == x


@njit(cache=True, inline="always")
def _count(deg, k, replace):
    if deg == 0:
        return 0
    if k < 0:
        return deg
    if replace:
        return k
    return min(k, deg)


@njit(cache=True, inline="always")
def _sample_rows_uniform_impl(indptr, indices, eids, rows, k, replace, seed, base):
    return _uniform_rows(indptr, indices, eids, rows, k, replace, seed, base,
                         np.empty(0, np.int64), np.empty(0, np.int64))


@njit(cache=True, inline="always")
def _uniform_rows(indptr, indices, eids, rows, k, replace, seed, base, row_seeds, row_keys):
    """Uniform sampling of ``k`` stored entries per row (``k < 0``: all of them).

    Returns ``(counts, nbr, eid)``: ``counts[i]`` entries were taken for ``rows[i]``, and the
    taken entries of all rows are concatenated in row order.

    Three passes keep the random memory reads independent of each other: row extents, then
    the picked positions (only arithmetic), then one gather of neighbours and edge ids.
    Row ``i`` draws from the stream of row ``base + i``, so a call on a slice of the rows
    gives the same picks as the call on all of them. When ``row_keys`` is not empty, row ``i``
    draws instead from the stream ``(row_seeds[i], row_keys[i])``: the stream a call with seed
    ``row_seeds[i]`` gives its row ``row_keys[i]`` (how a partition's owner reproduces the
    picks of the requester's single call).
    """
    n = rows.shape[0]
    offs = np.zeros(n + 1, np.int64)
    starts = np.empty(n, np.int64)
    degs = np.empty(n, np.int64)
    for i in range(n):
        r = rows[i]
        st0 = np.int64(indptr[r])
        d = np.int64(indptr[r + 1]) - st0
        starts[i] = st0
        degs[i] = d
        offs[i + 1] = _count(d, k, replace)
    for i in range(n):
        offs[i + 1] += offs[i]
    total = offs[n]
    pos = np.empty(total, np.int64)
    for i in range(n):
        o = offs[i]
        c = offs[i + 1] - o
        if c == 0:
            continue
        s = starts[i]
        d = degs[i]
        if row_keys.shape[0]:
            st = _start(row_seeds[i], row_keys[i])
        else:
            st = _start(seed, base + i)
        if k < 0 or (not replace and d <= k):
            for j in range(d):
                pos[o + j] = s + j
        elif replace:
            for j in range(c):
                st, t = _randint(st, d)
                pos[o + j] = s + t
        elif c <= 32:
            # Floyd's algorithm: c distinct positions out of d, O(c^2) checks.
            m = 0
            for top in range(d - c, d):
                st, t = _randint(st, top + 1)
                t += s
                for q in range(o, o + m):
                    if pos[q] == t:
                        t = s + top
                        break
                pos[o + m] = t
                m += 1
        else:
            perm = np.arange(d)
            for j in range(c):
                st, t = _randint(st, d - j)
                t += j
                tmp = perm[j]
                perm[j] = perm[t]
                perm[t] = tmp
                pos[o + j] = s + perm[j]
    out_nbr = np.empty(total, indices.dtype)
    out_eid = np.empty(total, eids.dtype)
    for j in range(total):
        p = pos[j]
        out_nbr[j] = indices[p]
        out_eid[j] = eids[p]
    return offs[1:] - offs[:-1], out_nbr, out_eid


@njit(cache=True, inline="always")
def _valid(eid, prob, has_prob, excl):
    if has_prob and not prob[eid] > 0:
        return False
    return not _in_sorted(excl, eid)


@njit(cache=True, inline="always")
def _sample_rows_impl(indptr, indices, eids, rows, k, replace, prob, has_prob, excl, seed, base):
    """Sampling with optional per-edge weights ``prob`` (indexed by edge id) and a sorted array
    ``excl`` of edge ids that must never be taken. Entries of weight 0 are never taken.

    Without replacement, weighted picks use exponential keys (``-log(u) / w``, smallest first),
    which draws rows in sequence proportionally to the weights of the remaining entries.
    """
    n = rows.shape[0]
    offs = np.zeros(n + 1, np.int64)
    for i in range(n):
        r = rows[i]
        nz = 0
        for p in range(indptr[r], indptr[r + 1]):
            if _valid(eids[p], prob, has_prob, excl):
                nz += 1
        offs[i + 1] = _count(nz, k, replace)
    for i in range(n):
        offs[i + 1] += offs[i]
    total = offs[n]
    out_nbr = np.empty(total, indices.dtype)
    out_eid = np.empty(total, eids.dtype)
    for i in range(n):
        o = offs[i]
        c = offs[i + 1] - o
        if c == 0:
            continue
        r = rows[i]
        s = np.int64(indptr[r])
        d = np.int64(indptr[r + 1]) - s
        cand = np.empty(d, np.int64)
        m = 0
        for p in range(s, s + d):
            if _valid(eids[p], prob, has_prob, excl):
                cand[m] = p
                m += 1
        st = _start(seed, base + i)
        if k < 0 or (not replace and m <= k):
            for j in range(m):
                out_nbr[o + j] = indices[cand[j]]
                out_eid[o + j] = eids[cand[j]]
        elif replace:
            if has_prob:
                cum = np.empty(m, np.float64)
                acc = 0.0
                for j in range(m):
                    acc += prob[eids[cand[j]]]
                    cum[j] = acc
                for j in range(c):
                    st, u = _uniform(st)
                    t = np.searchsorted(cum, u * acc, side="right")
                    if t >= m:
                        t = m - 1
                    out_nbr[o + j] = indices[cand[t]]
                    out_eid[o + j] = eids[cand[t]]
            else:
                for j in range(c):
                    st, t = _randint(st, m)
                    out_nbr[o + j] = indices[cand[t]]
                    out_eid[o + j] = eids[cand[t]]
        elif has_prob:
            keys = np.empty(m, np.float64)
            for j in range(m):
                st, u = _uniform(st)
                keys[j] = -np.log(1.0 - u) / prob[eids[cand[j]]]
            order = np.argsort(keys)
            for j in range(c):
                out_nbr[o + j] = indices[cand[order[j]]]
                out_eid[o + j] = eids[cand[order[j]]]
        else:
            for j in range(c):
                st, t = _randint(st, m - j)
                t += j
                tmp = cand[j]
                cand[j] = cand[t]
                cand[t] = tmp
                out_nbr[o + j] = indices[cand[j]]
                out_eid[o + j] = eids[cand[j]]
    return offs[1:] - offs[:-1], out_nbr, out_eid


@njit(cache=True, inline="always")
def _topk_rows_impl(indptr, indices, eids, rows, k, weight, ascending, excl):
    """The ``k`` entries of largest (or smallest) ``weight`` per row; ties keep storage order."""
    n = rows.shape[0]
    offs = np.zeros(n + 1, np.int64)
    empty = np.empty(0, np.float64)
    for i in range(n):
        r = rows[i]
        nz = 0
        for p in range(indptr[r], indptr[r + 1]):
            if not _in_sorted(excl, eids[p]):
                nz += 1
        offs[i + 1] = _count(nz, k, False)
    for i in range(n):
        offs[i + 1] += offs[i]
    out_nbr = np.empty(offs[n], indices.dtype)
    out_eid = np.empty(offs[n], eids.dtype)
    for i in range(n):
        o = offs[i]
        c = offs[i + 1] - o
        if c == 0:
            continue
        r = rows[i]
        s = np.int64(indptr[r])
        d = np.int64(indptr[r + 1]) - s
        cand = np.empty(d, np.int64)
        keys = np.empty(d, np.float64)
        m = 0
        for p in range(s, s + d):
            if not _in_sorted(excl, eids[p]):
                cand[m] = p
                w = np.float64(weight[eids[p]])
                keys[m] = w if ascending else -w
                m += 1
        order = np.argsort(keys[:m], kind="mergesort")
        for j in range(c):
            out_nbr[o + j] = indices[cand[order[j]]]
            out_eid[o + j] = eids[cand[order[j]]]
    return offs[1:] - offs[:-1], out_nbr, out_eid


@njit(cache=True)
def relabel_into(mapping, uniq, count, ids, local):
    """Give new ids to ``ids`` in first-seen order, continuing from ``count``.

    ``mapping`` (old id -> new id, -1 when unseen) and ``uniq`` (new id -> old id) are
    updated in place; ``local`` receives the new id of each entry. Returns the new count.
    """
    for j in range(ids.shape[0]):
        x = ids[j]
        t = mapping[x]
        if t < 0:
            t = count
            mapping[x] = t
            uniq[t] = x
            count += 1
        local[j] = t
    return count


@njit(cache=True)
def expand_counts(counts, out):
    """``out`` receives ``i`` repeated ``counts[i]`` times, for every ``i`` in order."""
    o = 0
    for i in range(counts.shape[0]):
        for _ in range(counts[i]):
            out[o] = i
            o += 1


@njit(cache=True)
def seed_mapping(mapping, uniq, ids):
    """Map ``ids`` to ``0..len-1``; returns the first repeated id, or -1 when all are distinct."""
    for j in range(ids.shape[0]):
        x = ids[j]
        if mapping[x] >= 0:
            return np.int64(x)
        mapping[x] = j
        uniq[j] = x
    return np.int64(-1)


@njit(cache=True, inline="always")
def _pick(indptr, eids, prob, has_prob, v, st):
    """One step from ``v``: returns ``(state, position)``, position -1 when ``v`` has no way on."""
    s = np.int64(indptr[v])
    d = np.int64(indptr[v + 1]) - s
    if d == 0:
        return st, np.int64(-1)
    if not has_prob:
        st, t = _randint(st, d)
        return st, s + t
    tot = 0.0
    for p in range(s, s + d):
        tot += prob[eids[p]]
    if not tot > 0:
        return st, np.int64(-1)
    st, u = _uniform(st)
    x = u * tot
    acc = 0.0
    last = np.int64(-1)
    for p in range(s, s + d):
        w = prob[eids[p]]
        if w > 0:
            last = p
            acc += w
            if x < acc:
                return st, p
    return st, last


@njit(cache=True, inline="always")
def _random_walk_impl(indptrs, indicess, eidss, probs, has_probs, metapath, starts, restart, seed, base):
    """Walks along out-edges following ``metapath`` (indices into the per-relation lists).

    ``restart[j]`` is the chance of stopping before step ``j``. Returns ``(traces, edge ids)``
    padded with -1 after a walk stops.
    """
    n = starts.shape[0]
    L = metapath.shape[0]
    traces = np.full((n, L + 1), -1, np.int64)
    out_e = np.full((n, L), -1, np.int64)
    for i in range(n):
        st = _start(seed, base + i)
        v = np.int64(starts[i])
        traces[i, 0] = v
        for j in range(L):
            if restart[j] > 0:
                st, u = _uniform(st)
                if u < restart[j]:
                    break
            et = metapath[j]
            st, p = _pick(indptrs[et], eidss[et], probs[et], has_probs[et], v, st)
            if p < 0:
                break
            v = np.int64(indicess[et][p])
            traces[i, j + 1] = v
            out_e[i, j] = eidss[et][p]
    return traces, out_e


@njit(cache=True, inline="always")
def _has_edge(indptr, indices, a, b):
    for p in range(indptr[a], indptr[a + 1]):
        if indices[p] == b:
            return True
    return False


@njit(cache=True, inline="always")
def _node2vec_walk_impl(indptr, indices, eids, prob, has_prob, starts, length, p, q, seed, base):
    """Second-order walks of node2vec with return parameter ``p`` and in-out parameter ``q``.

    The next node ``x`` after the step ``t -> v`` is drawn with weight ``w(v, x)`` times ``1/p``
    when ``x == t``, ``1`` when ``t -> x`` is an edge and ``1/q`` otherwise (rejection sampling).
    """
    n = starts.shape[0]
    traces = np.full((n, length + 1), -1, np.int64)
    out_e = np.full((n, length), -1, np.int64)
    bound = max(1.0 / p, 1.0, 1.0 / q)
    for i in range(n):
        st = _start(seed, base + i)
        v = np.int64(starts[i])
        traces[i, 0] = v
        prev = np.int64(-1)
        for j in range(length):
            if prev < 0:
                st, pos = _pick(indptr, eids, prob, has_prob, v, st)
            else:
                while True:
                    st, pos = _pick(indptr, eids, prob, has_prob, v, st)
                    if pos < 0:
                        break
                    x = np.int64(indices[pos])
                    if x == prev:
                        a = 1.0 / p
                    elif _has_edge(indptr, indices, prev, x):
                        a = 1.0
                    else:
                        a = 1.0 / q
                    st, u = _uniform(st)
                    if u * bound < a:
                        break
            if pos < 0:
                break
            prev = v
            v = np.int64(indices[pos])
            traces[i, j + 1] = v
            out_e[i, j] = eids[pos]
    return traces, out_e


@njit(cache=True, inline="always")
def _labor_u(seed, t):
    st, u = _uniform(_start(seed, t))
    return u


@njit(cache=True, inline="always")
def _labor_rows_impl(indptr, indices, eids, rows, k, seed, excl):
    """LABOR-0 row sampling: entry ``(t -> r)`` is taken when ``r_t <= k / deg(r)``, where
    ``r_t`` is a uniform draw fixed by ``(seed, t)``.

    The same draw ``r_t`` is shared by every row, so rows that share neighbours tend to pick
    the same ones.
    """
    n = rows.shape[0]
    offs = np.zeros(n + 1, np.int64)
    for i in range(n):
        r = rows[i]
        s = np.int64(indptr[r])
        d = np.int64(indptr[r + 1]) - s
        m = 0
        for p in range(s, s + d):
            if not _in_sorted(excl, eids[p]):
                m += 1
        c = 0
        if m > 0:
            thr = 1.0 if k < 0 else k / m
            for p in range(s, s + d):
                if not _in_sorted(excl, eids[p]) and _labor_u(seed, indices[p]) <= thr:
                    c += 1
        offs[i + 1] = c
    for i in range(n):
        offs[i + 1] += offs[i]
    out_nbr = np.empty(offs[n], indices.dtype)
    out_eid = np.empty(offs[n], eids.dtype)
    for i in range(n):
        r = rows[i]
        s = np.int64(indptr[r])
        d = np.int64(indptr[r + 1]) - s
        c = offs[i + 1] - offs[i]
        if c == 0:
            continue
        m = 0
        for p in range(s, s + d):
            if not _in_sorted(excl, eids[p]):
                m += 1
        thr = 1.0 if k < 0 else k / m
        o = offs[i]
        for p in range(s, s + d):
            if not _in_sorted(excl, eids[p]) and _labor_u(seed, indices[p]) <= thr:
                out_nbr[o] = indices[p]
                out_eid[o] = eids[p]
                o += 1
    return offs[1:] - offs[:-1], out_nbr, out_eid

@njit(cache=True)
def _labor_scale(w, k):
    """The ``c`` with ``sum(min(1, c * w)) == k`` for positive weights ``w`` (``k < len(w)``)."""
    ws = np.sort(w)[::-1]
    rest = ws.sum()
    for j in range(k):
        c = (k - j) / rest
        if c * ws[j] <= 1.0:
            return c
        rest -= ws[j]
    return 1.0 / ws[k - 1]


@njit(cache=True)
def labor_rows_weighted(indptr, indices, eids, rows, k, seed, excl, prob):
    """Weighted LABOR-0 (single-threaded): entry ``(t -> r)`` of weight ``w`` is taken when
    ``r_t <= c_r * w``, where ``c_r`` makes the expected count ``sum(min(1, c_r * w))`` of
    row ``r`` equal ``k`` (every edge of positive weight when ``k < 0`` or fewer are left).
    Entries of weight 0 are never taken."""
    n = rows.shape[0]
    counts = np.zeros(n, np.int64)
    out_nbr = []
    out_eid = []
    for i in range(n):
        r = rows[i]
        s = np.int64(indptr[r])
        d = np.int64(indptr[r + 1]) - s
        pos = []
        for p in range(s, s + d):
            if prob[eids[p]] > 0 and not _in_sorted(excl, eids[p]):
                pos.append(p)
        m = len(pos)
        if m == 0:
            continue
        take_all = k < 0 or k >= m
        c = 0.0
        if not take_all:
            w = np.empty(m, np.float64)
            for j in range(m):
                w[j] = prob[eids[pos[j]]]
            c = _labor_scale(w, k)
        for p in pos:
            if take_all or _labor_u(seed, indices[p]) <= c * prob[eids[p]]:
                out_nbr.append(indices[p])
                out_eid.append(eids[p])
                counts[i] += 1
    nbr = np.empty(len(out_nbr), indices.dtype)
    eid = np.empty(len(out_eid), eids.dtype)
    for j in range(len(out_nbr)):
        nbr[j] = out_nbr[j]
        eid[j] = out_eid[j]
    return counts, nbr, eid


# The entry points: single-threaded, GIL-free builds of the bodies above.
@njit(cache=True, nogil=True)
def sample_rows_uniform(indptr, indices, eids, rows, k, replace, seed, base):
    return _sample_rows_uniform_impl(indptr, indices, eids, rows, k, replace, seed, base)


@njit(cache=True, nogil=True)
def sample_rows_uniform_keyed(indptr, indices, eids, rows, k, replace, row_seeds, row_keys):
    """Uniform sampling where row ``i`` uses the stream ``(row_seeds[i], row_keys[i])``."""
    return _uniform_rows(indptr, indices, eids, rows, k, replace, 0, 0, row_seeds, row_keys)


@njit(cache=True, nogil=True)
def sample_rows(indptr, indices, eids, rows, k, replace, prob, has_prob, excl, seed, base):
    return _sample_rows_impl(indptr, indices, eids, rows, k, replace, prob, has_prob, excl, seed, base)


@njit(cache=True, nogil=True)
def random_walk(indptrs, indicess, eidss, probs, has_probs, metapath, starts, restart, seed, base):
    return _random_walk_impl(indptrs, indicess, eidss, probs, has_probs, metapath, starts, restart, seed, base)


@njit(cache=True, nogil=True)
def node2vec_walk(indptr, indices, eids, prob, has_prob, starts, length, p, q, seed, base):
    return _node2vec_walk_impl(indptr, indices, eids, prob, has_prob, starts, length, p, q, seed, base)


@njit(cache=True, nogil=True)
def topk_rows(indptr, indices, eids, rows, k, weight, ascending, excl, base):
    """``base`` is unused: top-k has no randomness (kept for :func:`over_rows`)."""
    return _topk_rows_impl(indptr, indices, eids, rows, k, weight, ascending, excl)


@njit(cache=True, nogil=True)
def labor_rows(indptr, indices, eids, rows, k, seed, excl, base):
    """``base`` is unused: LABOR's draws belong to neighbours, not rows (kept for :func:`over_rows`)."""
    return _labor_rows_impl(indptr, indices, eids, rows, k, seed, excl)


def over_rows(fn: Callable, before: Tuple[Any, ...], rows: np.ndarray, after: Tuple[Any, ...],
              work: int) -> Tuple[np.ndarray, ...]:
    """``fn(*before, rows, *after, base)``, split over threads when ``work`` (about the number of
    entries examined) is large; the outputs of the slices are concatenated in row order."""
    chunks = _threads.split(rows.shape[0], work)
    if len(chunks) == 1:
        return fn(*before, rows, *after, 0)
    parts = _threads.run([(fn, before + (rows[a:b],) + after + (a,)) for a, b in chunks])
    return tuple(np.concatenate([p[j] for p in parts]) for j in range(len(parts[0])))


def row_work(indptr: np.ndarray, rows: np.ndarray) -> int:
    """About the number of entries a kernel that reads whole rows examines: rows x mean degree."""
    return rows.shape[0] * max(1, int(indptr[-1]) // max(1, indptr.shape[0] - 1))
