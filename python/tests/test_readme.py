"""README.md, checked: every fenced block runs (or is compared) here, in README order.

Each block has exactly one handler below, picked by what the block is; a new
block that no handler recognises fails `test_every_block_has_a_handler`. The
blocks run as a reader would run them, top to bottom in one directory (data/
beside them), sharing files (rows.csv, sobol.json, ...) and, for Python, one
namespace. Where a block's real size is long, `SMALLER` names the one
substitution made. The scenario counts README quotes are checked against
`coopgrid validate`; timings come from bench/RESULTS.md (see README there).
"""
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, cli_binary, set_csv_cell

sys.path.insert(0, str(ROOT / "tests" / "support"))
import pty_run  # noqa: E402

README = ROOT / "README.md"

# Literal text -> its smaller stand-in, applied to the blocks that hold it.
SMALLER = {
    "n = 1_000_000": "n = 1_000",                       # the binary batch built with numpy
    "--design lhs --n 1000000": "--design lhs --n 10000",  # a histogram of an LHS design
    "--n 65536": "--n 4096", "--n 262144": "--n 16384",  # sharded and grown sobol runs
}


@dataclass
class Block:
    line: int      # 1-based line of the opening fence
    lang: str
    text: str

    @property
    def id(self) -> str:
        first = next((s for s in self.text.splitlines() if s.strip()), "")
        return f"L{self.line}:{first[:40]}"


def readme_blocks() -> list:
    blocks, lines, i = [], README.read_text().splitlines(), 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if m:
            j = next(k for k in range(i + 1, len(lines)) if lines[k].startswith("```"))
            blocks.append(Block(i + 1, m.group(1), "\n".join(lines[i + 1:j]) + "\n"))
            i = j
        i += 1
    return blocks


def smaller(text: str) -> str:
    for big, small in SMALLER.items():
        text = text.replace(big, small)
    return text


def commands(text: str) -> list:
    """A shell block's commands, comments dropped and continuations joined."""
    out, pending = [], ""
    for line in text.splitlines():
        line = pending + re.sub(r"\s+#.*$", "", line).strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if line and not line.startswith("#"):
            out.append(line)
    return out


# ---- the reader's directory ----

class Reader:
    """One directory where the blocks run in order: data/ linked, `coopgrid` and `salib` on PATH."""

    def __init__(self, work: Path):
        self.work = work
        (work / "data").mkdir()
        for f in (ROOT / "data").iterdir():
            (work / "data" / f.name).symlink_to(f)
        bin_dir = work / "bin"
        bin_dir.mkdir()
        (bin_dir / "coopgrid").write_text(f"#!/bin/sh\nexec {shlex.quote(os.path.abspath(cli_binary()))} \"$@\"\n")
        (bin_dir / "coopgrid").chmod(0o755)
        salib = Path(sys.executable).parent / "salib"
        self.has_salib = salib.exists()
        if self.has_salib:
            (bin_dir / "salib").symlink_to(salib)
        self.env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        self.namespace = {"__name__": "__readme__"}

    def sh(self, line: str, check=True) -> subprocess.CompletedProcess:
        p = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=self.work, env=self.env,
                           capture_output=True, text=True)
        if check:
            assert p.returncode == 0, f"{line!r} exited {p.returncode}:\n{p.stderr[-2000:]}"
        return p

    def python(self, code: str):
        cwd = os.getcwd()
        os.chdir(self.work)
        try:
            exec(compile(code, "README.md", "exec"), self.namespace)
        finally:
            os.chdir(cwd)


def help_flags(reader: Reader, sub: str) -> set:
    text = reader.sh(f"coopgrid {sub} --help").stdout
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-o)\b", text))


# ---- handlers: (name, recognises(block), run(reader, block)) ----

def first_commands(reader, block):
    """The two commands README opens with: CI runs both (scripts/test.sh's deps and programs stages
    are the first command's install and build; .ci/run is the second); the main job runs here."""
    first, second = commands(block.text)
    install, build, main_job = [s.strip() for s in first.split("&&")]
    assert (install, build, second) == ("./scripts/install-deps.sh", "./scripts/build.sh", "./scripts/test.sh")
    test_sh = (ROOT / "scripts/test.sh").read_text()
    assert "stage deps deps" in test_sh and "scripts/install-deps.sh" in test_sh
    assert "stage programs scripts/build.sh" in test_sh
    assert "scripts/test.sh" in (ROOT / ".ci/run").read_text()
    assert main_job.startswith("./build/coopgrid run data/grid_main.toml --reduce")
    report = json.loads(reader.sh(main_job.replace("./build/coopgrid", "coopgrid") + " --json").stdout)
    assert report["scenarios"] == 86_400_000 and len(report["top"]["rows"]) == 5


def synopsis(reader, block):
    """A usage synopsis: each subcommand exists and takes every flag the synopsis shows."""
    sub = None
    for line in block.text.splitlines():
        m = re.match(r"^coopgrid (\w+)", line)
        if m:
            sub = m.group(1)
        if sub is None:
            continue
        shown = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-o)\b", line))
        missing = shown - help_flags(reader, sub)
        assert not missing, f"README shows {sorted(missing)} for `coopgrid {sub}`, which its --help lacks"


def error_example(reader, block):
    """The bad-input example: that very line, from that very input."""
    batch = reader.work / "data" / "b"
    batch.mkdir()
    for f in (ROOT / "data" / "cases").iterdir():
        (batch / f.name).write_text(f.read_text())
    set_csv_cell(batch / "countries.csv", 1, "share_prob", "1.5")
    p = reader.sh("coopgrid validate data/b", check=False)
    assert p.returncode == 2 and p.stderr == block.text, p.stderr


def transcript(reader, block):
    """A `$ coopgrid ...` session: the same text, but for the seconds it took."""
    lines = block.text.splitlines()
    assert lines[0].startswith("$ coopgrid ")
    argv = [os.path.abspath(cli_binary()), *shlex.split(lines[0][len("$ coopgrid "):])]
    cwd = os.getcwd()
    os.chdir(reader.work)
    try:  # on a terminal (to a pipe the report is JSON), as wide as the widest line shown
        status, _, screen = pty_run.run(argv, cols=max(80, *map(len, lines)))
    finally:
        os.chdir(cwd)
    assert status == 0, screen
    out = "\n".join(screen)
    seconds = re.compile(r" in [0-9.]+ s$", re.M)
    assert seconds.sub(" in _ s", out.rstrip("\n")) == seconds.sub(" in _ s", "\n".join(lines[1:]))


def grid_toml(reader, block):
    """A grid written as shown is a valid grid."""
    (reader.work / "readme_grid.toml").write_text(block.text)
    assert "scenarios" in reader.sh("coopgrid validate readme_grid.toml").stdout


def problem_excerpt(reader, block):
    """An excerpt of a data file: each of its lines stands in that file, in the same table."""
    lines = block.text.splitlines()
    path = re.match(r"^# (data/\S+) \(excerpt\)$", lines[0]).group(1)
    tables, table = {}, ""
    for line in (ROOT / path).read_text().splitlines():
        table = line if line.startswith("[") else table
        tables.setdefault(table, []).append(re.sub(r"\s+#.*$", "", line).strip())
    table = ""
    for line in lines[1:]:
        table = line if line.startswith("[") else table
        assert line.strip() in tables.get(table, []), f"{path} has no line {line!r} in {table or 'its top'}"


def shell(reader, block):
    for line in commands(smaller(block.text)):
        if line.startswith("salib ") and not reader.has_salib:
            pytest.skip("SALib's command is not installed (scripts/python-env.sh)")
        reader.sh(line)


def pip_block(reader, block):
    """The pip install block runs verbatim in scripts/pip-check.sh (test.sh's pip stage): too long here."""
    assert commands(block.text) == ["python3 -m venv v && v/bin/pip install '.[plot]'",
                                    "v/bin/python examples/quickstart.py out/"]
    pip_check = (ROOT / "scripts/pip-check.sh").read_text()
    assert "README_PIP_BLOCK" in pip_check and '"v/bin/pip install" in b' in pip_check


def python_block(reader, block):
    reader.python(smaller(block.text))
    for png in re.findall(r'savefig\("([^"]+)"\)', block.text):
        assert (reader.work / png).stat().st_size > 1000, png


HANDLERS = [
    ("first commands", lambda b: b.text.startswith("./scripts/install-deps.sh"), first_commands),
    ("synopsis", lambda b: b.lang == "" and b.text.startswith("coopgrid ") and "[" in b.text, synopsis),
    ("error example", lambda b: b.lang == "" and b.text.startswith("coopgrid: error:"), error_example),
    ("transcript", lambda b: b.lang == "" and b.text.startswith("$ coopgrid "), transcript),
    ("problem excerpt", lambda b: b.lang == "toml" and "(excerpt)" in b.text.splitlines()[0], problem_excerpt),
    ("grid", lambda b: b.lang == "toml", grid_toml),
    ("pip", lambda b: b.lang == "sh" and "v/bin/pip install" in b.text, pip_block),
    ("shell", lambda b: b.lang == "sh", shell),
    ("python", lambda b: b.lang == "python", python_block),
]


def handler(block):
    found = [h for h in HANDLERS if h[1](block)]
    return found[0] if found else None


BLOCKS = readme_blocks()


def test_every_block_has_a_handler():
    assert len(BLOCKS) >= 19
    missing = [b.id for b in BLOCKS if handler(b) is None]
    assert not missing, f"README blocks without a test (add a handler to test_readme.py): {missing}"


def test_substitutions_all_apply():
    text = README.read_text()
    assert [big for big in SMALLER if big not in text] == []


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    return Reader(tmp_path_factory.mktemp("readme"))


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(reader, block):
    found = handler(block)
    assert found is not None, f"no handler for README line {block.line}"
    found[2](reader, block)


# ---- figures quoted in prose ----

def test_scenario_counts_quoted_are_validates():
    """`data/X.toml` (N scenarios), (8.64e7) and the like: each is what `coopgrid validate` counts."""
    text = README.read_text()
    quoted = re.findall(r"`(data/\w+\.toml)` \(([0-9][0-9,.e]*)", text)
    assert len(quoted) >= 3, quoted
    for path, figure in quoted:
        out = subprocess.run([cli_binary(), "validate", path], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
        count = int(re.search(r"([0-9][0-9,]*) scenarios", out).group(1).replace(",", ""))
        number = float(figure.rstrip(",.").replace(",", ""))
        digits = len(re.sub(r"[^0-9]", "", figure.split("e")[0]).lstrip("0"))
        assert abs(count - number) <= 0.5 * 10 ** (len(str(count)) - digits), (path, figure, count)
    assert "86.4-million-scenario" in text and "86,400,000" in subprocess.run(
        [cli_binary(), "validate", "data/grid_main.toml"], cwd=ROOT, capture_output=True, text=True).stdout
