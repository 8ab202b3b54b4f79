#!/usr/bin/env bash
# scripts/rtl-coverage-summary.py on two small coverage files of one model (Verilator's format):
# the points of both files merge, a point hit in either counts as hit, and --missed names the rest.
set -euo pipefail
script=$1 dir=$2
mkdir -p "$dir" && cd "$dir"
point() { printf "C '\001f\002u.sv\001l\002%s\001page\002v_%s/u\001o\002%s\001h\002u.u' %s\n" "$@"; }
{ echo "# SystemC::Coverage-3"; point 3 line "" 5; point 4 branch if 0; point 5 toggle a 0; } >unit_coverage_1_0.dat
{ echo "# SystemC::Coverage-3"; point 3 line "" 0; point 4 branch if 0; point 5 toggle a 7; } >unit_coverage_1_1.dat
out=$(python3 "$script" --missed unit_coverage_1_0.dat unit_coverage_1_1.dat)
echo "$out"
grep -qxF '| unit_coverage | 1 / 1 | 0 / 1 | 1 / 1 | - |' <<<"$out"
grep -qxF 'unit_coverage: branch not hit: u.sv:4 if' <<<"$out"
[ "$(grep -c 'not hit' <<<"$out")" = 1 ]
if python3 "$script" 2>/dev/null; then echo "no files: expected exit 2"; exit 1; fi
echo PASS
