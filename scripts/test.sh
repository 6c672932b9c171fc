#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with
# CTest (GPU tests skip cleanly without a CUDA device), then the CPU suite
# under ASan/UBSan, the fuzzers for a bounded time, and the MPI build against
# a single-process run.
#   scripts/test.sh           everything (what CI runs)
#   scripts/test.sh --quick   the CTest suite only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/python-env.sh   # the Python tests' venv (SALib, ema-workbench): build/venv
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [[ "${1:-}" != "--quick" ]]; then
  scripts/sanitize.sh
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
  scripts/mpi-test.sh
  scripts/pip-check.sh   # pip install '.[plot]' of a clone into a new venv, import in a new shell
fi
