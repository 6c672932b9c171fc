#!/usr/bin/env python3
"""A start for coopgrid from Python: a grid, a problem and a design, a
reduction, plots, and SALib / EMA Workbench hand-offs.

    python3 examples/quickstart.py [OUT_DIR]      (writes its plots and files there; default .)
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files, no window
import coopgrid  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)

# A grid: one row per scenario (scenario, the axes, the metrics), as `coopgrid run` writes it.
rows = coopgrid.run(DATA / "grid_small.toml")
print(rows.nlargest(3, "shared_expected")[["countries.count", "countries.share_prob", "shared_expected"]])

# A problem sampled by a design: the samples, and the rows of the same samples.
problem = DATA / "problem_sharing.toml"
x = coopgrid.sample(problem, "sobol", 1024, seed=1)
y = coopgrid.run(problem, design="sobol", n=1024, seed=1, metrics=["shared_expected"])
print(x.shape, "mean shared_expected", y["shared_expected"].mean())

# The 86.4-million-scenario grid reduced, never listed: a report with attribute access.
report = coopgrid.reduce(DATA / "grid_main.toml", where="standards_p_all>=0.5", top=5, by="shared_expected",
                         histogram="shared_expected:20")
print(report.selected, "scenarios selected; mean shared_expected", report.metrics.shared_expected.mean)
print(report.to_frame()[["count", "min", "max", "mean"]])
print(report.top_frame()[["index", "value"]])

# Partial dependence without rows: marginals of the same grid (exact, factorized), as a long DataFrame.
marg = coopgrid.reduce(DATA / "grid_main.toml", marginals=["standards.count,standards.difficulty"])
print(marg.marginal_frame(0).query("metric == 'standards_p_all'").head())

# Which inputs matter: Sobol' indices in one pass, keyed and shaped as SALib's (per group).
si = coopgrid.sobol(problem, 1024, metrics=["shared_expected", "standards_p_all"])
total, first = si["standards_p_all"].to_df()
print(total)

# Plots return their matplotlib Axes.
ax = coopgrid.plot.heatmap(rows, "shared_expected", x="countries.share_prob", y="countries.datasets")
ax.figure.savefig(out / "heatmap.png")
coopgrid.plot.heatmap(marg, "standards_p_all", x="standards.difficulty", y="standards.count").figure.savefig(
    out / "heatmap_marginal.png")
coopgrid.plot.sobol(si, "standards_p_all").figure.savefig(out / "sobol.png")
coopgrid.plot.line(rows, "standards_p_all", x="standards.difficulty").figure.savefig(out / "line.png")
coopgrid.plot.histogram(report).figure.savefig(out / "histogram.png")

# SALib: the problem as SALib's dict (continuous parameters; SALib text problems read with their --fixed file).
salib_problem = coopgrid.salib.to_salib(coopgrid.salib.read_problem(DATA / "problem_salib.txt",
                                                                    fixed=DATA / "problem_fixed.toml"))
print(salib_problem)

# EMA Workbench: (experiments, outcomes), and its save_results archive of a selection.
experiments, outcomes = coopgrid.ema.results(DATA / "grid_small.toml", where="shared_expected>=1000")
print(experiments.shape, sorted(outcomes)[:3])
coopgrid.ema.save_results((experiments, outcomes), out / "grid_small_results.tar.gz")
