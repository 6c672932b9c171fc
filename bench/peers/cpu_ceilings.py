#!/usr/bin/env python3
"""The two CPU ceilings bench/RESULTS.md divides the counts by, measured in the same run
(METHOD.md: count first, then measure the ceilings once): memory bandwidth (a parallel copy
of 1 GiB, bytes read + written) and the rate of libm's expm1 / log1p (the transcendentals
of the consensus formula), both on every core through numba, median of 5 after a warm-up.

  cpu_ceilings.py [--threads N]      one JSON line per ceiling; exits 3 without numba
"""
import argparse
import json
import math
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    print("cpu_ceilings: NumPy is not installed for " + sys.executable + "; skipped", file=sys.stderr)
    sys.exit(3)


def median_time(fn, reps=5):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return sorted(ts)[reps // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    try:
        import numba
        from numba import njit, prange
    except ImportError:
        print("cpu_ceilings: numba is not installed; skipped", file=sys.stderr)
        return 3
    numba.set_num_threads(a.threads)

    @njit(parallel=True)
    def copy(src, dst):
        for i in prange(src.shape[0]):
            dst[i] = src[i]

    @njit(parallel=True)
    def transcendentals(x):  # expm1 and log1p per element: two calls, summed so none is dropped
        s = 0.0
        for i in prange(x.shape[0]):
            s += -math.expm1(x[i] * math.log1p(-1.0 / (2.0 + x[i])))
        return s

    n = 1 << 27  # 1 GiB of float64: far beyond any cache
    src = np.random.default_rng(1).random(n)
    dst = np.empty_like(src)
    t = median_time(lambda: copy(src, dst))
    print(json.dumps(dict(ceiling="memory copy (read + write)", threads=a.threads, bytes=2 * 8 * n, seconds=t,
                          rate=2 * 8 * n / t, unit="B/s")))
    x = src[: 1 << 24] * 5
    t = median_time(lambda: transcendentals(x))
    print(json.dumps(dict(ceiling="libm expm1 + log1p pairs", threads=a.threads, calls=2 * x.shape[0], seconds=t,
                          rate=2 * x.shape[0] / t, unit="calls/s")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
