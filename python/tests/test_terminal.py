"""What a person sees at an 80-column terminal: tables, progress, --help lines and Ctrl-C (a pseudo-terminal)."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, cli_binary

sys.path.insert(0, str(ROOT / "tests" / "support"))
from pty_run import run  # noqa: E402

COMMANDS = [
    ["run", "data/grid_main.toml", "--reduce", "--top", "5", "--by", "shared_expected", "--histogram",
     "shared_expected:10"],
    ["run", "data/grid_small.toml", "--reduce", "--brute-force", "--backend", "cpu", "--histogram",
     "standards_p_any:5"],
    ["run", "data/problem_sharing.toml", "--design", "sobol", "--n", "4096", "--reduce", "--top", "3", "--by",
     "shared_expected"],
    ["sobol", "data/problem_sharing.toml", "--n", "1024", "--metrics", "shared_expected"],
    ["morris", "data/problem_morris.toml", "--trajectories", "100", "--metrics", "shared_expected"],
    ["validate", "data/grid_main.toml"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_fits_80_columns(argv):
    code, raw, lines = run([cli_binary(), *argv], cols=80)
    assert code == 0, raw[-400:]
    wide = [line for line in lines if len(line) > 80]
    assert not wide, wide


def test_progress_fits_names_the_pass_and_ends_at_100(tmp_path):
    code, raw, lines = run([cli_binary(), "run", "data/grid_main.toml", "--reduce", "--brute-force", "--backend",
                            "cpu", "--metrics", "shared_expected", "--histogram", "shared_expected:4"], cols=80)
    assert code == 0
    frames = [f for f in raw.decode().replace("\r\n", "\n").replace("\n", "\r").split("\r")
              if "%" in f and "/s" in f]
    assert frames and all(len(f.replace("\x1b[K", "")) < 80 for f in frames)
    assert any("pass 1 of 2" in f for f in frames) and any("pass 2 of 2 (histogram)" in f for f in frames)
    for f in frames:
        pct = float(f.split("%")[0].split()[-1])
        assert 0 <= pct <= 100, f
    assert any("86,400,000" in f or "86.4M" in f for f in frames)


@pytest.mark.parametrize("convert", [False, True], ids=["csv", "npy"])
def test_loading_a_batch_is_a_named_pass_from_the_first_byte(tmp_path, convert):
    # Every add drawn (COOPGRID_PROGRESS_REDRAW_MS=0): data/varied loads in milliseconds.
    src = ROOT / "data" / "varied"
    if convert:
        subprocess.run([cli_binary(), "convert", str(src), str(tmp_path / "bin")], check=True)
        src = tmp_path / "bin"
    env = dict(os.environ, COOPGRID_PROGRESS_REDRAW_MS="0")
    for argv in (["validate", str(src)], ["run", str(src), "--reduce", "--backend", "cpu"]):
        code, raw, lines = run([cli_binary(), *argv], cols=80, env=env)
        assert code == 0, raw[-400:]
        frames = [f.replace("\x1b[K", "").removeprefix("[coopgrid] ") for f in raw.decode().replace("\r\n", "\n").replace("\n", "\r").split("\r")
                  if "loading:" in f]
        assert frames and all(len(f) < 80 for f in frames), frames
        assert frames[-1].startswith("loading: 100.0%") and "done in" in frames[-1], frames[-1]
        total = frames[-1].split("/ ")[1].split(" bytes")[0]
        assert int(total.replace(",", "")) > 0
        assert any(line.removeprefix("[coopgrid] ").startswith("loading: 100.0%") for line in lines)  # kept
    code, raw, lines = run([cli_binary(), "validate", str(src), "--no-progress"], cols=80, env=env)
    assert code == 0 and b"loading:" not in raw


def test_ctrl_c_says_interrupted_on_a_fresh_line(tmp_path):
    out = tmp_path / "rows.csv"
    code, raw, lines = run([cli_binary(), "run", "data/grid_big.toml", "--reduce", "--brute-force", "--backend",
                            "cpu", "-o", str(out)], cols=80, signal_after=1.5)
    assert code == 130
    assert lines[-1] == "coopgrid: interrupted"
    assert not out.exists()


def test_help_lines_fit_80_columns():
    for sub in ("run", "sobol", "morris", "sample", "merge", "compare", "validate", "convert", "info"):
        code, raw, lines = run([cli_binary(), sub, "--help"], cols=80)
        assert code == 0
        wide = [line for line in lines if len(line) > 80]
        assert not wide, (sub, wide[:3])
