#!/usr/bin/env bash
# The CPU test suite under AddressSanitizer and UndefinedBehaviorSanitizer, in
# its own build directory (build-asan/, CUDA off: cudart and ASan do not mix;
# the Python module off: an ASan .so does not load into an uninstrumented
# python3). Only what its CTest runs is built: the test executables, the CLI
# and the emulated-device CLI; no benchmarks, device-math build or MPI CLI.
# -O1 -g1: ASan's recommended level, line tables for the reports, and a
# cheaper compile than RelWithDebInfo's -O2 -g. The test units' own code and
# the CLI's option parsing at -O0: half the compile of -O1 under ASan (1104 s
# and 109 s of CPU at -O1 of the build's 1858 s), the code under test at -O1.
# A unity build (COOPGRID_UNITY, 8 units a batch): a build from nothing only.
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCOOPGRID_ENABLE_CUDA=OFF -DCOOPGRID_BUILD_BENCH=OFF -DCOOPGRID_DEVICE_MATH_TESTS=OFF -DCOOPGRID_PYTHON=OFF \
  -DCOOPGRID_MPI_CLI=OFF -DCOOPGRID_TEST_OPT=-O0 -DCOOPGRID_CLI_OPT=-O0 -DCOOPGRID_UNITY=ON -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build build-asan
# Every test once. Not the emulated suites' reruns with the threads of each barrier
# interval in reverse and shuffled order (emulated-reverse:*, emulated-shuffled:*):
# the same code over the same memory in another order, a barrier check that the
# main CTest run makes; under ASan they were the longest tests (2 x 68 s in Release).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -E '^emulated-(reverse|shuffled):'
