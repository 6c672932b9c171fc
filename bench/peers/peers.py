#!/usr/bin/env python3
"""What a competent user would write instead of coopgrid: the model of
MODEL.md in NumPy, CuPy, PyTorch or JAX, on padded arrays (W1, ragged lists)
and broadcast grids (W3). Results are checked against coopgrid's before they
are timed; the timing is the median of --repeats runs after a warm-up.

  peers.py --framework numpy|cupy|torch|jax --workload w1 --batch DIR --reference REF.json
  peers.py --framework ... --workload w3 --blocks B --reference REF.json

Prints one JSON line: framework, workload, precision, scenarios, seconds, check.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

np.seterr(divide="ignore", invalid="ignore")  # log10(0) = -inf is intended (T = 0)

# The metrics in coopgrid's column order (kernels/metrics.hpp; a coopgrid test
# checks this list against that table). The metrics are computed positionally
# in this order and checked against coopgrid's report by these names.
METRICS = [
    "datasets_total", "shared_expected", "shared_variance", "shared_quota",
    "standards_difficulty", "standards_p_any", "standards_p_all", "standards_expected", "standards_constrained",
    "exchange_effect_log10", "exchange_total_log10", "resources_shared",
    "ethics_difficulty", "ethics_q_any", "ethics_q_all",
]
P_ANY, SHARED = METRICS.index("standards_p_any"), METRICS.index("shared_expected")  # W3's --where and --by


def framework(name, device="cuda"):
    """(xp, to_device, sync, jit) for a framework name."""
    if name == "numpy":
        return np, (lambda a: a), (lambda: None), (lambda f: f)
    if name == "cupy":
        import cupy as cp
        return cp, cp.asarray, (lambda: cp.cuda.Device().synchronize()), (lambda f: f)
    if name == "torch":
        import torch
        dev = torch.device(device)
        sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)

        class T:  # the numpy spellings used below, on torch
            float32, float64 = torch.float32, torch.float64
            inf = math.inf
            expm1, log1p, log, log10, exp, where = torch.expm1, torch.log1p, torch.log, torch.log10, torch.exp, torch.where

            @staticmethod
            def sum(a, axis=None):
                return a.sum() if axis is None else a.sum(dim=axis)

            @staticmethod
            def prod(a, axis):
                return a.prod(dim=axis)

            @staticmethod
            def max(a):
                return a.max()

            @staticmethod
            def ones(shape, dtype):
                return torch.ones(shape, dtype=dtype, device=dev)

            zeros_like, full_like = torch.zeros_like, torch.full_like
            stack, maximum, minimum, concatenate = torch.stack, torch.maximum, torch.minimum, torch.cat

            @staticmethod
            def asarray(a, dtype=None):
                return torch.as_tensor(a, dtype=dtype, device=dev)

        return T, (lambda a: torch.as_tensor(a, device=dev)), sync, (lambda f: f)
    if name == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        return jnp, jax.device_put, (lambda: None), jax.jit
    raise SystemExit(f"unknown framework {name}")


def topk(name, values, k):
    """The k largest values of a 1-D array (unordered), in each framework's idiom."""
    if name == "torch":
        import torch
        return torch.topk(values, k).values
    if name == "jax":
        import jax
        return jax.lax.top_k(values, k)[0]
    xp = np if name == "numpy" else __import__("cupy")
    return values[xp.argpartition(values, -k)[-k:]]


def to_host(a):
    if hasattr(a, "get"):
        return a.get()  # cupy
    if hasattr(a, "cpu"):
        return a.cpu().numpy()  # torch
    return np.asarray(a)


def quota(xp, d, p):
    """floor(d * p) with the product formed in float64 (exact for float32 inputs), in d's dtype."""
    if hasattr(d, "double"):  # torch
        return (d.double() * p.double()).floor().to(d.dtype)
    return xp.floor(d.astype(np.float64) * p.astype(np.float64)).astype(d.dtype)


def consensus(xp, count, x):
    """1 - (1 - 1/M)^x with MODEL.md's edge cases (M = 0: 0; M = 1: 0^x)."""
    m = count * 1.0
    # where() gets arrays on both sides: CuPy and PyTorch are pickier than NumPy about scalars.
    lq = xp.log1p(-1.0 / xp.where(m >= 2, m, 2.0 + 0.0 * m))
    general = -xp.expm1(x * lq)
    return xp.where(m == 0, 0.0 * x, xp.where(m == 1, (x > 0) * 1.0, general))


def w1_metrics(xp, b):
    """All metrics (METRICS order) of padded batch arrays b (mask = item present)."""
    d, p, cm = b["datasets"], b["share_prob"], b["cmask"]
    total = xp.sum(d * cm, axis=1)
    shared = xp.sum(p * d * cm, axis=1)
    var = xp.sum(d * p * (1 - p) * cm, axis=1)
    out = [total, shared, var, xp.sum(quota(xp, d, p) * cm, axis=1)]
    for diff, mask in ((b["std"], b["smask"]), (b["eth"], b["emask"])):
        count = xp.sum(mask, axis=1)
        h = xp.sum(diff * mask, axis=1)
        pm = consensus(xp, count[:, None], diff)
        p_all = xp.prod(xp.where(mask > 0, pm, 1.0 + 0.0 * pm), axis=1)
        block = [h, consensus(xp, count, h), p_all, xp.sum(pm * mask, axis=1), xp.sum((diff <= 1) * mask, axis=1)]
        if diff is b["std"]:
            std_block = block
        else:
            eth_block = block[:3]
    g, t = b["g"], b["activities"]
    lt = xp.log10(t)
    effect = xp.where(g == 0, 0.0 * g, g * lt)
    etotal = xp.where(g == 0, 0.0 * g, g * (g + 1) / 2 * lt)
    res = xp.sum(b["res"] * b["rmask"], axis=1)
    return check_count(out + std_block + [effect, etotal, res] + eth_block)


def check_count(metrics):
    assert len(metrics) == len(METRICS), f"{len(metrics)} metrics computed, METRICS names {len(METRICS)}"
    return metrics


def load_w1(path, dtype):
    """The binary batch written by coopgrid_bench --write-w1, padded (not timed)."""
    col = lambda name: np.load(os.path.join(path, name + ".npy"))
    n = col("activities").shape[0]

    def pad(offsets, values, width):
        counts = np.diff(offsets)
        w = int(counts.max()) if width is None else width
        out = np.zeros((n, w), dtype=dtype)
        mask = np.zeros((n, w), dtype=dtype)
        rows = np.repeat(np.arange(n), counts)
        cols = np.arange(offsets[-1]) - np.repeat(offsets[:-1], counts)
        out[rows, cols] = values
        mask[rows, cols] = 1
        return out, mask

    co = col("country_offsets")
    d, cm = pad(co, col("datasets"), None)
    p, _ = pad(co, col("country_share_prob"), d.shape[1])
    s, sm = pad(col("standard_offsets"), col("standard_difficulty"), None)
    r, rm = pad(col("resource_offsets"), col("resource_share_prob"), None)
    e, em = pad(col("ethics_offsets"), col("ethics_difficulty"), None)
    return n, dict(datasets=d, share_prob=p, cmask=cm, std=s, smask=sm, res=r, rmask=rm, eth=e, emask=em,
                   g=col("countries_per_activity").astype(dtype), activities=col("activities").astype(dtype))


def linspace(lo, hi, n):
    """coopgrid's axis points (host/source/grid.cpp), to the bit: np.linspace rounds some interior
    points differently, and shared_quota's floor turns an ulp (100 * 0.57) into a whole dataset."""
    x = lo + (hi - lo) * (np.arange(n) / (n - 1))
    x[-1] = hi
    return x


W3_AXES = dict(count=np.arange(1, 101), datasets=10.0 ** linspace(2, 6, 10), share_prob=linspace(0, 1, 101),
               std_count=np.arange(1, 51), std_diff=linspace(0, 5, 100), activities=linspace(0, 20, 20))


def w3_block(xp, n, d, axes):
    """Metrics of all scenarios with countries.count = n and countries.datasets = d,
    broadcast over share_prob x standards.count x standards.difficulty x activities
    (1.01e7 scenarios: a block that fits any GPU's memory many times)."""
    p = axes["share_prob"][:, None, None, None]
    m = axes["std_count"][None, :, None, None]
    c = axes["std_diff"][None, None, :, None]
    t = axes["activities"][None, None, None, :]
    one = xp.ones((p.shape[0], m.shape[1], c.shape[2], t.shape[3]), dtype=p.dtype)
    pm = consensus(xp, m, c)
    h = m * c
    lt = xp.log10(t)
    # Ethics is the same for every scenario (2 items of difficulty 0.2): host constants.
    l, dl = 2.0, 0.2
    q = float(consensus(np, np.float64(l), np.float64(dl)))
    q_any = float(consensus(np, np.float64(l), np.float64(l * dl)))
    # d is a Python float: d + 0 * p rounds it to p's dtype, as coopgrid's f32 grid does.
    return check_count([
        n * d * one, n * p * d * one, n * d * p * (1 - p) * one, n * quota(xp, d + 0.0 * p, p) * one, h * one,
        consensus(xp, m, h) * one, xp.exp(m * xp.log(pm)) * one, m * pm * one, xp.where(c <= 1, m, 0.0 * m) * one,
        5 * lt * one, 15 * lt * one, 2.5 * one, (l * dl) * one, q_any * one, (q * q) * one])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--framework", required=True)
    ap.add_argument("--workload", choices=["w1", "w3"], required=True)
    ap.add_argument("--precision", choices=["f64", "f32"], default="f64")
    ap.add_argument("--batch")
    ap.add_argument("--blocks", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--reference", required=True, help="coopgrid's --reduce JSON for the same work")
    ap.add_argument("--device", default="cuda", help="torch only: cpu checks the code on a machine without a GPU")
    a = ap.parse_args()
    xp, put, sync, jit = framework(a.framework, a.device)
    npdt = np.float32 if a.precision == "f32" else np.float64
    ref = json.load(open(a.reference))
    names = list(ref["metrics"].keys())
    if names != METRICS:
        raise SystemExit(f"{a.reference}: metrics {names}, peers.py computes {METRICS} (another coopgrid version?)")
    rtol = 1e-3 if a.precision == "f32" else 1e-9

    if a.workload == "w1":
        n, host = load_w1(a.batch, npdt)
        dev = {k: put(v) for k, v in host.items()}
        fn = jit(lambda b: [xp.sum(x) for x in w1_metrics(xp, b)])
        run = lambda: [float(s) for s in fn(dev)]
        scenarios = n
    else:
        axes = {k: put(v.astype(npdt)) for k, v in W3_AXES.items()}
        top_k = ref["top"]["k"] if "top" in ref else 100

        # Everything stays on the device until the end: per block, the metrics' sums,
        # maxima and minima, the count and a running top-K are folded into
        # accumulators (one jitted step per block for JAX); one transfer at the end.
        def block_step(n, d, ax, acc):
            sums, maxes, mins, count, top = acc
            metrics = w3_block(xp, n, d, ax)
            sel = metrics[P_ANY] >= 0.5  # --where standards_p_any>=0.5
            low = lambda x: xp.full_like(x, -math.inf)
            s = xp.stack([xp.sum(xp.where(sel, x, xp.zeros_like(x))) for x in metrics])
            mx = xp.stack([xp.max(xp.where(sel, x, low(x))) for x in metrics])
            mn = xp.stack([-xp.max(xp.where(sel, -x, low(x))) for x in metrics])
            cand = topk(a.framework, xp.where(sel, metrics[SHARED], low(metrics[SHARED])).reshape(-1), top_k)
            top = topk(a.framework, xp.concatenate([top, cand]), top_k)
            return sums + s, xp.maximum(maxes, mx), xp.minimum(mins, mn), count + xp.sum(sel * 1.0), top

        step = jit(block_step)

        def run():
            nm = len(METRICS)
            acc = (put(np.zeros(nm, npdt)), put(np.full(nm, -np.inf, npdt)), put(np.full(nm, np.inf, npdt)),
                   put(np.zeros((), np.float64)), put(np.full(top_k, -np.inf, npdt)))  # counts pass 2^24
            for n in range(1, a.blocks + 1):
                for d in W3_AXES["datasets"]:
                    acc = step(float(n), float(d), axes, acc)
            sums, maxes, mins, count, top = (to_host(x) for x in acc)
            return ([float(x) for x in sums], [float(x) for x in maxes], [float(x) for x in mins], float(count),
                    sorted((float(x) for x in top), reverse=True))
        scenarios = a.blocks * 10 * 101 * 50 * 100 * 20

    result = run()  # warm-up (and JIT compile), then check against coopgrid's report
    sync()
    close = lambda x, k, field: (not math.isfinite(ref["metrics"][k][field]) or
                                 math.isclose(x, ref["metrics"][k][field], rel_tol=rtol, abs_tol=1e-12))
    if a.workload == "w1":
        check = all(close(s / n, k, "mean") for s, k in zip(result, names))
        top_ok = True
    else:
        sums, maxes, mins, count, tops = result
        check = count == ref["selected"] and all(
            close(s / count, k, "mean") and close(mx, k, "max") and close(mn, k, "min")
            for s, mx, mn, k in zip(sums, maxes, mins, names))
        check = check and all(math.isclose(x, r["value"], rel_tol=rtol) for x, r in zip(tops, ref["top"]["rows"]))
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        run()
        sync()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps(dict(framework=a.framework, workload=a.workload, precision=a.precision,
                          scenarios=scenarios, seconds=times[len(times) // 2],
                          check="agrees with coopgrid" if check else "DISAGREES with coopgrid")))
    return 0 if check else 1


if __name__ == "__main__":
    sys.exit(main())
