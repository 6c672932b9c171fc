#!/usr/bin/env python3
"""Runs `BINARY sobol|morris ARGS...` with --backend cuda and --backend cpu and
compares the two JSON outputs' indices (every number under "metrics", and the
reasons) to TOL relative to max(1, |x|); non-finite values (null) must match.

  compare_analysis_backends.py [--tol TOL] [--workdir DIR] BINARY ARGS...

Exit 0: the backends agree; 1: they differ (each difference printed); 2: a run failed.
"""
import json
import math
import os
import subprocess
import sys
import tempfile


def differences(a, b, tol, path="metrics"):
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            return [f"{path}: keys {sorted(a)} vs {sorted(b)}"]
        return [d for k in a for d in differences(a[k], b[k], tol, f"{path}.{k}")]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not (math.isfinite(a) and math.isfinite(b)):
            return [] if str(a) == str(b) else [f"{path}: {a} vs cpu {b}"]
        return [] if abs(a - b) <= tol * max(1.0, abs(a), abs(b)) else [f"{path}: {a!r} vs cpu {b!r}"]
    return [] if a == b else [f"{path}: {a!r} vs cpu {b!r}"]


def main(argv):
    tol, workdir = 1e-12, None
    while argv and argv[0].startswith("--"):
        if argv[0] == "--tol":
            tol = float(argv[1])
        elif argv[0] == "--workdir":
            workdir = argv[1]
        else:
            print(f"unknown option {argv[0]}", file=sys.stderr)
            return 2
        argv = argv[2:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if workdir:
        os.makedirs(workdir, exist_ok=True)
    out = {}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for backend in ("cuda", "cpu"):
            path = os.path.join(tmp, backend + ".json")
            cmd = argv + ["--backend", backend, "--no-progress", "-o", path]
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 0:
                print(" ".join(cmd), "exited", run.returncode, run.stderr, file=sys.stderr)
                return 2
            with open(path) as f:
                out[backend] = json.load(f)
    if out["cuda"].get("backend") != "cuda":
        print("the cuda run reports backend", out["cuda"].get("backend"), file=sys.stderr)
        return 1
    diffs = differences(out["cuda"]["metrics"], out["cpu"]["metrics"], tol)
    for d in diffs[:50]:
        print(d)
    if diffs:
        print(f"{len(diffs)} differences beyond {tol}")
        return 1
    n = sum(1 for _ in json.dumps(out["cuda"]["metrics"]).split(","))
    print(f"cuda and cpu agree to {tol} ({n} values)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
