#!/usr/bin/env bash
# scripts/bench-scaling.py --quick against the built ecsim_bench writes the table, with the default
# chip's row and its simulated cycles per second, the PNG and the raw JSON; bad arguments to the
# script and to ecsim_bench --chip exit 2.
# usage: check_scaling.sh ECSIM_BENCH PYTHON SCRIPT
set -euo pipefail
bench=$1
python=$2
script=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! "$python" "$script" --quick --bench "$bench" --out "$out/fig" 2>"$out/log"; then
  cat "$out/log"
  exit 1
fi
md=$out/fig/scaling.md
cat "$md"
grep -Eq '^\| 256 \| [0-9.]+ \|' "$md"
grep -Eq '^\| 512 \| [0-9.]+ \|' "$md"
# | chip | cores | N | µs per env step | chip cycles per env step | simulated cycles per wall s |
grep -Eq '^\| ecsim-4core-256 \| 4 \| 256 \| [0-9.]+ \| [0-9]+ \| [0-9]+\.[0-9]+ M \|$' "$md"
[ "$(head -c 8 "$out/fig/scaling.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
"$python" -c 'import json, sys; [json.load(open(f)) for f in sys.argv[1:]]' "$out/fig/network.json" \
  "$out/fig/chip-default.json"
# a bad argument is a usage error (exit 2) before anything runs
set +e
"$python" "$script" --min-time 0 --bench "$bench" --out "$out/bad" 2>/dev/null
rc=$?
set -e
[ "$rc" = 2 ] && [ ! -e "$out/bad" ]
# so is a chip config ecsim_bench --chip cannot open
set +e
"$bench" --chip="$out/missing.json" --benchmark_filter=BM_ChipStep 2>"$out/chip.err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "fix:" "$out/chip.err"
echo "bench-scaling.py --quick: table, chip row and PNG written"
