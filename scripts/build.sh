#!/usr/bin/env bash
# Configures and builds what the main job and `import coopgrid` need into
# build/ (Release): the CLI and the Python module (target coopgrid_programs),
# not the tests (scripts/test.sh builds those). With nvcc present the CUDA
# backend is compiled for CMAKE_CUDA_ARCHITECTURES (default 90, the H200).
# Compiles through ccache when present. Extra arguments go to the CMake
# configure step. When the Python module was built, Debian's python3 is
# pointed at it (scripts/install-python.sh).
#   scripts/build.sh [CMAKE_ARGS...]
#   COOPGRID_BUILD_TARGET=all scripts/build.sh   everything (what test.sh builds)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/cuda/bin"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build --target "${COOPGRID_BUILD_TARGET:-coopgrid_programs}"
scripts/install-python.sh build
