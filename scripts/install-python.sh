#!/usr/bin/env bash
# Makes `import coopgrid` work in Debian's python3 (/usr/bin/python3) without
# any environment variable: writes coopgrid.pth into its site directory
# (/usr/local/lib/python3.X/dist-packages), naming python/ (the package's
# sources) and BUILD/python (the compiled coopgrid._native), so a rebuild is
# picked up with no reinstall. Does nothing when the module was not built;
# without write access it prints the line to add instead.
#   scripts/install-python.sh [BUILD_DIR]     (default: build)
#   scripts/install-python.sh --uninstall
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3
[[ -x $py ]] || py=$(command -v python3 || true)
[[ -n $py ]] || exit 0
site=$("$py" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
pth="$site/coopgrid.pth"
if [[ "${1:-}" == "--uninstall" ]]; then
  rm -f "$pth"
  exit 0
fi
build=$(cd "${1:-build}" && pwd)
compgen -G "$build/python/coopgrid/_native*.so" >/dev/null || exit 0
lines="$(pwd)/python
$build/python"
if [[ -f $pth && "$(cat "$pth")" == "$lines" ]]; then exit 0; fi
if mkdir -p "$site" 2>/dev/null && printf '%s\n' "$lines" > "$pth.tmp" 2>/dev/null; then
  mv "$pth.tmp" "$pth"
  echo "install-python: $pth -> $(pwd)/python, $build/python" >&2
else
  echo "install-python: cannot write $pth; to use coopgrid from $py, add these two lines to it:" >&2
  echo "$lines" >&2
fi
