#!/usr/bin/env bash
# The package as a user installs it (README.md, "From Python"): a fresh clone of
# this repository's HEAD (what a clone gets: uncommitted changes are not in it),
# a new venv without system packages, `pip install '.[plot]'` (numpy, pandas
# and matplotlib from PyPI; the module built by pyproject.toml's CMake build),
# then, in a new shell with an empty environment, `import coopgrid` and the
# README's Python example. Needs scripts/install-deps.sh's packages and PyPI.
# With ccache present the compiler runs through it (base dir WORK_DIR, so the
# next run, from the same WORK_DIR, reuses its objects): about 1 minute then,
# 4 to 8 on 2 cores without.
#   scripts/pip-check.sh [WORK_DIR]      (default: build/pip-check; emptied first)
# PYTHON=... picks the venv's interpreter (default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:-build/pip-check}
py=${PYTHON:-/usr/bin/python3}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
t0=$SECONDS
step() { echo "pip-check: $1 ($((SECONDS - t0)) s)" >&2; }

git clone -q "$root" "$work/src"
"$py" -m venv "$work/venv"
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR=$work
fi
step "pip install '.[plot]' from a clone of $(git -C "$work/src" rev-parse --short HEAD) into a new venv ($("$py" --version))"
if ! (cd "$work/src" && "$work/venv/bin/python" -m pip install --disable-pip-version-check --no-input '.[plot]') \
    > "$work/pip.log" 2>&1; then
  tail -n 60 "$work/pip.log" >&2
  echo "pip-check: FAILED: pip install (log: $work/pip.log)" >&2
  exit 1
fi
step "installed"

# README's example, as test_tools.readme_example extracts it, run from a directory with data/.
mkdir -p "$work/run" "$work/home"
ln -s "$work/src/data" "$work/run/data"
"$py" - "$work/src/README.md" "$work/run/readme_example.py" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("## From Python", 1)[1]
open(sys.argv[2], "w").write(re.search(r"```python\n(.*?)```", text, re.S).group(1))
PY
env -i HOME="$work/home" PATH=/usr/bin:/bin LANG=C.UTF-8 bash -c '
  set -e
  cd "$1/run"
  "$1/venv/bin/python" -c "
import coopgrid, numpy, pandas, sys
assert coopgrid._native.__file__.startswith(sys.prefix), coopgrid._native.__file__
assert coopgrid.__file__.startswith(sys.prefix), coopgrid.__file__
print(\"pip-check: coopgrid\", coopgrid.__version__, \"numpy\", numpy.__version__, \"pandas\", pandas.__version__,
      \"from\", coopgrid.__file__)
print(\"pip-check: grid_main reduced:\", coopgrid.reduce(\"data/grid_main.toml\", top=5, by=\"shared_expected\").selected)
"
  "$1/venv/bin/python" readme_example.py > readme_example.out
  for png in heatmap.png line.png histogram.png sobol.png; do test -s "$png"; done
' _ "$work" || { echo "pip-check: FAILED: import coopgrid / the README's example in a new shell" >&2; exit 1; }
step "import coopgrid and the README's example ran in a new shell: passed"
