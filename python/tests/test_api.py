"""coopgrid's Python API against the CLI on the same inputs: the same numbers, the same errors."""
import io
import json
import shutil
import subprocess
import sys
import tarfile
import textwrap
import threading
import time

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import coopgrid
from conftest import DATA, ROOT, cli_binary, set_csv_cell


def cli_rows(text, ids_as_str=False):
    return pd.read_csv(io.StringIO(text), dtype={"scenario": str} if ids_as_str else None,
                       float_precision="round_trip")  # pandas' default parser can be 1 ulp off


def assert_rows_equal(df, cli_df):
    """Same columns in the same order and bit-identical values (integer-valued CLI columns read as int64;
    an f32 run's metrics are float32, as the CLI's shortest-form floats read back)."""
    assert list(df.columns) == list(cli_df.columns)
    cli_df = cli_df.copy()
    for name in df.columns:
        if df[name].dtype == np.float32:
            cli_df[name] = cli_df[name].astype(np.float32)
    assert_frame_equal(df, cli_df, check_dtype=False, check_exact=True)


# ---- run / evaluate: rows ----

@pytest.mark.parametrize("precision", ["f64", "f32"])
def test_run_grid_equals_cli(cli, precision):
    df = coopgrid.run("data/grid_small.toml", precision=precision, backend="cpu")
    assert len(df) == 9720 and df.columns[0] == "scenario"
    assert df["shared_expected"].dtype == (np.float32 if precision == "f32" else np.float64)
    assert_rows_equal(df, cli_rows(cli("run", "data/grid_small.toml", "--precision", precision, "--backend", "cpu")))


def test_run_reference_backend_and_metrics_subset(cli):
    df = coopgrid.run("data/grid_edges.toml", backend="reference", metrics=["shared_expected", "ethics_q_all"])
    assert list(df.columns)[-2:] == ["shared_expected", "ethics_q_all"]
    assert_rows_equal(df, cli_rows(cli("run", "data/grid_edges.toml", "--backend", "reference",
                                       "--metrics", "shared_expected,ethics_q_all")))


def test_run_problem_with_design_equals_cli(cli):
    df = coopgrid.run("data/problem_sharing.toml", design="lhs", n=500, seed=7)
    assert "countries.share_prob" in df.columns
    assert_rows_equal(df, cli_rows(cli("run", "data/problem_sharing.toml", "--design", "lhs", "--n", 500,
                                       "--seed", 7)))


def test_run_salib_problem_with_fixed_equals_cli(cli):
    df = coopgrid.run("data/problem_salib.txt", fixed="data/problem_fixed.toml", design="saltelli", n=16)
    assert_rows_equal(df, cli_rows(cli("run", "data/problem_salib.txt", "--fixed", "data/problem_fixed.toml",
                                       "--design", "saltelli", "--n", 16)))


@pytest.mark.parametrize("batch", ["data/cases", "data/varied"])
def test_run_batch_equals_cli(cli, batch):
    df = coopgrid.run(batch)
    assert_rows_equal(df, cli_rows(cli("run", batch), ids_as_str=True))


def binary_batch(cli, tmp_path, src="data/varied"):
    out = tmp_path / "bin"
    cli("convert", src, out, output=False)
    arrays = {p.stem: np.load(p) for p in out.glob("*.npy")}
    ids_file = out / "ids.txt"
    if ids_file.exists():
        arrays["ids"] = ids_file.read_text().splitlines()
    return arrays


def test_batch_columns_table_is_the_binary_format(cli, tmp_path):
    # One table (kernels/batch_view.hpp): convert's files, their dtypes and the in-memory columns all follow it.
    arrays = binary_batch(cli, tmp_path)
    table = coopgrid._native.batch_columns
    assert set(arrays) - {"ids"} == {name for name, _, _ in table}
    for name, dtype, file in table:
        assert arrays[name].dtype == np.dtype(dtype), name
        assert (tmp_path / "bin" / f"{name}.npy").exists() and file in ("scenarios", "countries", "standards",
                                                                        "resources", "ethics")
    assert set(coopgrid.source(arrays).column_addresses()) == {name for name, _, _ in table}
    assert len(table) == 11


def test_evaluate_arrays_equals_cli(cli, tmp_path):
    arrays = binary_batch(cli, tmp_path)
    df = coopgrid.evaluate(arrays)
    assert_rows_equal(df, cli_rows(cli("run", "data/varied"), ids_as_str=True))


def test_evaluate_long_dataframes_equals_cli(cli):
    tables = {p.stem: pd.read_csv(p, dtype={"scenario": str}, float_precision="round_trip") for p in (DATA / "varied").glob("*.csv")}
    df = coopgrid.evaluate(tables)
    assert_rows_equal(df, cli_rows(cli("run", "data/varied"), ids_as_str=True))
    assert coopgrid.reduce(tables).input == "<memory>"


def test_evaluate_absent_block_is_empty(cli, tmp_path):
    arrays = binary_batch(cli, tmp_path)
    n = len(arrays["activities"])
    without = {k: v for k, v in arrays.items() if not k.startswith(("ethics",))}
    empty = dict(arrays, ethics_offsets=np.zeros(n + 1, np.int64), ethics_difficulty=np.zeros(0))
    assert_frame_equal(coopgrid.evaluate(without), coopgrid.evaluate(empty), check_exact=True)


def test_evaluate_uses_contiguous_arrays_in_place(cli, tmp_path):
    arrays = binary_batch(cli, tmp_path)
    addresses = coopgrid.source(arrays).column_addresses()
    for name, a in arrays.items():
        if name != "ids":
            assert addresses[name] == a.ctypes.data, name
    # The check can fail: a column of another dtype is converted, so read from a copy.
    converted = dict(arrays, datasets=arrays["datasets"].astype(np.float32))
    assert coopgrid.source(converted).column_addresses()["datasets"] != converted["datasets"].ctypes.data
    # A strided view is copied too, and evaluates the same.
    strided = np.repeat(arrays["activities"], 2)[::2]
    assert coopgrid.source(dict(arrays, activities=strided)).column_addresses()["activities"] != strided.ctypes.data
    assert_frame_equal(coopgrid.evaluate(dict(arrays, activities=strided)), coopgrid.evaluate(arrays))


# ---- reduce ----

def test_reduce_equals_cli_json(cli):
    args = dict(where=["shared_expected>=1000", "ethics_q_all<=0.9"], top=4, by="shared_variance",
                histogram="shared_expected:7")
    r = coopgrid.reduce("data/grid_small.toml", backend="cpu", **args)
    text = cli("run", "data/grid_small.toml", "--backend", "cpu", "--reduce", "--where", "shared_expected>=1000",
               "--where", "ethics_q_all<=0.9", "--top", 4, "--by", "shared_variance", "--histogram",
               "shared_expected:7")
    assert r.text == text
    assert r.metrics.shared_expected.mean == json.loads(text)["metrics"]["shared_expected"]["mean"]
    assert r.top.k == 4 and len(r.top.rows) == 4
    frame = r.to_frame()
    assert list(frame.index) == list(coopgrid.metric_names)
    assert frame.loc["shared_expected", "count"] == r.selected
    assert len(r.top_frame()) == 4 and r.histogram_frame()["count"].sum() + r.histogram.below + r.histogram.above \
        == r.selected
    assert "shared_expected" in str(r)  # the table


def test_reduce_problem_and_brute_force_equal_cli(cli):
    r = coopgrid.reduce("data/problem_sharing.toml", design="sobol", n=4096, histogram=("shared_expected", 5),
                        ascending=True, top=2, by="datasets_total")
    assert r.text == cli("run", "data/problem_sharing.toml", "--design", "sobol", "--n", 4096, "--reduce",
                         "--histogram", "shared_expected:5", "--top", 2, "--by", "datasets_total", "--ascending")
    b = coopgrid.reduce("data/grid_small.toml", backend="cpu", brute_force=True, metrics="shared_expected")
    assert b.text == cli("run", "data/grid_small.toml", "--backend", "cpu", "--reduce", "--brute-force",
                         "--metrics", "shared_expected")


def test_reduce_in_memory_batch_equals_cli(cli, tmp_path):
    r = coopgrid.reduce(binary_batch(cli, tmp_path), top=3, by="shared_expected")
    expected = json.loads(cli("run", "data/varied", "--reduce", "--top", 3, "--by", "shared_expected"))
    assert r.json["metrics"] == expected["metrics"]
    assert r.json["top"] == expected["top"]


def test_reduce_marginals_equal_cli(cli, tmp_path):
    r = coopgrid.reduce("data/grid_small.toml", marginals=["countries.count", ("standards.count", "ethics.count")])
    expected = json.loads(cli("run", "data/grid_small.toml", "--reduce", "--marginal", "countries.count",
                              "--marginal", "standards.count,ethics.count"))
    assert r.json["marginals"] == expected["marginals"]
    # The long frame equals the CLI's --marginal-csv, cell for cell.
    csv = tmp_path / "m.csv"
    cli("run", "data/grid_small.toml", "--reduce", "--marginal", "countries.count", "--marginal-csv", csv)
    want = pd.read_csv(csv, float_precision="round_trip")
    got = r.marginal_frame("countries.count")
    assert len(got) == len(want)
    assert list(got["mean"]) == list(want["mean"])
    assert list(got["count"]) == list(want["count"])
    with pytest.raises(ValueError, match="no marginal"):
        r.marginal_frame("exchange.activities")


def test_reduce_sd_is_numpys_population_std(cli, tmp_path):
    # The report's sd (exact power sums) against NumPy's two-pass std (ddof=0) of the same rows,
    # per metric and per marginal cell; the frames and the CLI's --marginal-csv carry it alike.
    rows = coopgrid.run("data/grid_small.toml", backend="cpu")
    r = coopgrid.reduce("data/grid_small.toml", backend="cpu", marginals=["countries.count"])
    frame = r.to_frame()
    checked = 0
    for m in coopgrid.metric_names:
        x = rows[m].to_numpy()
        if not np.isfinite(x).all():
            assert np.isnan(frame.loc[m, "sd"])  # no sd with an infinity
            continue
        assert frame.loc[m, "sd"] == pytest.approx(np.std(x), rel=1e-14, abs=1e-300), m
        assert r.json["metrics"][m]["sd"] == frame.loc[m, "sd"]
        checked += 1
    assert checked >= 10
    cells = r.marginal_frame("countries.count")
    want = rows.groupby("countries.count")["shared_expected"].std(ddof=0)
    got = cells[cells["metric"] == "shared_expected"].set_index("countries.count")["sd"]
    assert np.allclose(got.loc[want.index].to_numpy(), want.to_numpy(), rtol=1e-13, atol=0)
    csv = tmp_path / "m.csv"
    cli("run", "data/grid_small.toml", "--reduce", "--marginal", "countries.count", "--marginal-csv", csv)
    from_csv = pd.read_csv(csv, float_precision="round_trip")["sd"].to_numpy()
    assert np.array_equal(from_csv, cells["sd"].to_numpy(dtype=float), equal_nan=True)  # NaN: the logs' -inf


def test_reduce_bad_marginal_raises_value_error(cli):
    p = cli("run", "data/grid_small.toml", "--reduce", "--marginal", "no.such_axis", check=False)
    assert p.returncode == 2
    with pytest.raises(ValueError) as e:
        coopgrid.reduce("data/grid_small.toml", marginals=["no.such_axis"])
    # The CLI's message, with the Python argument's name for the flag.
    assert str(e.value) in p.stderr.replace("--marginal", "marginals")


# ---- sample ----

@pytest.mark.parametrize("design,extra", [("sobol", ()), ("saltelli", ("--second-order",)), ("morris", ())])
def test_sample_equals_cli(cli, design, extra):
    kw = {"second_order": True} if extra else {}
    x = coopgrid.sample("data/problem_sharing.toml", design, 64, seed=3, **kw)
    expected = pd.read_csv(io.StringIO(cli("sample", "data/problem_sharing.toml", "--design", design, "--n", 64,
                                           "--seed", 3, *extra, suffix=".csv")), float_precision="round_trip")
    assert_rows_equal(x.reset_index(), expected)
    rows = coopgrid.run("data/problem_sharing.toml", design=design, n=64, seed=3, **kw)
    assert_frame_equal(x.reset_index(drop=True), rows[list(x.columns)], check_exact=True)


# ---- errors ----

def cli_error(cli, *args):
    p = cli(*args, output=False, check=False)
    assert p.returncode == 2, p.stderr
    return p.stderr.strip().removeprefix("coopgrid: error: ")


def test_bad_batch_raises_value_error_with_cli_message(cli, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(DATA / "varied", bad)
    set_csv_cell(bad / "countries.csv", 1, "share_prob", "1.5")
    message = cli_error(cli, "run", bad)
    assert "1.5" in message and "countries.csv:2" in message
    with pytest.raises(ValueError) as e:
        coopgrid.run(bad)
    assert str(e.value) == message


def test_run_refuses_a_result_beyond_its_memory_share():
    # The main job's rows (8.64e7 x 22 columns, about 15 GB) are refused before anything is allocated.
    with pytest.raises(ValueError, match=r"max_memory_share=0.01 .*reduce\(\).*evaluate\(\) on chunks"):
        coopgrid.run(DATA / "grid_main.toml", max_memory_share=0.01)
    with pytest.raises(ValueError, match=r"grid_small.toml: \d+ rows of \d+ bytes need"):
        coopgrid.run(DATA / "grid_small.toml", max_memory_share=1e-12)
    # Within the share (or with the check off) the rows come back.
    assert len(coopgrid.run(DATA / "grid_small.toml", max_memory_share=None)) == \
        coopgrid.source(DATA / "grid_small.toml").num_scenarios


def test_bad_grid_and_options_raise_value_error(cli, tmp_path):
    grid = tmp_path / "g.toml"
    grid.write_text("[countries]\ncount = 3\nshare_prob = { linspace = [0, 1.5, 4] }\n")
    message = cli_error(cli, "run", grid)
    with pytest.raises(ValueError) as e:
        coopgrid.run(grid)
    assert str(e.value) == message
    with pytest.raises(ValueError) as e:
        coopgrid.reduce("data/grid_small.toml", where="nonsense>=1")
    assert str(e.value) == cli_error(cli, "run", "data/grid_small.toml", "--reduce", "--where", "nonsense>=1")
    with pytest.raises(ValueError, match="give design"):
        coopgrid.run("data/problem_sharing.toml")  # a problem needs a design (the argument, not --design)
    with pytest.raises(ValueError, match="gpu"):
        coopgrid.run("data/grid_small.toml", backend="gpu")
    with pytest.raises(ValueError, match="needs by"):
        coopgrid.reduce("data/grid_small.toml", top=3)


def test_bad_in_memory_values_name_the_column(cli, tmp_path):
    arrays = binary_batch(cli, tmp_path)
    arrays["country_share_prob"] = arrays["country_share_prob"].copy()
    arrays["country_share_prob"][2] = 1.5
    with pytest.raises(ValueError, match=r"scenarios\['country_share_prob'\]\[2\]: value 1.5"):
        coopgrid.evaluate(arrays)
    tables = {p.stem: pd.read_csv(p, dtype={"scenario": str}, float_precision="round_trip") for p in (DATA / "varied").glob("*.csv")}
    tables["countries"].loc[0, "share_prob"] = 1.5
    with pytest.raises(ValueError, match=r"^countries.csv:2: .*1.5"):
        coopgrid.evaluate(tables)


def test_cuda_without_device_raises_runtime_error():
    if coopgrid._native.resolve_backend("auto") == "cuda":
        pytest.skip("a CUDA device is present")
    with pytest.raises(RuntimeError):
        coopgrid.run("data/grid_small.toml", backend="cuda")


# ---- Ctrl-C and the GIL ----

def test_sigint_raises_keyboard_interrupt_and_leaves_nothing(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys, time, coopgrid
        print("started", flush=True)
        t = time.monotonic()
        try:
            # backend="cpu": the default picks a device where present, and the signal must land mid-call.
            coopgrid.ema.save_results("{ROOT}/data/problem_sharing.toml", "out.tar.gz", design="mc",
                                      n=10_000_000, metrics=["shared_expected"], where="shared_expected>=0",
                                      backend="cpu")
        except KeyboardInterrupt:
            print("interrupted after", round(time.monotonic() - t, 2), "s", flush=True)
        try:
            # 1.01e10 scenarios one by one (about a minute on 2 cores): grid_main's 8.64e7 take
            # 0.9 s since the plain fold, less than the second before the signal.
            coopgrid.reduce("{ROOT}/data/grid_big.toml", brute_force=True, backend="cpu")
        except KeyboardInterrupt:
            print("interrupted after", round(time.monotonic() - t, 2), "s", flush=True)
            print("left:", sorted(os.listdir(".")), flush=True)
            sys.exit(0)
        sys.exit(3)
        """)
    p = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    for _ in range(2):
        time.sleep(1.0)
        p.send_signal(2)
        line = p.stdout.readline()
        assert line.startswith("interrupted after"), line
    assert p.stdout.readline().strip() == "left: []"
    assert p.wait(timeout=60) == 0


def test_long_calls_release_the_gil():
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        start = time.monotonic()
        coopgrid.reduce("data/problem_sharing.toml", design="mc", n=2_000_000, backend="cpu", threads=1)
        end = time.monotonic()
    finally:
        stop.set()
        t.join()
    assert end - start > 0.3, "the call is too short to show anything"
    inside = [x for x in ticks if start + 0.1 < x < end - 0.1]
    # Holding the GIL, the ticking thread would not run at all during the call.
    assert len(inside) > 20, (len(inside), end - start)
