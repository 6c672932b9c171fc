#!/usr/bin/env bash
# The whole test suite, in stages ordered to fail fast: install what is
# missing, build the programs then the tests (build/, through ccache when
# present), the CTest suite (GPU tests skip cleanly without a CUDA device; the
# Python tests are one of its tests), the MPI CLI against a single process
# (built in build/ from its objects), the fuzzers (30 s each, side by side),
# then the CPU suite under ASan/UBSan (build-asan/, the longest build). Stops at
# the first stage that fails; ends with each stage's wall time and a
# `test.sh: N passed, N failed` line; exits non-zero on any failure.
#   scripts/test.sh           everything (what CI runs)
#   scripts/test.sh --quick   the CTest suite only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0; [[ "${1:-}" == "--quick" ]] && quick=1
names=() times=() results=()
summary() {
  echo
  echo "test.sh: stage times (wall, on $(nproc) cores; load at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
  local total=0 i
  for i in "${!names[@]}"; do
    printf '  %-10s %6ss  %s\n' "${names[$i]}" "${times[$i]}" "${results[$i]}"
    total=$((total + times[i]))
  done
  printf '  %-10s %6ss\n' total "$total"
  local passed=0 failed=0 r
  for r in "${results[@]}"; do if [[ $r == ok ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; done
  echo "test.sh: $passed passed, $failed failed"
}
stage() {  # name, command...
  local name=$1 start=$SECONDS rc=0
  shift
  echo "== test.sh: $name: $*"
  "$@" || rc=$?
  names+=("$name"); times+=($((SECONDS - start)))
  if ((rc == 0)); then
    results+=(ok)
  else
    results+=("FAILED (exit $rc)")
    summary
    exit 1
  fi
}
deps() {  # OpenMPI before the configure, so that build/ gets coopgrid-mpi
  scripts/install-deps.sh && { ((quick)) || scripts/mpi-test.sh --install; }
}
stage deps deps
stage programs scripts/build.sh
stage tests cmake --build build
stage pyenv scripts/python-env.sh   # the Python tests' venv (SALib, ema-workbench): build/venv
stage ctest ctest --test-dir build --output-on-failure -j "$(nproc)"
if ((!quick)); then
  stage mpi scripts/mpi-test.sh build
  stage fuzz scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
  stage pip scripts/pip-check.sh   # pip install '.[plot]' of a clone into a new venv, import in a new shell
  stage asan scripts/sanitize.sh
fi
summary
