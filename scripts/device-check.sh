#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU, in under 8 minutes:
#   scripts/device-check.sh [DIR]
# DIR holds coopgrid, coopgrid_tests and coopgrid_bench built elsewhere
# (scripts/pack-device.sh); without DIR the script builds with
# -DCMAKE_CUDA_ARCHITECTURES=90 here. Steps: GPU tests; the same under
# compute-sanitizer (memcheck, racecheck); compare --backend cuda on data/ in
# both precisions; sobol/morris cuda vs cpu and a timed sobol run; the benchmark table last. Logs go to $OUT when set.
set -uo pipefail
cd "$(dirname "$0")/.."
dir="${1:-}"
if [[ -z "$dir" ]]; then
  scripts/build.sh -DCMAKE_CUDA_ARCHITECTURES=90 || exit 1
  mkdir -p build/device && cp build/coopgrid build/tests/coopgrid_tests build/bench/coopgrid_bench build/device/
  dir=build/device
fi
log="${OUT:-/tmp}"
export COOPGRID_BINARY="$PWD/$dir/coopgrid" COOPGRID_DATA_DIR="$PWD/data"
declare -a summary
step() {  # name, command...
  local name="$1"; shift
  local start=$SECONDS
  if "$@" >"$log/$name.log" 2>&1; then
    summary+=("$(printf '%-34s ok    %4ds' "$name" $((SECONDS - start)))")
  else
    summary+=("$(printf '%-34s FAIL  %4ds  (see %s/%s.log)' "$name" $((SECONDS - start)) "$log" "$name")")
    tail -n 30 "$log/$name.log"
  fi
}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader || true
"$dir/coopgrid" info
step gpu-tests "$dir/coopgrid_tests" --gtest_filter='Cuda*:*Cuda*' --gtest_brief=1
step all-tests "$dir/coopgrid_tests" --gtest_brief=1
# Sanitizers on the GPU tests at small sizes (the 2^25-row fault test is too slow under them;
# tests that fail CUDA calls on purpose, out of memory, stay out: memcheck reports API errors).
san_filter='CudaKernels/*.EverySchedule*:CudaBackend/*.EdgeSizes:CudaBackend/*.TinyChunks*:CudaBackend/*.GridAcross32BitIndices:CudaBackend/*.SmallReduceForSanitizers:CudaDevices*:CudaHostRegistration*:CudaPipeline.ChunksAlternateSlotsAndFinishInOrder:CudaInputs/*.ScheduleIsChosenOncePerRun:CudaSensitivity/*.ChunksGiveOneChunksBits'
step memcheck compute-sanitizer --tool memcheck --error-exitcode 9 "$dir/coopgrid_tests" --gtest_filter="$san_filter" --gtest_brief=1
step racecheck compute-sanitizer --tool racecheck --error-exitcode 9 "$dir/coopgrid_tests" --gtest_filter='CudaBackend/*.SmallReduceForSanitizers' --gtest_brief=1
for input in cases varied grid_small.toml grid_edges.toml grid_main.toml; do
  for p in f64 f32; do
    step "compare-$input-$p" "$dir/coopgrid" compare "data/$input" --backend cuda --precision "$p"
  done
done
step main-job "$dir/coopgrid" run data/grid_main.toml --reduce --top 5 --by shared_expected --backend cuda -o "$log/main.json"
# The main job reduces factorized on the host on every backend; --brute-force is the device's own
# fused reduction of all 8.64e7 scenarios, and it must give the factorized report's counts and extrema.
step main-job-device bash -c "'$dir/coopgrid' run data/grid_main.toml --reduce --brute-force --backend cuda \
  -o '$log/main_bf.json' && python3 tests/support/same_reduction.py '$log/main.json' '$log/main_bf.json'"
# Sobol' and Morris fused on the device against the cpu backend (indices to 1e-6:
# the device's math changes the rows' last bits), then one timed Sobol' run
# (10^6 base points, second order: 1.6e7 evaluations; bench/RESULTS.md predicts ~10 ns a point).
for p in f64 f32; do
  tol=1e-6; [[ "$p" == f32 ]] && tol=1e-3
  step "sobol-cuda-vs-cpu-$p" python3 tests/support/compare_analysis_backends.py --tol "$tol" "$dir/coopgrid" sobol \
    data/problem_sharing.toml --n 20000 --second-order --scramble --seed 3 --precision "$p"
  step "morris-cuda-vs-cpu-$p" python3 tests/support/compare_analysis_backends.py --tol "$tol" "$dir/coopgrid" morris \
    tests/support/problem_sharing_ungrouped.toml --trajectories 20000 --levels 6 --seed 4 --precision "$p"
done
step sobol-timing bash -c "time '$dir/coopgrid' sobol data/problem_sharing.toml --n 1000000 --second-order --backend cuda \
  --no-progress -o '$log/sobol_timing.json' && grep -m1 seconds '$log/sobol_timing.json'"
step bench "$dir/coopgrid_bench" --scale "${BENCH_SCALE:-1}" --repeats 5 --json "$log/bench.json"
echo
echo "== device check =="
printf '%s\n' "${summary[@]}"
echo
cat "$log/bench.log"
! printf '%s\n' "${summary[@]}" | grep -q FAIL
