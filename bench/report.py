#!/usr/bin/env python3
"""Combines one bench/run.sh run into one table with the targets of issue 5:
   bench/report.py OUT_DIR"""
import json
import os
import sys


def load(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        text = f.read().strip()
    if not text:
        return []
    return json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]


def main(out):
    bench = load(os.path.join(out, "bench.json"))
    w4 = load(os.path.join(out, "w4.jsonl"))
    peers = load(os.path.join(out, "peers.jsonl"))
    rate = lambda r: r["size"] / r["seconds"] if r.get("seconds") else 0.0
    rows = []
    for r in bench:
        gbs = r["bytes"] / r["seconds"] / 1e9 if r.get("bytes") and r["seconds"] else None
        rows.append((r["case"], r["variant"], r["size"], r["seconds"], rate(r), gbs,
                     f'{r["ratio"]:.3g}x {r["baseline"]}' if r.get("baseline") else "", r.get("note", "")))
    for r in w4:
        rows.append(("W4", r["variant"], r["size"], r["seconds"], rate(r), None, "", ""))
    for p in peers:
        rows.append((p["workload"].upper() + "-peer", f'{p["framework"]} {p["precision"]}', p["scenarios"],
                     p["seconds"], p["scenarios"] / p["seconds"], None, "", p["check"]))
    print(f'{"case":<9} {"variant":<52} {"size":>10} {"median s":>10} {"scen/s":>11} {"GB/s":>7}  ratio / note')
    for c, v, n, s, rt, g, ratio, note in rows:
        print(f'{c:<9} {v:<52} {n:>10.3g} {s:>10.4g} {rt:>11.4g} {(f"{g:.1f}" if g else "-"):>7}  {ratio} {note}')

    # Targets (ratios measured in this run).
    print("\ntargets")
    find = lambda case, text: [r for r in bench if r["case"] == case and text in r["variant"]]
    for r in find("W1", "f32"):
        print(f'  W1 f32 {r["variant"]}: {r["ratio"]:.0%} of device copy (target >= 75%)')
    for r in find("W2", ""):
        print(f'  W2 {r["variant"]}: {r["ratio"]:.0%} of pinned H2D (target >= 75%)')
    for prec in ("f32", "f64"):
        ours = find("W3", prec)
        gpu_peers = [p for p in peers if p["workload"] == "w3" and p["precision"] == prec and p["framework"] != "numpy"]
        if ours and gpu_peers:
            best = max(gpu_peers, key=lambda p: p["scenarios"] / p["seconds"])
            ratio = rate(ours[0]) / (best["scenarios"] / best["seconds"])
            print(f'  W3 {prec}: {ratio:.2f}x the fastest peer ({best["framework"]}) (target >= 2x)')
    cpu = {r["variant"]: r for r in bench if r["case"] == "W1-cpu"}
    scaling = [r for r in cpu.values() if r.get("baseline") == "cpu f64, 1 thread"]
    for r in scaling:
        print(f'  CPU scaling {r["variant"]}: {r["ratio"]:.2f}x one thread')
    ref = [r for r in cpu.values() if r["variant"].startswith("reference")]
    allcpu = [r for r in cpu.values() if "f64" in r["variant"] and "1 thread" not in r["variant"] and "reference" not in r["variant"]]
    if ref and allcpu:
        print(f'  CPU f64 all threads vs reference: {rate(allcpu[0]) / rate(ref[0]):.1f}x (target >= 0.8 x cores)')
    for wl, case in (("w1", "W1-cpu"), ("w3", "W3-cpu")):
        np_peer = [p for p in peers if p["framework"] == "numpy" and p["workload"] == wl and p["precision"] == "f64"]
        ours = [r for r in bench if r["case"] == case and "f64" in r["variant"] and "1 thread" not in r["variant"]
                and "reference" not in r["variant"]]
        if np_peer and ours:
            print(f'  {case} f64 vs NumPy: {rate(ours[0]) / (np_peer[0]["scenarios"] / np_peer[0]["seconds"]):.1f}x '
                  f'(target > 1x)')
    parse = {r["variant"].split(":")[0]: r for r in w4 if "parse only" in r["variant"]}
    full = {r["variant"].split(":")[0]: r for r in w4 if "evaluate" in r["variant"]}
    for fmt in parse:
        if fmt in full:
            print(f'  W4 {fmt}: parsing is {parse[fmt]["seconds"] / full[fmt]["seconds"]:.0%} of the end-to-end time')


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench-out")
