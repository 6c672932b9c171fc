#!/usr/bin/env python3
"""Draws the pictures of docs/plots.md from the example data (run from the repository root after a build):

    PYTHONPATH=python:build/python /usr/bin/python3 scripts/doc-plots.py [OUT_DIR]   (default docs/img;
    or v/bin/python scripts/doc-plots.py in a venv with coopgrid[plot])

Every plot of coopgrid.plot once: a heatmap and a line from a grid's marginals,
a histogram from a report, Sobol' indices with their intervals, Morris mu_star
against sigma, a PRIM box's coverage-density trade-off and its rows in a scatter matrix.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import coopgrid  # noqa: E402

root = Path(__file__).resolve().parents[1]
data = root / "data"
out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "docs" / "img"
out.mkdir(parents=True, exist_ok=True)


def save(ax, name):
    ax.figure.set_size_inches(7, 4.5)
    if ax.figure.get_layout_engine() is None:  # coopgrid.plot's figures lay themselves out (constrained)
        ax.figure.tight_layout()
    ax.figure.savefig(out / name, dpi=90)
    print("wrote", out / name)


grid = data / "grid_main.toml"  # 86.4 million scenarios, reduced factorized: no rows
report = coopgrid.reduce(grid, marginals=["standards.count,standards.difficulty", "countries.share_prob"],
                         histogram="standards_p_any:25")
save(coopgrid.plot.heatmap(report, "standards_p_any", x="standards.difficulty", y="standards.count"),
     "heatmap_standards.png")
save(coopgrid.plot.line(report, "shared_expected", x="countries.share_prob"), "line_shared.png")
save(coopgrid.plot.histogram(report), "histogram_standards.png")

problem = data / "problem_sharing.toml"
si = coopgrid.sobol(problem, 4096, metrics=["standards_p_all"], seed=1)
save(coopgrid.plot.sobol(si, "standards_p_all"), "sobol_standards.png")

no_groups = data / "problem_morris.toml"
if no_groups.exists():
    mo = coopgrid.morris(no_groups, 200, levels=4, metrics=["shared_expected"], seed=1)
    save(coopgrid.plot.morris(mo, "shared_expected"), "morris_shared.png")

# Scenario discovery: PRIM over the main grid, counted block by block (no rows).
box = coopgrid.prim(grid, ["standards_p_any >= 0.5", "shared_expected >= 1e6"])
save(coopgrid.plot.prim_tradeoff(box), "prim_tradeoff.png")

# The same on a design's rows: the box drawn over the rows of its restricted inputs.
rows_box = coopgrid.prim(problem, "shared_expected >= 3000", design="lhs", n=10_000, seed=1)
pairs = rows_box.show_pairs_scatter(max_points=4_000)
pairs.savefig(out / "prim_pairs.png", dpi=90)
print("wrote", out / "prim_pairs.png")
