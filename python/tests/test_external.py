"""The real SALib and EMA Workbench on coopgrid's hand-offs (python/requirements-test.txt pins them).

Run under scripts/python-env.sh's venv these must run, not skip (conftest.require).
"""
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import coopgrid
from conftest import require

GRID = "data/grid_small.toml"


@pytest.mark.filterwarnings("ignore::UserWarning")  # ema_workbench: "ipyparallel not installed"
def test_ema_workbench_loads_save_results_and_runs_prim(tmp_path):
    ema = require("ema_workbench")
    prim = require("ema_workbench.analysis.prim")
    path = tmp_path / "results.tar.gz"
    coopgrid.ema.save_results(GRID, path, metrics=["shared_expected", "standards_p_all"])
    experiments, outcomes = ema.load_results(str(path))
    ours, our_outcomes = coopgrid.ema.results(GRID, metrics=["shared_expected", "standards_p_all"])
    assert len(experiments) == 5 * 3 * 3 * 4 * 3 * 2 * 3 * 3  # grid_small.toml's axes
    # load_results reads policy and model as categories; the values are the same,
    # but for the policy "None", which pandas >= 2 reads as NaN (pandas 1.5: "None").
    policy = experiments.pop("policy").astype(object)
    assert (policy.isna() | (policy == "None")).all() and (ours.pop("policy") == "None").all()
    assert_frame_equal(experiments.astype({"model": object}), ours, check_dtype=False, check_exact=True)
    assert sorted(outcomes) == sorted(our_outcomes)
    for name, v in our_outcomes.items():
        # load_results parses with pandas' default float parser, which misses the
        # shortest round-trip text by up to 7 ulp here (ema-workbench 2.5.3, pandas
        # 1.5.3); the archive's text is exact (test_tools.test_ema_save_results_archive
        # reads it back bit for bit with float_precision="round_trip").
        np.testing.assert_allclose(outcomes[name], v, rtol=1e-14, atol=0)

    # PRIM: which inputs make shared_expected land in its top fifth.
    y = outcomes["shared_expected"] >= np.quantile(outcomes["shared_expected"], 0.8)
    x = experiments.drop(columns=["scenario", "model"])
    box = prim.Prim(x, y, threshold=0.8).find_box()
    assert box.density >= 0.8 and box.coverage > 0.5
    # The box's limits select, in our own rows, the scenarios PRIM counted.
    lims = box.box_lim
    inside = np.ones(len(x), dtype=bool)
    for col in lims.columns:
        inside &= (x[col] >= lims[col].iloc[0]).to_numpy() & (x[col] <= lims[col].iloc[1]).to_numpy()
    assert inside.sum() == pytest.approx(box.mass * len(x))
    assert y[inside].mean() == pytest.approx(box.density)
    assert y[inside].sum() == pytest.approx(box.coverage * y.sum())
    # shared_expected grows with the datasets per country: PRIM restricts that axis from below.
    assert lims["countries.datasets"].iloc[0] > x["countries.datasets"].min()


def test_salib_samples_and_analyzes_a_coopgrid_problem():
    require("SALib")
    sobol_sample = require("SALib.sample.sobol")
    sobol_analyze = require("SALib.analyze.sobol")
    problem = coopgrid.salib.to_salib(
        coopgrid.salib.read_problem("data/problem_salib.txt", fixed="data/problem_fixed.toml"))
    # SALib's sampler takes coopgrid's dict as it is: uniform, triangular and lognormal inputs, groups.
    x = sobol_sample.sample(problem, 64, calc_second_order=False, seed=1)
    groups = list(dict.fromkeys(problem["groups"]))
    assert x.shape == (64 * (len(groups) + 2), problem["num_vars"])
    for i, (dist, b) in enumerate(zip(problem["dists"], problem["bounds"])):
        if dist == "unif":
            assert b[0] <= x[:, i].min() and x[:, i].max() <= b[1]
    # A model of the 'sharing' group alone: SALib gives it all the variance.
    y = 3 * x[:, problem["names"].index("countries.share_prob")] + x[:, problem["names"].index("resources.share_prob")]
    theirs = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=1)
    s1 = dict(zip(groups, theirs["S1"]))
    assert s1["sharing"] == pytest.approx(1, abs=0.05)
    assert all(abs(s1[g]) < 1e-12 for g in groups if g != "sharing")
    # coopgrid.sobol's results are keyed and framed as SALib's.
    ours = coopgrid.sobol("data/problem_salib.txt", 64, fixed="data/problem_fixed.toml",
                          metrics=["shared_expected"])["shared_expected"]
    assert set(theirs) <= set(ours)
    for a, b in zip(theirs.to_df(), ours.to_df()):
        assert list(a.columns) == list(b.columns) and list(a.index) == list(b.index)
        assert isinstance(b, pd.DataFrame)
