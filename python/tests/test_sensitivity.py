"""coopgrid.sobol / coopgrid.morris against the CLI, SALib's shapes, and their plots."""
import json

import numpy as np
import pytest

import coopgrid

PROBLEM = "data/problem_sharing.toml"  # groups: Sobol' indices per group


def test_sobol_equals_cli_json(cli):
    si = coopgrid.sobol(PROBLEM, 512, second_order=True, seed=3, metrics=["shared_expected", "standards_p_all"],
                        backend="cpu")
    expected = json.loads(cli("sobol", PROBLEM, "--n", 512, "--second-order", "--seed", 3, "--metrics",
                              "shared_expected,standards_p_all", "--backend", "cpu"))
    assert si.json["metrics"] == expected["metrics"]
    assert si.json["merge_state"] == expected["merge_state"]
    r = si["shared_expected"]
    assert r["names"] == expected["parameters"]
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert list(r[key]) == [expected["metrics"]["shared_expected"][key][n] for n in r["names"]]
    d = len(r["names"])
    assert r["S2"].shape == (d, d) and np.isnan(r["S2"][1, 0])
    assert r["S2"][0, 1] == expected["metrics"]["shared_expected"]["S2"][f"{r['names'][0]},{r['names'][1]}"]
    total, first, second = r.to_df()
    assert list(total.columns) == ["ST", "ST_conf"] and list(first.columns) == ["S1", "S1_conf"]
    assert list(second.columns) == ["S2", "S2_conf"] and len(second) == d * (d - 1) // 2
    assert "shared_expected" in str(si)  # the CLI's tables


def test_morris_equals_cli_json(cli, tmp_path):
    problem = tmp_path / "nogroups.toml"
    problem.write_text(open(PROBLEM).read().replace(', group = "sharing"', ""))
    mo = coopgrid.morris(str(problem), 40, levels=6, seed=2, metrics="shared_expected", backend="cpu")
    expected = json.loads(cli("morris", problem, "--trajectories", 40, "--levels", 6, "--seed", 2, "--metrics",
                              "shared_expected", "--backend", "cpu"))
    assert mo.json["metrics"] == expected["metrics"]
    frame = mo["shared_expected"].to_df()
    assert list(frame.columns) == ["mu", "mu_star", "sigma", "mu_star_conf"]
    assert list(frame.index) == expected["parameters"]
    assert mo.evaluations == 40 * (len(expected["parameters"]) + 1)


def test_bad_analysis_options_raise_value_error(cli):
    p = cli("sobol", PROBLEM, "--n", 64, "--conf", 1.5, check=False, output=False)
    assert p.returncode == 2
    with pytest.raises(ValueError) as e:
        coopgrid.sobol(PROBLEM, 64, conf=1.5)
    assert str(e.value) in p.stderr
    with pytest.raises(ValueError, match="groups"):
        coopgrid.morris(PROBLEM, 10)


def test_sobol_and_morris_plots_have_their_artists(tmp_path):
    si = coopgrid.sobol(PROBLEM, 256, metrics="shared_expected", backend="cpu")
    ax = coopgrid.plot.sobol(si)
    names = si["shared_expected"]["names"]
    assert len(ax.patches) == 2 * len(names)  # S1 and ST bars
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_array_equal(heights[:len(names)], si["shared_expected"]["S1"])
    ax.figure.canvas.draw()
    problem = tmp_path / "nogroups.toml"
    problem.write_text(open(PROBLEM).read().replace(', group = "sharing"', ""))
    mo = coopgrid.morris(str(problem), 20, metrics="standards_p_all", backend="cpu")
    ax = coopgrid.plot.morris(mo)
    r = mo["standards_p_all"]
    idle = sum(1 for m, s in zip(r["mu_star"], r["sigma"]) if m == 0 and s == 0)
    assert len(ax.texts) == len(r["names"]) - idle + (1 if idle else 0)  # inputs without effect share one label
    ax.figure.canvas.draw()
