#!/usr/bin/env bash
# Installs the Debian packages ecsim needs, only those that are missing.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsystemc-dev verilator
  libboost1.81-all-dev libboost-json1.81-dev
  libmujoco-dev libqhull-dev librandom123-dev
  libgtest-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  yosys iverilog gnuplot-nox
  clang-format
  clang-14 libclang-rt-14-dev
  libegl-dev libegl-mesa0 libgl-dev libgl1-mesa-dri
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
  libhdf5-dev python3-h5py
  python3-dev python3-numpy python3-pytest pybind11-dev
  # python3-munkres satisfies python3-fonttools' "scipy | munkres": scipy pulls libboost-dev 1.74,
  # which conflicts with Boost 1.81
  python3-munkres python3-matplotlib
)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "setup-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi
echo "setup-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
