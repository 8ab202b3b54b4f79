#!/usr/bin/env bash
# Installs the build into a fresh prefix and uses PREFIX/bin/ecsim from another working directory:
# train with a relative --chip path that names a shipped config, eval and rollout the run, and a
# missing config's error that lists where it looked.
# usage: check_install.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
ecsim=$prefix/bin/ecsim
test -x "$ecsim"
cd "$work"
small=(--task hopper --neurons 32 --pop 8 --generations 2 --max-steps 30 --eval-episodes 1 --progress never
  --threads 1 --no-plot)
"$ecsim" train "${small[@]}" --chip configs/chip_default.json --energy-table energy_7nm.json --out run
test -f run/policy/theta.bin
test -f run/energy.json
"$ecsim" eval run --episodes 1 --max-steps 30 | grep -q "over 1 episodes"
"$ecsim" rollout --task hopper --seed 1 --policy run --out traj.csv
test -s traj.csv
set +e
out=$("$ecsim" train "${small[@]}" --chip configs/no_such_chip.json --out bad 2>&1)
rc=$?
set -e
test "$rc" -eq 2
grep -q "looked in: " <<<"$out"
grep -q "share/ecsim/configs" <<<"$out"
test ! -e bad
echo "installed ecsim works from $work"
