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
  # --chip: the functional backend also counts the default chip's activity (energy.json)
  "$bin/ecsim" train --task hopper --chip "$bin/configs/chip_default.json" --out "$run"
fi
"$bin/ecsim" eval "$run" --episodes 10 | tee "$run/eval.txt"
# the same policy on the cycle-level SystemC chip: the same returns as the reference model's on
# the same 2 starts, plus cycles
{
  echo "reference model: $("$bin/ecsim" eval "$run" --episodes 2)"
  echo "SystemC chip:    $("$bin/ecsim" eval "$run" --episodes 2 --backend systemc | tr '\n' ' ')"
} | tee "$run/eval_chip.txt"

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
  echo
  echo "## θ* on the SystemC chip (configs/chip_default.json, 2 episodes)"
  cat "$run/eval_chip.txt"
  echo
  echo "## the chip's energy per generation (45 nm table, dynamic; energy.json has every unit and action)"
  echo "generation,energy_uj,energy_per_step_nj"
  tail -1 "$run/metrics.csv" | cut -d, -f1,20,21
} > "$run/report.md"
echo "main job: report in $run/report.md, learning curve in $run/curve.png"
