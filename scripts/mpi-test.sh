#!/usr/bin/env bash
# The MPI CLI (OpenMPI; CPU backend) against a single-process run: `mpirun -np 2`
# (and 3, oversubscribed) must write byte-identical reduce reports and CSV rows.
# The MPI CLI is build/coopgrid-mpi (target coopgrid_mpi_cli, configured when
# MPI is found): the Release build's host objects, only cli/main.cpp and
# mpi_run.cpp compiled again, nothing built from nothing.
#   scripts/mpi-test.sh [BUILD_DIR]   (default build; configured if absent)
#   scripts/mpi-test.sh --install     only install OpenMPI when missing
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v mpirun >/dev/null || ! dpkg-query -W -f='${Status}' libopenmpi-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "mpi-test: installing libopenmpi-dev openmpi-bin" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libopenmpi-dev openmpi-bin >/dev/null
fi
[[ "${1:-}" == "--install" ]] && exit 0
build="${1:-build}"
export PATH="$PATH:/usr/local/cuda/bin"
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
if ! cmake --build "$build" --target help | grep -q '^coopgrid_mpi_cli:'; then
  # Configured before OpenMPI was installed: search for it again.
  cmake -S . -B "$build" -U 'MPI_*' -DCOOPGRID_MPI_CLI=ON >/dev/null
fi
cmake --build "$build" --target coopgrid_mpi_cli
bin="$build/coopgrid-mpi"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mpirun_() { mpirun --allow-run-as-root --oversubscribe -np "$1" "${@:2}"; }
passed=0 failed=0
check() {  # name, file a, file b
  if cmp -s "$2" "$3"; then passed=$((passed + 1)); echo "mpi: $1 identical"; else failed=$((failed + 1)); echo "mpi: $1 DIFFERS"; fi
}
reduce=(--reduce --backend cpu --where 'shared_expected>=1' --top 10 --by standards_p_any --histogram ethics_q_all:6:0:1)
for input in data/grid_main.toml data/varied; do
  name=$(basename "$input")
  "$bin" run "$input" "${reduce[@]}" --no-progress -o "$out/$name.single.json"
  for np in 2 3; do
    mpirun_ "$np" "$bin" run "$input" "${reduce[@]}" --no-progress -o "$out/$name.mpi$np.json"
    check "$name reduce, -np $np" "$out/$name.single.json" "$out/$name.mpi$np.json"
  done
done
"$bin" run data/grid_edges.toml --backend cpu -o "$out/rows.single.csv"
mpirun_ 2 "$bin" run data/grid_edges.toml --backend cpu -o "$out/rows.mpi.csv"
check "grid_edges rows (2 units), -np 2" "$out/rows.single.csv" "$out/rows.mpi.csv"
# sobol/morris: the ranks' exact states merge to the single run's report (all but its "seconds").
same_analysis() {  # name, file a, file b
  if /usr/bin/python3 -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a.pop("seconds"); b.pop("seconds")
sys.exit(a != b)' "$2" "$3"; then passed=$((passed + 1)); echo "mpi: $1 identical"; else failed=$((failed + 1)); echo "mpi: $1 DIFFERS"; fi
}
"$bin" sobol data/problem_sharing.toml --n 9000 --second-order --bootstrap 20 --backend cpu --no-progress -o "$out/sobol.single.json"
"$bin" morris data/problem_morris.toml --trajectories 9000 --bootstrap 20 --backend cpu --no-progress -o "$out/morris.single.json"
for np in 2 3; do
  mpirun_ "$np" "$bin" sobol data/problem_sharing.toml --n 9000 --second-order --bootstrap 20 --backend cpu --no-progress \
    -o "$out/sobol.mpi$np.json"
  same_analysis "sobol, -np $np" "$out/sobol.single.json" "$out/sobol.mpi$np.json"
  mpirun_ "$np" "$bin" morris data/problem_morris.toml --trajectories 9000 --bootstrap 20 --backend cpu --no-progress \
    -o "$out/morris.mpi$np.json"
  same_analysis "morris, -np $np" "$out/morris.single.json" "$out/morris.mpi$np.json"
done
# prim: every rank streams its shard of the rows, each pass's histograms summed over the ranks:
# the single process's streamed report (all but its "seconds"); a grid is counted on every rank.
prim=(prim data/problem_sharing.toml --design lhs --n 200000 --seed 1 --where 'shared_expected >= 3000' --streamed
      --backend cpu --no-progress)
"$bin" "${prim[@]}" -o "$out/prim.single.json"
"$bin" prim data/grid_small.toml --where 'standards_p_any >= 0.5' -o "$out/prim_grid.single.json"
for np in 2 3; do
  mpirun_ "$np" "$bin" "${prim[@]}" -o "$out/prim.mpi$np.json"
  same_analysis "prim streamed, -np $np" "$out/prim.single.json" "$out/prim.mpi$np.json"
done
mpirun_ 2 "$bin" prim data/grid_small.toml --where 'standards_p_any >= 0.5' -o "$out/prim_grid.mpi2.json"
same_analysis "prim grid, -np 2" "$out/prim_grid.single.json" "$out/prim_grid.mpi2.json"
# An error on one rank ends the run with its exit code and no output.
set +e
mpirun_ 2 "$bin" run data/grid_small.toml --backend cpu --reduce --top 3 -o "$out/bad.json" 2>/dev/null
rc=$?
set -e
if [[ $rc -eq 2 && ! -e "$out/bad.json" ]]; then passed=$((passed + 1)); echo "mpi: bad usage exits 2"; else failed=$((failed + 1)); echo "mpi: bad usage gave $rc"; fi
echo "mpi: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
