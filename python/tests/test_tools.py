"""Plots, SALib and EMA Workbench hand-offs, and the README's example."""
import io
import subprocess
import sys
import tarfile

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from pandas.testing import assert_frame_equal

import coopgrid
from conftest import DATA, ROOT

GRID = "data/grid_small.toml"


# ---- plots ----

def test_heatmap_shows_the_grouped_table():
    rows = coopgrid.run(GRID)
    ax = coopgrid.plot.heatmap(GRID, "shared_expected", x="countries.share_prob", y="countries.datasets", stat="max")
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    table = rows.pivot_table(values="shared_expected", index="countries.datasets", columns="countries.share_prob",
                             aggfunc="max")
    np.testing.assert_array_equal(np.asarray(meshes[0].get_array()).reshape(table.shape), table.to_numpy())
    assert ax.get_xlabel() == "countries.share_prob" and ax.get_ylabel() == "countries.datasets"
    assert len(ax.get_xticklabels()) == table.shape[1]
    ax.figure.canvas.draw()  # renders (Agg)


def test_line_plots_the_stat_over_one_axis():
    rows = coopgrid.run(GRID)
    ax = coopgrid.plot.line(rows, "standards_p_all", x="standards.difficulty")
    assert len(ax.lines) == 1
    expected = rows.groupby("standards.difficulty")["standards_p_all"].mean()
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), expected.index.to_numpy(dtype=float))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), expected.to_numpy())
    ax.figure.canvas.draw()


def test_histogram_has_one_bar_per_bin():
    report = coopgrid.reduce(GRID, histogram="shared_expected:9")
    ax = coopgrid.plot.histogram(report)
    heights = [p.get_height() for p in ax.patches]
    assert heights == report.json["histogram"]["counts"]
    assert ax.patches[0].get_x() == report.histogram.lo
    ax.figure.canvas.draw()
    with pytest.raises(ValueError, match="no histogram"):
        coopgrid.plot.histogram(coopgrid.reduce(GRID))


def test_heatmap_and_line_from_a_reports_marginals_equal_the_rows():
    rows = coopgrid.run(GRID)
    report = coopgrid.reduce(GRID, marginals=["countries.share_prob,countries.datasets", "standards.difficulty"])
    ax = coopgrid.plot.heatmap(report, "shared_expected", x="countries.share_prob", y="countries.datasets",
                               stat="max")
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    table = rows.pivot_table(values="shared_expected", index="countries.datasets", columns="countries.share_prob",
                             aggfunc="max")
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).reshape(table.shape), table.to_numpy())
    ax = coopgrid.plot.line(report, "standards_p_all", x="standards.difficulty")
    expected = rows.groupby("standards.difficulty")["standards_p_all"].mean()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), expected.to_numpy(), rtol=1e-12)
    ax.figure.canvas.draw()
    with pytest.raises(ValueError, match="no marginal"):
        coopgrid.plot.heatmap(report, "shared_expected", "countries.count", "countries.datasets")


# ---- SALib ----

def test_read_problem_and_to_salib():
    p = coopgrid.salib.read_problem("data/problem_salib.txt", fixed="data/problem_fixed.toml")
    d = coopgrid.salib.to_salib(p)
    assert d["num_vars"] == 5
    # The file's order (SALib's), not the model's fields'.
    assert d["names"] == ["countries.datasets", "countries.share_prob", "resources.share_prob",
                          "standards.difficulty", "exchange.activities"]
    assert d["dists"] == ["unif", "unif", "unif", "triang", "lognorm"]
    assert d["bounds"] == [[100, 10000], [0.2, 0.9], [0.3, 0.8], [2.0, 0.25], [2.3, 0.5]]
    assert d["groups"] == ["countries.datasets", "sharing", "sharing", "standards.difficulty", "exchange"]
    assert p.fixed == {"countries.count": 20, "standards.count": 5, "exchange.countries_per_activity": 5,
                       "resources.count": 4, "ethics.count": 3, "ethics.difficulty": 0.8}  # from --fixed


def test_problem_info_gives_each_distribution_as_facts():
    # read_problem takes the name and parameters from these, not from the text; both say the same.
    for path, fixed in [("data/problem_sharing.toml", ""), ("data/problem_salib.txt", "data/problem_fixed.toml")]:
        info = coopgrid._native.problem_info(path, fixed)
        assert info["parameters"]
        for q in info["parameters"]:
            text = q["text"].split(" group ")[0]  # "uniform [0.2, 0.9]"
            assert text.startswith(q["distribution"] + " [")
            assert q["args"] == [float(v) for v in text[text.index("[") + 1:text.index("]")].split(",")]


def test_problem_round_trip_samples_the_same(tmp_path):
    p = coopgrid.salib.read_problem("data/problem_salib.txt", fixed="data/problem_fixed.toml")
    back = coopgrid.salib.from_salib(coopgrid.salib.to_salib(p), fixed=p.fixed)
    path = tmp_path / "problem.toml"
    coopgrid.salib.write_problem(back, path)
    again = coopgrid.salib.read_problem(path)
    assert coopgrid.salib.to_salib(again) == coopgrid.salib.to_salib(p)
    assert again.fixed == p.fixed
    a = coopgrid.run("data/problem_salib.txt", fixed="data/problem_fixed.toml", design="saltelli", n=32)
    b = coopgrid.run(path, design="saltelli", n=32)
    assert_frame_equal(a, b, check_exact=True)


def test_to_salib_offers_the_nearest_only_when_asked():
    p = coopgrid.salib.read_problem("data/problem_sharing.toml")
    with pytest.raises(ValueError, match="nearest=True"):
        coopgrid.salib.to_salib(p)
    with pytest.raises(ValueError, match="choice .* no continuous SALib stand-in"):
        coopgrid.salib.to_salib(p, nearest=True)
    no_choice = coopgrid.salib.Problem([q for q in p.parameters if q.dist != "choice"])
    d = coopgrid.salib.to_salib(no_choice, nearest=True)
    i = d["names"].index("standards.count")
    assert d["dists"][i] == "unif" and d["bounds"][i] == [1, 11]


def test_salib_dict_errors_name_the_argument():
    good = {"names": ["countries.datasets"], "bounds": [[1, 10]]}
    with pytest.raises(ValueError, match=r"problem\['names'\]\[0\]: 'datasets' is not a coopgrid field"):
        coopgrid.sample({"names": ["datasets"], "bounds": [[1, 10]]}, "sobol", 8)
    with pytest.raises(ValueError, match=r"problem\['bounds'\]: 2 entries for 1 names"):
        coopgrid.sobol({"names": ["countries.datasets"], "bounds": [[1, 10], [2, 3]]}, 8)
    with pytest.raises(ValueError, match=r"input\['num_vars'\]: 3"):
        coopgrid.run({**good, "num_vars": 3}, design="sobol", n=8)
    with pytest.raises(TypeError, match="fixed: a dict or Problem takes fixed values as a mapping"):
        coopgrid.sample(good, "sobol", 8, fixed="data/problem_fixed.toml")
    with pytest.raises(TypeError, match="problem: expected a path, a SALib problem dict"):
        coopgrid.sobol(42, 8)
    x = coopgrid.sample(good, "sobol", 8, fixed={"countries.count": 3, "countries.share_prob": 0.5})
    assert list(x.columns) == ["countries.datasets"] and x.index.name == "sample"


def test_to_salib_refuses_discrete_parameters():
    p = coopgrid.salib.read_problem("data/problem_sharing.toml")
    assert [q.dist for q in p.parameters] == ["loguniform", "uniform", "integers", "triangular", "lognormal",
                                             "choice", "truncnormal"]
    with pytest.raises(ValueError, match="standards.count: integers"):
        coopgrid.salib.to_salib(p)
    continuous = coopgrid.salib.Problem([q for q in p.parameters if q.dist not in ("integers", "choice")])
    d = coopgrid.salib.to_salib(continuous)
    assert d["dists"] == ["logunif", "unif", "triang", "lognorm", "truncnorm"]
    assert d["bounds"][2] == [0.1, 2.0, pytest.approx((0.5 - 0.1) / 1.9)]
    assert d["bounds"][4] == [0.0, 1.0, 0.6, 0.15]
    with pytest.raises(ValueError, match="not a problem file"):
        coopgrid.salib.read_problem(GRID)


# ---- EMA Workbench ----

def test_ema_results_layout():
    rows = coopgrid.run(GRID)
    experiments, outcomes = coopgrid.ema.results(GRID, where="shared_expected>=1000")
    selected = rows[rows["shared_expected"] >= 1000].reset_index(drop=True)
    axes = [c for c in rows.columns[1:] if c not in coopgrid.metric_names]
    assert list(experiments.columns) == axes + ["scenario", "policy", "model"]
    assert_frame_equal(experiments[axes], selected[axes], check_exact=True)
    assert (experiments["scenario"].to_numpy() == selected["scenario"].to_numpy()).all()
    assert sorted(outcomes) == sorted(coopgrid.metric_names)
    for name, v in outcomes.items():
        np.testing.assert_array_equal(v, selected[name].to_numpy())
    with pytest.raises(ValueError, match="not a metric"):
        coopgrid.ema.results(GRID, where="bogus>=1")


def test_ema_save_results_archive(tmp_path):
    path = tmp_path / "r.tar.gz"
    coopgrid.ema.save_results(GRID, path, where=["ethics_q_all<=0.5"], metrics=["shared_expected", "ethics_q_all"])
    experiments, outcomes = coopgrid.ema.results(GRID, where="ethics_q_all<=0.5",
                                                 metrics=["shared_expected", "ethics_q_all"])
    with tarfile.open(path, "r:gz") as z:
        names = z.getnames()
        assert names == ["experiments.csv", "experiments metadata.csv", "outcomes metadata.csv",
                         "shared_expected.csv", "ethics_q_all.csv"]
        read = lambda n: z.extractfile(n).read().decode()  # noqa: E731
        # keep_default_na=False: pandas >= 2 reads the policy "None" as NaN by default.
        exp = pd.read_csv(io.StringIO(read("experiments.csv")), float_precision="round_trip", keep_default_na=False)
        assert_frame_equal(exp, experiments, check_dtype=False, check_exact=True)
        meta = [line.split(",") for line in read("experiments metadata.csv").splitlines()]
        assert [m[0] for m in meta] == list(experiments.columns)
        assert dict(meta)["policy"] == "object" and dict(meta)["countries.share_prob"] == "float64"
        assert read("outcomes metadata.csv").splitlines() == [f"shared_expected,({len(exp)},)",
                                                               f"ethics_q_all,({len(exp)},)"]
        for name in outcomes:
            v = pd.read_csv(io.StringIO(read(f"{name}.csv")), header=None, float_precision="round_trip").to_numpy().ravel()
            np.testing.assert_array_equal(v, outcomes[name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.tar.gz"]  # no temporary left


# ---- examples/ (README's blocks: test_readme.py) ----

def test_example_script_runs(tmp_path):
    p = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py"), str(tmp_path)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "grid_small_results.tar.gz").exists() and (tmp_path / "heatmap.png").exists()
