#!/usr/bin/env python3
"""bench/run.sh's CPU table: coopgrid (cpu backend, f64) against the numba and PyTorch-CPU
peers on the same inputs, ratios to numba (throughput / numba's throughput on that workload).

  cpu_report.py CPU_JSONL                      prints the table and the issue's targets
  cpu_report.py --same A.json B.json LABEL     exits 1 unless two --reduce reports agree (1e-9)
"""
import json
import math
import sys


def same(a_path, b_path, label):
    a, b = json.load(open(a_path)), json.load(open(b_path))
    bad = []
    if a["selected"] != b["selected"]:
        bad.append(f"selected {a['selected']} != {b['selected']}")
    for k, ma in a["metrics"].items():
        for f in ("min", "max", "mean"):
            x, y = ma[f], b["metrics"][k][f]
            if not (x == y or (math.isfinite(y) and abs(x - y) <= 1e-12 + 1e-9 * abs(y))):
                bad.append(f"{k}.{f}: {x!r} vs {y!r}")
    if bad:
        print(f"cpu_report: {label}: DISAGREE: " + "; ".join(bad), file=sys.stderr)
        return 1
    return 0


def table(path):
    lines = [json.loads(l) for l in open(path) if l.strip()]
    rows = [r for r in lines if "workload" in r]
    order = ["w1-rows", "w1-reduce", "w3"]
    group = lambda r: next(o for o in order if r["workload"].startswith(o))
    rate = lambda r: r["scenarios"] / r["seconds"]
    numba = {group(r): rate(r) for r in rows if r.get("framework") == "numba"}
    for c in (r for r in lines if "ceiling" in r):
        print(f'ceiling: {c["ceiling"]} ({c["threads"]} threads): {c["rate"]:.4g} {c["unit"]}')
    print(f'{"workload":<10} {"implementation":<48} {"thr":>3} {"scenarios":>10} {"median s":>9} {"scen/s":>10} '
          f'{"x numba":>8} {"warm-up s":>9}  check')
    for wl in order:
        for r in [r for r in rows if group(r) == wl]:
            ratio = f'{rate(r) / numba[wl]:.2f}' if wl in numba else "-"
            warm = f'{r["warmup_s"]:.2f}' if r.get("warmup_s") is not None else "-"
            print(f'{wl:<10} {r["implementation"]:<48} {r["threads"]:>3} {r["scenarios"]:>10.3g} {r["seconds"]:>9.4g} '
                  f'{rate(r):>10.4g} {ratio:>8} {warm:>9}  {r.get("check", "")}')
    print("\ntargets (issue 16; aims for later work, reported here)")

    def find(wl, text):
        return [r for r in rows if group(r) == wl and text in r["implementation"]]
    for wl, text, target in (("w1-rows", "in memory", 3), ("w1-reduce", "in memory", 3), ("w1-reduce", "CLI", 3),
                             ("w3", "--brute-force", 5)):
        for r in find(wl, text):
            if wl in numba:
                x = rate(r) / numba[wl]
                print(f'  {wl} {r["implementation"]}: {x:.2f}x numba (target >= {target}x): '
                      f'{"met" if x >= target else "NOT met"}')
    if not numba:
        print("  no numba row (numba not installed): no ratios")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--same":
        sys.exit(same(*sys.argv[2:]))
    table(sys.argv[1])
