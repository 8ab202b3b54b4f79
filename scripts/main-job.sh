#!/usr/bin/env bash
# The README's main job: install missing packages, build, train EC on Hopper (the defaults are
# sized to finish within 10 minutes on 2 cores), evaluate the result and write the report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
bin="${ECSIM_BUILD_DIR:-$root/build}/bin"
run="${ECSIM_RUN_DIR:-$root/runs/hopper-ec}"
mkdir -p "$(dirname "$run")"

if [[ -f "$run/config.json" ]]; then
  echo "main job: $run exists; resuming it (a finished run has nothing left to do)"
  "$bin/ecsim" train --resume "$run"
else
  "$bin/ecsim" train --task hopper --out "$run"
fi
"$bin/ecsim" eval "$run" --episodes 10 | tee "$run/eval.txt"

{
  echo "# ecsim main job: EC training on Hopper"
  echo
  echo "run directory: $run (config.json, metrics.csv, checkpoint.ckpt, policy/, curve.png)"
  echo
  echo "## evaluation of the trained policy θ* = (ρ > 0.5)"
  cat "$run/eval.txt"
  echo
  echo "## eval return per generation (first, last)"
  head -2 "$run/metrics.csv" | cut -d, -f1,10,11
  tail -1 "$run/metrics.csv" | cut -d, -f1,10,11
} > "$run/report.md"
echo "main job: report in $run/report.md, learning curve in $run/curve.png"
