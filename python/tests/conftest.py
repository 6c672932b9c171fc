"""Fixtures of the Python package's tests: the CLI to compare against, the data, Agg plots."""
import importlib
import os
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("numpy")
pytest.importorskip("pandas")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
# Subprocesses (the README's example, the interrupt test) run elsewhere: absolute paths.
os.environ["PYTHONPATH"] = os.pathsep.join(
    os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
DATA = ROOT / "data"


def require(module: str):
    """Imports a test dependency that Debian's python3 lacks (SALib, ema_workbench).

    In the tests' venv (scripts/python-env.sh; run_tests.sh then sets
    COOPGRID_TEST_DEPS=required, and so does CI) a missing one is an error;
    elsewhere the test is skipped.
    """
    if os.environ.get("COOPGRID_TEST_DEPS") == "required":
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (scripts/python-env.sh; "
                                              f"pip install -e '.[test]')")


def set_csv_cell(path: Path, line: int, column: str, value: str) -> None:
    """Rewrites one cell of a CSV file (`line` 1: the first record after the header)."""
    lines = path.read_text().splitlines()
    fields = lines[line].split(",")
    fields[lines[0].split(",").index(column)] = value
    lines[line] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")


def cli_binary() -> str:
    return os.environ.get("COOPGRID_BINARY", str(ROOT / "build" / "coopgrid"))


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    # Inputs are named relative to the repository root, as the CLI is given them (reports record the path).
    monkeypatch.chdir(ROOT)


@pytest.fixture
def cli(tmp_path):
    """cli(*args) -> the text the CLI writes with -o (or its stdout); raises on a non-zero exit."""
    def call(*args, output=True, check=True, suffix=""):
        out = tmp_path / f"cli-out-{len(list(tmp_path.iterdir()))}{suffix}"
        argv = [cli_binary(), *map(str, args)] + (["-o", str(out)] if output else [])
        p = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
        if check and p.returncode != 0:
            raise AssertionError(f"{argv} exited {p.returncode}: {p.stderr}")
        if not check:
            return p
        return out.read_text() if output else p.stdout
    return call
