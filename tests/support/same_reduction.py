#!/usr/bin/env python3
"""Checks that two `run --reduce` JSON reports of one input agree: the device's
brute-force fold against the host's factorized one (scripts/device-check.sh).

Counts, `scenarios` and `selected` must be equal; min, max and mean within
--rtol relative to max(1, |x|) (the device's math moves the last bits of a
row, so an extremum may differ by an ulp); argmin/argmax indices are printed
where they differ (a tie broken by such an ulp), not failed.
Exit 0 when they agree, 1 otherwise, 2 on bad usage.
"""
import argparse
import json
import math
import sys


def close(a, b, rtol):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))
    return a == b  # strings ("inf", "nan") or null: only themselves


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, default=1e-12)
    args = ap.parse_args()
    try:
        with open(args.a) as f:
            a = json.load(f)
        with open(args.b) as f:
            b = json.load(f)
    except (OSError, ValueError) as e:
        print(f"same_reduction: {e}", file=sys.stderr)
        return 2
    bad = []
    for key in ("scenarios", "selected"):
        if a.get(key) != b.get(key):
            bad.append(f"{key}: {a.get(key)} vs {b.get(key)}")
    ma, mb = a.get("metrics", {}), b.get("metrics", {})
    if set(ma) != set(mb):
        bad.append(f"metrics differ: {sorted(set(ma) ^ set(mb))}")
    for name in sorted(set(ma) & set(mb)):
        x, y = ma[name], mb[name]
        if x.get("count") != y.get("count"):
            bad.append(f"{name}.count: {x.get('count')} vs {y.get('count')}")
        for stat in ("min", "max", "mean"):
            if not close(x.get(stat), y.get(stat), args.rtol):
                bad.append(f"{name}.{stat}: {x.get(stat)!r} vs {y.get(stat)!r}")
        for arg in ("argmin", "argmax"):
            ia = (x.get(arg) or {}).get("index")
            ib = (y.get(arg) or {}).get("index")
            if ia != ib:
                print(f"note: {name}.{arg} index {ia} vs {ib} (a tie within an ulp?)")
    for line in bad:
        print("DIFFER " + line)
    print(f"same_reduction: {len(ma)} metrics, {'agree' if not bad else f'{len(bad)} differences'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
