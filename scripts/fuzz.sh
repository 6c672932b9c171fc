#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, with AddressSanitizer and UBSan) and
# runs each for a bounded time on its corpus in tests/fuzz/corpus/.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=build-fuzz
mkdir -p "$out"
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -DFMT_HEADER_ONLY -DNDEBUG -I. -Ikernels)
common=(host/io/csv_reader.cpp host/io/text_file.cpp host/io/grid_reader.cpp host/io/problem_reader.cpp
        host/source/grid.cpp)
for target in csv grid problem; do
  clang++ "${flags[@]}" "tests/fuzz/${target}_fuzz.cpp" "${common[@]}" -o "$out/${target}_fuzz"
done
for target in csv grid problem; do
  # A scratch copy of the corpus: new finds stay out of the repository.
  work="$out/corpus_$target"
  rm -rf "$work" && mkdir -p "$work" && cp "tests/fuzz/corpus/$target"/* "$work"/
  echo "fuzz: $target for ${seconds}s"
  "$out/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=65536 "$work" 2>&1 | tail -n 3
done
echo "fuzz: no crash, hang or sanitizer report"
