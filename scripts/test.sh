#!/usr/bin/env bash
# The README's test command: install missing packages, build, run the whole suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
cd "${ECSIM_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${ECSIM_JOBS:-$(nproc)}" "$@"
