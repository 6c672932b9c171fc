#!/usr/bin/env bash
# coopgrid's Python package installs with pip now (pyproject.toml; README.md,
# "From Python"): nothing is written into Debian's python3 any more. This
# removes the coopgrid.pth that earlier versions of this script wrote into its
# site directory (it made `import coopgrid` work in every python3 on the
# machine, hiding a missing install), and says how to import the build's copy.
#   scripts/install-python.sh [BUILD_DIR]     (default: build; scripts/build.sh runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
for py in /usr/bin/python3 "$(command -v python3 || true)"; do
  [[ -x $py ]] || continue
  site=$("$py" -c 'import sysconfig; print(sysconfig.get_path("purelib"))' 2>/dev/null) || continue
  if [[ -f $site/coopgrid.pth ]]; then
    rm -f "$site/coopgrid.pth" 2>/dev/null && echo "install-python: removed $site/coopgrid.pth (no longer used)" >&2 \
      || echo "install-python: remove $site/coopgrid.pth (no longer used; cannot write it here)" >&2
  fi
done
build=${1:-build}
if compgen -G "$build/python/coopgrid/_native*.so" >/dev/null && [[ -t 2 ]]; then
  echo "install-python: the build's module: PYTHONPATH=$(pwd)/python:$(cd "$build" && pwd)/python /usr/bin/python3;" \
       "a package: python3 -m venv v && v/bin/pip install '.[plot]' (README.md, From Python)" >&2
fi
exit 0
