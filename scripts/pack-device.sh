#!/usr/bin/env bash
# Builds here for the H100/H200 (sm_90, static cudart, fmt compiled in, header-only CLI11/toml++, no SLEEF)
# in build-device/ (its own tree: build/ keeps its options) and copies what the device check
# needs into .device/ (git-ignored), to be carried to the GPU machine:
#   scripts/pack-device.sh
#   device run, carry .device:  scripts/device-check.sh
#   scripts/device-standin.sh scripts/device-check.sh     (the same call here first, no GPU)
# Fails here, not there: without nvcc, with a shared library the GPU machine lacks (Ubuntu
# 24.04, nothing installable), or over the tool's 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/cuda/bin"
# No SLEEF: Debian has it only as libsleef.so.3, which the GPU machine lacks (scalar CPU rows there).
cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 -DCOOPGRID_SLEEF=OFF \
  -DCOOPGRID_PYTHON=OFF -DCOOPGRID_DEVICE_MATH_TESTS=OFF >/dev/null
grep -q '^CMAKE_CUDA_COMPILER:.*nvcc' build-device/CMakeCache.txt ||
  { echo "pack-device: no nvcc here: the binaries would have no CUDA backend" >&2; exit 1; }
cmake --build build-device -j "${PACK_JOBS:-2}" --target coopgrid coopgrid_tests coopgrid_bench
rm -rf .device && mkdir -p .device
cp build-device/coopgrid build-device/tests/coopgrid_tests build-device/bench/coopgrid_bench .device/
strip .device/*
if ldd .device/* | grep -E 'sleef|fmt|toml|cudart|gtest'; then
  echo "pack-device: a binary needs a shared library the GPU machine lacks" >&2
  exit 1
fi
git log -1 --format='%H %cd' >.device/BUILT_FROM
git status --porcelain >>.device/BUILT_FROM
size=$(du -sm .device | cut -f1)
echo "pack-device: .device is ${size} MiB (the tool carries 64 MiB with the working tree)"
((size < 48)) || { echo "pack-device: too large to carry" >&2; exit 1; }
