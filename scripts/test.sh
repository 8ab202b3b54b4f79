#!/usr/bin/env bash
# The README's test command: install missing packages, build, run the whole suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
cd "${ECSIM_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${ECSIM_JOBS:-$(nproc)}" "$@"
# then every libFuzzer target briefly (docs/contributing.md, "Fuzzing"); ECSIM_SKIP_FUZZ=1 skips it
[[ ${ECSIM_SKIP_FUZZ:-0} == 1 ]] || "$root/scripts/fuzz.sh" --time "${ECSIM_FUZZ_TIME:-10}"
