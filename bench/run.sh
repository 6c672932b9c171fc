#!/usr/bin/env bash
# Every benchmark case in ONE invocation on one machine, printed as one table:
# coopgrid_bench (ceilings, W1-W3, CPU baselines), W4 (the CLI end to end on a
# 10^6-scenario batch, CSV and binary), and the Python peers (NumPy always;
# CuPy, PyTorch and JAX where a GPU and the package are present), each checked
# against coopgrid's result before it is timed; then one CPU table (coopgrid against numba
# and PyTorch-CPU peers, ratios to numba; the peers need CPU_PYTHON with numba / torch).
#   bench/run.sh [BIN_DIR] [SCALE]     (BIN_DIR: coopgrid and coopgrid_bench; default build/)
#   CPU_ONLY=1 CPU_PYTHON=/usr/bin/python3 bench/run.sh build 1    (the CPU table alone; NO_CPU=1: without it)
# Writes bench-out/ (git-ignored): the JSON of every case, table.txt and cpu-table.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build}"
scale="${2:-1}"
py="${PYTHON:-python3}"
out="${OUT:-bench-out}"
mkdir -p "$out"
cg() { [[ -x "$bin/coopgrid" ]] && echo "$bin/coopgrid" || echo "$bin/../coopgrid"; }
coopgrid=$(cg)
bench="$bin/coopgrid_bench"; [[ -x "$bench" ]] || bench="$bin/bench/coopgrid_bench"
if [[ ${CPU_ONLY:-0} != 1 ]]; then  # CPU_ONLY=1: the CPU table alone (a loaded 2-core machine)
echo "== coopgrid_bench (scale $scale)"
"$bench" --scale "$scale" --repeats 5 --json "$out/bench.json" | tee "$out/bench.txt"

# W4: the CLI end to end on 10^6 scenarios (parse, evaluate, write), CSV and binary.
n4=$("$py" -c "print(max(1000, int(1e6 * min(1.0, $scale))))")
rm -rf "$out/w4" && "$bench" --write-w4 "$out/w4" "$n4"
echo "== W4 ($n4 scenarios)"
: > "$out/w4.jsonl"
for fmt in bin csv; do
  for stage in validate run; do
    start=$(date +%s.%N)
    if [[ $stage == validate ]]; then
      "$coopgrid" validate "$out/w4/$fmt" >/dev/null
    else
      "$coopgrid" run "$out/w4/$fmt" --no-progress -o "$out/w4.csv"
    fi
    end=$(date +%s.%N)
    what=$([[ $stage == run ]] && echo "parse, evaluate, write" || echo "parse only")
    "$py" -c "import json;print(json.dumps(dict(case='W4',variant='$fmt: $what',size=$n4,seconds=$end-$start)))" >> "$out/w4.jsonl"
  done
done
cat "$out/w4.jsonl"

# Peers: W1 on the same batch (means checked), W3 on the first count values.
echo "== peers"
n1=$("$py" -c "print(max(1000, int(1e6 * min(1.0, $scale))))")
rm -rf "$out/w1bin" && "$bench" --write-w1 "$out/w1bin" "$n1"
blocks=$("$py" -c "print(max(1, int(100 * min(1.0, $scale))))")
: > "$out/peers.jsonl"
for prec in f64 f32; do
  "$coopgrid" run "$out/w1bin" --reduce --precision "$prec" --backend cpu -o "$out/w1ref-$prec.json"
  for fw in numpy cupy torch jax; do
    if ! "$py" -c "import $fw" 2>/dev/null; then continue; fi
    if [[ $fw != numpy ]] && ! nvidia-smi >/dev/null 2>&1; then continue; fi
    w3blocks=$blocks
    [[ $fw == numpy ]] && w3blocks=1  # NumPy: one count value (1.01e8 scenarios); rates compare
    "$py" bench/peers/peers.py --framework "$fw" --workload w1 --precision "$prec" --batch "$out/w1bin" \
      --reference "$out/w1ref-$prec.json" >> "$out/peers.jsonl" || echo "peer $fw w1 $prec failed"
    sed "s/count = { range = \[1, 100\] }/count = { range = [1, $w3blocks] }/" data/grid_big.toml > "$out/w3-$fw.toml"
    "$coopgrid" run "$out/w3-$fw.toml" --reduce --precision "$prec" --where 'standards_p_any>=0.5' --top 100 \
      --by shared_expected -o "$out/w3ref-$fw-$prec.json"
    "$py" bench/peers/peers.py --framework "$fw" --workload w3 --precision "$prec" --blocks "$w3blocks" \
      --reference "$out/w3ref-$fw-$prec.json" >> "$out/peers.jsonl" || echo "peer $fw w3 $prec failed"
  done
done
cat "$out/peers.jsonl"
"$py" bench/report.py "$out" | tee "$out/table.txt"
fi

# CPU: coopgrid's cpu backend (f64, all cores) against numba and PyTorch-CPU peers
# (bench/peers/cpu_peers.py) on the same inputs, in this run: W1 (2e5 scenarios of the W1
# batch, rows and --reduce) and W3 (the README's main grid, countries.count 1..20: 1.73e7
# scenarios, brute force and factorized). Each peer is checked against coopgrid's output
# before it is timed (1e-9 relative) and fails the run on a mismatch; a peer whose package
# is missing is skipped with a message. The peers need Debian's python3-numba and
# python3-torch: CPU_PYTHON=/usr/bin/python3 (default: $PYTHON).
[[ ${NO_CPU:-0} == 1 ]] && exit 0  # NO_CPU=1: skip it (a device run with little time)
echo "== CPU: coopgrid against numba and PyTorch (CPU)"
cpy="${CPU_PYTHON:-$py}"
cpu="$out/cpu"
rm -rf "$cpu" && mkdir -p "$cpu"
ncpu=$("$py" -c "print(max(1000, int(2e5 * min(1.0, $scale))))")
w3count=$("$py" -c "print(max(1, int(20 * min(1.0, $scale))))")
threads=$(nproc)
cpu_fail=0
median_wall() {  # median wall seconds of 3 runs of a command (no JIT: nothing to warm up)
  local ts=() s e
  for _ in 1 2 3; do
    s=$(date +%s.%N); "$@" >/dev/null || return 1; e=$(date +%s.%N)
    ts+=("$("$py" -c "print($e - $s)")")
  done
  printf '%s\n' "${ts[@]}" | sort -g | sed -n 2p
}
cli_row() {  # workload implementation scenarios seconds
  "$py" -c "import json,sys;print(json.dumps(dict(implementation=sys.argv[2],workload=sys.argv[1],threads=$threads,
scenarios=int(sys.argv[3]),seconds=float(sys.argv[4]),warmup_s=None,check='(reference)')))" "$@" >> "$cpu/cpu.jsonl"
}
"$bench" --write-w1 "$cpu/w1" "$ncpu"
"$coopgrid" run "$cpu/w1" --reduce --json --backend cpu --precision f64 --no-progress -o "$cpu/w1-ref.json"
"$coopgrid" run "$cpu/w1" --backend cpu --precision f64 --no-progress -o "$cpu/w1-all.csv"
awk 'NR == 1 || NR % 10 == 2' "$cpu/w1-all.csv" > "$cpu/w1-rows.csv" && rm "$cpu/w1-all.csv"  # every 10th row
"$bench" --repeats 3 --time-batch "$cpu/w1" >> "$cpu/cpu.jsonl" || cpu_fail=1
t=$(median_wall "$coopgrid" run "$cpu/w1" --reduce --json --backend cpu --no-progress -o "$cpu/w1-cli.json") || cpu_fail=1
cli_row w1-reduce "coopgrid run --reduce (CLI: map, validate, reduce)" "$ncpu" "$t"
# The 10^6 batch (1.3 GB of .npy, in the page cache after the first run): run --reduce end to end
# and validate, against a plain read of the same bytes and numba's in-memory reduce (below).
nm=$("$py" -c "print(max(1000, int(1e6 * min(1.0, $scale))))")
"$bench" --write-w1 "$cpu/w1m" "$nm"
"$coopgrid" run "$cpu/w1m" --reduce --json --backend cpu --no-progress -o "$cpu/w1m-ref.json" || cpu_fail=1
t=$(median_wall "$coopgrid" run "$cpu/w1m" --reduce --json --backend cpu --no-progress -o "$cpu/w1m-t.json") || cpu_fail=1
cli_row w1m-reduce "coopgrid run --reduce (CLI: map, validate, reduce)" "$nm" "$t"
t=$(median_wall "$coopgrid" validate "$cpu/w1m") || cpu_fail=1
cli_row w1m-validate "coopgrid validate" "$nm" "$t"
t=$(median_wall cat "$cpu"/w1m/*.npy) || cpu_fail=1
cli_row w1m-validate "plain read (cat *.npy > /dev/null, one thread)" "$nm" "$t"
sed "s/count = { range = \[1, 100\] }/count = { range = [1, $w3count] }/" data/grid_main.toml > "$cpu/w3.toml"
n3=$("$coopgrid" validate "$cpu/w3.toml" | "$py" -c "import re,sys;print(re.search(r'([0-9,]+) scenarios',sys.stdin.read()).group(1).replace(',', ''))")
"$coopgrid" run "$cpu/w3.toml" --reduce --json --backend cpu --no-progress -o "$cpu/w3-ref.json"
"$coopgrid" run "$cpu/w3.toml" --reduce --json --backend cpu --brute-force --no-progress -o "$cpu/w3-brute.json"
"$py" bench/peers/cpu_report.py --same "$cpu/w3-brute.json" "$cpu/w3-ref.json" "W3 brute force vs factorized" || cpu_fail=1
for mode in "" --brute-force; do
  t=$(median_wall "$coopgrid" run "$cpu/w3.toml" --reduce --json --backend cpu $mode --no-progress -o "$cpu/w3-t.json") || cpu_fail=1
  cli_row w3 "coopgrid run --reduce ${mode:-(factorized)}" "$n3" "$t"
done
"$cpy" bench/peers/cpu_ceilings.py --threads "$threads" >> "$cpu/cpu.jsonl" || echo "CPU ceilings skipped (no numba for $cpy)"
for fw in numba torch; do
  for wl in w1 w3; do
    if [[ $wl == w1 ]]; then
      args=(--batch "$cpu/w1" --rows "$cpu/w1-rows.csv" --reference "$cpu/w1-ref.json")
    else
      args=(--grid "$cpu/w3.toml" --reference "$cpu/w3-ref.json")
    fi
    "$cpy" bench/peers/cpu_peers.py --framework "$fw" --workload "$wl" --threads "$threads" "${args[@]}" >> "$cpu/cpu.jsonl"
    rc=$?
    if [[ $rc == 0 && $fw == numba && $wl == w1 ]]; then  # the ratios' base: numba with coopgrid's accuracy
      "$cpy" bench/peers/cpu_peers.py --framework numba --accuracy coopgrid --workload w1 --threads "$threads" \
        "${args[@]}" >> "$cpu/cpu.jsonl" || rc=$?
      "$cpy" bench/peers/cpu_peers.py --framework numba --accuracy coopgrid --workload w1 --tag w1m \
        --threads "$threads" --batch "$cpu/w1m" --reference "$cpu/w1m-ref.json" >> "$cpu/cpu.jsonl" || rc=$?
    fi
    if [[ $rc == 3 ]]; then echo "CPU peer $fw skipped: not installed for $cpy (Debian: apt-get install python3-$fw)"; break; fi
    if [[ $rc != 0 ]]; then echo "CPU PEER $fw $wl FAILED (see above)"; cpu_fail=1; fi
  done
done
"$py" bench/peers/cpu_report.py "$cpu/cpu.jsonl" | tee "$out/cpu-table.txt"
[[ $cpu_fail == 0 ]] || { echo "CPU section: a check or a run FAILED"; exit 1; }
