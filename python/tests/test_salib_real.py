"""coopgrid against the real SALib (PyPI): the problem's order is the order of X, Y and every index.

For permuted and grouped problems, SALib's own sampler gives coopgrid's X, and SALib's own
``sobol.analyze`` / ``morris.analyze`` (Python API and its ``salib`` command) on coopgrid's X and Y
give coopgrid's indices under the same names. The CTest ``python`` test runs these with the
project's test environment (scripts/python-env.sh), where SALib is installed: there they must run,
not skip (COOPGRID_TEST_DEPS=required).
"""
import json
import os
import re
import subprocess

import numpy as np
import pytest

import coopgrid

from conftest import require

require("SALib")  # in the tests' venv (CI) a missing SALib fails these tests instead of skipping them
from SALib.analyze import morris as salib_morris  # noqa: E402
from SALib.analyze import sobol as salib_sobol  # noqa: E402
from SALib.sample import sobol as salib_sobol_sample  # noqa: E402

# The continuous parameters of data/problem_sharing.toml, as a SALib dict (SALib samples only these).
BASE = {
    "names": ["countries.datasets", "countries.share_prob", "standards.difficulty", "exchange.activities",
              "resources.share_prob"],
    "bounds": [[100.0, 10000.0], [0.2, 0.9], [0.1, 2.0, 0.2105263157894737], [2.3, 0.5], [0.0, 1.0, 0.6, 0.15]],
    "dists": ["unif", "unif", "triang", "lognorm", "truncnorm"],
}
FIXED = {"countries.count": 20, "standards.count": 5, "exchange.countries_per_activity": 5,
         "resources.count": 4, "ethics.count": 3, "ethics.difficulty": 0.8}
METRICS = ["shared_expected", "standards_p_all", "resources_shared", "exchange_total_log10"]
PERMUTATIONS = [(4, 3, 2, 1, 0), (3, 0, 4, 1, 2), (1, 4, 0, 2, 3)]


def permuted(problem, order):
    out = {"num_vars": len(order)}
    for key in ("names", "bounds", "dists", "groups"):
        if key in problem:
            out[key] = [problem[key][i] for i in order]
    return out


def grouped(problem):
    g = dict(problem)  # two groups and three parameters of their own, in SALib's order of first appearance
    g["groups"] = ["sharing" if n.endswith("share_prob") else n for n in problem["names"]]
    return g


def close(got, want, tol=1e-9, what=""):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    both_nan = np.isnan(got) & np.isnan(want)
    ok = both_nan | (np.abs(got - want) <= tol * np.maximum(1.0, np.abs(want)))
    assert ok.all(), f"{what}: {got[~ok]} vs SALib {want[~ok]}"


@pytest.mark.parametrize("order", PERMUTATIONS)
def test_saltelli_x_equals_salibs_sampler(order):
    problem = permuted(BASE, order)
    x = coopgrid.sample(problem, "saltelli", 64, second_order=True, fixed=FIXED)
    assert list(x.columns) == problem["names"]  # the user's order, not the model's fields'
    want = salib_sobol_sample.sample(problem, 64, calc_second_order=True, scramble=False)
    assert x.shape == want.shape
    for j, name in enumerate(problem["names"]):
        got, ref = x[name].to_numpy(), want[:, j]
        if problem["dists"][j] in ("norm", "lognorm"):
            # On the cube's face (u = 0: the unscrambled Sobol' point 0) SALib's ppf gives -inf or 0;
            # coopgrid clamps u to 2^-53 there (DESIGNS.md section 1): a finite value, a documented difference.
            face = ~np.isfinite(ref) | (ref == 0)
            assert np.isfinite(got[face]).all() and face.sum() < len(ref) // 4
            got, ref = got[~face], ref[~face]
        # Uniform columns are SALib's to the bit; the others within the inverse CDFs' rounding.
        tol = 0.0 if problem["dists"][j] == "unif" else 1e-12
        close(got, ref, tol, f"X column {name}")


def test_grouped_saltelli_x_equals_salibs_sampler():
    problem = grouped(permuted(BASE, PERMUTATIONS[1]))
    x = coopgrid.sample(problem, "saltelli", 32, fixed=FIXED).to_numpy()
    want = salib_sobol_sample.sample(problem, 32, calc_second_order=False, scramble=False)
    inner = np.isfinite(want).all(axis=1) & (want != 0).all(axis=1)  # off the cube's face (see above)
    assert x.shape == want.shape and inner.sum() > len(want) // 2
    close(x[inner], want[inner], 1e-12, "grouped X")


@pytest.mark.parametrize("order", PERMUTATIONS)
@pytest.mark.parametrize("groups", [False, True])
def test_salib_sobol_analyze_on_coopgrid_rows(order, groups):
    problem = permuted(BASE, order)
    if groups:
        problem = grouped(problem)
    n = 256
    rows = coopgrid.run(problem, design="saltelli", n=n, second_order=True, fixed=FIXED, metrics=METRICS,
                        backend="cpu")
    si = coopgrid.sobol(problem, n, second_order=True, fixed=FIXED, metrics=METRICS, backend="cpu", bootstrap=10)
    labels = list(dict.fromkeys(problem.get("groups") or problem["names"]))
    for metric in METRICS:
        want = salib_sobol.analyze(problem, rows[metric].to_numpy(), calc_second_order=True, num_resamples=10,
                                   print_to_console=False, seed=1)
        r = si[metric]
        assert r["names"] == labels
        close(r["S1"], want["S1"], what=f"{metric} S1")
        close(r["ST"], want["ST"], what=f"{metric} ST")
        iu = np.triu_indices(len(labels), 1)
        close(r["S2"][iu], want["S2"][iu], what=f"{metric} S2")


@pytest.mark.parametrize("order", PERMUTATIONS)
def test_salib_morris_analyze_on_coopgrid_rows(order):
    problem = permuted(BASE, order)
    x = coopgrid.sample(problem, "morris", 50, levels=4, fixed=FIXED)
    rows = coopgrid.run(problem, design="morris", n=50, levels=4, fixed=FIXED, metrics=METRICS, backend="cpu")
    mo = coopgrid.morris(problem, 50, levels=4, fixed=FIXED, metrics=METRICS, backend="cpu", bootstrap=10)
    for metric in METRICS:
        want = salib_morris.analyze(problem, x.to_numpy(), rows[metric].to_numpy(), num_levels=4,
                                    num_resamples=10, print_to_console=False, seed=1)
        r = mo[metric]
        assert r["names"] == problem["names"]
        for key in ("mu", "mu_star", "sigma"):
            close(r[key], want[key], what=f"{metric} {key}")


def test_permuted_indices_agree_by_name():
    """The same parameters in another order: each name's ST within the confidence intervals."""
    n = 2048
    a = coopgrid.sobol(BASE, n, fixed=FIXED, metrics="shared_expected", backend="cpu")["shared_expected"]
    for order in PERMUTATIONS:
        b = coopgrid.sobol(permuted(BASE, order), n, fixed=FIXED, metrics="shared_expected",
                           backend="cpu")["shared_expected"]
        assert b["names"] == [BASE["names"][i] for i in order]
        for j, name in enumerate(b["names"]):
            i = a["names"].index(name)
            for key in ("S1", "ST"):
                bound = 3 * (a[key + "_conf"][i] + b[key + "_conf"][j]) + 1e-3
                assert abs(a[key][i] - b[key][j]) <= bound, (order, name, key, a[key][i], b[key][j])


def test_salib_cli_on_coopgrid_files(tmp_path, cli):
    """The README's hand-off: coopgrid writes X and Y, SALib's own command reads them with the text problem."""
    problem = permuted(BASE, PERMUTATIONS[0])
    lines = []
    for name, b, dist in zip(problem["names"], problem["bounds"], problem["dists"]):
        if dist in ("unif", "lognorm"):  # SALib's text format holds two bounds
            lines.append(f"{name} {b[0]!r} {b[1]!r} NA {dist}")
    text = tmp_path / "P.txt"
    text.write_text("\n".join(lines) + "\n")
    fixed = tmp_path / "fixed.toml"
    fixed.write_text("".join(f"{k} = {v!r}\n" for k, v in FIXED.items()) + "standards.difficulty = 1.0\n"
                     "resources.share_prob = 0.5\n")
    x = tmp_path / "X.txt"
    y = tmp_path / "Y.txt"
    subprocess.run([_binary(), "sample", str(text), "--fixed", str(fixed), "--design", "saltelli", "--n", "128",
                    "-o", str(x)], check=True)
    subprocess.run([_binary(), "run", str(text), "--fixed", str(fixed), "--design", "saltelli", "--n", "128",
                    "--metrics", "shared_expected", "--format", "salib-y", "--no-progress", "-o", str(y)],
                   check=True)
    want_x = salib_sobol_sample.sample(_salib_read(text), 128, calc_second_order=False, scramble=False)
    inner = np.isfinite(want_x).all(axis=1) & (want_x != 0).all(axis=1)  # off the cube's face (lognorm)
    close(np.loadtxt(x)[inner], want_x[inner], 1e-7, "X.txt")  # %.8e text, as SALib writes it
    out = subprocess.run([_salib_command(), "analyze", "sobol", "-p", str(text), "-Y", str(y), "--max-order", "1",
                          "-r", "10"], capture_output=True, text=True, check=True).stdout
    ours = json.loads(cli("sobol", text, "--fixed", fixed, "--n", 128, "--metrics", "shared_expected",
                          "--json"))["metrics"]["shared_expected"]
    printed = _salib_table(out)
    assert list(printed) == _salib_read(text)["names"]
    for name, (st, s1) in printed.items():
        assert abs(st - ours["ST"][name]) <= 1e-5 * max(1.0, abs(st)), (name, st, ours["ST"][name])
        assert abs(s1 - ours["S1"][name]) <= 1e-5 * max(1.0, abs(s1)), (name, s1, ours["S1"][name])


def test_shipped_salib_problem_reads_in_salib():
    from SALib.util import read_param_file
    p = read_param_file("data/problem_salib.txt")
    ours = coopgrid.salib.to_salib(coopgrid.salib.read_problem("data/problem_salib.txt",
                                                               fixed="data/problem_fixed.toml"))
    assert p["names"] == ours["names"]  # the file's order, in both readers


def _salib_command():
    """SALib's own `salib` command: beside this interpreter (a venv's bin/), else on PATH."""
    import shutil
    import sys
    here = os.path.join(os.path.dirname(sys.executable), "salib")
    return here if os.path.exists(here) else shutil.which("salib") or "salib"


def _binary():
    from conftest import cli_binary
    return cli_binary()


def _salib_read(path):
    from SALib.util import read_param_file
    return read_param_file(str(path))


def _salib_table(text):
    """{name: (ST, S1)} from the tables `salib analyze sobol` prints (ST ST_conf, then S1 S1_conf)."""
    st, s1, table = {}, {}, None
    for line in text.splitlines():
        cols = line.split()
        if cols[:2] in (["ST", "ST_conf"], ["S1", "S1_conf"]):
            table = st if cols[0] == "ST" else s1
        elif table is not None and len(cols) == 3 and re.match(r"^[\w.]+$", cols[0]):
            table[cols[0]] = float(cols[1])
    return {n: (st[n], s1[n]) for n in st}


def test_readme_salib_commands_run_as_written(tmp_path, cli):
    """README's SALib hand-off block, command by command, and SALib's numbers are coopgrid's by name."""
    import shlex
    from conftest import ROOT
    text = (ROOT / "README.md").read_text()
    block = next(b for b in text.split("```sh")[1:] if "salib analyze sobol" in b).split("```")[0]
    commands, pending = [], ""
    for line in block.splitlines():
        line = pending + line.split("  #")[0].strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if "problem_salib" in line or line.startswith("salib "):
            commands.append(shlex.split(line))
    assert [c[:2] for c in commands] == [["coopgrid", "sample"], ["coopgrid", "run"], ["salib", "analyze"]]
    (tmp_path / "data").symlink_to(ROOT / "data")
    out = ""
    for argv in commands:
        if argv[0] == "salib":
            argv = [_salib_command(), *argv[1:]]
        if argv[0] == "coopgrid":
            binary = os.path.abspath(_binary())
            argv = [binary, *argv[1:], "--no-progress"] if argv[1] == "run" else [binary, *argv[1:]]
        out = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    n = int(commands[0][commands[0].index("--n") + 1])
    ours = json.loads(cli("sobol", "data/problem_salib.txt", "--fixed", "data/problem_fixed.toml", "--n", n,
                          "--metrics", "shared_expected", "--json"))["metrics"]["shared_expected"]
    printed = _salib_table(out)
    groups = list(dict.fromkeys(_salib_read(ROOT / "data/problem_salib.txt")["groups"]))
    assert list(printed) == groups  # SALib prints per group, in the file's order: coopgrid's labels
    for name, (st, s1) in printed.items():
        assert abs(st - ours["ST"][name]) <= 1e-5 * max(1.0, abs(st)), (name, st, ours["ST"][name])
        assert abs(s1 - ours["S1"][name]) <= 1e-5 * max(1.0, abs(s1)), (name, s1, ours["S1"][name])
