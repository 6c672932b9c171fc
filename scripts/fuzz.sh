#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, with AddressSanitizer and UBSan) and
# runs each for a bounded time on its corpus in tests/fuzz/corpus/. The host
# sources they share compile once into objects (through ccache when present),
# every unit on its own core; the three fuzzers then run side by side.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=build-fuzz
mkdir -p "$out/obj"
launcher=(); command -v ccache >/dev/null && launcher=(ccache)
# fuzzer-no-link: the libFuzzer instrumentation without its main(); the link adds it.
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
       -DNDEBUG -I. -Ikernels)
targets=(csv grid problem)
shared=(host/io/csv_reader.cpp host/io/text_file.cpp host/io/grid_reader.cpp host/io/problem_reader.cpp
        host/io/problem_parameter.cpp host/io/salib_reader.cpp
        host/source/grid.cpp host/fmt/fmt_library.cpp)
sources=("${shared[@]}")
for t in "${targets[@]}"; do sources+=("tests/fuzz/${t}_fuzz.cpp"); done
obj() { local o=${1//\//_}; echo "$out/obj/${o%.cpp}.o"; }
export -f obj; export out
printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -I{} bash -c \
  "$(printf '%q ' "${launcher[@]}" clang++ "${flags[@]}")"' -c "$1" -o "$(obj "$1")"' _ {}
common=()
for s in "${shared[@]}"; do common+=("$(obj "$s")"); done
for t in "${targets[@]}"; do
  clang++ -fsanitize=fuzzer,address,undefined "$(obj "tests/fuzz/${t}_fuzz.cpp")" "${common[@]}" -o "$out/${t}_fuzz"
done
pids=()
for t in "${targets[@]}"; do
  # A scratch copy of the corpus: new finds stay out of the repository.
  work="$out/corpus_$t"
  rm -rf "$work" && mkdir -p "$work" && cp "tests/fuzz/corpus/$t"/* "$work"/
  echo "fuzz: $t for ${seconds}s"
  # -timeout=30: the largest grid a file may ask for (10^8 axis points in all) takes 14 s under ASan here.
  ( "$out/${t}_fuzz" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=65536 "$work" \
      > "$out/$t.log" 2>&1 ) &
  pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  if wait "${pids[$i]}"; then
    echo "fuzz: $t:"; tail -n 3 "$out/$t.log"
  else
    failed=$((failed + 1))
    echo "fuzz: $t FAILED:"; tail -n 60 "$out/$t.log"
  fi
done
if ((failed)); then echo "fuzz: $failed of ${#targets[@]} targets failed"; exit 1; fi
echo "fuzz: no crash, hang or sanitizer report"
