#!/usr/bin/env bash
# Builds here for the H200 (sm_90, static cudart, header-only fmt/CLI11/toml++)
# and copies what the device check needs into .device/ (git-ignored), to be
# carried to the GPU machine:  device run --carry .device  scripts/device-check.sh .device
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DCMAKE_CUDA_ARCHITECTURES=90
rm -rf .device && mkdir -p .device
cp build/coopgrid build/tests/coopgrid_tests build/bench/coopgrid_bench .device/
strip .device/*
du -sh .device
