"""coopgrid.run / reduce with samples= (the user's own rows), and strict JSON in every report the CLI writes."""
import json

import numpy as np
import pandas as pd
import pytest

import coopgrid

PROBLEM = "data/problem_sharing.toml"


def strict_loads(text):
    """json.loads that refuses NaN, Infinity and -Infinity, as JavaScript's JSON.parse does."""
    def refuse(c):
        raise ValueError(f"not strict JSON: {c}")
    return json.loads(text, parse_constant=refuse)


def test_samples_array_gives_the_designs_rows():
    x = coopgrid.sample(PROBLEM, "sobol", 32, seed=1)
    expected = coopgrid.run(PROBLEM, design="sobol", n=32, seed=1, backend="cpu")
    got = coopgrid.run(PROBLEM, samples=x.to_numpy(), backend="cpu")
    pd.testing.assert_frame_equal(got, expected)
    # A DataFrame by its columns' names: reordered, with or without the sample column.
    by_name = coopgrid.run(PROBLEM, samples=x[list(reversed(x.columns))], backend="cpu")
    pd.testing.assert_frame_equal(by_name, expected)
    pd.testing.assert_frame_equal(coopgrid.run(PROBLEM, samples=x, backend="cpu"), expected)


def test_samples_reduce():
    x = coopgrid.sample(PROBLEM, "mc", 50, seed=2).to_numpy()
    r = coopgrid.reduce(PROBLEM, samples=x, backend="cpu", marginals=["countries.share_prob:4"])
    expected = coopgrid.reduce(PROBLEM, design="mc", n=50, seed=2, backend="cpu",
                               marginals=["countries.share_prob:4"])
    assert r.json["metrics"] == expected.json["metrics"]
    assert r.json["marginals"] == expected.json["marginals"]


def test_samples_bad_input():
    x = coopgrid.sample(PROBLEM, "mc", 3).to_numpy()
    with pytest.raises(TypeError, match="samples"):
        coopgrid.run(PROBLEM, samples=x.tolist())
    with pytest.raises(TypeError, match="samples"):
        coopgrid.run(PROBLEM, samples=x.astype(str))
    bad = x.copy()
    bad[1, 1] = 0.95  # countries.share_prob is uniform [0.2, 0.9]
    with pytest.raises(ValueError, match=r"samples: row 2: column countries.share_prob: value 0.95 is outside"):
        coopgrid.run(PROBLEM, samples=bad)
    with pytest.raises(ValueError, match="samples: 2 columns where the problem has 7"):
        coopgrid.run(PROBLEM, samples=x[:, :2])
    with pytest.raises(ValueError, match="samples"):
        coopgrid.run(PROBLEM, samples=x, design="mc", n=3)
    frame = pd.DataFrame(x, columns=[f"c{j}" for j in range(7)])
    with pytest.raises(ValueError, match="samples: the DataFrame's columns"):
        coopgrid.run(PROBLEM, samples=frame)


def test_every_cli_json_is_strict(cli, tmp_path):
    # An empty selection (null min/max/mean), -inf log metrics (exchange.activities 0 gives log10 T = -inf)...
    problem = tmp_path / "p.toml"
    problem.write_text("[countries]\ncount = 2\nshare_prob = 0.5\ndatasets = { uniform = [0, 10] }\n"
                       "[exchange]\nactivities = { uniform = [0, 100] }\ncountries_per_activity = 3\n")
    x = tmp_path / "X.txt"
    x.write_text("5 0\n5 10\n")
    reports = [
        cli("run", PROBLEM, "--design", "mc", "--n", 64, "--reduce", "--json", "--where", "shared_expected<=-1"),
        cli("run", problem, "--samples", x, "--reduce", "--json", "--top", 2, "--by", "exchange_effect_log10",
            "--marginal", "exchange.activities:2"),
        # ...a constant metric's Sobol' indices (NaN, with their reason), Morris.
        cli("sobol", PROBLEM, "--n", 64, "--metrics", "ethics_difficulty,shared_expected"),
        cli("morris", "data/problem_morris.toml", "--trajectories", 8, "--metrics", "ethics_difficulty,shared_expected"),
    ]
    parsed = [strict_loads(r) for r in reports]
    assert parsed[0]["metrics"]["shared_expected"]["mean"] is None
    m = parsed[1]["metrics"]["exchange_effect_log10"]
    assert m["min"] is None and m["not_finite"]["min"] == "-inf"
    assert parsed[2]["metrics"]["ethics_difficulty"]["reason"]
    assert all(v is None for v in parsed[2]["metrics"]["ethics_difficulty"]["S1"].values())
