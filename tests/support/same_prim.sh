#!/usr/bin/env bash
# same_prim.sh BIN ARGS...: `BIN prim ARGS --backend cuda` and `--backend cpu` give the same
# report, but for the lines that name the backend and the time taken (CTest runs it on the
# emulated device: tests/CMakeLists.txt, "emulated:prim_cuda_*").
set -euo pipefail
bin=$1
shift
cuda=$("$bin" prim "$@" --backend cuda --json | grep -vE '"(backend|seconds)"')
cpu=$("$bin" prim "$@" --backend cpu --json | grep -vE '"(backend|seconds)"')
diff <(echo "$cuda") <(echo "$cpu")
echo "prim: the same report on cuda and cpu ($(grep -c '"step"' <<<"$cpu") steps)"
