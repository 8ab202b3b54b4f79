#!/usr/bin/env bash
# Runs the popcount core under Icarus Verilog on vectors from the reference model.
set -euo pipefail
gen=$1 rtl=$2 tb=$3 dir=$4
mkdir -p "$dir" && cd "$dir"
"$gen" vectors.hex expected.hex
iverilog -g2012 -o tb.vvp "$rtl" "$tb"
out=$(vvp -n tb.vvp)
echo "$out"
grep -q '^PASS' <<<"$out"
