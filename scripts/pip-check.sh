#!/usr/bin/env bash
# The package as a user installs it (README.md, "From Python"): a fresh clone of
# this repository's HEAD (what a clone gets: uncommitted changes are not in it),
# README's pip block run there verbatim in an empty environment (a new venv
# without system packages, `pip install '.[plot]'`: numpy, pandas and matplotlib
# from PyPI, the module built by pyproject.toml's CMake build; then
# examples/quickstart.py), then, in a new shell, `import coopgrid` and the
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
# README's pip block (README_PIP_BLOCK: python/tests/test_readme.py checks it is this one), run verbatim
# from the clone, in a shell whose python3 is $py: `python3 -m venv v && v/bin/pip install '.[plot]'`,
# then `v/bin/python examples/quickstart.py out/`.
block=$("$py" - "$work/src/README.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print(next(b for b in re.findall(r"```sh\n(.*?)```", text, re.S) if "v/bin/pip install" in b))
PY
)
mkdir -p "$work/bin"
ln -s "$py" "$work/bin/python3"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(CMAKE_CXX_COMPILER_LAUNCHER=ccache "CCACHE_BASEDIR=$work")
fi
step "README's pip block, from a clone of $(git -C "$work/src" rev-parse --short HEAD) ($("$py" --version)):"
printf '  %s\n' "$block" >&2
if ! (cd "$work/src" && env -i HOME="$HOME" PATH="$work/bin:/usr/bin:/bin" LANG=C.UTF-8 "${launcher[@]}" \
        bash -euo pipefail -c "$block") > "$work/pip.log" 2>&1; then
  tail -n 60 "$work/pip.log" >&2
  echo "pip-check: FAILED: README's pip block (log: $work/pip.log)" >&2
  exit 1
fi

test -s "$work/src/out/grid_small_results.tar.gz" || { echo "pip-check: FAILED: quickstart.py wrote nothing" >&2; exit 1; }
step "installed; examples/quickstart.py ran"

# README's Python example (the first python block of From Python), run from a directory with data/.
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
  "$1/src/v/bin/python" -c "
import coopgrid, numpy, pandas, sys
assert coopgrid._native.__file__.startswith(sys.prefix), coopgrid._native.__file__
assert coopgrid.__file__.startswith(sys.prefix), coopgrid.__file__
print(\"pip-check: coopgrid\", coopgrid.__version__, \"numpy\", numpy.__version__, \"pandas\", pandas.__version__,
      \"from\", coopgrid.__file__)
print(\"pip-check: grid_main reduced:\", coopgrid.reduce(\"data/grid_main.toml\", top=5, by=\"shared_expected\").selected)
"
  "$1/src/v/bin/python" readme_example.py > readme_example.out
  for png in heatmap.png line.png histogram.png sobol.png; do test -s "$png"; done
' _ "$work" || { echo "pip-check: FAILED: import coopgrid / the README's example in a new shell" >&2; exit 1; }
step "import coopgrid and the README's example ran in a new shell: passed"
