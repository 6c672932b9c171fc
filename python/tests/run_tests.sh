#!/usr/bin/env bash
# CTest's entry to the Python tests: exit 77 (skipped) when the interpreter
# lacks what they need, else pytest's status.
#   run_tests.sh PYTHON     (PYTHON: the interpreter the module was built for)
# When $COOPGRID_TEST_VENV/bin/python exists (scripts/python-env.sh), it runs
# the tests instead, and the tests of SALib and ema-workbench must run
# (COOPGRID_TEST_DEPS=required): a missing one fails them instead of skipping.
set -uo pipefail
py="${1:-/usr/bin/python3}"
if [[ -n "${COOPGRID_TEST_VENV:-}" && -x "$COOPGRID_TEST_VENV/bin/python" ]]; then
  py="$COOPGRID_TEST_VENV/bin/python"
  export COOPGRID_TEST_DEPS=required
fi
if ! "$py" -c "import numpy, pandas, pytest" 2>/dev/null; then
  echo "skipped: $py lacks numpy, pandas or pytest (apt-get install python3-pandas python3-pytest)"
  exit 77
fi
echo "python tests: $py (SALib and ema-workbench: ${COOPGRID_TEST_DEPS:-optional, scripts/python-env.sh installs them})"
cd "$(dirname "$0")/../.."
exec "$py" -m pytest -q -p no:cacheprovider python/tests
