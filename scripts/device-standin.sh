#!/usr/bin/env bash
# A stand-in for the device tool, here (no GPU): runs COMMAND as one call of it would, so
# that a device check can be tried end to end before a GPU minute is spent on it.
#   scripts/device-standin.sh [--carry PATH]... COMMAND
# As the tool: the working tree's tracked and untracked-not-ignored files plus the carried
# paths (default .device) are copied to a fresh folder (64 MiB at most), COMMAND runs there
# under bash with an empty $OUT and a 600 s limit, and then what would come back is listed:
# at most 8 files of at most 16 MiB, no deeper than $OUT/a/b/file, names of [A-Za-z0-9._-];
# $OUT itself is copied to device-out/ (git-ignored).
# Exit: COMMAND's status, or 3 when the tree is too large or $OUT would not all come back.
set -uo pipefail
cd "$(dirname "$0")/.."
carry=()
while [[ "${1:-}" == --carry ]]; do carry+=("$2"); shift 2; done
((${#carry[@]})) || carry=(.device)
(($#)) || { echo "usage: scripts/device-standin.sh [--carry PATH]... COMMAND" >&2; exit 2; }
limit=${DEVICE_STANDIN_LIMIT:-600}
tmp=$(mktemp -d /tmp/coopgrid-standin.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/repo" "$tmp/out"
git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$tmp/repo"
for c in "${carry[@]}"; do
  [[ -e "$c" ]] && { mkdir -p "$tmp/repo/$(dirname "$c")"; cp -a "$c" "$tmp/repo/$c"; } || echo "standin: not carried (absent): $c"
done
bad=0
size=$(du -sm "$tmp/repo" | cut -f1)
echo "standin: the working tree and carried paths: ${size} MiB (the tool takes 64)"
((size > 64)) && bad=1
t0=$SECONDS
(cd "$tmp/repo" && OUT="$tmp/out" timeout -k 5 "$limit" bash -c "$*")
rc=$?
echo "standin: the command ran ${limit}s-limited: exit $rc after $((SECONDS - t0)) s"
echo "standin: what comes back from \$OUT:"
n=0
while IFS= read -r -d '' f; do
  rel=${f#"$tmp/out/"}
  why=""
  n=$((n + 1))
  ((n > 8)) && why="more than 8 files"
  (($(stat -c %s "$f") > 16 << 20)) && why="over 16 MiB"
  [[ $(tr -cd / <<<"$rel" | wc -c) -gt 2 ]] && why="deeper than 2 folders"
  [[ "$rel" =~ ^[A-Za-z0-9._/-]+$ ]] || why="a name of other characters"
  if [[ -n $why ]]; then echo "  LEFT OUT $rel ($why)"; bad=1; else echo "  $rel ($(stat -c %s "$f") bytes)"; fi
done < <(find "$tmp/out" -type f -print0 | sort -z)
rm -rf device-out && cp -a "$tmp/out" device-out && echo "standin: \$OUT copied to device-out/ (git-ignored)"
((bad)) && { echo "standin: the tool would not return all of this call"; ((rc == 0)) && rc=3; }
exit $rc
