#!/usr/bin/env python3
"""`coopgrid sobol` and `coopgrid morris` against DESIGNS.md section 3's formulas
re-implemented in NumPy (as SALib computes them, not SALib's code), on the rows of
the same design exported with `coopgrid run --design saltelli|morris`.

1. Sobol': Y standardised on all rows (SALib's sobol.analyze), then per group
   S1 = mean(B (AB_j - A)) / var([A, B]) (Saltelli 2010), ST = mean((A - AB_j)^2) / (2 var)
   (Jansen), S2 = mean(BA_j AB_k - A B) / var - S1_j - S1_k (Saltelli 2002). A constant
   metric must be NaN with a reason. First and second order, Sobol' and mc base points,
   a grouped problem (data/problem_sharing.toml) and one without groups.
2. Morris: EE_j = (y(x up) - y(x down)) / Delta with Delta = p / (2 (p - 1)), the moved
   coordinate and its direction read from the rows' parameter values (as SALib reads X);
   mu, mu_star and sigma (ddof 1).
Every index must agree to 1e-9 relative to max(1, |x|). If SALib happens to be
importable, its sobol.analyze and morris.analyze are compared too (not needed).

Usage: salib_check.py COOPGRID_BINARY DATA_DIR WORK_DIR. Exits 77 (CTest's skip) without NumPy.
"""
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError as e:
    print(f"skip: {e}")
    sys.exit(77)

binary, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
failures = []
checked = 0


def coopgrid(*args):
    subprocess.run([binary, *args, "--no-progress"], check=True)


def read_rows(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    values = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=float)
    return header, np.atleast_2d(values)


def close(name, got, want, tol=1e-9):
    global checked
    checked += 1
    if got is None:  # strict JSON: an undefined index (NaN) is written as null
        got = float("nan")
    if math.isnan(want):
        if not math.isnan(got):
            failures.append(f"{name}: {got}, expected NaN")
        return
    if not abs(got - want) <= tol * max(1.0, abs(want)):
        failures.append(f"{name}: {got!r} vs numpy {want!r} (diff {abs(got - want):.3g})")


@np.errstate(invalid="ignore", divide="ignore")  # var([A, B]) = 0: NaN, as coopgrid reports
def sobol_numpy(y, groups, second_order):
    """SALib's estimators on standardised Y; rows per base point: A, AB_1..AB_g, [BA_1..BA_g,] B."""
    step = 2 * groups + 2 if second_order else groups + 2
    y = y.reshape(-1, step)
    sd = y.std()
    if not sd > 0 or not np.all(np.isfinite(y)):
        return None
    y = (y - y.mean()) / sd
    a, b = y[:, 0], y[:, -1]
    ab = y[:, 1:1 + groups]
    var = np.var(np.r_[a, b])
    s1 = np.mean(b[:, None] * (ab - a[:, None]), axis=0) / var
    st = 0.5 * np.mean((a[:, None] - ab) ** 2, axis=0) / var
    s2 = {}
    if second_order:
        ba = y[:, 1 + groups:1 + 2 * groups]
        for j in range(groups):
            for k in range(j + 1, groups):
                s2[(j, k)] = np.mean(ba[:, j] * ab[:, k] - a * b) / var - s1[j] - s1[k]
    return s1, st, s2


def check_sobol(problem, n, seed, second_order=False, base="sobol", extra=()):
    tag = f"sobol {os.path.basename(problem)} n={n} seed={seed} so={second_order} base={base}"
    opts = ["--n", str(n), "--seed", str(seed), "--base", base, *extra] + (["--second-order"] if second_order else [])
    rows = os.path.join(work, "saltelli.csv")
    out = os.path.join(work, "sobol.json")
    coopgrid("run", problem, "--design", "saltelli", *opts, "--backend", "cpu", "-o", rows)
    coopgrid("sobol", problem, *opts, "--backend", "cpu", "--bootstrap", "0", "-o", out)
    header, values = read_rows(rows)
    report = json.load(open(out))
    labels = report["parameters"]
    groups = len(labels)
    step = 2 * groups + 2 if second_order else groups + 2
    if values.shape[0] != n * step or report["evaluations"] != n * step:
        failures.append(f"{tag}: {values.shape[0]} rows, {report['evaluations']} evaluations, expected {n * step}")
        return
    for metric, got in report["metrics"].items():
        y = values[:, header.index(metric)]
        want = sobol_numpy(y, groups, second_order)
        if want is None:  # constant or not finite: NaN with a reason
            if "reason" not in got or not all(v is None or math.isnan(v) for v in got["S1"].values()):
                failures.append(f"{tag} {metric}: a constant metric must give NaN with a reason: {got}")
            continue
        s1, st, s2 = want
        for j, label in enumerate(labels):
            close(f"{tag} {metric} S1 {label}", got["S1"][label], s1[j])
            close(f"{tag} {metric} ST {label}", got["ST"][label], st[j])
        for (j, k), v in s2.items():
            close(f"{tag} {metric} S2 {labels[j]},{labels[k]}", got["S2"][f"{labels[j]},{labels[k]}"], v)
        if HAVE_SALIB:
            r = salib_sobol.analyze({"num_vars": groups, "names": labels, "bounds": [[0, 1]] * groups},
                                    y, calc_second_order=second_order, num_resamples=2, print_to_console=False)
            for j, label in enumerate(labels):
                close(f"{tag} {metric} SALib S1 {label}", got["S1"][label], float(r["S1"][j]))
                close(f"{tag} {metric} SALib ST {label}", got["ST"][label], float(r["ST"][j]))


def check_morris(problem, r, seed, levels):
    tag = f"morris {os.path.basename(problem)} r={r} seed={seed} levels={levels}"
    opts = ["--seed", str(seed), "--levels", str(levels)]
    rows = os.path.join(work, "morris.csv")
    out = os.path.join(work, "morris.json")
    coopgrid("run", problem, "--design", "morris", "--n", str(r), *opts, "--backend", "cpu", "-o", rows)
    coopgrid("morris", problem, "--trajectories", str(r), *opts, "--backend", "cpu", "--bootstrap", "0", "-o", out)
    header, values = read_rows(rows)
    report = json.load(open(out))
    names = report["parameters"]
    k = len(names)
    x = values[:, [header.index(nm) for nm in names]].reshape(r, k + 1, k)
    dx = x[:, 1:, :] - x[:, :-1, :]
    moved = dx != 0
    if not np.all(moved.sum(axis=2) == 1):
        failures.append(f"{tag}: a step that does not move exactly one parameter")
        return
    delta = levels / (2.0 * (levels - 1))
    for metric, got in report["metrics"].items():
        y = values[:, header.index(metric)].reshape(r, k + 1)
        dy = y[:, 1:] - y[:, :-1]  # step s: rows s -> s + 1
        ee = np.zeros((r, k))
        for s in range(k):
            j = np.argmax(moved[:, s, :], axis=1)
            up = dx[np.arange(r), s, j] > 0
            ee[np.arange(r), j] = np.where(up, dy[:, s], -dy[:, s]) / delta  # a step down read upwards
        mu, mu_star, sigma = ee.mean(axis=0), np.abs(ee).mean(axis=0), ee.std(axis=0, ddof=1)
        for j, nm in enumerate(names):
            close(f"{tag} {metric} mu {nm}", got["mu"][nm], mu[j])
            close(f"{tag} {metric} mu_star {nm}", got["mu_star"][nm], mu_star[j])
            close(f"{tag} {metric} sigma {nm}", got["sigma"][nm], sigma[j])
        if HAVE_SALIB:
            problem_dict = {"num_vars": k, "names": names, "bounds": [[0, 1]] * k}
            res = salib_morris.analyze(problem_dict, values[:, [header.index(nm) for nm in names]], y.reshape(-1),
                                       num_levels=levels, num_resamples=2, print_to_console=False)
            for j, nm in enumerate(names):
                close(f"{tag} {metric} SALib mu_star {nm}", got["mu_star"][nm], float(res["mu_star"][j]), 1e-6)


try:
    from SALib.analyze import morris as salib_morris
    from SALib.analyze import sobol as salib_sobol
    HAVE_SALIB = True
except ImportError:
    HAVE_SALIB = False

sharing = os.path.join(data, "problem_sharing.toml")  # six groups
plain = os.path.join(data, "problem_morris.toml")  # seven parameters, no groups
check_sobol(plain, 1000, 0)
check_sobol(plain, 300, 4, second_order=True)
check_sobol(plain, 500, 9, base="mc")
check_sobol(plain, 400, 2, extra=("--scramble",))
check_sobol(sharing, 700, 1)
check_sobol(sharing, 257, 3, second_order=True, base="mc")
check_morris(plain, 400, 0, 4)
check_morris(plain, 300, 7, 6)

if failures:
    print(f"{len(failures)} of {checked} checks failed:")
    for f in failures[:40]:
        print("  " + f)
    sys.exit(1)
print(f"ok: {checked} indices agree with the NumPy formulas to 1e-9" + (" and with SALib" if HAVE_SALIB else ""))
