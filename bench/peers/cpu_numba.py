"""cpu_peers.py's numba peers (W1's rows and reduction, W3's brute-force fold), as a competent
numba user writes them: @njit(parallel=True), prange, plain loops; and W1 with coopgrid's
accuracy (--accuracy coopgrid). Imported by cpu_peers.py only when numba is asked for."""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import METRICS  # noqa: E402  (one home for the metric order)

NM = len(METRICS)


def numba_accurate_scenario():
    """W1's scenario with coopgrid's accuracy (README, "Precision and agreement"): Neumaier sums
    and P_all as a double-double with an exponent of its own, the factor 1 - e never rounded
    where P > 1/2; what a user who wants coopgrid's digits writes (TwoProduct by Veltkamp
    splitting: Python 3.11 has no math.fma)."""
    from numba import njit

    @njit
    def add(s, c, x):  # Neumaier
        t = s + x
        c += (s - t) + x if abs(s) >= abs(x) else (x - t) + s
        return t, c

    @njit
    def two_prod(a, b):
        p = a * b
        t = 134217729.0 * a
        ah = t - (t - a)
        t = 134217729.0 * b
        bh = t - (t - b)
        al, bl = a - ah, b - bh
        return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl

    @njit
    def renorm(h, l, sc):
        hi = h + l
        lo = l - (hi - h)
        if hi < 2.0 ** -256:
            hi, lo, sc = hi * 2.0 ** 256, lo * 2.0 ** 256, sc - 256
        return hi, lo, sc

    @njit
    def consensus_block(s, off, diff, base, full, v):
        m = off[s + 1] - off[s]
        lq = math.log1p(-1.0 / m) if m >= 2 else 0.0
        h = hc = ex = exc = 0.0
        hi, lo, sc = 1.0, 0.0, 0
        zero = False
        cons = 0.0
        for i in range(off[s], off[s + 1]):
            x = diff[i]
            h, hc = add(h, hc, x)
            cons += 1.0 if x <= 1.0 else 0.0
            e, near = 0.0, False
            if m == 1:
                p = 1.0 if x > 0 else 0.0
            else:
                y = x * lq
                near = y < -0.6931471805599453
                if near:
                    e = math.exp(y)
                    p = 1.0 - e
                else:
                    p = -math.expm1(y)
            ex, exc = add(ex, exc, p)
            if p <= 0.0:
                zero = True
            elif near:  # times (1 - e), unrounded
                th, tl = two_prod(hi, e)
                t = hi - th
                hi, lo, sc = renorm(t, (((hi - t) - th) - tl) + (lo - lo * e), sc)
            else:
                if p < 2.0 ** -256:
                    p, sc = p * 2.0 ** 512, sc - 512
                th, tl = two_prod(hi, p)
                hi, lo, sc = renorm(th, tl + lo * p, sc)
        h += hc
        pall = 0.0 if zero or sc < -2200 else math.ldexp(hi + lo, sc)
        if m == 0:
            ph = 0.0
        elif m == 1:
            ph = 1.0 if h > 0 else 0.0
        else:
            ph = -math.expm1(h * lq)
        v[base], v[base + 1], v[base + 2] = h, ph, pall
        if full:
            v[base + 3], v[base + 4] = ex + exc, cons

    @njit
    def scenario(s, act, g, co, d, p, so, sd, ro, rp, eo, ed, v):
        tot = tc = sh = shc = var = vc = q = 0.0
        for i in range(co[s], co[s + 1]):
            di, pi = d[i], p[i]
            tot, tc = add(tot, tc, di)
            sh, shc = add(sh, shc, pi * di)
            var, vc = add(var, vc, di * pi * (1.0 - pi))
            q += math.floor(di * pi)
        v[0], v[1], v[2], v[3] = tot + tc, sh + shc, var + vc, q
        consensus_block(s, so, sd, 4, True, v)
        consensus_block(s, eo, ed, 12, False, v)
        G = g[s]
        if G == 0:
            v[9] = v[10] = 0.0
        else:
            lt = np.log10(act[s])
            v[9] = G * lt
            v[10] = (G * (G + 1) // 2) * lt
        r = rc = 0.0
        for i in range(ro[s], ro[s + 1]):
            r, rc = add(r, rc, rp[i])
        v[11] = r + rc

    return scenario


def numba_impl(accurate=False):
    from numba import njit, prange

    @njit
    def consensus(m, lq, x):  # lq = log1p(-1/m), hoisted per scenario
        if m == 0:
            return 0.0
        if m == 1:
            return 1.0 if x > 0 else 0.0
        return -math.expm1(x * lq)

    @njit
    def consensus_block(s, off, diff, base, full, v):  # standards (full) or ethics
        m = off[s + 1] - off[s]
        lq = math.log1p(-1.0 / m) if m >= 2 else 0.0
        h, pall, expd, cons = 0.0, 1.0, 0.0, 0.0
        for i in range(off[s], off[s + 1]):
            c = diff[i]
            pmi = consensus(m, lq, c)
            h += c
            pall *= pmi
            expd += pmi
            cons += 1.0 if c <= 1.0 else 0.0
        v[base], v[base + 1], v[base + 2] = h, consensus(m, lq, h), pall
        if full:
            v[base + 3], v[base + 4] = expd, cons

    @njit
    def scenario(s, act, g, co, d, p, so, sd, ro, rp, eo, ed, v):
        tot = sh = var = q = 0.0
        for i in range(co[s], co[s + 1]):
            di, pi = d[i], p[i]
            tot += di
            sh += pi * di
            var += di * pi * (1.0 - pi)
            q += math.floor(di * pi)
        v[0], v[1], v[2], v[3] = tot, sh, var, q
        consensus_block(s, so, sd, 4, True, v)
        consensus_block(s, eo, ed, 12, False, v)
        G = g[s]
        if G == 0:
            v[9] = v[10] = 0.0
        else:
            lt = np.log10(act[s])  # -inf at T = 0
            v[9] = G * lt
            v[10] = (G * (G + 1) // 2) * lt
        r = 0.0
        for i in range(ro[s], ro[s + 1]):
            r += rp[i]
        v[11] = r

    if accurate:
        scenario = numba_accurate_scenario()  # noqa: F811 (the same loops below, coopgrid's accuracy)

    @njit(parallel=True)
    def w1_rows(act, g, co, d, p, so, sd, ro, rp, eo, ed, out):
        for s in prange(act.shape[0]):
            scenario(s, act, g, co, d, p, so, sd, ro, rp, eo, ed, out[s])

    @njit(parallel=True)
    def w1_reduce(act, g, co, d, p, so, sd, ro, rp, eo, ed, chunks):
        n = act.shape[0]
        acc = np.empty((chunks, 3, NM))
        for k in prange(chunks):
            mn = np.full(NM, np.inf)
            mx = np.full(NM, -np.inf)
            sm = np.zeros(NM)
            v = np.empty(NM)
            for s in range(k * n // chunks, (k + 1) * n // chunks):
                scenario(s, act, g, co, d, p, so, sd, ro, rp, eo, ed, v)
                for j in range(NM):
                    mn[j] = min(mn[j], v[j])
                    mx[j] = max(mx[j], v[j])
                    sm[j] += v[j]
            acc[k, 0], acc[k, 1], acc[k, 2] = mn, mx, sm
        return acc

    @njit(parallel=True)
    def w3_fold(cnt, dat, prob, std, ex, const):
        nd, npb, nm, nc, nt = dat.shape[0], prob.shape[0], std.shape[0], std.shape[1], ex.shape[0]
        blocks = cnt.shape[0] * nd
        acc = np.empty((blocks, 3, NM))
        for j in prange(blocks):  # one (countries.count, datasets) pair per iteration
            n, dd = cnt[j // nd], dat[j % nd]
            mn = np.full(NM, np.inf)
            mx = np.full(NM, -np.inf)
            sm = np.zeros(NM)
            v = np.empty(NM)
            v[11], v[12], v[13], v[14] = const[0], const[1], const[2], const[3]
            for ip in range(npb):
                pp = prob[ip]  # N equal countries: closed forms
                v[0], v[1], v[2], v[3] = n * dd, n * (pp * dd), n * (dd * pp * (1.0 - pp)), n * math.floor(dd * pp)
                for a in range(nm):
                    for b in range(nc):
                        v[4], v[5], v[6], v[7], v[8] = std[a, b, 0], std[a, b, 1], std[a, b, 2], std[a, b, 3], std[a, b, 4]
                        for t in range(nt):
                            v[9], v[10] = ex[t, 0], ex[t, 1]
                            for k in range(NM):  # the fold: every metric of every scenario
                                mn[k] = min(mn[k], v[k])
                                mx[k] = max(mx[k], v[k])
                                sm[k] += v[k]
            acc[j, 0], acc[j, 1], acc[j, 2] = mn, mx, sm
        return acc

    return w1_rows, w1_reduce, w3_fold
