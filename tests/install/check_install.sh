#!/usr/bin/env bash
# Installs the build into a fresh prefix and uses PREFIX/bin/ecsim from another working directory:
# train with a relative --chip path that names a shipped config, eval and rollout the run, and a
# missing config's error that lists where it looked. With PYTHON, also `import ecsim` from the
# prefix's site-packages, with the models and configs found relative to the installed package.
# usage: check_install.sh BUILD_DIR [PYTHON]
set -euo pipefail
build=$1
python=${2:-}
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
if [[ -n $python ]]; then
  site=$(echo "$prefix"/lib/python3*/site-packages)
  test -f "$site/ecsim/__init__.py"
  # nothing from the build tree: only the prefix on the path, no model or config directory set
  env -u ECSIM_MODEL_DIR -u ECSIM_CONFIG_DIR PYTHONPATH="$site" "$python" - <<'PY'
import ecsim, numpy as np
assert "/site-packages/ecsim/" in ecsim.__file__, ecsim.__file__
net = ecsim.load_policy("run")
env = ecsim.Env(net.task, max_steps=30)
obs, _ = env.reset(seed=1)
net.reset(1)
chip = ecsim.Chip(config="configs/chip_default.json")
chip.load(net)
chip.reset(1)
assert np.array_equal(chip.step(obs), net.step(obs))
res = ecsim.evaluate("run", episodes=1, max_steps=30)
assert res["episodes"][0]["steps"] > 0
print("installed ecsim imports from", ecsim.__file__)
PY
fi
echo "installed ecsim works from $work"
