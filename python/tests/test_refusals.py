"""Issue 29: integer arguments are their exact value or refused, in the CLI's and in Python's words;
files are written through symbolic links and straight to devices and FIFOs, never renamed over."""
import os
import stat
import subprocess
import tarfile
import threading

import numpy as np
import pytest

import coopgrid
from conftest import ROOT, cli_binary

SHARING = "data/problem_sharing.toml"
MORRIS = "data/problem_morris.toml"
GRID = "data/grid_small.toml"
N_RANGE = "an integer from 1 to 9223372036854775807"

# (CLI arguments, the CLI's message, the Python call, the Python exception, its message).
REFUSALS = [
    (["sample", SHARING, "--design", "mc", "--n", "0"], "--n must be at least 1 (got '0')",
     lambda: coopgrid.sample(SHARING, "mc", 0), ValueError, "n must be at least 1 (got 0)"),
    (["sample", SHARING, "--design", "mc", "--n", "-1"], "--n must be at least 1 (got '-1')",
     lambda: coopgrid.sample(SHARING, "mc", -1), ValueError, "n must be at least 1 (got -1)"),
    (["sample", SHARING, "--design", "mc", "--n", "abc"], f"--n must be {N_RANGE} (got 'abc')",
     lambda: coopgrid.sample(SHARING, "mc", "abc"), TypeError, "n must be an integer (got 'abc')"),
    (["sample", SHARING, "--design", "mc", "--n", "10.5"], f"--n must be {N_RANGE} (got '10.5')",
     lambda: coopgrid.sample(SHARING, "mc", 10.5), TypeError, "n must be an integer (got 10.5)"),
    (["sample", SHARING, "--design", "mc", "--n", "9223372036854775808"],
     "--n must be at most 9223372036854775807 (got '9223372036854775808')",
     lambda: coopgrid.sample(SHARING, "mc", 2**63), ValueError,
     "n must be at most 9223372036854775807 (got 9223372036854775808)"),
    (["sample", SHARING, "--design", "mc", "--n", "4", "--seed", "-1"], "--seed must be at least 0 (got '-1')",
     lambda: coopgrid.sample(SHARING, "mc", 4, seed=-1), ValueError, "seed must be at least 0 (got -1)"),
    (["sample", SHARING, "--design", "mc", "--n", "4", "--seed", "18446744073709551616"],
     "--seed must be at most 18446744073709551615 (got '18446744073709551616')",
     lambda: coopgrid.sample(SHARING, "mc", 4, seed=2**64), ValueError,
     "seed must be at most 18446744073709551615 (got 18446744073709551616)"),
    (["sample", SHARING, "--design", "morris", "--n", "4", "--levels", "0"], "--levels must be at least 1 (got '0')",
     lambda: coopgrid.sample(SHARING, "morris", 4, levels=0), ValueError, "levels must be at least 1 (got 0)"),
    (["sobol", SHARING, "--n", "8", "--bootstrap", "99999999999"],
     "--bootstrap must be at most 10000 (got '99999999999')",
     lambda: coopgrid.sobol(SHARING, 8, bootstrap=99999999999), ValueError,
     "bootstrap must be at most 10000 (got 99999999999)"),
    (["sobol", SHARING, "--n", "8", "--threads", "-1"], "--threads must be at least 0 (got '-1')",
     lambda: coopgrid.sobol(SHARING, 8, threads=-1), ValueError, "threads must be at least 0 (got -1)"),
    (["morris", MORRIS, "--trajectories", "0"], "--trajectories must be at least 1 (got '0')",
     lambda: coopgrid.morris(MORRIS, 0), ValueError, "trajectories must be at least 1 (got 0)"),
    (["run", GRID, "--max-rows", "0"], "--max-rows must be at least 1 (got '0')",
     lambda: coopgrid.run(GRID, max_rows=0), ValueError, "max_rows must be at least 1 (got 0)"),
    (["run", GRID, "--reduce", "--top", "1000001"], "--top must be at most 1000000 (got '1000001')",
     lambda: coopgrid.reduce(GRID, top=1000001), ValueError, "top must be at most 1000000 (got 1000001)"),
]


@pytest.mark.parametrize("args,cli_message,call,error,message", REFUSALS,
                         ids=[r[1] for r in REFUSALS])
def test_refused_by_the_cli_and_by_python(args, cli_message, call, error, message):
    p = subprocess.run([cli_binary(), *args, "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2
    assert p.stderr == f"coopgrid: error: {cli_message}\n"
    with pytest.raises(error) as e:
        call()
    assert str(e.value) == message  # the argument's name, never the CLI's flag


def test_integer_like_values_are_taken_and_bools_refused():
    a = coopgrid.sample(SHARING, "mc", np.int64(4), seed=np.uint64(2**64 - 1))
    b = coopgrid.sample(SHARING, "mc", 4, seed=2**64 - 1)
    assert a.equals(b)
    assert not b.equals(coopgrid.sample(SHARING, "mc", 4, seed=2**64 - 2))
    with pytest.raises(TypeError, match=r"^n must be an integer \(got True\)$"):
        coopgrid.sample(SHARING, "mc", True)


def test_unknown_distribution_names_the_known_ones(tmp_path):
    problem = tmp_path / "p.toml"
    problem.write_text("[countries]\ncount = 3\ndatasets = { gaussian = [1, 2] }\nshare_prob = 0.5\n")
    p = subprocess.run([cli_binary(), "sample", str(problem), "--design", "mc", "--n", "4"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "unknown axis key 'gaussian'" in p.stderr and "truncnormal" in p.stderr
    with pytest.raises(ValueError) as e:
        coopgrid.sample(problem, "mc", 4)
    assert f"coopgrid: error: {e.value}\n" == p.stderr


# ---- Writers: through links, straight to devices and FIFOs ----

def _problem():
    return coopgrid.salib.read_problem(SHARING)


def test_write_problem_through_a_link(tmp_path):
    (tmp_path / "real.toml").write_text("old")
    (tmp_path / "link.toml").symlink_to("real.toml")
    coopgrid.salib.write_problem(_problem(), tmp_path / "link.toml")
    assert (tmp_path / "link.toml").is_symlink()
    assert coopgrid.salib.read_problem(tmp_path / "real.toml").parameters == _problem().parameters
    assert sorted(os.listdir(tmp_path)) == ["link.toml", "real.toml"]


def _read_fifo_while(fifo, write):
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    try:
        write()
    finally:
        try:  # a write that failed before opening the FIFO leaves the reader waiting
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
        reader.join()
    return got[0]


def test_writers_write_fifos_and_devices_straight(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text = _read_fifo_while(fifo, lambda: coopgrid.salib.write_problem(_problem(), fifo))
    assert b"countries.count = " in text and fifo.is_fifo()
    data = _read_fifo_while(fifo, lambda: coopgrid.ema.save_results(GRID, fifo, metrics=["shared_expected"]))
    assert data[:2] == b"\x1f\x8b" and fifo.is_fifo()  # a gzip stream
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


def test_save_results_through_a_link(tmp_path):
    (tmp_path / "link.tar.gz").symlink_to("real.tar.gz")
    coopgrid.ema.save_results(GRID, tmp_path / "link.tar.gz", metrics=["shared_expected"])
    assert (tmp_path / "link.tar.gz").is_symlink()
    with tarfile.open(tmp_path / "real.tar.gz", "r:gz") as z:
        assert "shared_expected.csv" in z.getnames()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
def test_devices_are_written_straight_and_stay(tmp_path):
    # Our own nodes (1,3 is null, 1,7 full): a regression replaces these, never the system's.
    null, full = tmp_path / "null", tmp_path / "full"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    coopgrid.salib.write_problem(_problem(), null)
    coopgrid.ema.save_results(GRID, null, metrics=["shared_expected"])
    assert null.is_char_device()
    with pytest.raises(OSError, match="No space left on device"):
        coopgrid.salib.write_problem(_problem(), full)
    assert full.is_char_device()
    assert sorted(os.listdir(tmp_path)) == ["full", "null"]
