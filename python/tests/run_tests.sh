#!/usr/bin/env bash
# CTest's entry to the Python tests: exit 77 (skipped) when the interpreter
# lacks what they need, else pytest's status.
set -uo pipefail
py="${1:-/usr/bin/python3}"
if ! "$py" -c "import numpy, pandas, pytest" 2>/dev/null; then
  echo "skipped: $py lacks numpy, pandas or pytest (apt-get install python3-pandas python3-pytest)"
  exit 77
fi
cd "$(dirname "$0")/../.."
exec "$py" -m pytest -q -p no:cacheprovider python/tests
