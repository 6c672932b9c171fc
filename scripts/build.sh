#!/usr/bin/env bash
# Configures and builds what the main job and the Python module need into
# build/ (Release): the CLI and coopgrid._native (target coopgrid_programs),
# not the tests (scripts/test.sh builds those). With nvcc present the CUDA
# backend is compiled for CMAKE_CUDA_ARCHITECTURES (default 90, the H200).
# Compiles through ccache when present. Extra arguments go to the CMake
# configure step. The Python module lands in build/python/coopgrid/ (the
# package itself installs with pip: README.md, From Python).
#   scripts/build.sh [CMAKE_ARGS...]
#   COOPGRID_BUILD_TARGET=all scripts/build.sh   everything (what test.sh builds)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/cuda/bin"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build --target "${COOPGRID_BUILD_TARGET:-coopgrid_programs}"
scripts/install-python.sh build
