#!/usr/bin/env bash
# Installs the Debian packages coopgrid's build needs, skipping those already
# present. Nothing is downloaded at build time. CUDA is optional: with nvcc on
# PATH (or under /usr/local/cuda) the CUDA backend builds too. ccache, when
# present, caches every compile (CMakeLists.txt, scripts/fuzz.sh).
set -euo pipefail
packages=(cmake ninja-build ccache g++ clang libclang-rt-dev libfmt-dev libcli11-dev libtomlplusplus-dev libgtest-dev
          libsleef-dev   # the CPU backend's vector batch rows (host/backends/cpu_simd*.cpp); optional in CMake
          libboost-dev   # Boost.Math's binomial tail, header-only: PRIM's quasi-p-values (host/prim/)
          python3 python3-numpy python3-scipy   # the scipy checks of the designs (tests/designs/)
          pybind11-dev python3-dev python3-pandas python3-matplotlib python3-pytest  # the Python package (python/)
          python3-venv)  # scripts/python-env.sh, `python3 -m venv`
# Optional, not installed here: bench/run.sh's CPU peers (bench/peers/cpu_peers.py) use
# python3-numba and python3-torch when present (CPU_PYTHON=/usr/bin/python3) and skip without them.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
