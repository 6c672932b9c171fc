#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with
# CTest. GPU tests skip cleanly where no CUDA device is present.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
