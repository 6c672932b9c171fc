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
    order = ["w1-rows", "w1-reduce", "w1m-rows", "w1m-reduce", "w1m-validate", "w3"]
    group = lambda r: next(o for o in order if r["workload"].startswith(o))
    rate = lambda r: r["scenarios"] / r["seconds"]
    # The ratio's base: the numba peer with coopgrid's accuracy where it ran (W1), else the plain one.
    numba = {group(r): rate(r) for r in rows if r.get("framework") == "numba" and r.get("accuracy") != "coopgrid"}
    numba.update({group(r): rate(r) for r in rows if r.get("accuracy") == "coopgrid"})
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
    print("\nx numba: against numba with coopgrid's accuracy on W1 (Neumaier sums, double-double P_all),")
    print("the plain numba script on W3 (tables: no sums or products per item)")
    print("\naims (issue 23; reported, not asserted)")

    def find(wl, text):
        return [r for r in rows if group(r) == wl and text in r["implementation"]]
    for wl, text, target in (("w1-rows", "in memory", 3), ("w1-reduce", "in memory", 2), ("w1m-reduce", "CLI", 2),
                             ("w3", "--brute-force", 5)):
        for r in find(wl, text):
            if wl in numba:
                x = rate(r) / numba[wl]
                print(f'  {wl} {r["implementation"]}: {x:.2f}x numba (target >= {target}x): '
                      f'{"met" if x >= target else "NOT met"}')
    val, read = find("w1m-validate", "coopgrid validate"), find("w1m-validate", "plain read")
    if val and read:
        x = val[0]["seconds"] / read[0]["seconds"]
        print(f'  w1m validate: {x:.2f}x the time of a plain read of the same bytes (aim <= 1.5x): '
              f'{"met" if x <= 1.5 else "NOT met"}')
    if not numba:
        print("  no numba row (numba not installed): no ratios")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--same":
        sys.exit(same(*sys.argv[2:]))
    table(sys.argv[1])
