#!/usr/bin/env bash
# Configures and builds coopgrid into build/ (Release). With nvcc present the
# CUDA backend is compiled for CMAKE_CUDA_ARCHITECTURES (default 90, the H200).
# Extra arguments go to the CMake configure step. The Python module lands in
# build/python/coopgrid/ (the package itself installs with pip: README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/cuda/bin"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build
scripts/install-python.sh build
