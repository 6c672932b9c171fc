"""coopgrid.prim against EMA Workbench's own prim.Prim on the same rows."""
import numpy as np
import pandas as pd
import pytest

import coopgrid
from conftest import require

TRAJECTORY = ["coverage", "density", "mass", "mean", "res_dim", "n", "k"]


def ema_box(x: pd.DataFrame, y, **kwargs):
    import logging
    require("ema_workbench")
    from ema_workbench.analysis import prim as ema_prim
    logging.getLogger("EMA").setLevel(logging.ERROR)
    p = ema_prim.Prim(x, np.asarray(y, dtype=int), threshold=kwargs.pop("threshold", 0.8), **kwargs)
    return p.find_box()


def assert_same_box(ours: coopgrid.PrimBox, theirs, rtol=1e-12):
    t_ours, t_ema = ours.peeling_trajectory, theirs.peeling_trajectory
    assert len(t_ours) == len(t_ema), (t_ours, t_ema)
    for c in TRAJECTORY:
        np.testing.assert_allclose(t_ours[c].to_numpy(float), t_ema[c].to_numpy(float), rtol=rtol, atol=0, err_msg=c)
    for i, (a, b) in enumerate(zip(ours.box_lims, theirs.box_lims)):
        b = b[list(a.columns)]
        np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=rtol, atol=0, err_msg=f"box_lims[{i}]")
    for i, (a, b) in enumerate(zip(ours.qp, theirs.qp)):
        assert list(a) == list(b), (i, a, b)
        for u in a:
            # Probabilities to 1e-12: far in the tail scipy's binomtest gives 0 where the
            # binomial tail (Boost.Math, long double inside) is e.g. 4.7e-279.
            np.testing.assert_allclose(a[u], b[u], rtol=1e-10, atol=1e-12, err_msg=f"qp[{i}][{u}]")


def noisy_box(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n) * 10, "c": rng.normal(size=n), "d": rng.random(n)})
    y = (x.a > 0.6) & (x.b < 5) & (x.c > -1)
    flip = rng.random(n) < 0.05
    return x, np.where(flip, ~y, y)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_rows_give_emas_trajectory_limits_and_quasi_p(seed):
    x, y = noisy_box(10_000, seed)
    ours = coopgrid.prim(x, y)
    assert ours.threshold_met and ours.peel_steps >= 1
    assert_same_box(ours, ema_box(x, y))


def test_other_alphas_and_mass_min():
    x, y = noisy_box(4_000, 7)
    kwargs = dict(peel_alpha=0.1, paste_alpha=0.02, mass_min=0.1, threshold=0.6)
    assert_same_box(coopgrid.prim(x, y, **kwargs), ema_box(x, y, **kwargs))


def test_ties_and_duplicates_take_emas_quantiles():
    """Few distinct values: EMA's quantile widens past ties; the cuts are its own."""
    rng = np.random.default_rng(5)
    n = 3_000
    x = pd.DataFrame({"a": rng.integers(0, 6, n).astype(float), "b": rng.integers(0, 3, n).astype(float),
                      "c": rng.random(n)})
    y = (x.a >= 3) & (x.b <= 1)
    assert_same_box(coopgrid.prim(x, y), ema_box(x, y))


def test_streamed_over_few_values_is_emas_search():
    """bins= streams the search through histograms; where each input has at most
    that many values, the bins are the values and EMA's own search results."""
    rng = np.random.default_rng(8)
    n = 5_000
    x = pd.DataFrame({"a": rng.integers(0, 40, n) / 4, "b": rng.integers(0, 7, n).astype(float),
                      "c": rng.integers(-50, 50, n).astype(float)})
    y = ((x.a >= 4) & (x.b <= 4)) != (rng.random(n) < 0.05)
    ours = coopgrid.prim(x, y, bins=128)
    assert ours.method == "streamed" and ours.bins == 100 and ours.passes == len(ours.peeling_trajectory)
    assert_same_box(ours, ema_box(x, y))


def test_streamed_design_is_never_rows_and_counts_exactly():
    """A design streamed by the engine: the cases are run --reduce --where's, and
    every step's n and k are the design's rows inside the box, counted here."""
    kwargs = dict(design="lhs", n=6_000, seed=2)
    where = "shared_expected >= 3000"
    ours = coopgrid.prim("data/problem_sharing.toml", where, bins=64, backend="cpu", **kwargs)
    assert ours.method == "streamed" and ours.bins == 64
    rows = coopgrid.run("data/problem_sharing.toml", **kwargs)
    y = rows["shared_expected"].to_numpy() >= 3000
    assert ours.total_rows == 6_000 and ours.total_cases == int(y.sum())
    x = rows[ours.inputs].to_numpy(float)
    for i, lims in enumerate(ours.box_lims):
        inside = np.all((x >= lims.iloc[0].to_numpy()) & (x <= lims.iloc[1].to_numpy()), axis=1)
        step = ours.peeling_trajectory.iloc[i]
        assert (step.n, step.k) == (inside.sum(), (inside & y).sum()), i
    exact = coopgrid.prim("data/problem_sharing.toml", where, **kwargs)
    assert abs(ours.density - exact.density) < 0.02 and abs(ours.coverage - exact.coverage) < 0.05


def test_a_grids_rows_where_conditions_as_reduce_applies_them():
    where = "standards_p_any >= 0.5"
    rows = coopgrid.run("data/grid_small.toml")
    ours = coopgrid.prim("data/grid_small.toml", where)
    axes = [c for c in rows.columns if c != "scenario" and c not in coopgrid.metric_names]
    assert ours.inputs == axes  # the grid's axes, in the file's order
    y = rows["standards_p_any"].to_numpy() >= 0.5
    assert ours.total_cases == int(y.sum())
    assert_same_box(ours, ema_box(rows[axes].astype(float), y))  # EMA's float path on the same values


@pytest.mark.parametrize("where", [["standards_p_any >= 0.5"], ["shared_expected >= 1000", "exchange_total_log10 > 3"],
                                   ["standards_p_all >= 0.1", "ethics_q_all <= 0.5", "resources_shared >= 1"]])
def test_a_grid_counted_block_by_block_is_its_rows_search(where):
    """The grid path (no rows) and PRIM over the grid's rows: the same trajectory, bit for bit."""
    grid = coopgrid.prim("data/grid_small.toml", where)
    rows = coopgrid.prim("data/grid_small.toml", where, brute_force=True)
    pd.testing.assert_frame_equal(grid.peeling_trajectory, rows.peeling_trajectory, check_exact=True)
    for a, b in zip(grid.box_lims, rows.box_lims):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert grid.qp == rows.qp and grid.inputs == rows.inputs


def test_a_grid_in_f32_and_some_inputs():
    kwargs = dict(inputs=["standards.count", "standards.difficulty"], precision="f32")
    grid = coopgrid.prim("data/grid_small.toml", "standards_p_any >= 0.5", **kwargs)
    rows = coopgrid.prim("data/grid_small.toml", "standards_p_any >= 0.5", brute_force=True, **kwargs)
    assert grid.inputs == kwargs["inputs"]
    pd.testing.assert_frame_equal(grid.peeling_trajectory, rows.peeling_trajectory, check_exact=True)
    assert grid.qp == rows.qp


def test_a_designs_rows():
    kwargs = dict(design="lhs", n=10_000, seed=3)
    rows = coopgrid.run("data/problem_sharing.toml", **kwargs)
    level = float(np.quantile(rows["shared_expected"], 0.8))
    ours = coopgrid.prim("data/problem_sharing.toml", [f"shared_expected >= {level!r}"], **kwargs)
    params = ours.inputs
    y = rows["shared_expected"].to_numpy() >= level
    assert ours.total_cases == int(y.sum()) and ours.total_rows == 10_000
    assert_same_box(ours, ema_box(rows[params], y))


def batch_inputs_by_hand(directory):
    """A CSV batch's PRIM inputs from its files: list sizes per scenario and the exchange scalars."""
    scen = pd.read_csv(f"{directory}/scenarios.csv", dtype={"scenario": str})
    x = pd.DataFrame(index=scen["scenario"])
    for block in ("countries", "standards"):
        items = pd.read_csv(f"{directory}/{block}.csv", dtype={"scenario": str})
        x[f"{block}.count"] = items.groupby("scenario").size().reindex(x.index, fill_value=0).to_numpy(float)
    x["exchange.activities"] = scen["activities"].to_numpy(float)
    x["exchange.countries_per_activity"] = scen["countries_per_activity"].to_numpy(float)
    for block in ("resources", "ethics"):
        items = pd.read_csv(f"{directory}/{block}.csv", dtype={"scenario": str})
        x[f"{block}.count"] = items.groupby("scenario").size().reindex(x.index, fill_value=0).to_numpy(float)
    return x.reset_index(drop=True)


def test_a_batchs_list_sizes_and_scalars():
    rows = coopgrid.run("data/varied")
    y = rows["shared_expected"].to_numpy() >= 1000
    ours = coopgrid.prim("data/varied", "shared_expected >= 1000")
    x = batch_inputs_by_hand("data/varied")
    assert ours.inputs == list(x.columns)
    assert ours.total_rows == len(x) and ours.total_cases == int(y.sum())
    assert_same_box(ours, ema_box(x, y))
    some = coopgrid.prim("data/varied", "shared_expected >= 1000", inputs=["standards.count", "exchange.activities"])
    assert_same_box(some, ema_box(x[["standards.count", "exchange.activities"]], y))


def test_select_inspect_and_tradeoff(tmp_path):
    x, y = noisy_box(5_000, 11)
    box = coopgrid.prim(x, y)
    last = len(box.box_lims) - 1
    table = box.inspect()
    assert list(table.columns) == ["min", "max", "qp_lower", "qp_upper"]
    assert set(table.index) <= {"a", "b", "c", "d"} and len(table) == box.res_dim
    assert box.select(1) is box and box.coverage == box.peeling_trajectory.coverage[1]
    assert "coverage" in box._repr_html_() and "PrimBox(step 1" in repr(box)
    ax = box.show_tradeoff()
    ax.figure.savefig(tmp_path / "tradeoff.png")
    assert (tmp_path / "tradeoff.png").stat().st_size > 1000
    with pytest.raises(ValueError, match=r"select: i must be in \[0, %d\]" % last):
        box.select(last + 1)
    with pytest.raises(TypeError, match="select: i must be an integer"):
        box.select(1.0)


def test_pairs_scatter_draws_the_restricted_inputs(tmp_path):
    x, y = noisy_box(3_000, 5)
    box = coopgrid.prim(x, y)
    dims = list(box.qp[box._cur_box])
    fig = box.show_pairs_scatter(max_points=1_000)
    assert len(fig.axes) == len(dims) ** 2 and len(dims) >= 2
    assert [a.get_xlabel() for a in fig.axes[-len(dims):]] == dims
    assert "1,000 of 3,000 rows" in fig._suptitle.get_text()
    corner = fig.axes[len(dims)]  # row 1, column 0: dims[0] across, dims[1] up, the box a rectangle
    (rect,) = corner.patches
    lims = box.box_lim
    assert rect.get_x() == lims[dims[0]][0] and rect.get_y() == lims[dims[1]][0]
    fig.savefig(tmp_path / "pairs.png")
    assert (tmp_path / "pairs.png").stat().st_size > 1000
    assert len(box.show_pairs_scatter(0, dims=["a"]).axes) == 1  # step 0 restricts nothing: dims given
    with pytest.raises(ValueError, match="step 0 restricts no input"):
        box.show_pairs_scatter(0)
    with pytest.raises(ValueError, match=r"dims \['z'\] are not among"):
        box.show_pairs_scatter(dims=["z"])
    with pytest.raises(TypeError, match="i must be an integer"):
        box.show_pairs_scatter(1.5)
    grid_box = coopgrid.prim("data/grid_small.toml", "standards_p_any >= 0.5")
    with pytest.raises(ValueError, match="counted on a grid without its rows"):
        grid_box.show_pairs_scatter()


def test_bad_arguments_name_the_argument():
    x, y = noisy_box(200, 1)
    with pytest.raises(ValueError, match=r"peel_alpha must be in \(0, 0.5\)"):
        coopgrid.prim(x, y, peel_alpha=0.5)
    with pytest.raises(TypeError, match="threshold must be a number"):
        coopgrid.prim(x, y, threshold="high")
    with pytest.raises(ValueError, match="y must be one value per row"):
        coopgrid.prim(x, y[:-1])
    with pytest.raises(ValueError, match=r"inputs \['z'\] are not columns"):
        coopgrid.prim(x, y, inputs=["z"])
    with pytest.raises(ValueError, match="no case of interest"):
        coopgrid.prim(x, np.zeros(len(x), bool))
    with pytest.raises(ValueError, match="unknown metric"):
        coopgrid.prim("data/grid_small.toml", "shared_expectd >= 1")
    with pytest.raises(ValueError, match="bins must be at least 2"):
        coopgrid.prim(x, y, bins=1)
    with pytest.raises(ValueError, match="^inputs: 'nope' is not an input of data/grid_small.toml"):
        coopgrid.prim("data/grid_small.toml", "standards_p_any >= 0.5", bins=64, inputs=["nope"])
    with pytest.raises(ValueError, match="bins must be at least 2"):
        coopgrid.prim("data/problem_sharing.toml", "shared_expected >= 1", design="lhs", n=10, bins=1)
