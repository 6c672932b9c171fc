#!/usr/bin/env bash
# The CPU test suite under AddressSanitizer and UndefinedBehaviorSanitizer, in
# its own build directory (build-asan/, CUDA off: cudart and ASan do not mix;
# the Python module off: an ASan .so does not load into an uninstrumented python3).
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOOPGRID_ENABLE_CUDA=OFF \
  -DCOOPGRID_BUILD_BENCH=ON -DCOOPGRID_DEVICE_MATH_TESTS=OFF -DCOOPGRID_PYTHON=OFF -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
