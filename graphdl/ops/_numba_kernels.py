"""CPU kernels compiled with numba: parallel loops over the rows of a compressed adjacency.

Every kernel walks ``indptr``/``col``/``eid`` (rows are the ``v`` role, ``col`` the ``u`` role,
``eid`` the ``e`` role) with ``prange`` over rows, so each output row is written by one thread.
Features arrive as contiguous 2-D float32/float64 arrays (rows x flattened features).

Operator codes: 0 copy, 1 add, 2 mul, 3 dot. Target codes: 0 u, 1 e, 2 v.
Broadcast modes: 0 equal shapes, 1 rhs holds one value per row, 2 general offsets,
3 rhs holds one value per block of the last output dimension (``(H, D)`` times ``(H, 1)``).
"""
from __future__ import annotations

import math

import numba
import numpy as np

from .._numba import parallel_kernel

# Sums may be reassociated (so dot products and row sums vectorise); NaN and inf keep their
# meaning, which the max/min and softmax kernels rely on (those compile without these flags).
_SUM_FLAGS = {"reassoc", "contract", "nsz"}

__all__ = [
    "spmm_sum_kernel",
    "spmm_copy_scaled_kernel",
    "spmm_extreme_kernel",
    "sddmm_kernel",
    "edge_softmax_kernel",
    "edge_softmax_backward_kernel",
    "edge_softmax_by_edge_kernel",
    "edge_softmax_backward_by_edge_kernel",
]


@numba.njit(inline="always")
def _pick(target, c, e, r):
    # everything as int64: mixing int32 ids with the unsigned prange index would give floats
    if target == 0:
        return np.int64(c)
    if target == 1:
        return np.int64(e)
    return np.int64(r)


@numba.njit(inline="always")
def _value(a, ia, b, ib, f, op, mode, loff, roff, red):
    """One element of the message ``op(a[ia], b[ib])`` at flat output position ``f``."""
    if op == 3:
        s = 0.0
        if mode == 0:
            ba = f * red
            bb = f * red
        else:
            ba = loff[f] * red
            bb = roff[f] * red
        for d in range(red):
            s += a[ia, ba + d] * b[ib, bb + d]
        return s
    if mode == 0:
        x = a[ia, f]
        y = b[ib, f]
    elif mode == 1:
        x = a[ia, f]
        y = b[ib, 0]
    elif mode == 3:
        x = a[ia, f]
        y = b[ib, f // (a.shape[1] // b.shape[1])]
    else:
        x = a[ia, loff[f]]
        y = b[ib, roff[f]]
    if op == 0:
        return x
    if op == 1:
        return x + y
    return x * y


@parallel_kernel(cache=True, fastmath=_SUM_FLAGS)
def spmm_sum_kernel(indptr, col, eid, a, ta, b, tb, op, mode, loff, roff, red, out):
    """``out[r] = sum of op(a[ia], b[ib])`` over the entries of row ``r`` (``out`` may be uninitialised).

    The common layer patterns get loops of their own (copy from edges; source times one weight per
    edge; source times one weight per edge and head); the rest share a generic loop. Copies from
    sources go to :func:`spmm_copy_scaled_kernel`.
    """
    nrows = indptr.shape[0] - 1
    width = out.shape[1]
    if op == 0 and mode == 0 and ta == 1:
        for r in numba.prange(nrows):
            o = out[r]
            o[:] = 0
            for k in range(np.int64(indptr[r]), np.int64(indptr[r + 1])):
                ar = a[np.int64(eid[k])]
                for f in range(width):
                    o[f] += ar[f]
    elif op == 2 and mode == 1 and ta == 0 and tb == 1:
        for r in numba.prange(nrows):
            o = out[r]
            o[:] = 0
            k = np.int64(indptr[r])
            end = np.int64(indptr[r + 1])
            while k + 1 < end:
                a0 = a[np.int64(col[k])]
                a1 = a[np.int64(col[k + 1])]
                w0 = b[np.int64(eid[k]), 0]
                w1 = b[np.int64(eid[k + 1]), 0]
                for f in range(width):
                    o[f] += a0[f] * w0 + a1[f] * w1
                k += 2
            while k < end:
                ar = a[np.int64(col[k])]
                w = b[np.int64(eid[k]), 0]
                for f in range(width):
                    o[f] += ar[f] * w
                k += 1
    elif op == 2 and mode == 3 and ta == 0 and tb == 1:
        heads = b.shape[1]
        dim = width // heads
        for r in numba.prange(nrows):
            o = out[r]
            o[:] = 0
            k = np.int64(indptr[r])
            end = np.int64(indptr[r + 1])
            while k + 1 < end:
                a0 = a[np.int64(col[k])]
                a1 = a[np.int64(col[k + 1])]
                b0 = b[np.int64(eid[k])]
                b1 = b[np.int64(eid[k + 1])]
                for h in range(heads):
                    w0 = b0[h]
                    w1 = b1[h]
                    base = h * dim
                    for d in range(dim):
                        o[base + d] += a0[base + d] * w0 + a1[base + d] * w1
                k += 2
            while k < end:
                ar = a[np.int64(col[k])]
                br = b[np.int64(eid[k])]
                for h in range(heads):
                    w = br[h]
                    base = h * dim
                    for d in range(dim):
                        o[base + d] += ar[base + d] * w
                k += 1
    else:
        scratch = np.empty((nrows, width), dtype=out.dtype)
        for r in numba.prange(nrows):
            o = out[r]
            o[:] = 0
            msg = scratch[r]
            for k in range(np.int64(indptr[r]), np.int64(indptr[r + 1])):
                c = col[k]
                e = eid[k]
                _row_message(msg, a[_pick(ta, c, e, r)], b[_pick(tb, c, e, r)], op, mode, loff, roff, red, width)
                for f in range(width):
                    o[f] += msg[f]


@parallel_kernel(cache=True, fastmath=_SUM_FLAGS)
def spmm_copy_scaled_kernel(indptr, col, a, cscale, use_c, rscale, use_r, bias, use_bias, cptr, mean_c,
                            mean_r, out):
    """``out[r] = rscale[r] * sum_k cscale[col[k]] * a[col[k]] + bias`` (each factor optional).

    ``bias`` is 2-D: with ``use_bias == 1`` its one row is added to every output row, with
    ``use_bias == 2`` its row ``r`` is added to output row ``r``.

    The normalised propagation of GCN-style layers and the mean reducer in one kernel: the
    per-destination scale and the bias are applied as each output row is finished, so no scaled
    copy of the output is made. With ``mean_r`` the row scale is also divided by
    ``max(1, entries of the row)``; with ``mean_c`` the column scale by
    ``max(1, cptr[c + 1] - cptr[c])`` (the mean's gradient), computed here rather than read
    from an array.

    The column scale is applied once per column, into a scaled copy of ``a``, when there are at
    least as many entries as columns: one multiplication per element of ``a`` instead of one per
    entry and a scattered read of the scale per entry (GCN's propagation of 64 features over 2.1M
    entries onto 100k rows: 74 against 93 ms). Sparser calls scale each entry as it streams by.
    """
    nrows = indptr.shape[0] - 1
    width = out.shape[1]
    ncols = a.shape[0]
    # One parallel region per pass (on a busy machine each costs a scheduler slice, see
    # graphdl._numba): the scaled copy computes its scales itself.
    scaled = use_c or mean_c
    per_entry = scaled and col.shape[0] < ncols
    src = a
    scale = cscale
    if scaled and not per_entry:
        src = np.empty((ncols, width), dtype=out.dtype)
        for c in numba.prange(ncols):
            s = cscale[c] if use_c else 1.0
            if mean_c:
                s /= max(np.int64(1), np.int64(cptr[c + 1]) - np.int64(cptr[c]))
            ar = a[c]
            sr = src[c]
            for f in range(width):
                sr[f] = ar[f] * s
    elif per_entry and mean_c:
        scale = np.empty(ncols, dtype=out.dtype)
        for c in numba.prange(ncols):
            s = cscale[c] if use_c else 1.0
            scale[c] = s / max(np.int64(1), np.int64(cptr[c + 1]) - np.int64(cptr[c]))
    for r in numba.prange(nrows):
        o = out[r]
        start = np.int64(indptr[r])
        end = np.int64(indptr[r + 1])
        if per_entry:
            _sum_rows_scaled(o, col, start, end, a, scale)
        else:
            _sum_rows(o, col, start, end, src)
        if use_r or mean_r:
            s = rscale[r] if use_r else 1.0
            if mean_r:
                s /= max(np.int64(1), end - start)
            for f in range(width):
                o[f] *= s
        if use_bias == 1:
            b = bias[0]
            for f in range(width):
                o[f] += b[f]
        elif use_bias == 2:
            b = bias[r]
            for f in range(width):
                o[f] += b[f]


@numba.njit(inline="always")
def _sum_rows(o, col, k, end, a):
    """``o = sum of a[col[k]]`` over the entries ``k`` of one row, four rows in flight."""
    width = o.shape[0]
    o[:] = 0
    while k + 3 < end:
        a0 = a[np.int64(col[k])]
        a1 = a[np.int64(col[k + 1])]
        a2 = a[np.int64(col[k + 2])]
        a3 = a[np.int64(col[k + 3])]
        for f in range(width):
            o[f] += (a0[f] + a1[f]) + (a2[f] + a3[f])
        k += 4
    while k < end:
        ar = a[np.int64(col[k])]
        for f in range(width):
            o[f] += ar[f]
        k += 1


@numba.njit(inline="always")
def _sum_rows_scaled(o, col, k, end, a, scale):
    """``o = sum of scale[col[k]] * a[col[k]]`` over the entries ``k`` of one row."""
    width = o.shape[0]
    o[:] = 0
    while k + 3 < end:
        c0 = np.int64(col[k])
        c1 = np.int64(col[k + 1])
        c2 = np.int64(col[k + 2])
        c3 = np.int64(col[k + 3])
        a0 = a[c0]
        a1 = a[c1]
        a2 = a[c2]
        a3 = a[c3]
        s0 = scale[c0]
        s1 = scale[c1]
        s2 = scale[c2]
        s3 = scale[c3]
        for f in range(width):
            o[f] += (a0[f] * s0 + a1[f] * s1) + (a2[f] * s2 + a3[f] * s3)
        k += 4
    while k < end:
        c0 = np.int64(col[k])
        ar = a[c0]
        s0 = scale[c0]
        for f in range(width):
            o[f] += ar[f] * s0
        k += 1


@parallel_kernel(cache=True)
def spmm_extreme_kernel(indptr, col, eid, a, ta, b, tb, op, mode, loff, roff, red, is_max, out, arg):
    """Row-wise max (``is_max``) or min of the messages; ``arg`` gets the winning entry or -1."""
    nrows = indptr.shape[0] - 1
    width = out.shape[1]
    for r in numba.prange(nrows):
        start = indptr[r]
        end = indptr[r + 1]
        for f in range(width):
            arg[r, f] = -1
        for k in range(np.int64(start), np.int64(end)):
            c = col[k]
            e = eid[k]
            ia = _pick(ta, c, e, r)
            ib = _pick(tb, c, e, r)
            for f in range(width):
                val = _value(a, ia, b, ib, f, op, mode, loff, roff, red)
                if arg[r, f] < 0 or (is_max and val > out[r, f]) or (not is_max and val < out[r, f]):
                    out[r, f] = val
                    arg[r, f] = k


@numba.njit(inline="always")
def _row_message(orow, ar, br, op, mode, loff, roff, red, width):
    """Write the message ``op(ar, br)`` of one entry into ``orow`` (all broadcast modes)."""
    if op == 0 and mode == 0:
        for f in range(width):
            orow[f] = ar[f]
    elif op == 1 and mode == 0:
        for f in range(width):
            orow[f] = ar[f] + br[f]
    elif op == 2 and mode == 0:
        for f in range(width):
            orow[f] = ar[f] * br[f]
    elif op == 2 and mode == 1:
        w = br[0]
        for f in range(width):
            orow[f] = ar[f] * w
    elif op == 3 and mode == 0:
        for f in range(width):
            base = f * red
            acc = 0.0
            for d in range(red):
                acc += ar[base + d] * br[base + d]
            orow[f] = acc
    else:
        blk = ar.shape[0] // br.shape[0] if br.shape[0] > 0 else 1
        for f in range(width):
            if op == 3:
                acc = 0.0
                ba = loff[f] * red
                bb = roff[f] * red
                for d in range(red):
                    acc += ar[ba + d] * br[bb + d]
                orow[f] = acc
                continue
            if mode == 1:
                x = ar[f]
                y = br[0]
            elif mode == 3:
                x = ar[f]
                y = br[f // blk]
            else:
                x = ar[loff[f]]
                y = br[roff[f]]
            if op == 0:
                orow[f] = x
            elif op == 1:
                orow[f] = x + y
            else:
                orow[f] = x * y


@parallel_kernel(cache=True, fastmath=_SUM_FLAGS)
def sddmm_kernel(indptr, col, eid, a, ta, b, tb, op, mode, loff, roff, red, zero, out):
    """``out[e] = op(a[ia], b[ib])`` for every entry ``e`` of every row.

    ``zero`` is a zero of the feature dtype, so dot products accumulate in that dtype.
    """
    nrows = indptr.shape[0] - 1
    width = out.shape[1]
    if op == 3 and mode == 0:
        for r in numba.prange(nrows):
            for k in range(np.int64(indptr[r]), np.int64(indptr[r + 1])):
                c = col[k]
                e = eid[k]
                ar = a[_pick(ta, c, e, r)]
                br = b[_pick(tb, c, e, r)]
                orow = out[np.int64(e)]
                for f in range(width):
                    acc = zero
                    base = f * red
                    for d in range(red):
                        acc += ar[base + d] * br[base + d]
                    orow[f] = acc
    elif op == 1 and mode == 0:
        for r in numba.prange(nrows):
            for k in range(np.int64(indptr[r]), np.int64(indptr[r + 1])):
                c = col[k]
                e = eid[k]
                ar = a[_pick(ta, c, e, r)]
                br = b[_pick(tb, c, e, r)]
                orow = out[np.int64(e)]
                for f in range(width):
                    orow[f] = ar[f] + br[f]
    else:
        for r in numba.prange(nrows):
            for k in range(np.int64(indptr[r]), np.int64(indptr[r + 1])):
                c = col[k]
                e = eid[k]
                _row_message(out[np.int64(e)], a[_pick(ta, c, e, r)], b[_pick(tb, c, e, r)],
                             op, mode, loff, roff, red, width)


@parallel_kernel(cache=True)
def edge_softmax_kernel(indptr, eid, x, out):
    """Softmax of ``x[eid[k], h]`` over the entries ``k`` of each row, per column ``h``.

    Each row's scores are read once into a scratch buffer laid out in row order, so the
    scattered edge rows are touched twice in all (one read, one write).
    """
    nrows = indptr.shape[0] - 1
    heads = x.shape[1]
    buf = np.empty((eid.shape[0], heads), dtype=x.dtype)
    # -inf and 0 in the scores' dtype: a float64 maximum would turn every exponential of
    # float32 scores into a double-precision one
    neg_inf = np.full(1, -np.inf, dtype=x.dtype)[0]
    zero = np.zeros(1, dtype=x.dtype)[0]
    for r in numba.prange(nrows):
        start = np.int64(indptr[r])
        end = np.int64(indptr[r + 1])
        if start == end:
            continue
        for k in range(start, end):
            xr = x[np.int64(eid[k])]
            br = buf[k]
            for h in range(heads):
                br[h] = xr[h]
        for h in range(heads):
            m = neg_inf
            for k in range(start, end):
                if buf[k, h] > m:
                    m = buf[k, h]
            if m == neg_inf:
                m = zero
            total = 0.0
            for k in range(start, end):
                ex = math.exp(buf[k, h] - m)
                buf[k, h] = ex
                total += ex
            inv = 1.0 / total if total > 0 else 0.0
            for k in range(start, end):
                buf[k, h] *= inv
        for k in range(start, end):
            orow = out[np.int64(eid[k])]
            br = buf[k]
            for h in range(heads):
                orow[h] = br[h]


@parallel_kernel(cache=True)
def edge_softmax_backward_kernel(indptr, eid, y, g, out):
    """Gradient of the row softmax: ``out = y * (g - sum_row(y * g))``."""
    nrows = indptr.shape[0] - 1
    heads = y.shape[1]
    ybuf = np.empty((eid.shape[0], heads), dtype=y.dtype)
    gbuf = np.empty((eid.shape[0], heads), dtype=y.dtype)
    for r in numba.prange(nrows):
        start = np.int64(indptr[r])
        end = np.int64(indptr[r + 1])
        if start == end:
            continue
        for k in range(start, end):
            e = np.int64(eid[k])
            yr = y[e]
            gr = g[e]
            for h in range(heads):
                ybuf[k, h] = yr[h]
                gbuf[k, h] = gr[h]
        for h in range(heads):
            s = 0.0
            for k in range(start, end):
                s += ybuf[k, h] * gbuf[k, h]
            for k in range(start, end):
                ybuf[k, h] = ybuf[k, h] * (gbuf[k, h] - s)
        for k in range(start, end):
            orow = out[np.int64(eid[k])]
            for h in range(heads):
                orow[h] = ybuf[k, h]


@parallel_kernel(cache=True)
def edge_softmax_by_edge_kernel(group, num_groups, nchunks, x, out):
    """Row softmax walking the entries in storage order: ``group[e]`` is entry ``e``'s row.

    Entries are read and written sequentially; per-row maxima and sums live in small
    per-chunk tables (``nchunks x num_groups x columns``) that are merged afterwards.
    """
    num = x.shape[0]
    heads = x.shape[1]
    size = (num + nchunks - 1) // nchunks
    part = np.empty((nchunks, num_groups, heads), dtype=x.dtype)
    for t in numba.prange(nchunks):
        p = part[t]
        p[:, :] = -np.inf
        for e in range(t * size, min(num, (t + 1) * size)):
            xr = x[e]
            pr = p[np.int64(group[e])]
            for h in range(heads):
                if xr[h] > pr[h]:
                    pr[h] = xr[h]
    top = np.empty((num_groups, heads), dtype=x.dtype)
    for v in numba.prange(num_groups):
        for h in range(heads):
            m = part[0, v, h]
            for t in range(1, nchunks):
                if part[t, v, h] > m:
                    m = part[t, v, h]
            top[v, h] = 0.0 if m == -np.inf else m
    sums = np.zeros((nchunks, num_groups, heads), dtype=np.float64)
    for t in numba.prange(nchunks):
        s = sums[t]
        for e in range(t * size, min(num, (t + 1) * size)):
            v = np.int64(group[e])
            xr = x[e]
            orow = out[e]
            tr = top[v]
            sr = s[v]
            for h in range(heads):
                ex = math.exp(xr[h] - tr[h])
                orow[h] = ex
                sr[h] += ex
    inv = np.empty((num_groups, heads), dtype=x.dtype)
    for v in numba.prange(num_groups):
        for h in range(heads):
            tot = 0.0
            for t in range(nchunks):
                tot += sums[t, v, h]
            inv[v, h] = 1.0 / tot if tot > 0 else 0.0
    for e in numba.prange(num):
        orow = out[e]
        ir = inv[np.int64(group[e])]
        for h in range(heads):
            orow[h] *= ir[h]


@parallel_kernel(cache=True)
def edge_softmax_backward_by_edge_kernel(group, num_groups, nchunks, y, g, out):
    """Gradient of :func:`edge_softmax_by_edge_kernel`: ``out = y * (g - sum_row(y * g))``."""
    num = y.shape[0]
    heads = y.shape[1]
    size = (num + nchunks - 1) // nchunks
    sums = np.zeros((nchunks, num_groups, heads), dtype=np.float64)
    for t in numba.prange(nchunks):
        s = sums[t]
        for e in range(t * size, min(num, (t + 1) * size)):
            sr = s[np.int64(group[e])]
            yr = y[e]
            gr = g[e]
            for h in range(heads):
                sr[h] += yr[h] * gr[h]
    total = np.empty((num_groups, heads), dtype=y.dtype)
    for v in numba.prange(num_groups):
        for h in range(heads):
            acc = 0.0
            for t in range(nchunks):
                acc += sums[t, v, h]
            total[v, h] = acc
    for e in numba.prange(num):
        yr = y[e]
        gr = g[e]
        orow = out[e]
        tr = total[np.int64(group[e])]
        for h in range(heads):
            orow[h] = yr[h] * (gr[h] - tr[h])
