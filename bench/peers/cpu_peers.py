#!/usr/bin/env python3
"""CPU peers: what a competent user would write instead of coopgrid on the CPU,
in numba (@njit(parallel=True), prange, plain loops) and PyTorch (CPU tensors).

  cpu_peers.py --framework numba|torch [--accuracy coopgrid] --workload w1 --batch DIR --reference REF.json \
      --rows ROWS.csv
  cpu_peers.py --framework numba|torch --workload w3 --grid GRID.toml --reference REF.json

W1: every metric of MODEL.md for every scenario of a binary batch (already in
memory, as np.load gives it), timed twice: "rows" (an n x 15 array) and
"reduce" (min, max and sum of every metric: what `coopgrid run --reduce`
reports). W3: the brute-force fold of a grid (every scenario visited), with
per-axis tables for everything that depends on one or two axes only (the
consensus formula per (M, C), log10 T per T), the closed forms of uniform
blocks (N equal countries: N * D, ...), and min, max, sum of every metric.

Before anything is timed the result is checked against coopgrid's on the same
input: W1 rows against a slice of `coopgrid run --shard K/N` (ROWS.csv), W1 and W3
reductions against coopgrid's --reduce JSON (min, max, mean of every metric),
|x - ref| <= 1e-9 |ref| + 1e-12; a mismatch prints every offending value and
exits 1. The first call (numba's JIT compile) is timed and reported apart
(`warmup_s`); the timing is the median of --repeats calls after it.
Prints one JSON line per timed variant. Exits 3 (with a message) when the
framework is not installed: bench/run.sh skips it.
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
    print("cpu_peers: NumPy is not installed for " + sys.executable + "; skipped", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import METRICS, linspace  # noqa: E402  (one home for the metric order and coopgrid's axis points)
from cpu_numba import numba_impl  # noqa: E402  (the numba peers)

NM = len(METRICS)
RTOL, ATOL = 1e-9, 1e-12  # --accuracy coopgrid: RTOL 1e-12 (rows) and ATOL 1e-300, README's f64 tolerance


# ---------------------------------------------------------------- inputs

def load_w1(path):
    col = lambda name: np.load(os.path.join(path, name + ".npy"))
    names = ["activities", "countries_per_activity", "country_offsets", "datasets", "country_share_prob",
             "standard_offsets", "standard_difficulty", "resource_offsets", "resource_share_prob",
             "ethics_offsets", "ethics_difficulty"]
    return [np.ascontiguousarray(col(n)) for n in names]


def axis(v):
    """A grid field (host/io/grid_reader.cpp): a scalar, a bare array, or {values|range|linspace|logspace}."""
    if isinstance(v, (int, float)):
        return np.array([float(v)])
    if isinstance(v, list):
        return np.array(v, dtype=float)
    if "values" in v:
        return np.array(v["values"], dtype=float)
    if "range" in v:
        r = v["range"]
        step = r[2] if len(r) > 2 else v.get("step", 1)
        return np.arange(r[0], r[1] + 1, step, dtype=float)
    kind = "linspace" if "linspace" in v else "logspace"
    lo, hi, n = v[kind]
    x = linspace(float(lo), float(hi), n) if n > 1 else np.array([float(lo)])
    return 10.0 ** x if kind == "logspace" else x


def load_grid(path):
    import tomllib
    with open(path, "rb") as f:
        g = tomllib.load(f)
    a = dict(count=axis(g["countries"]["count"]), datasets=axis(g["countries"]["datasets"]),
             share_prob=axis(g["countries"]["share_prob"]), std_count=axis(g["standards"]["count"]),
             std_diff=axis(g["standards"]["difficulty"]), activities=axis(g["exchange"]["activities"]))
    scalars = dict(G=g["exchange"]["countries_per_activity"], K=g["resources"]["count"],
                   r=g["resources"]["share_prob"], L=g["ethics"]["count"], dl=g["ethics"]["difficulty"])
    for k, v in scalars.items():
        if not isinstance(v, (int, float)):
            raise SystemExit(f"{path}: cpu_peers.py takes {k} as a scalar (the W3 and main grids do)")
    return a, scalars


def consensus_np(m, x):
    """1 - (1 - 1/M)^x with MODEL.md's edge cases, for the per-axis tables (NumPy, tiny arrays)."""
    m = np.asarray(m, dtype=float)
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        general = -np.expm1(x * np.log1p(-1.0 / np.where(m >= 2, m, 2.0)))
    return np.where(m == 0, 0.0, np.where(m == 1, (x > 0) * 1.0, general))


def w3_tables(a, s):
    """Per-axis tables: standards per (M, C), exchange per T, the constant blocks."""
    M, C = a["std_count"][:, None], a["std_diff"][None, :]
    pm = consensus_np(M, C)
    with np.errstate(divide="ignore"):
        lt = np.log10(a["activities"])
    G = float(s["G"])
    std = np.stack(np.broadcast_arrays(M * C, consensus_np(M, M * C), pm ** M, M * pm, np.where(C <= 1, M, 0.0)), -1)
    ex = np.stack([G * lt, G * (G + 1) / 2 * lt] if G > 0 else [0 * lt, 0 * lt], -1)
    L, dl = float(s["L"]), float(s["dl"])
    const = np.array([s["K"] * s["r"], L * dl, consensus_np(L, L * dl), consensus_np(L, dl) ** L])
    return np.ascontiguousarray(std), np.ascontiguousarray(ex), const


def fold_acc(acc):
    return acc[:, 0].min(0), acc[:, 1].max(0), acc[:, 2].sum(0)


# ---------------------------------------------------------------- PyTorch (CPU)

def torch_w1(torch, cols):
    """Vectorised over items: per-item terms, then torch.segment_reduce over each scenario's
    items (lengths from the CSR offsets, computed once outside the timing: 2.7x faster here than
    index_add_ onto repeat_interleave'd row ids, measured 2026-12-01)."""
    t = [torch.from_numpy(c) for c in cols]
    act, g, co, d, p, so, sd, ro, rp, eo, ed = t
    n = act.shape[0]
    lengths = {k: o[1:] - o[:-1] for k, o in (("c", co), ("s", so), ("r", ro), ("e", eo))}
    seg = {k: torch.repeat_interleave(torch.arange(n), lengths[k]) for k in ("s", "e")}  # item -> its scenario's M
    cnt = {k: lengths[k].double() for k in ("s", "e")}

    def per_scenario(key, x, how="sum"):
        return torch.segment_reduce(x, how, lengths=lengths[key], unsafe=True)

    def consensus(m, x):
        lq = torch.log1p(-1.0 / torch.where(m >= 2, m, torch.full_like(m, 2.0)))
        general = -torch.expm1(x * lq)
        return torch.where(m == 0, torch.zeros_like(x), torch.where(m == 1, (x > 0).double(), general))

    def rows():
        out = [per_scenario("c", d), per_scenario("c", p * d), per_scenario("c", d * p * (1 - p)),
               per_scenario("c", torch.floor(d * p))]
        for key, diff in (("s", sd), ("e", ed)):
            m = cnt[key]
            pm = consensus(m[seg[key]], diff)
            h = per_scenario(key, diff)
            block = [h, consensus(m, h), per_scenario(key, pm, "prod"), per_scenario(key, pm),
                     per_scenario(key, (diff <= 1).double())]
            out += block if key == "s" else block[:3]
            if key == "s":
                gd = g.double()
                lt = torch.log10(act)
                zero = torch.zeros_like(gd)
                out += [torch.where(g == 0, zero, gd * lt), torch.where(g == 0, zero, gd * (gd + 1) / 2 * lt),
                        per_scenario("r", rp)]
        return torch.stack(out, 1)

    def reduce():
        r = rows()
        return r.amin(0), r.amax(0), r.sum(0)

    return rows, reduce


def torch_w3(torch, a, s):
    """Per count value, every metric broadcast from its per-axis table over the block
    (datasets x share_prob x M x C x T), stacked into one 15 x block tensor and reduced along
    its rows: every scenario is visited. (Reducing the stride-0 views directly, without the
    stack, ran about 2x slower here: torch's reductions are slow over broadcast dimensions.)"""
    std, ex, const = (torch.from_numpy(x) for x in w3_tables(a, s))
    dat = torch.from_numpy(a["datasets"])[:, None]
    pr = torch.from_numpy(a["share_prob"])[None, :]
    shape = (dat.shape[0], pr.shape[1], std.shape[0], std.shape[1], ex.shape[0])
    country = [lambda n: n * dat * 1.0 + 0 * pr, lambda n: n * (pr * dat), lambda n: n * (dat * pr * (1 - pr)),
               lambda n: n * torch.floor(dat * pr)]

    def run():
        mn = torch.full((NM,), math.inf, dtype=torch.float64)
        mx = torch.full((NM,), -math.inf, dtype=torch.float64)
        sm = torch.zeros(NM, dtype=torch.float64)
        for n in a["count"]:
            views = [f(float(n))[:, :, None, None, None].expand(shape) for f in country]
            views += [std[None, None, :, :, k, None].expand(shape) for k in range(5)]
            views += [ex[None, None, None, None, :, k].expand(shape) for k in range(2)]
            views += [const[k].expand(shape) for k in range(4)]
            block = torch.stack(views).reshape(NM, -1)  # 15 x block, materialised: fast contiguous reductions
            mn = torch.minimum(mn, block.amin(1))
            mx = torch.maximum(mx, block.amax(1))
            sm += block.sum(1)
        return mn.numpy(), mx.numpy(), sm.numpy()

    return run


# ---------------------------------------------------------------- checks and timing

def check(label, got, ref):
    """got and ref: arrays of the same shape; fails loudly, naming every disagreeing value."""
    got, ref = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    same_inf = (got == ref)  # infinities equal only to the same infinity
    ok = same_inf | (np.abs(got - ref) <= ATOL + RTOL * np.abs(ref))
    ok &= ~np.isnan(got)
    if not ok.all():
        bad = np.argwhere(~ok)
        for idx in bad[:20]:
            idx = tuple(idx)
            print(f"cpu_peers: {label}: DISAGREES at {idx} (metric {METRICS[idx[-1]]}): got {got[idx]!r}, "
                  f"coopgrid {ref[idx]!r}", file=sys.stderr)
        raise SystemExit(f"cpu_peers: {label}: {len(bad)} values disagree with coopgrid beyond {RTOL:g} relative")


def check_reduce(label, mn, mx, sm, count, ref):
    if ref["selected"] != count:
        raise SystemExit(f"cpu_peers: {label}: {count} scenarios, coopgrid reduced {ref['selected']}")
    m = ref["metrics"]

    def stat(k, s):  # JSON has no infinity: the report writes null and names it under "not_finite"
        v = m[k][s]
        return float(m[k].get("not_finite", {}).get(s, "nan")) if v is None else v

    check(label + " min", mn, [stat(k, "min") for k in METRICS])
    check(label + " max", mx, [stat(k, "max") for k in METRICS])
    check(label + " mean", np.asarray(sm) / count, [stat(k, "mean") for k in METRICS])


def timed(fn, repeats):
    t0 = time.perf_counter()
    first = fn()
    warm = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return first, warm, (sorted(times)[len(times) // 2] if times else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--framework", choices=["numba", "torch"], required=True)
    ap.add_argument("--accuracy", choices=["plain", "coopgrid"], default="plain",
                    help="numba w1: plain sums and product, or coopgrid's (Neumaier sums, double-double P_all)")
    ap.add_argument("--workload", choices=["w1", "w3"], required=True)
    ap.add_argument("--batch")
    ap.add_argument("--rows", help="w1: rows of `coopgrid run BATCH --shard K/N` (CSV), checked row by row")
    ap.add_argument("--grid")
    ap.add_argument("--reference", required=True, help="coopgrid's --reduce JSON for the same input")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tag", default="w1", help="w1: the workload's name in the output (w1m: the 10^6 batch)")
    a = ap.parse_args()
    if a.accuracy == "coopgrid":
        global RTOL, ATOL
        RTOL, ATOL = 1e-12, 1e-300
    ref = json.load(open(a.reference))
    if list(ref["metrics"].keys()) != METRICS:
        raise SystemExit(f"{a.reference}: metrics {list(ref['metrics'])}, cpu_peers.py computes {METRICS}")
    try:
        if a.framework == "numba":
            import numba
            numba.set_num_threads(a.threads)
            version = "numba " + numba.__version__ + (" (coopgrid's accuracy)" if a.accuracy == "coopgrid" else "")
        else:
            import torch
            torch.set_num_threads(a.threads)
            version = "torch " + torch.__version__ + " (cpu)"
    except ImportError as e:
        print(f"cpu_peers: {a.framework} is not installed ({e}); skipped", file=sys.stderr)
        return 3
    results = []

    def emit(workload, scenarios, seconds, warm, note):
        results.append(dict(implementation=version, framework=a.framework, accuracy=a.accuracy,
                            workload=workload, threads=a.threads,
                            scenarios=scenarios, seconds=seconds, warmup_s=warm, repeats=a.repeats,
                            check="agrees with coopgrid", note=note))

    if a.workload == "w1":
        cols = load_w1(a.batch)
        n = cols[0].shape[0]
        if a.framework == "numba":
            w1_rows, w1_reduce, _ = numba_impl(a.accuracy == "coopgrid")
            out = np.empty((n, NM))
            rows = lambda: (w1_rows(*cols, out), out)[1]
            reduce = lambda: fold_acc(w1_reduce(*cols, 64 * a.threads))
        else:
            rows, reduce = torch_w1(__import__("torch"), cols)
        r0, warm_rows, t_rows = None, 0.0, 0.0

        def rows_np():
            r = rows()
            return r.numpy() if hasattr(r, "numpy") else r
        # check first (the first call also compiles), then time
        t0 = time.perf_counter()
        r0 = rows_np()
        warm_rows = time.perf_counter() - t0
        if a.rows:
            # `coopgrid run --shard K/N` rows; a W1 batch's ids are its row numbers
            want = np.loadtxt(a.rows, delimiter=",", skiprows=1, ndmin=2)
            check("w1 rows", r0[want[:, 0].astype(np.int64)], want[:, 1:])
        check_reduce("w1 rows reduced", r0.min(0), r0.max(0), r0.sum(0), n, ref)
        _, _, t_rows = timed(rows_np, a.repeats)
        emit(a.tag + "-rows", n, t_rows, warm_rows, "n x 15 array")
        t0 = time.perf_counter()
        mn, mx, sm = (np.asarray(x) for x in reduce())
        warm_red = time.perf_counter() - t0
        check_reduce("w1 reduce", mn, mx, sm, n, ref)
        _, _, t_red = timed(reduce, a.repeats)
        emit(a.tag + "-reduce", n, t_red, warm_red, "min, max, sum of every metric")
    else:
        axes, sc = load_grid(a.grid)
        n = int(np.prod([len(v) for v in axes.values()]))
        if a.framework == "numba":
            _, _, w3_fold = numba_impl()
            std, ex, const = w3_tables(axes, sc)
            run = lambda: fold_acc(w3_fold(axes["count"], axes["datasets"], axes["share_prob"], std, ex, const))
        else:
            run = torch_w3(__import__("torch"), axes, sc)
        (mn, mx, sm), warm, _ = timed(run, 0)
        check_reduce("w3 fold", mn, mx, sm, n, ref)
        _, _, t = timed(run, a.repeats)
        emit("w3-brute", n, t, warm, "per-axis tables, every scenario folded")
    for r in results:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
