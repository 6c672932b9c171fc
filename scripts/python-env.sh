#!/usr/bin/env bash
# Creates (or brings up to date) the Python tests' venv: Debian's python3 with
# its own packages (--system-site-packages: numpy, pandas, scipy, matplotlib,
# pytest from apt, and the python3 that build/python/coopgrid/_native is built
# for) plus python/requirements-test.txt's pins from PyPI (SALib, ema-workbench
# and what they need; wheels only). CTest's `python` test runs with this venv's
# interpreter when it exists, and then requires SALib and ema-workbench (their
# tests fail instead of skipping). Nothing to do when the venv already has
# these pins. Needs python3-venv (scripts/install-deps.sh) and PyPI.
#   scripts/python-env.sh [VENV_DIR]     (default: build/venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-build/venv}
req=python/requirements-test.txt
stamp=$venv/requirements-test.txt
if [[ -x $venv/bin/python ]] && cmp -s "$req" "$stamp"; then exit 0; fi
start=$SECONDS
if [[ ! -x $venv/bin/python ]]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv" || {
    echo "python-env: cannot create $venv (apt-get install python3-venv)" >&2; exit 1; }
fi
rm -f "$stamp"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input --only-binary=:all: -r "$req"
cp "$req" "$stamp"
echo "python-env: $venv ready ($((SECONDS - start)) s): $("$venv/bin/python" -c \
  'import SALib, ema_workbench; print("SALib", SALib.__version__, "ema-workbench", ema_workbench.__version__)' 2>/dev/null)" >&2
