#!/usr/bin/env bash
# Builds here for the H200 (sm_90, static cudart, fmt compiled in, header-only CLI11/toml++)
# and copies what the device check needs into .device/ (git-ignored), to be
# carried to the GPU machine:  device run --carry .device  scripts/device-check.sh .device
set -euo pipefail
cd "$(dirname "$0")/.."
# No SLEEF: Debian has it only as libsleef.so.3, which the GPU machine lacks (scalar CPU rows there).
scripts/build.sh -DCMAKE_CUDA_ARCHITECTURES=90 -DCOOPGRID_SLEEF=OFF
rm -rf .device && mkdir -p .device
cp build/coopgrid build/tests/coopgrid_tests build/bench/coopgrid_bench .device/
strip .device/*
# Everything the GPU machine lacks must be linked in: fail here, not there.
if ldd .device/* | grep -E 'sleef|fmt|toml|cudart' ; then echo "pack-device: a binary needs a shared library the GPU machine lacks" >&2; exit 1; fi
du -sh .device
