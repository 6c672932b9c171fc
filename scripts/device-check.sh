#!/usr/bin/env bash
# The GPU check, in one call of the device tool (one command, 10 minutes, 8 files back):
#   scripts/pack-device.sh                                here: builds, copies the binaries to .device/
#   device run, carry .device:  scripts/device-check.sh   on the GPU machine (DIR defaults to .device)
#   scripts/device-standin.sh scripts/device-check.sh     here, no GPU: the same call through a stand-in
# Steps, in order: the probe (stops early if coopgrid cannot start), GPU tests (a failed test
# is rerun alone in a fresh process: a sticky CUDA error fails every later test of a process),
# compares, the CLI subset, sanitizers, timings. Every step runs under `timeout` with its own
# budget (seconds, below) and prints its status line as it ends; summary.txt in $OUT grows with
# each line and logs.tgz is rewritten after each step, so a call cut off still returns both.
# Without a device (or COOPGRID_NO_DEVICE=1) device steps say "skipped", and each gtest filter
# must still match tests (tests/CMakeLists.txt runs this form: device-check:no-device).
#
# Wall time on a device, by count. Each step's budget (its `timeout`) is its second argument
# below; a step that would end past the deadline (480 s, DEVICE_CHECK_DEADLINE) gets only what
# is left, and none at all under 5 s ("skipped: out of time"), so the check ends by 480 s + 5 s
# whatever happens, inside the tool's 600 s with the tar and transfers. Budgets, with the
# expected times (estimates from the sizes, not measurements: no session has run this on a
# GPU yet): probe <= 70 (~5) | gpu-tests 100 (~40: ~55 tests; the 2^25-row fault tests the
# longest) + reruns 20 each, at most 6, only on failure | compares 6 x 10 + 4 x 25 (~30: the
# reference is one thread, ~5 s a grid) | main-job-device 20 (~5) | sobol/morris cuda-vs-cpu
# 4 x 15 (~12) | prim-cuda-vs-cpu 15 (~3) | cli 75 (~40: ~60 tests in 4 shards) | memcheck 60, racecheck 40, synccheck 25,
# initcheck 30 (~70 together: small sizes) | bench 25 (~12, scale 0.01) | sobol-timing 10 (~3) |
# occupancy 40 (~20: 12 kernel launches replayed by ncu). Expected in all: ~240 s; at most 485 s.
set -uo pipefail
cd "$(dirname "$0")/.."
dir="${1:-.device}"
deadline=${DEVICE_CHECK_DEADLINE:-480}
logs="${DEVICE_CHECK_LOGS:-/tmp/coopgrid-device-check}"
out="${OUT:-$logs/out}"
rm -rf "$logs" && mkdir -p "$logs" "$out" || exit 1
: >"$out/summary.txt"
dir=$(cd "$dir" 2>/dev/null && pwd) || { echo "device-check: no folder ${1:-.device} (scripts/pack-device.sh makes .device)" >&2; exit 1; }
bin="$dir/coopgrid" tests="$dir/coopgrid_tests" bench="$dir/coopgrid_bench"
[[ -x "$dir/tests/coopgrid_tests" ]] && tests="$dir/tests/coopgrid_tests" bench="$dir/bench/coopgrid_bench"  # a build tree
export COOPGRID_BINARY="$bin" COOPGRID_DATA_DIR="$PWD/data"
device=0 sanitizer=0 failed=0 start=$SECONDS

status() {  # name, status, seconds, note: printed and added to summary.txt at once
  local line
  line=$(printf '%-30s %-8s %4ss  %s' "$1" "$2" "$3" "${4:-}")
  echo "$line" | tee -a "$out/summary.txt"
  [[ "$2" == FAIL || "$2" == TIMEOUT ]] && failed=$((failed + 1))
  tar -czf "$out/logs.tgz" -C "$logs" --exclude=./out . 2>/dev/null
}

# run_step NAME BUDGET KIND CMD...: KIND device (skipped without one), sanitizer or host.
# The budget shrinks to what is left of the deadline; under 5 s the step is skipped.
run_step() {
  local name=$1 budget=$2 kind=$3 left t0=$SECONDS rc=0
  shift 3
  if [[ $kind != host ]] && ((!device)); then status "$name" skipped 0 "no device"; return 0; fi
  if [[ $kind == sanitizer ]] && ((!sanitizer)); then status "$name" skipped 0 "compute-sanitizer unusable (probe.log)"; return 0; fi
  left=$((deadline - (SECONDS - start)))
  ((budget > left)) && budget=$left
  if ((budget < 5)); then status "$name" skipped 0 "out of time"; return 0; fi
  if declare -F "$1" >/dev/null; then  # a function of this script: `timeout` runs programs only
    timeout -k 5 "$budget" bash -c "$(declare -f "$1"); $(declare -p bin tests logs cli_filter 2>/dev/null); \"\$@\"" \
      _ "$@" >"$logs/$name.log" 2>&1 || rc=$?
  else
    timeout -k 5 "$budget" "$@" >"$logs/$name.log" 2>&1 || rc=$?
  fi
  if ((rc == 0)); then status "$name" ok $((SECONDS - t0))
  elif ((rc == 124 || rc == 137)); then status "$name" TIMEOUT $((SECONDS - t0)) "budget ${budget}s; $name.log"
  else status "$name" FAIL $((SECONDS - t0)) "exit $rc; $name.log: $(grep -m1 -iE 'error|fail' "$logs/$name.log" | cut -c1-90)"
  fi
  return $rc
}

# listed FILTER: how many tests FILTER names (0: the filter has rotted, a FAIL on any machine).
listed() { "$tests" --gtest_list_tests --gtest_filter="$1" 2>/dev/null | grep -c '^  '; }

# rerun_alone NAME LOG...: each test that failed in LOG (up to 6) again, alone in a fresh process.
rerun_alone() {
  local name=$1 t k=0 pass=0
  shift
  for t in $(cat "$@" | grep -oE '^\[  FAILED  \] [A-Za-z0-9_/]+\.[A-Za-z0-9_/]+' | awk '{print $4}' | sort -u | head -6); do
    k=$((k + 1))
    run_step "$name-alone-$k" 20 device "$tests" --gtest_filter="$t" --gtest_brief=1 && pass=$((pass + 1))
    echo "    $t alone: $(grep -m1 -E 'PASSED|FAILED' "$logs/$name-alone-$k.log")" | tee -a "$out/summary.txt"
  done
  ((k > 0)) && echo "    $pass of $k failed tests pass alone (then an earlier test left a sticky error)" | tee -a "$out/summary.txt"
  return 0
}

# gtest_step NAME BUDGET KIND FILTER [PREFIX...]: FILTER's tests (under PREFIX: a sanitizer).
gtest_step() {
  local name=$1 budget=$2 kind=$3 filter=$4 n
  shift 4
  n=$(listed "$filter")
  if ((n == 0)); then status "$name" FAIL 0 "the filter names no test: $filter"; return; fi
  if ((!device)); then status "$name" skipped 0 "no device ($n tests)"; return; fi
  run_step "$name" "$budget" "$kind" "$@" "$tests" --gtest_filter="$filter" --gtest_brief=1 ||
    { [[ $kind == device ]] && rerun_alone "$name" "$logs/$name.log"; }
}

probe() {
  { echo "== uname -r: $(uname -r)"
    timeout 10 nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader
    echo "== compute-sanitizer"; timeout 10 compute-sanitizer --version; } >"$logs/probe.log" 2>&1
  if ! timeout 20 "$bin" info >"$logs/info.log" 2>&1; then
    status probe FAIL $((SECONDS - start)) "$bin cannot start: $(head -c 150 "$logs/info.log" | tr '\n' ' ')"
    exit 1
  fi
  [[ -z "${COOPGRID_NO_DEVICE:-}" ]] && grep -q '^  \[0\]' "$logs/info.log" && device=1
  if ((device)) && timeout 30 compute-sanitizer --tool memcheck --error-exitcode 9 "$bin" info >>"$logs/probe.log" 2>&1; then
    sanitizer=1
  fi
  status probe ok $((SECONDS - start)) "device $device, sanitizer $sanitizer, kernel $(uname -r)"
  grep -E '^  \[[0-9]+\]' "$logs/info.log" | cut -c1-150 | tee -a "$out/summary.txt"
  for f in "$tests" "$bench"; do [[ -x "$f" ]] || { status binaries FAIL 0 "$f missing (scripts/pack-device.sh)"; exit 1; }; done
}

probe
run_step helpers 10 host python3 -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]' \
  tests/support/same_reduction.py tests/support/compare_analysis_backends.py

# GPU tests: the CUDA backend, kernels, registration, pipeline and devices, on the GPU.
gtest_step gpu-tests 100 device 'Cuda*:*Cuda*'

# Compares: everything in data/ in both precisions (the reference is one thread: the grids take
# ~5 s); the main job's device brute force against its factorized report; Sobol' and Morris fused
# on the device against the cpu backend (indices to 1e-6, f32 1e-3: the device's math moves last bits).
for input in cases varied grid_small.toml grid_edges.toml grid_main.toml; do
  [[ -e "data/$input" ]] || status "compare-$input" FAIL 0 "data/$input missing"
  budget=10; [[ $input == grid_main.toml || $input == grid_edges.toml ]] && budget=25
  for p in f64 f32; do run_step "compare-$input-$p" $budget device "$bin" compare "data/$input" --backend cuda --precision "$p"; done
done
main="run data/grid_main.toml --reduce --top 5 --by shared_expected --backend cuda --no-progress"
run_step main-job-device 20 device bash -c "'$bin' $main -o '$logs/main.json' && '$bin' $main --brute-force \
  -o '$logs/main_bf.json' && python3 tests/support/same_reduction.py '$logs/main.json' '$logs/main_bf.json'"
for p in f64 f32; do
  tol=1e-6; [[ "$p" == f32 ]] && tol=1e-3
  run_step "sobol-cuda-vs-cpu-$p" 15 device python3 tests/support/compare_analysis_backends.py --tol "$tol" "$bin" sobol \
    data/problem_sharing.toml --n 20000 --second-order --scramble --seed 3 --precision "$p"
  run_step "morris-cuda-vs-cpu-$p" 15 device python3 tests/support/compare_analysis_backends.py --tol "$tol" "$bin" morris \
    tests/support/problem_sharing_ungrouped.toml --trajectories 20000 --levels 6 --seed 4 --precision "$p"
done

# PRIM's rows on the device give the cpu backend's report (a batch, a design).
run_step prim-cuda-vs-cpu 15 device bash -c "tests/support/same_prim.sh '$bin' data/varied --where 'shared_expected >= 1000' \
  && tests/support/same_prim.sh '$bin' data/problem_sharing.toml --design lhs --n 20000 --where 'shared_expected >= 3000'"

# The CLI suites with the device present, where `auto` is cuda (tests that race a run pin
# --backend cpu): 4 shards side by side, not more (each run sizes its chunks from the GPU's
# free memory). The CPU suite itself is CI's, not rerun here.
cli_filter='Cli*:SensitivityCli*:OutputTargetCli*:OptionRangeCli*:CliSamples*'
cli_shards() {
  local k pids=() rc=0
  for k in 0 1 2 3; do
    GTEST_TOTAL_SHARDS=4 GTEST_SHARD_INDEX=$k "$tests" --gtest_filter="$cli_filter" --gtest_brief=1 >"$logs/cli-$k.log" 2>&1 &
    pids+=($!)
  done
  for k in "${!pids[@]}"; do wait "${pids[$k]}" || { rc=1; echo "shard $k failed"; }; done
  return $rc
}
n=$(listed "$cli_filter")
if ((n == 0)); then status cli FAIL 0 "the filter names no test: $cli_filter"
elif ((!device)); then status cli skipped 0 "no device ($n tests)"
else run_step cli 75 device cli_shards || rerun_alone cli "$logs"/cli-?.log
fi

# Sanitizers at small sizes. memcheck: tests that fail CUDA calls on purpose (out of memory, an
# invalid device) stay out, since it reports API errors (a refused cudaHostRegister too).
# racecheck and synccheck: the fused reductions (shared-memory top-K, histogram) and the
# balanced schedule's shared invariants. initcheck: device memory read before it is written.
memcheck_filter='CudaKernels/*.EverySchedule*:CudaBackend/*.EdgeSizes:CudaBackend/*.TinyChunks*:CudaBackend/*.GridAcross32BitIndices'
memcheck_filter+=':CudaBackend/*.SmallReduceForSanitizers:CudaDevices.InfoListsEveryDevice:CudaDevices.SeveralDevices*'
memcheck_filter+=':CudaHostRegistration*:CudaPipeline.ChunksAlternateSlotsAndFinishInOrder:CudaInputs/*.ScheduleIsChosenOncePerRun'
memcheck_filter+=':CudaSensitivity/*.ChunksGiveOneChunksBits'
shared_filter='CudaBackend/*.SmallReduceForSanitizers:CudaKernels/*.EveryScheduleOnNearCertainLists'
init_filter='CudaBackend/*.EdgeSizes:CudaBackend/*.SmallReduceForSanitizers:CudaKernels/*.EveryScheduleMatchesTheReference'
init_filter+=':CudaSensitivity/*.ChunksGiveOneChunksBits:CudaHostRegistration*'
san() { echo compute-sanitizer --tool "$1" --error-exitcode 9; }
gtest_step memcheck 60 sanitizer "$memcheck_filter" $(san memcheck)
gtest_step racecheck 40 sanitizer "$shared_filter" $(san racecheck)
gtest_step synccheck 25 sanitizer "$shared_filter" $(san synccheck)
gtest_step initcheck 30 sanitizer "$init_filter" $(san initcheck)

# Timings at a size that fits: the benchmark table at 1% (W1 1e5 scenarios, W3's grid shrunk)
# and one Sobol' run (2^17 base points, second order: 2.4e6 rows).
run_step bench 25 device "$bench" --scale 0.01 --repeats 3 --json "$logs/bench.json"
run_step sobol-timing 10 device bash -c "'$bin' sobol data/problem_sharing.toml --n 131072 --second-order --backend cuda \
  --no-progress -o '$logs/sobol_timing.json' && grep -m1 seconds '$logs/sobol_timing.json'"

# Occupancy on the real device, against bench/RESULTS.md's ptxas counts ("Occupancy"): each
# kernel's registers, local memory and theoretical blocks per SM, from ncu's launch statistics
# (a batch reduce with a histogram and a top list, then a small Sobol' run). ncu may be refused.
occupancy() {
  command -v ncu >/dev/null || { echo "ncu: not on PATH"; return 3; }
  local ncu=(ncu --section LaunchStats --section Occupancy --launch-count 6)
  "${ncu[@]}" "$bin" run data/cases --reduce --top 3 --by shared_expected --histogram shared_variance:16:0:50 --backend cuda \
    --no-progress -o "$logs/occ_reduce.json" &&
    "${ncu[@]}" "$bin" sobol data/problem_sharing.toml --n 8192 --backend cuda --no-progress -o "$logs/occ_sobol.json"
}
run_step occupancy 40 device occupancy
[[ -s "$logs/occupancy.log" ]] && grep -E '^  [a-z_]+.*\(|Registers Per Thread|Theoretical Occupancy|Block Limit Registers' \
  "$logs/occupancy.log" | cut -c1-110 | head -n 40 | tee -a "$out/summary.txt"

echo
echo "device-check: $failed failed; $((SECONDS - start)) s of the ${deadline} s deadline; logs in $out/logs.tgz" |
  tee -a "$out/summary.txt"
[[ -s "$logs/bench.log" ]] && tail -n 20 "$logs/bench.log"
tar -czf "$out/logs.tgz" -C "$logs" --exclude=./out . 2>/dev/null
((failed == 0))
