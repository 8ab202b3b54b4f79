#!/usr/bin/env bash
# The README's main job: install missing packages, build, train EC on Hopper (the defaults are
# sized to finish within 10 minutes on 2 cores), render the robot, then write the report (ecsim
# report: θ* over 10 starts on the reference model and 2 on the cycle-level SystemC chip, the
# curve, the energy, a raster excerpt and the robot's contact sheet).
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
# the robot: θ*'s first episode rendered off-screen (a video and the contact sheet the report shows)
"$bin/ecsim" render "$run" --contact-sheet "$run/contact.png" --out "$run/robot.mp4"
# the same returns on the SystemC chip as on the reference model for the same starts, plus cycles
"$bin/ecsim" report "$run" --eval-episodes 10 --chip-episodes 2
echo "main job: report in $run/report.md (and the self-contained $run/report.html), learning curve in $run/curve.png, the robot in $run/robot.mp4"
