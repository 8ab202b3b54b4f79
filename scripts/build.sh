#!/usr/bin/env bash
# Configures and builds ecsim into build/ (Release by default). Used by main-job.sh and test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ECSIM_BUILD_DIR:-$root/build}
jobs=${ECSIM_JOBS:-$(nproc)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release} >/dev/null
cmake --build "$build" -j "$jobs"
