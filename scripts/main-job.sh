#!/usr/bin/env bash
# The README's main job: install missing packages, build, train EC on Hopper, write the report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
bin="${ECSIM_BUILD_DIR:-$root/build}/bin"
out="${ECSIM_RUN_DIR:-$root/runs/main}"
mkdir -p "$out"

# until `ecsim train` lands, the main job demonstrates the chip model on a Hopper episode
"$bin/ecsim" rollout --task hopper --seed 1 --reset-noise 0.005 --actions <(
  echo "act_0,act_1,act_2"; for i in $(seq 1 200); do echo "0,0,0"; done) --out "$out/hopper_rollout.csv"
python3 - "$out/hopper_rollout.csv" "$out/obs_trace.csv" <<'PY' 2>/dev/null || awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i ~ /^obs_/) c[++n]=i; h=""; for(k=1;k<=n;k++) h=h (k>1?",":"") $c[k]; print h; next} {l=""; for(k=1;k<=n;k++) l=l (k>1?",":"") $c[k]; print l}' "$out/hopper_rollout.csv" > "$out/obs_trace.csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cols = [c for c in rows[0] if c.startswith("obs_")]
with open(sys.argv[2], "w") as f:
    f.write(",".join(cols) + "\n")
    for r in rows:
        f.write(",".join(r[c] for c in cols) + "\n")
PY
"$bin/ecsim" simulate --trace "$out/obs_trace.csv" --rho-const 0.5 --seed 1 --d-out 3 \
  --out "$out/actions.csv" --raster "$out/raster.csv" | tee "$out/report.txt"
echo "main job: report in $out/report.txt"
