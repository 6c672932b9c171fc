"""Notebook manners: HTML tables, plot() as SALib's, progress callbacks, plots that fit and bin."""
import numpy as np
import pytest

import coopgrid

PROBLEM = "data/problem_sharing.toml"


def test_report_and_analysis_render_as_html():
    report = coopgrid.reduce("data/grid_small.toml", where="shared_expected>=1", top=2, by="shared_expected")
    html = report._repr_html_()
    assert html.count("<table") == 2 and "shared_expected" in html and "selected" in html
    si = coopgrid.sobol(PROBLEM, 64, metrics=["shared_expected", "standards_p_all"], backend="cpu")
    html = si._repr_html_()
    assert html.count("<h4>") == 2 and html.count("<table") == 4  # ST and S1 frames per metric
    assert si["shared_expected"]["names"][0] in html


def test_plot_methods_as_salibs():
    si = coopgrid.sobol(PROBLEM, 64, metrics=["shared_expected", "standards_p_all"], backend="cpu")
    ax = si.plot("standards_p_all")
    assert [t.get_text() for t in ax.get_xticklabels()] == si["standards_p_all"]["names"]
    assert si["shared_expected"].plot().get_ylabel() == "Sobol' index"
    with pytest.raises(ValueError, match="metric: name one of"):
        si.plot()
    with pytest.raises(ValueError, match="was not analysed"):
        si.plot("ethics_q_all")


def test_plots_keep_their_labels_inside_the_figure():
    si = coopgrid.sobol(PROBLEM, 64, metrics="shared_expected", backend="cpu")
    ax = coopgrid.plot.sobol(si)
    fig = ax.figure
    fig.canvas.draw()
    box = fig.bbox
    for label in ax.get_xticklabels():
        extent = label.get_window_extent()
        assert extent.x0 >= box.x0 - 1 and extent.y0 >= box.y0 - 1, label.get_text()  # nothing clipped


def test_heatmap_of_design_rows_bins_continuous_axes():
    rows = coopgrid.run(PROBLEM, design="sobol", n=512, metrics="shared_expected")
    ax = coopgrid.plot.heatmap(rows, "shared_expected", x="countries.datasets", y="countries.share_prob", bins=8)
    assert ax.collections[0].get_array().size == 64  # 8 x 8 cells
    assert ax.get_xlabel() == "countries.datasets (8 bins)" and ax.get_ylabel() == "countries.share_prob (8 bins)"
    # A discrete axis keeps its values.
    ax = coopgrid.plot.heatmap(rows, "shared_expected", x="countries.datasets", y="standards.count", bins=5)
    assert ax.collections[0].get_array().size == 50 and ax.get_ylabel() == "standards.count"


def test_progress_callback_reaches_the_total():
    seen = []
    coopgrid.reduce("data/grid_main.toml", brute_force=True, backend="cpu", metrics="shared_expected",
                    progress=lambda done, total, unit: seen.append((done, total, unit)))
    assert seen and seen[-1][0] == seen[-1][1] == 86_400_000 and seen[-1][2] == "scenarios"
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    seen.clear()
    coopgrid.sobol(PROBLEM, 256, metrics="shared_expected", backend="cpu",
                   progress=lambda *a: seen.append(a))
    assert seen and seen[-1][0] == seen[-1][1]


def test_progress_callback_errors_end_the_call():
    def stop(done, total, unit):
        raise RuntimeError("stop here")
    with pytest.raises(RuntimeError, match="stop here"):
        coopgrid.reduce("data/grid_main.toml", brute_force=True, backend="cpu", progress=stop)
    with pytest.raises(TypeError, match="progress: expected None, a bool or a callable"):
        coopgrid.reduce("data/grid_small.toml", progress="yes")


def test_progress_true_draws_on_stderr(capfd):
    coopgrid.sobol(PROBLEM, 64, metrics="shared_expected", backend="cpu", progress=True)
    err = capfd.readouterr().err
    assert "evaluations" in err or "it/s" in err or "%" in err
    assert all(len(line) <= 80 for line in err.replace("\r", "\n").splitlines())


def test_errors_name_python_arguments_not_cli_flags():
    with pytest.raises(ValueError) as e:
        coopgrid.reduce("data/grid_small.toml", top=5)
    assert "--" not in str(e.value) and "by" in str(e.value)
    with pytest.raises(ValueError) as e:
        coopgrid.run(PROBLEM, n=8)
    assert "--design" not in str(e.value) and "design" in str(e.value)
    assert coopgrid.core.python_words("--top needs --by METRIC (or --reduce)") == "top needs by METRIC (or --reduce)"
