#!/usr/bin/env python3
"""Scenario discovery at scale (issue #26 item 6): `coopgrid prim` against EMA Workbench's PRIM.

    PYTHONPATH=python:build/python PYTHON_WITH_EMA=<python with ema_workbench> \\
        python3 bench/peers/prim_peers.py build/coopgrid [--sizes 1e5,1e6,1e7] [--ema-sizes 1e5,1e6] \\
        [--streamed-sizes 1e6,1e7,1e8]

Each case runs in its own process, timed (wall) with its peak resident memory (GNU time's %M).
coopgrid: the grids data/grid_main.toml (8.64e7) and data/grid_big.toml (1.01e10) counted
block by block, and a Latin hypercube of data/problem_sharing.toml at each size, evaluated into
rows and searched (--exact: EMA's quantiles, rows in memory), and at each streamed size searched
--streamed (one pass a step through per-input histograms, cuts between 1,024 bins an input). EMA: `prim.Prim(x, y, threshold=0.8)` with the default alphas on the same
design's rows (made by coopgrid, outside the clock), the same cases of interest; its trajectory's
length and last box are checked against coopgrid's before the figures are printed.
"""
import argparse
import json
import os
import subprocess
import sys
import time

WHERE = "shared_expected >= 3000"


def timed(cmd, env=None):
    """(seconds, peak RSS in MB, stdout) of one child process (GNU time's %M: this child alone)."""
    import tempfile
    with tempfile.NamedTemporaryFile("r") as peak:
        t0 = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name, *cmd], check=True, capture_output=True,
                             text=True, env=env).stdout
        seconds = time.perf_counter() - t0
        return seconds, int(peak.read().split()[-1]) / 1024, out


EMA_CHILD = r"""
import json, sys, time, logging
import numpy as np, pandas as pd
import coopgrid
from ema_workbench.analysis import prim
logging.getLogger("EMA").setLevel(logging.ERROR)
n = int(sys.argv[1])
rows = coopgrid.run("data/problem_sharing.toml", design="lhs", n=n, seed=1)
params = [c for c in rows.columns if c != "scenario" and c not in coopgrid.metric_names]
x, y = rows[params], (rows["shared_expected"].to_numpy() >= 3000).astype(int)
del rows
t0 = time.perf_counter()
box = prim.Prim(x, y, threshold=0.8).find_box()
seconds = time.perf_counter() - t0
t = box.peeling_trajectory
print(json.dumps({"seconds": seconds, "steps": len(t), "coverage": float(t.coverage.iloc[-1]),
                  "density": float(t.density.iloc[-1])}))
"""


def coopgrid_case(binary, label, args):
    seconds, rss, out = timed([binary, "prim", *args, "--where", WHERE, "--json"])
    r = json.loads(out)
    last = r["trajectory"][-1]
    return {"case": label, "impl": "coopgrid", "rows": r["scenarios"], "seconds": seconds, "rss_mb": rss,
            "steps": len(r["trajectory"]), "coverage": last["coverage"], "density": last["density"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("coopgrid")
    ap.add_argument("--sizes", default="1e5,1e6,1e7")
    ap.add_argument("--ema-sizes", default="1e5,1e6")
    ap.add_argument("--streamed-sizes", default="1e6,1e7,1e8")
    a = ap.parse_args()
    results = [coopgrid_case(a.coopgrid, "grid_main (grid, counted)", ["data/grid_main.toml"]),
               coopgrid_case(a.coopgrid, "grid_big (grid, counted)", ["data/grid_big.toml"])]
    for s in a.sizes.split(","):
        n = int(float(s))
        results.append(coopgrid_case(a.coopgrid, f"lhs {n:.0e} (rows)",
                                     ["data/problem_sharing.toml", "--design", "lhs", "--n", str(n), "--seed", "1",
                                      "--exact", "--max-rows", str(max(n, 10**7))]))
    for s in filter(None, a.streamed_sizes.split(",")):
        n = int(float(s))
        results.append(coopgrid_case(a.coopgrid, f"lhs {n:.0e} (streamed)",
                                     ["data/problem_sharing.toml", "--design", "lhs", "--n", str(n), "--seed", "1",
                                      "--streamed"]))
    py = os.environ.get("PYTHON_WITH_EMA", sys.executable)
    for s in a.ema_sizes.split(","):
        n = int(float(s))
        wall, rss, out = timed([py, "-c", EMA_CHILD, str(n)])
        r = json.loads(out)
        ours = next((x for x in results if x["case"] == f"lhs {n:.0e} (rows)"), None)
        if ours is not None and (ours["steps"] != r["steps"] or abs(ours["coverage"] - r["coverage"]) > 1e-12):
            sys.exit(f"EMA's box differs from coopgrid's at n={n}: {r} vs {ours}")
        results.append({"case": f"lhs {n:.0e} (rows)", "impl": "ema_workbench", "rows": n,
                        "seconds": r["seconds"], "rss_mb": rss, "steps": r["steps"], "coverage": r["coverage"],
                        "density": r["density"], "note": f"search only; {wall:.1f} s with the rows made"})
    print("| case | implementation | rows | seconds | peak RSS MB | steps | coverage | density | note |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['case']} | {r['impl']} | {r['rows']:.3g} | {r['seconds']:.3g} | {r['rss_mb']:.0f} | {r['steps']} | "
              f"{r['coverage']:.4f} | {r['density']:.4f} | {r.get('note', 'end to end')} |")


if __name__ == "__main__":
    main()
