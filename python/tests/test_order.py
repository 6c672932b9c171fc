"""The problem's order end to end: files written under one order refuse another."""
import json
import subprocess

import coopgrid
from conftest import cli_binary

A = """countries.count = 20
countries.datasets = { loguniform = [100, 10000] }
countries.share_prob = { uniform = [0.2, 0.9] }
exchange.activities = { uniform = [1, 20] }
"""
# The same parameters, listed in another order.
B = """countries.count = 20
exchange.activities = { uniform = [1, 20] }
countries.share_prob = { uniform = [0.2, 0.9] }
countries.datasets = { loguniform = [100, 10000] }
"""


def run(*args):
    return subprocess.run([cli_binary(), *map(str, args)], capture_output=True, text=True)


def test_labels_follow_the_file_order(tmp_path):
    for text in (A, B):
        path = tmp_path / "p.toml"
        path.write_text(text)
        names = [line.split(" =")[0] for line in text.splitlines() if "{" in line]
        report = json.loads(run("sobol", path, "--n", 64, "--metrics", "shared_expected", "--json",
                                "--no-progress").stdout)
        assert report["parameters"] == names
        assert list(report["metrics"]["shared_expected"]["ST"]) == names
        assert list(coopgrid.sample(str(path), "sobol", 8).columns) == names
        header = run("run", path, "--design", "sobol", "--n", 4, "--metrics", "shared_expected").stdout
        assert header.splitlines()[0].split(",") == ["scenario", *names, "shared_expected"]


def test_shards_and_checkpoints_refuse_another_order(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(A)
    b.write_text(B)
    for i, path in ((0, a), (1, b)):
        p = run("sobol", path, "--n", 64, "--shard", f"{i}/2", "--no-progress", "-o", tmp_path / f"s{i}.json")
        assert p.returncode == 0, p.stderr
    p = run("merge", tmp_path / "s0.json", tmp_path / "s1.json", "-o", tmp_path / "m.json")
    assert p.returncode == 2 and "order" in p.stderr, p.stderr
    assert not (tmp_path / "m.json").exists()
    for i, path in ((0, a), (1, b)):
        p = run("run", path, "--design", "sobol", "--n", 64, "--reduce", "--json", "--shard", f"{i}/2",
                "--no-progress", "-o", tmp_path / f"r{i}.json")
        assert p.returncode == 0, p.stderr
    p = run("merge", tmp_path / "r0.json", tmp_path / "r1.json")
    assert p.returncode == 2 and "order" in p.stderr, p.stderr
    cp = tmp_path / "cp"
    p = run("run", a, "--design", "sobol", "--n", 64, "--reduce", "--checkpoint", cp, "--no-progress",
            "-o", tmp_path / "x.json")
    assert p.returncode == 0, p.stderr
    p = run("run", b, "--design", "sobol", "--n", 64, "--reduce", "--checkpoint", cp, "--resume", "--no-progress",
            "-o", tmp_path / "y.json")
    assert p.returncode == 2 and "order" in p.stderr, p.stderr
