#!/usr/bin/env bash
# Every benchmark case in ONE invocation on one machine, printed as one table:
# coopgrid_bench (ceilings, W1-W3, CPU baselines), W4 (the CLI end to end on a
# 10^6-scenario batch, CSV and binary), and the Python peers (NumPy always;
# CuPy, PyTorch and JAX where a GPU and the package are present), each checked
# against coopgrid's result before it is timed.
#   bench/run.sh [BIN_DIR] [SCALE]     (BIN_DIR: coopgrid and coopgrid_bench; default build/)
# Writes bench-out/ (git-ignored): the JSON of every case and table.txt.
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
