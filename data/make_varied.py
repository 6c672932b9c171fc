#!/usr/bin/env python3
"""Writes data/varied: a small batch of varied scenarios that covers the edge
cases of MODEL.md (empty blocks, single items, zeros, T = 0, G = 0, long lists,
tiny and huge magnitudes). Deterministic: python3 data/make_varied.py."""
import csv
import os
import random

rng = random.Random(20261128)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "varied")
os.makedirs(out, exist_ok=True)


def count(long=False):
    r = rng.random()
    if r < 0.12:
        return 0
    if r < 0.25:
        return 1
    return rng.randint(2, 400 if long else 40)


def magnitude():
    r = rng.random()
    if r < 0.05:
        return 0.0
    return round(10 ** rng.uniform(-3, 7), 6)


def prob():
    r = rng.random()
    if r < 0.05:
        return 0.0
    if r < 0.1:
        return 1.0
    return round(rng.random(), 4)


def difficulty():
    r = rng.random()
    if r < 0.08:
        return 0.0
    if r < 0.12:
        return 1.0
    return round(rng.uniform(0, 1) if r < 0.6 else rng.uniform(0, 20), 5)


files = {name: open(os.path.join(out, name + ".csv"), "w", newline="") for name in
         ("scenarios", "countries", "standards", "resources", "ethics")}
w = {k: csv.writer(f, lineterminator="\n") for k, f in files.items()}
w["scenarios"].writerow(["scenario", "activities", "countries_per_activity"])
w["countries"].writerow(["scenario", "datasets", "share_prob"])
w["standards"].writerow(["scenario", "difficulty"])
w["resources"].writerow(["scenario", "share_prob"])
w["ethics"].writerow(["scenario", "difficulty"])
items = []
for i in range(300):
    sid = f"s{i:03d}"
    t = 0.0 if rng.random() < 0.08 else round(rng.uniform(0, 50), 3)
    g = 0 if rng.random() < 0.1 else rng.randint(1, 500)
    w["scenarios"].writerow([sid, t, g])
    for _ in range(count(long=i % 50 == 0)):
        items.append(("countries", [sid, magnitude(), prob()]))
    for _ in range(count()):
        items.append(("standards", [sid, difficulty()]))
    for _ in range(count()):
        items.append(("resources", [sid, prob()]))
    for _ in range(count()):
        items.append(("ethics", [sid, difficulty()]))
rng.shuffle(items)  # item rows may come in any order
for name, row in items:
    w[name].writerow(row)
for f in files.values():
    f.close()
